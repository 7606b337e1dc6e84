// Builds the published files:
//   dist/shaka-keyflow.mjs         ESM for bundlers (eventemitter3 stays a dependency)
//   dist/shaka-keyflow.umd.js      UMD for <script> tags, global `shakaKeyflow`, eventemitter3 inlined
//   dist/shaka-keyflow.umd.min.js  the same, minified
//   dist/shaka-keyflow.d.ts        bundled type declarations
//   dist/testing/node.mjs          Node-side test servers (ExpressPlay emulator), never in the browser bundles
// keyflow never imports Shaka at run time (it drives the player instance it is given), so the UMD
// build needs no `shaka` global of its own; `shaka-player` is still mapped to the global `shaka`
// in case a future import appears.
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const banner = '/*! shaka-keyflow | Apache-2.0 */';
const browserTs = () =>
  typescript({ tsconfig: './tsconfig.json', declaration: false, declarationMap: false, sourceMap: true, outDir: 'dist', noEmitOnError: true });

export default [
  {
    input: 'src/index.ts',
    external: ['eventemitter3', 'shaka-player'],
    plugins: [browserTs()],
    output: { file: 'dist/shaka-keyflow.mjs', format: 'es', sourcemap: true, banner },
  },
  {
    input: 'src/index.ts',
    external: ['shaka-player'],
    plugins: [nodeResolve({ browser: true }), commonjs(), browserTs()],
    output: [
      { file: 'dist/shaka-keyflow.umd.js', format: 'umd', name: 'shakaKeyflow', globals: { 'shaka-player': 'shaka' }, sourcemap: true, banner },
      {
        file: 'dist/shaka-keyflow.umd.min.js',
        format: 'umd',
        name: 'shakaKeyflow',
        globals: { 'shaka-player': 'shaka' },
        sourcemap: true,
        banner,
        plugins: [terser({ format: { comments: /^!/ } })],
      },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [dts()],
    output: { file: 'dist/shaka-keyflow.d.ts', format: 'es' },
  },
  {
    input: 'src/testing/node/index.ts',
    external: [/^node:/],
    plugins: [dts({ tsconfig: './tsconfig.node.json' })],
    output: { file: 'dist/testing/node.d.ts', format: 'es' },
  },
  {
    input: 'src/testing/node/index.ts',
    external: [/^node:/],
    plugins: [typescript({ tsconfig: './tsconfig.node.json', declaration: false, declarationMap: false, sourceMap: false, outDir: 'dist/testing', noEmitOnError: true })],
    output: { file: 'dist/testing/node.mjs', format: 'es', banner },
  },
];
