// `npm run docs`: the API reference of every public entry, in docs/api (gitignored).
// Warnings fail the build; `intentionallyNotExported` lists the internal types that a
// public signature still names, each with its reason.
/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'genstage',
  entryPoints: [
    'src/index.ts',
    'src/interop/rxjs/index.ts',
    'src/interop/ix/index.ts',
    'src/interop/node/index.ts',
    'src/interop/web/index.ts',
    'src/connectors/redis/index.ts',
    'src/testing/index.ts',
    'src/dashboard/index.ts',
  ],
  tsconfig: 'tsconfig.build.json',
  out: 'docs/api',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  // No git remote in every checkout: source links would be broken.
  disableSources: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: false },
  intentionallyNotExported: [
    // Behind Window's `/** @internal */` constructor parameter property `fields`, which
    // TypeDoc does not read as internal; the shipped declarations strip it. (Stage,
    // Flow and DynamicSupervisor hold their process or plan in #private fields now.)
    'WindowFields',
    // The queues behind PartitionDispatcher's protected `slots` (its shared base class).
    'PartitionSlot',
    // An inference helper of DynamicSupervisor.startChild; it expands to the arguments tuple.
    'ArgsOf',
    // RedisStreamProducer.options: the validated options with their defaults applied.
    'Checked',
  ],
};
