// Builds the published files:
//   dist/shaka-keyflow.mjs         ESM for bundlers (eventemitter3 stays a dependency)
//   dist/shaka-keyflow.umd.js      UMD for <script> tags, global `shakaKeyflow`, eventemitter3 inlined
//   dist/shaka-keyflow.umd.min.js  the same, minified
//   dist/shaka-keyflow.d.ts, .d.mts  bundled type declarations (.d.ts for require, .d.mts for import)
//   dist/core.mjs, core.d.mts      shaka-keyflow/core: presets as objects, tree-shakeable
//   dist/pssh.mjs, pssh.d.mts      shaka-keyflow/pssh: the init-data decoders
//   dist/testing/node.mjs          Node-side test servers (ExpressPlay emulator), never in the browser bundles
//   dist/testing/index.mjs, .d.mts shaka-keyflow/testing: the browser test CDM (never in the main bundles)
//   dist/testing/test-cdm.umd.js   the same for <script> tags, global `shakaKeyflowTesting` (the demo)
// keyflow never imports Shaka at run time (it drives the player instance it is given), so the UMD
// build needs no `shaka` global of its own; `shaka-player` is still mapped to the global `shaka`
// in case a future import appears.
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const banner = '/*! shaka-keyflow | Apache-2.0 */';
// keyflow's private members end in `_` (this.ctx_, this.player_): their names are shortened in
// every browser build, which a bundler's minifier cannot do (they are properties). A size
// choice: the ESM files stay formatted and mapped, with short private names.
// Internal members whose names do not end in `_` (the record fields and methods the glue's parts
// call on each other) are listed here: never part of the public API, Shaka's objects or JSON.
const INTERNAL_MEMBERS = [
  'abandonOthers',
  'applyServers',
  'canRefreshToken',
  'carriesSecrets',
  'certificateFetched',
  'certificateKeySystem',
  'certificateSeen',
  'configuredCertificateKeySystem',
  'exchangeOf',
  'expirationChanged',
  'failedAttempt',
  'fetchStarting',
  'forError',
  'forResponse',
  'forcesHttp',
  'forgetSnapshot',
  'hasExpired',
  'hasTokenSource',
  'isCertificateChallenge',
  'keepCertificate',
  'keyStatusesChanged',
  'keySystemFacts',
  'knownSecrets',
  'lastKeySystem',
  'licenseDelivered',
  'licenseUrlFor',
  'loadFailed',
  'loadSignal',
  'loadStarted',
  'manifestAnswered',
  'manifestChanged',
  'manifestOf',
  'manifestRequested',
  'needsNewToken',
  'newLoad',
  'notBefore',
  'pendingError',
  'perAttemptFilters',
  'playerError',
  'playerServers',
  'prefetches',
  'recoverFromTokenRejection',
  'remember',
  'requestSent',
  'sentTo',
  'sentUrl',
  'sessionUpdated',
  'singleUse',
  'tokenAttempt',
  'tokenFor',
  'tokenReady',
  'tokenRefreshed',
  'tokenRequested',
  'wantedServers',
  'wantsInitData',
];
const privateNames = { properties: { regex: new RegExp(`_$|^(${INTERNAL_MEMBERS.join('|')})$`) } };
const shortPrivateNames = () =>
  terser({ compress: false, mangle: privateNames, format: { beautify: true, comments: /^!/, preserve_annotations: true } });
const browserTs = () =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: false,
    declarationMap: false,
    sourceMap: true,
    outDir: 'dist',
    noEmitOnError: true,
  });
const testingTs = () =>
  typescript({
    tsconfig: './tsconfig.json',
    declaration: false,
    declarationMap: false,
    sourceMap: true,
    outDir: 'dist/testing',
    noEmitOnError: true,
  });

export default [
  {
    input: 'src/index.ts',
    external: ['eventemitter3', 'shaka-player'],
    plugins: [browserTs()],
    output: { file: 'dist/shaka-keyflow.mjs', format: 'es', sourcemap: true, banner, plugins: [shortPrivateNames()] },
  },
  {
    input: 'src/index.ts',
    external: ['shaka-player'],
    plugins: [nodeResolve({ browser: true }), commonjs(), browserTs()],
    output: [
      {
        file: 'dist/shaka-keyflow.umd.js',
        format: 'umd',
        name: 'shakaKeyflow',
        globals: { 'shaka-player': 'shaka' },
        sourcemap: true,
        banner,
      },
      {
        file: 'dist/shaka-keyflow.umd.min.js',
        format: 'umd',
        name: 'shakaKeyflow',
        globals: { 'shaka-player': 'shaka' },
        sourcemap: true,
        banner,
        plugins: [terser({ mangle: privateNames, format: { comments: /^!/ } })],
      },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [dts()],
    // The package is CommonJS by default ("type": "commonjs", for the UMD): ESM importers get
    // .d.mts types so TypeScript reads them as ESM (publint, @arethetypeswrong/cli).
    output: [
      { file: 'dist/shaka-keyflow.d.ts', format: 'es' },
      { file: 'dist/shaka-keyflow.d.mts', format: 'es' },
    ],
  },
  // shaka-keyflow/core: Keyflow with preset objects, so unused presets are tree-shaken away.
  {
    input: 'src/core.ts',
    external: ['eventemitter3', 'shaka-player'],
    plugins: [browserTs()],
    output: { file: 'dist/core.mjs', format: 'es', sourcemap: true, banner, plugins: [shortPrivateNames()] },
  },
  {
    input: 'src/core.ts',
    plugins: [dts()],
    output: { file: 'dist/core.d.mts', format: 'es' },
  },
  // shaka-keyflow/pssh: the init-data decoders on their own.
  {
    input: 'src/pssh-entry.ts',
    plugins: [browserTs()],
    output: { file: 'dist/pssh.mjs', format: 'es', sourcemap: true, banner },
  },
  {
    input: 'src/pssh-entry.ts',
    plugins: [dts()],
    output: { file: 'dist/pssh.d.mts', format: 'es' },
  },
  {
    input: 'src/testing/node/index.ts',
    external: [/^node:/],
    plugins: [dts({ tsconfig: './tsconfig.node.json' })],
    output: { file: 'dist/testing/node.d.mts', format: 'es' },
  },
  {
    input: 'src/testing/node/index.ts',
    external: [/^node:/],
    // rootDir: the emulator also compiles the shared pure codecs under src/testing/ and src/pssh/.
    plugins: [
      typescript({
        tsconfig: './tsconfig.node.json',
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        outDir: 'dist/testing',
        rootDir: 'src',
        noEmitOnError: true,
      }),
    ],
    output: { file: 'dist/testing/node.mjs', format: 'es', banner },
  },
  // shaka-keyflow/testing: the browser test CDM and the emulated-message codecs. src/index.ts never
  // imports src/testing/, so none of it can reach the main bundles.
  {
    input: 'src/testing/index.ts',
    plugins: [testingTs()],
    output: [
      { file: 'dist/testing/index.mjs', format: 'es', sourcemap: true, banner },
      // For <script> tags (the demo): global `shakaKeyflowTesting`.
      { file: 'dist/testing/test-cdm.umd.js', format: 'umd', name: 'shakaKeyflowTesting', sourcemap: true, banner },
    ],
  },
  {
    input: 'src/testing/index.ts',
    plugins: [dts()],
    output: { file: 'dist/testing/index.d.mts', format: 'es' },
  },
];
