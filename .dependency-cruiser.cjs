// Import boundaries of src/ (issue 13 item 9), checked by `npm run boundaries` in .ci/run.
// The self-test spec/boundaries.spec.ts runs this same file on a throw-away tree with
// deliberate violations, so a rule that stops matching fails a spec.
//
// LAYERS mirrors the "Layers" table of /work/shared/DESIGN.md (bottom first): a module may
// import its own layer and the layers before it in this list, never one after it. Today's
// folders are listed, plus the folder names the layout moves them to (core/actor,
// supervision, workers), so a move does not leave files outside every layer. A file of src/
// that matches no layer fails `not-in-a-layer`: add it here first.
//
// Each layer is a list of path patterns (JavaScript regular expressions over paths
// relative to the repository root).
// The known module-level violations are .dependency-cruiser-known-violations.json. When a
// change removes some, regenerate it from a clean checkout of the commit (not a working
// tree with others' edits), so it only loses entries:
//   npx depcruise src --config .dependency-cruiser.cjs --output-type baseline --output-to .dependency-cruiser-known-violations.json
/** Folders in a known folder-level cycle (see no-folder-cycle): none since issue 13's sink and dispatcher moves. */
const KNOWN_CYCLE_FOLDERS = [];

const LAYERS = [
  // actor runtime: process, scheduler, clock, logger, reason, errors, validate, deque,
  // diagnostics, builtins (runtime/worker-*.ts belong to the workers layer)
  { name: 'runtime', paths: ['^src/runtime/(?!worker-)[^/]+$', '^src/core/actor/'] },
  // the stage kernel: internal entry, protocol, API, dispatchers
  { name: 'kernel', paths: ['^src/core/(?!actor/)', '^src/stage/', '^src/dispatchers/'] },
  { name: 'io', paths: ['^src/io/'] },
  { name: 'supervision', paths: ['^src/supervisor/(?!worker-task\\.ts$)', '^src/supervision/'] },
  {
    name: 'flow',
    paths: ['^src/flow/(?!worker-stage\\.ts$|layer-worker\\.ts$|operators/inWorkers\\.ts$)'],
  },
  {
    name: 'workers',
    paths: [
      '^src/runtime/worker-[^/]+$',
      '^src/flow/worker-stage\\.ts$',
      '^src/flow/layer-worker\\.ts$',
      '^src/flow/operators/inWorkers\\.ts$',
      '^src/supervisor/worker-task\\.ts$',
      '^src/workers/',
    ],
  },
  { name: 'interop', paths: ['^src/interop/'] },
  { name: 'connectors', paths: ['^src/connectors/'] },
  { name: 'dashboard', paths: ['^src/dashboard/'] },
];

// Beside the order: genstage/testing (the virtual clock) may import the runtime only.
const TESTING = '^src/testing/';

// Package entries (package.json "exports") and the folder barrels src/index.ts gathers:
// each may import every layer. Nothing imports a package entry; a barrel is imported by
// the entries only (a module imports the file that defines what it needs, so a barrel
// that re-exports the workers layer does not pull it under flow or supervision).
const ENTRIES = [
  '^src/index\\.ts$',
  '^src/interop/(rxjs|ix|node|web)/index\\.ts$',
  '^src/connectors/redis/index\\.ts$',
  '^src/testing/index\\.ts$',
  '^src/dashboard/index\\.ts$',
  '^src/worker\\.ts$',
];
const BARRELS = ['^src/(flow|supervisor|supervision|workers)/index\\.ts$'];

// The kernel's implementation: the stage process and its role, message and call files,
// the callbacks-to-process bindings, the actor process and the scheduler. Outside the
// kernel (and the runtime they live in), code reaches them only through
// src/core/internal.ts. The kernel's public modules (handle, stage base classes,
// gen-stage, types, options, subscription, dispatchers) are not listed: anyone may import
// them. The role files StageProcess is composed of are listed with it.
const KERNEL_INTERNALS = [
  '^src/stage/(stage-process|messages|calls|bindings|buffer|role|producer-side|consumer-side|pc-queue|demand-mode|lifecycle|producer-buffer|stage-exit)\\.ts$',
  '^src/stage/(process|protocol|roles)/',
  '^src/core/(actor|protocol)/',
  '^src/runtime/(process|scheduler)\\.ts$',
];
const KERNEL_AND_RUNTIME = [...LAYERS[0].paths, ...LAYERS[1].paths];

const any = (patterns) => patterns.map((p) => `(?:${p})`).join('|');
const layerPaths = (i) => LAYERS[i].paths;
const above = (i) => LAYERS.slice(i + 1).flatMap((l) => l.paths);

const upwardRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.name}`,
  severity: 'error',
  comment:
    `${layer.name} imports from a layer above it (order: ${LAYERS.map((l) => l.name).join(' < ')}; ` +
    'see LAYERS in .dependency-cruiser.cjs and the Layers table of DESIGN.md)',
  from: {
    path: any(layerPaths(i)),
    // a path in two layers counts as the higher one (runtime/worker-*.ts is workers)
    pathNot: any([...above(i), ...ENTRIES, ...BARRELS]),
  },
  to: { path: any(above(i)) },
}));

module.exports = {
  forbidden: [
    ...upwardRules,
    {
      name: 'testing-imports-runtime-only',
      severity: 'error',
      comment: 'genstage/testing (the virtual clock) may import the actor runtime only',
      from: { path: TESTING },
      to: { path: '^src/', pathNot: any([TESTING, ...LAYERS[0].paths]) },
    },
    {
      name: 'no-import-of-an-entry',
      severity: 'error',
      comment: 'a package entry is imported by users only; import the module that defines the name',
      from: { path: '^src/' },
      to: { path: any(ENTRIES) },
    },
    {
      name: 'barrels-from-entries-only',
      severity: 'error',
      comment: 'a folder barrel (flow/index.ts, supervisor/index.ts) is for the package entries; import the module that defines the name',
      from: { path: '^src/', pathNot: any(ENTRIES) },
      to: { path: any(BARRELS) },
    },
    {
      name: 'kernel-internals-through-core-internal',
      severity: 'error',
      comment:
        'outside the kernel, the stage process, its messages, the bindings, runtime/process.ts and ' +
        'runtime/scheduler.ts are reached only through src/core/internal.ts',
      from: { path: '^src/', pathNot: any(KERNEL_AND_RUNTIME) },
      to: { path: any(KERNEL_INTERNALS) },
    },
    {
      name: 'no-cycle-across-folders',
      severity: 'error',
      comment: 'an import cycle that passes through more than one folder (the cycle is listed)',
      from: { path: '^(src/.*?)[^/]+$' },
      to: { circular: true, pathNot: '^$1[^/]+$' },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      scope: 'folder',
      comment:
        'two top-level folders of src/ import each other (through any modules), ' +
        'even when no single module is in a cycle',
      // dependency-cruiser cannot baseline folder-level violations, so a folder in a known
      // folder cycle would have to be exempted here (KNOWN_CYCLE_FOLDERS). There are none:
      // the kernel imports neither io/ (the sink is stage/sink.ts) nor dispatchers/ (the
      // Dispatcher interface and the default DemandDispatcher are in stage/), and
      // runtime/diagnostics.ts names no stage type. Every folder is checked in full.
      from: {
        path: '^(src/[^/]+)',
        ...(KNOWN_CYCLE_FOLDERS.length > 0 ? { pathNot: `^src/(${KNOWN_CYCLE_FOLDERS.join('|')})(?:/|$)` } : {}),
      },
      to: { circular: true, pathNot: '^$1(?:/|$)' },
    },
    {
      name: 'not-in-a-layer',
      severity: 'error',
      comment: 'every module of src/ belongs to a layer of LAYERS (or is testing or an entry)',
      from: { path: '^src/', pathNot: any([...LAYERS.flatMap((l) => l.paths), TESTING, ...ENTRIES, ...BARRELS]) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports count: a layer does not name the types of a layer above it either
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    skipAnalysisNotInRules: true,
  },
};
