// The import rules of src/ (each folder's README says them in words). `npm test` runs
// `npm run lint:imports`; a rule broken is an error naming the importing file and the import.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the layout unreadable and the bundles order-dependent.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-shaka-player',
      severity: 'error',
      comment: 'keyflow drives the player it is given and never imports Shaka (src/shaka/types.ts types it structurally).',
      from: { path: '^src/' },
      to: { path: 'node_modules/shaka-player' },
    },
    {
      name: 'only-shaka-knows-shaka',
      severity: 'error',
      comment: 'Only src/shaka/ (and the entry points and keyflow.ts that compose it) may import src/shaka/.',
      from: { path: '^src/', pathNot: '^src/(shaka/|keyflow\\.ts$|core\\.ts$|index\\.ts$)' },
      to: { path: '^src/shaka/' },
    },
    {
      name: 'pssh-is-self-contained',
      severity: 'error',
      comment: 'The decoders run anywhere (the shaka-keyflow/pssh entry): nothing of ours outside src/pssh/.',
      from: { path: '^src/pssh/' },
      to: { path: '^src/', pathNot: '^src/pssh/' },
    },
    {
      name: 'util-is-self-contained',
      severity: 'error',
      comment: 'src/util/ holds platform helpers: nothing of ours outside src/util/.',
      from: { path: '^src/util/' },
      to: { path: '^src/', pathNot: '^src/util/' },
    },
    {
      name: 'telemetry-imports-api-util',
      severity: 'error',
      comment: 'Telemetry is counts and timings: api/ and util/ only.',
      from: { path: '^src/telemetry/' },
      to: { path: '^src/', pathNot: '^src/(telemetry|api|util)/' },
    },
    {
      name: 'retry-imports-api-util',
      severity: 'error',
      comment: 'The retry policy is pure: api/ and util/ only.',
      from: { path: '^src/retry/' },
      to: { path: '^src/', pathNot: '^src/(retry|api|util)/' },
    },
    {
      name: 'eme-imports-api',
      severity: 'error',
      comment: 'EME probes talk to the platform: api/ (key system names) only.',
      from: { path: '^src/eme/' },
      to: { path: '^src/', pathNot: '^src/(eme|api)/' },
    },
    {
      name: 'tokens-import-little',
      severity: 'error',
      comment: 'Token source, cache, expiry, broker and transport rule: api/ and util/ only.',
      from: { path: '^src/tokens/' },
      to: { path: '^src/', pathNot: '^src/(tokens|api|util)/' },
    },
    {
      name: 'presets-import-api-engine-util',
      severity: 'error',
      comment: 'A preset is data over the engine: api/, providers/ (engine, contract), util/ and the TokenSource type.',
      from: { path: '^src/providers/[^/]+\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(api/|providers/|util/|tokens/source\\.ts$)' },
    },
    {
      name: 'engine-imports-api-util-pssh',
      severity: 'error',
      comment: 'The wire engine: api/, util/, the pure decoders and the preset contract; never a preset.',
      from: { path: '^src/providers/engine/' },
      to: { path: '^src/', pathNot: '^src/(api/|util/|pssh/|providers/engine/|providers/preset\\.ts$)' },
    },
    {
      name: 'diagnostics-imports-api',
      comment: 'diagnostics/ explains failures and builds support reports from data: it reads api/ and util/ (redaction) only.',
      severity: 'error',
      from: { path: '^src/diagnostics/' },
      to: { path: '^src/', pathNot: '^src/(diagnostics|api|util)/' },
    },
    {
      name: 'api-imports-util-and-types-only',
      severity: 'error',
      comment:
        "The public vocabulary: util/ at run time; other folders only for types (the presets' option types, payload types), never shaka/.",
      from: { path: '^src/api/' },
      to: { path: '^src/', pathNot: '^src/(api|util)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-never-imports-shaka',
      severity: 'error',
      comment: 'The public vocabulary stays free of Shaka, even for types.',
      from: { path: '^src/api/' },
      to: { path: '^src/(shaka|eme|retry)/' },
    },
    {
      name: 'test-tools-stay-out',
      severity: 'error',
      comment: 'Test tools never reach the main bundles: nothing outside src/testing/ imports it.',
      from: { path: '^src/', pathNot: '^src/testing/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'test-tools-import-decoders-only',
      severity: 'error',
      comment:
        'The test CDM and emulators are written from the protocols, not from keyflow: of src/, only the pure decoders and the SOAP fault reader.',
      from: { path: '^src/testing/' },
      to: { path: '^src/', pathNot: '^src/(testing/|pssh/|providers/engine/soap-fault\\.ts$)' },
    },
    {
      name: 'shaka-never-imports-entry-points',
      severity: 'error',
      comment: 'The glue serves the entry points; it never imports them.',
      from: { path: '^src/shaka/' },
      to: { path: '^src/(keyflow|core|index|pssh-entry)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    exclude: { path: '^(test|dist|node_modules)/' },
  },
};
