// Bundle sizes for the benchmark: minified and gzipped (zlib level 9), in bytes.
//   - the full UMD build as published (dist/shaka-keyflow.umd.min.js, eventemitter3 inlined);
//   - what an app bundling only `Keyflow` (+ the ExpressPlay preset) from the ESM build ships: a
//     one-line consumer bundled with rollup (node-resolve + commonjs for eventemitter3) and terser.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import * as esbuild from 'esbuild';
import { rollup } from 'rollup';
import { ROOT } from './server.mjs';

/**
 * The one-line consumers bundled for the tree-shaken size: `Keyflow` + the ExpressPlay preset from
 * the `shaka-keyflow/core` entry (presets as objects, so the others are left out), and, for
 * comparison, `Keyflow` from the main entry (which picks presets by name, so it keeps them all).
 * `<repo>` is replaced by the repository path. `--consumer "<source>"` overrides the first.
 */
export const CORE_CONSUMER = "export { Keyflow, expressPlay } from '<repo>/dist/core.mjs';";
export const MAIN_CONSUMER = "export { Keyflow } from '<repo>/dist/shaka-keyflow.mjs';";

/** The consumer measured against the ESM target: the core entry when the build has it. */
export function defaultConsumer() {
  return existsSync(path.join(ROOT, 'dist', 'core.mjs')) ? CORE_CONSUMER : MAIN_CONSUMER;
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).byteLength;

/** Bundles `source` (an ES module) with rollup + terser; returns the minified code. */
async function bundleConsumer(source) {
  const ENTRY = '\0keyflow-bench-consumer';
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      { name: 'consumer', resolveId: (id) => (id === ENTRY ? ENTRY : null), load: (id) => (id === ENTRY ? source : null) },
      nodeResolve({ browser: true, rootDir: ROOT }),
      commonjs(),
    ],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({ format: 'es', plugins: [terser({ format: { comments: false } })] });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

/** Which part of keyflow a source file belongs to, for the size breakdown. */
function partOf(file) {
  if (file.includes('node_modules/eventemitter3')) return 'eventemitter3';
  if (file.startsWith('src/pssh/')) return 'PSSH / init-data decoders (src/pssh)';
  if (file === 'src/providers/expressplay.ts' || file === 'src/providers/engine/soap-fault.ts') return 'ExpressPlay preset (+ SOAP faults)';
  if (/^src\/providers\/(custom|clearkey)\.ts$/.test(file) || file.startsWith('src/providers/engine/')) return 'custom + clearkey presets, wire engine';
  if (/^src\/(keyflow|core)\.ts$/.test(file) || file.startsWith('src/shaka/')) return 'Shaka glue (src/shaka/)';
  return 'core helpers (config, tokens, errors, url, ...)';
}

/**
 * What the consumer's bundle is made of, by part: esbuild bundles the consumer from src/
 * (minified, not gzipped) and reports each input's bytes in the output. Only approximates the
 * rollup + terser bundle, to say where the bytes come from.
 */
async function composition(consumer) {
  // The consumer, pointed at the sources of the dist file it imports.
  const contents = consumer
    .replace(/<repo>\/dist\/core\.mjs/, './src/core.ts')
    .replace(/<repo>\/dist\/shaka-keyflow\.mjs/, './src/index.ts');
  if (contents.includes('<repo>')) return [];
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
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
 * @param {{ consumer?: string }} options
 * @returns {Promise<{ umd: { file: string, min: number, gzip: number },
 *   esm: { consumer: string, min: number, gzip: number },
 *   esmMain: { consumer: string, min: number, gzip: number } | null,
 *   composition: { part: string, bytes: number, share: number }[] }>}
 */
export async function measureBundleSizes({ consumer = defaultConsumer() } = {}) {
  const umdFile = path.join(ROOT, 'dist', 'shaka-keyflow.umd.min.js');
  const umd = readFileSync(umdFile);
  const repo = ROOT.split(path.sep).join('/');
  const measure = async (line) => {
    const code = Buffer.from(await bundleConsumer(line.replaceAll('<repo>', repo)));
    return { consumer: line, min: code.byteLength, gzip: gzip(code) };
  };
  return {
    umd: { file: path.relative(ROOT, umdFile), min: umd.byteLength, gzip: gzip(umd) },
    esm: await measure(consumer),
    esmMain: consumer === MAIN_CONSUMER ? null : await measure(MAIN_CONSUMER),
    composition: await composition(consumer).catch(() => []),
  };
}
