// Builds every subpath export as ESM (.js) and CommonJS (.cjs), plus one bundled
// declaration file per subpath. Peers (rxjs, ix, node builtins) stay external.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { builtinModules } from 'node:module';

const entries = {
  index: 'src/index.ts',
  rxjs: 'src/interop/rxjs/index.ts',
  ix: 'src/interop/ix/index.ts',
  node: 'src/interop/node/index.ts',
  web: 'src/interop/web/index.ts',
  redis: 'src/connectors/redis/index.ts',
  testing: 'src/testing/index.ts',
};

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) ||
  /^(rxjs|ix|redis|ioredis)(\/|$)/.test(id);

export default [
  {
    input: entries,
    external,
    plugins: [typescript({ tsconfig: './tsconfig.build.json', declaration: false, outDir: 'dist' })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
    ],
  },
  ...Object.entries(entries).map(([name, input]) => ({
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { file: `dist/${name}.d.ts`, format: 'es' },
  })),
];
