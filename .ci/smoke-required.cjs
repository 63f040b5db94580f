// The CommonJS half of smoke-mixed.mjs: a CommonJS module (as a dependency of an
// application would be) that require()s genstage while the application imports it.
const genstage = require('genstage');
const testing = require('genstage/testing');

module.exports = {
  genstage,
  testing,
  /** A producer started by the required copy. */
  source: (items) => genstage.GenStage.fromIterable(items),
  /** A flow built by the required copy over stages started by the importing side. */
  sum: (stages) => genstage.Flow.fromStages(stages).pipe(genstage.reduce(() => [0], (n, [acc]) => [acc + n])).toArray(),
};
