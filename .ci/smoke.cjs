// The built package, loaded with require() through its own exports map (ES modules only:
// Node >= 20.19 require()s them synchronously).
const { GenStage } = require('genstage');
const { VirtualClock } = require('genstage/testing');

(async () => {
  const source = await GenStage.fromIterable([1, 2, 3]);
  const seen = [];
  for await (const n of GenStage.stream([source])) seen.push(n);
  if (seen.join() !== '1,2,3') throw new Error(`CJS smoke: got ${seen}`);
  if (typeof VirtualClock !== 'function') throw new Error('CJS smoke: genstage/testing has no VirtualClock');
  console.log('CJS smoke ok');
  // Worker stages through require(), with a plain JavaScript worker module.
  const { Flow, inWorkers } = require('genstage');
  const double = 'data:text/javascript,export const double = (n) => n * 2;';
  const doubled = await Flow.from([1, 2, 3]).pipe(inWorkers(double, 'double')).toArray();
  if (doubled.join() !== '2,4,6') throw new Error(`CJS smoke: inWorkers got ${doubled}`);
  console.log('CJS smoke ok (worker threads)');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
