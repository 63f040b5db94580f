// One process, two module systems: this ES module imports genstage, and the CommonJS
// module it loads require()s it. The package is ES modules only, so both get the same
// module instance: one scheduler, one Stage class, stages and flows pass between them.
import * as imported from 'genstage';
import * as importedTesting from 'genstage/testing';
import required from './smoke-required.cjs';

const check = (ok, what) => {
  if (!ok) throw new Error(`mixed smoke: ${what}`);
};
check(required.genstage === imported, "require('genstage') is not the namespace import('genstage') gives");
check(required.genstage.Stage === imported.Stage, 'two Stage classes');
check(required.testing.VirtualClock === importedTesting.VirtualClock, 'two VirtualClock classes');

// A stage started through require(), used by a flow built through import.
const fromRequired = await required.source([1, 2, 3]);
check(fromRequired instanceof imported.Stage, 'a required stage is not an imported Stage');
const doubled = await imported.Flow.fromStages([fromRequired]).pipe(imported.map((n) => n * 2)).toArray();
check(doubled.join() === '2,4,6', `Flow.fromStages over a required stage gave ${doubled}`);

// A stage started through import, used by a flow built through require().
const fromImported = await imported.GenStage.fromIterable([10, 20, 30]);
const sums = await required.sum([fromImported]);
check(sums.join() === '60', `a required Flow over an imported stage gave ${sums}`);
console.log('mixed import/require smoke ok (one copy)');
