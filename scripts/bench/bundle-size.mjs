// Bundle sizes for the benchmark, from size-limit (the tool and the rows `npm test` enforces,
// .size-limit.cjs: gzip after minification; the ESM rows are one-line consumers bundled and
// tree-shaken by esbuild, eventemitter3 included), plus a breakdown of the core + ExpressPlay
// bundle by part (esbuild metafile from src/).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './server.mjs';

/** The consumer whose bundle is broken down by part. */
const CORE_CONSUMER = "export { Keyflow, expressPlay } from './src/core.ts';";

/** Runs size-limit on the built dist/ and returns its rows ({ name, size, sizeLimit, passed }). */
function sizeLimitRows() {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'size-limit');
  let out;
  try {
    out = execFileSync(bin, ['--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    out = error.stdout; // size-limit exits 1 when a row is over its limit; the JSON is still there
  }
  return JSON.parse(out);
}

/** Which part of keyflow a source file belongs to, for the size breakdown. */
function partOf(file) {
  if (file.includes('node_modules/eventemitter3')) return 'eventemitter3';
  if (file.startsWith('src/pssh/')) return 'PSSH / init-data decoders (src/pssh)';
  if (file === 'src/providers/expressplay.ts' || file === 'src/providers/engine/soap-fault.ts') return 'ExpressPlay preset (+ SOAP faults)';
  if (file.startsWith('src/providers/engine/')) return 'wire engine (src/providers/engine)';
  if (/^src\/providers\/(custom|clearkey)\.ts$/.test(file)) return 'custom + clearkey presets';
  if (/^src\/(keyflow|core)\.ts$/.test(file) || file.startsWith('src/shaka/')) return 'Shaka glue (src/shaka/)';
  return 'core helpers (config, tokens, errors, url, ...)';
}

/**
 * What the core + ExpressPlay bundle is made of, by part: esbuild bundles the consumer from src/
 * (minified, not gzipped) and reports each input's bytes in the output.
 */
async function composition() {
  const result = await esbuild.build({
    stdin: { contents: CORE_CONSUMER, resolveDir: ROOT, loader: 'ts' },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const parts = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const part = partOf(file);
    parts[part] = (parts[part] ?? 0) + bytesInOutput;
  }
  return Object.entries(parts)
    .map(([part, bytes]) => ({ part, bytes, share: bytes / output.bytes }))
    .sort((x, y) => y.bytes - x.bytes);
}

/**
 * @returns {Promise<{ rows: { name: string, size: number, sizeLimit: number, passed: boolean }[],
 *   umd: { gzip: number }, esm: { gzip: number }, presets: { name: string, gzip: number }[],
 *   composition: { part: string, bytes: number, share: number }[] }>}
 *   `presets`: what each preset adds to core + ExpressPlay (the difference of two size-limit rows)
 */
export async function measureBundleSizes() {
  const rows = sizeLimitRows();
  const row = (prefix) => rows.find((r) => r.name.startsWith(prefix));
  const esm = row('core + ExpressPlay (');
  const presets = rows
    .filter((r) => /^core \+ ExpressPlay \+ /.test(r.name))
    .map((r) => ({ name: /\+ (\w+) \(/.exec(r.name.slice('core + ExpressPlay'.length))?.[1] ?? r.name, gzip: r.size - esm.size }));
  return {
    rows,
    umd: { gzip: row('full UMD').size },
    esm: { gzip: esm.size },
    presets,
    composition: await composition().catch(() => []),
  };
}
