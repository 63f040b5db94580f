// The built package, loaded as CommonJS through its own exports map.
const { GenStage } = require('genstage');
const { VirtualClock } = require('genstage/testing');

(async () => {
  const source = await GenStage.fromIterable([1, 2, 3]);
  const seen = [];
  for await (const n of GenStage.stream([source])) seen.push(n);
  if (seen.join() !== '1,2,3') throw new Error(`CJS smoke: got ${seen}`);
  if (typeof VirtualClock !== 'function') throw new Error('CJS smoke: genstage/testing has no VirtualClock');
  console.log('CJS smoke ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
