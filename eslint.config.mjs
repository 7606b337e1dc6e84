// ESLint: typescript-eslint's recommended rules on the sources, tests, scripts, demo and examples.
// Import rules live in .dependency-cruiser.cjs (npm run lint:imports); formatting in Prettier.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'docs/api/', 'node_modules/', 'examples/esm/dist/', 'content/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // Binary and wire formats: matching control characters is the point (XML, headers, text checks).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Small files with one job, small functions: the glue (src/ but the test tools and the decoders).
    files: ['src/**/*.ts'],
    ignores: ['src/testing/**', 'src/pssh/**'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
