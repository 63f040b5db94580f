// The built package, loaded as ESM through its own exports map.
import * as genstage from 'genstage';
import { VirtualClock } from 'genstage/testing';

const { GenStage } = genstage;
const source = await GenStage.fromIterable([1, 2, 3]);
const seen = [];
for await (const n of GenStage.stream([source])) seen.push(n);
if (seen.join() !== '1,2,3') throw new Error(`ESM smoke: got ${seen}`);
if (typeof VirtualClock !== 'function') throw new Error('ESM smoke: genstage/testing has no VirtualClock');
console.log(`ESM smoke ok${typeof genstage.Flow === 'function' ? ' (Flow present)' : ''}`);

// Worker stages from the built package, with a plain JavaScript worker module (no tsx here).
const double = 'data:text/javascript,export const double = (n) => n * 2;';
const doubled = await genstage.Flow.from([1, 2, 3], { stages: 2 }).pipe(genstage.inWorkers(double, 'double')).toArray();
if ([...doubled].sort().join() !== '2,4,6') throw new Error(`ESM smoke: inWorkers got ${doubled}`);
if ((await genstage.workerTask(double, 'double')(21)) !== 42) throw new Error('ESM smoke: workerTask');
console.log('ESM smoke ok (worker threads)');
