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
