// Loads a TypeScript module of this repository into Node: esbuild bundles it (with everything it
// imports from src/ and test/) to an ES module in a fresh temporary folder, which is imported and
// then removed. Used by scripts/fuzz.mjs and scripts/bench/worst-case.mjs, so they run the same
// code as the Karma specs, straight from the sources (no `npm run build` needed).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Imports `entry` (a path relative to the repository root, e.g. `test/pssh/fuzz-inputs.ts`).
 *
 * @returns the module's exports
 */
export async function loadTs(entry) {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-ts-'));
  const outfile = path.join(dir, `${path.basename(entry).replace(/\.ts$/, '')}.mjs`);
  try {
    await build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node18',
      outfile,
      logLevel: 'warning',
      // package.json says "sideEffects": false; nothing here relies on dropping unused imports.
      ignoreAnnotations: true,
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
