#!/usr/bin/env node
// Consumers' builds, checked against the package as npm would publish it (`npm pack`: its `files`,
// `exports` and bundled .d.ts), installed into a temporary folder next to shaka-player:
//   1. a strict TypeScript project (test/consumers/types/) compiles with no errors against
//      shaka-player 5.x and 4.x typings; its `@ts-expect-error` lines prove that wrong option names
//      and wrong event payload accesses ARE errors (tsc fails on an unused one);
//   2. examples/esm/app.js (`import shaka from 'shaka-player'; import { Keyflow } from
//      'shaka-keyflow'`) bundles with esbuild into examples/esm/dist/app.js, which the Karma e2e
//      spec test/e2e/examples.spec.ts then plays under a strict CSP;
//   3. shaka-keyflow/core tree-shakes the presets an app does not import;
//   4. the packed package's metadata: publint (exports, files, fields) and
//      @arethetypeswrong/cli (every entry's types resolve, and as the right module kind, under
//      node16 and bundler resolution; the subpaths are ESM-only by design, so "CJS resolves to
//      ESM" is allowed; node10 resolution, which ignores "exports", is not checked).
// Run after `npm run build` (npm test's pretest does). Prints one PASS/FAIL line per check and
// exits non-zero if any failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = [];
const record = (name, ok, detail = '') => {
  results.push({ name, ok });
  console.log(`${ok ? 'PASS' : 'FAIL'} consumer check: ${name}${detail ? `\n${detail}` : ''}`);
};

if (!existsSync(path.join(ROOT, 'dist', 'shaka-keyflow.d.mts'))) {
  console.error('FAIL consumer checks: dist/ is missing, run `npm run build` first');
  process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'keyflow-consumers-'));
try {
  // The package as published: npm pack, unpacked into <work>/node_modules/shaka-keyflow.
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const modules = path.join(work, 'node_modules');
  const pkgDir = path.join(modules, 'shaka-keyflow');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, filename), '-C', pkgDir, '--strip-components=1']);
  // Its dependency and peer dependency, from this checkout (no registry access needed).
  symlinkSync(path.join(ROOT, 'node_modules', 'eventemitter3'), path.join(modules, 'eventemitter3'), 'dir');
  const shakaLink = path.join(modules, 'shaka-player');

  // 1. The strict TypeScript consumer, against each Shaka line's typings.
  const typesDir = path.join(work, 'types');
  cpSync(path.join(ROOT, 'test', 'consumers', 'types'), typesDir, { recursive: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [label, shakaPkg] of [
    ['shaka-player 5.x', 'shaka-player'],
    ['shaka-player 4.x', 'shaka-player-4'],
  ]) {
    const shakaDir = path.join(ROOT, 'node_modules', shakaPkg);
    if (!existsSync(shakaDir)) {
      record(`strict TypeScript project (${label})`, false, `  node_modules/${shakaPkg} is missing: npm install`);
      continue;
    }
    rmSync(shakaLink, { force: true });
    symlinkSync(shakaDir, shakaLink, 'dir');
    const version = JSON.parse(readFileSync(path.join(shakaDir, 'package.json'), 'utf8')).version;
    const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: typesDir, encoding: 'utf8' });
    const out = `${run.stdout}${run.stderr}`.trim();
    record(
      `strict TypeScript project compiles, options and events typed (shaka-player ${version})`,
      run.status === 0,
      out && indent(out.replaceAll(work, '<tmp>')),
    );
  }

  // 2. The ESM example, bundled against the packed package and Shaka 5.x.
  rmSync(shakaLink, { force: true });
  symlinkSync(path.join(ROOT, 'node_modules', 'shaka-player'), shakaLink, 'dir');
  const esmDir = path.join(work, 'esm');
  mkdirSync(esmDir);
  cpSync(path.join(ROOT, 'examples', 'esm', 'app.js'), path.join(esmDir, 'app.js'));
  const outfile = path.join(ROOT, 'examples', 'esm', 'dist', 'app.js');
  try {
    const result = await build({
      entryPoints: [path.join(esmDir, 'app.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outfile,
      logLevel: 'silent',
      metafile: true,
      // Resolve only from the temporary install: never from this checkout's own sources.
      preserveSymlinks: false,
    });
    const inputs = Object.keys(result.metafile.inputs);
    const keyflowFrom = inputs.filter((p) => p.includes('shaka-keyflow/dist/'));
    const ok = keyflowFrom.length > 0 && !inputs.some((p) => p.includes('/src/'));
    const size = result.metafile.outputs[path.relative(process.cwd(), outfile)]?.bytes;
    record(
      `examples/esm bundles with esbuild (${path.relative(ROOT, outfile)}${size ? `, ${Math.round(size / 1024)} KiB` : ''})`,
      ok,
      ok ? '' : indent(`keyflow resolved from: ${inputs.filter((p) => p.includes('keyflow')).join(', ') || 'nowhere'}`),
    );
  } catch (error) {
    record('examples/esm bundles with esbuild', false, indent(String(error.message ?? error)));
  }

  // 3. Tree-shaking: a bundle of `Keyflow` + the ExpressPlay preset from shaka-keyflow/core leaves
  //    the other presets and the PSSH decoders out; the same check on the main entry (presets by
  //    name) finds them, so the check can fail.
  const markers = {
    'custom preset': 'must give the license URL', // from the check of a wire spec, which only the custom preset runs
    'clearkey preset': 'dashif.org/drm-problems', // DASH-IF problem types, only the clearkey preset
    'PSSH decoders': 'WRMHEADER', // the PlayReady header decoder
  };
  const bundleText = async (source) => {
    const entry = path.join(work, `treeshake-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(entry, source);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  };
  try {
    const core = await bundleText("export { Keyflow, expressPlay } from 'shaka-keyflow/core';\n");
    const full = await bundleText("export { Keyflow } from 'shaka-keyflow';\n");
    const keptInCore = Object.entries(markers)
      .filter(([, marker]) => core.includes(marker))
      .map(([name]) => name);
    const missingInFull = Object.entries(markers)
      .filter(([, marker]) => !full.includes(marker))
      .map(([name]) => name);
    const ok = core.includes('ExpressPlayToken') && keptInCore.length === 0 && missingInFull.length === 0;
    record(
      `shaka-keyflow/core tree-shakes unused presets (Keyflow + expressPlay: ${Math.round(core.length / 1024)} KiB minified; main entry: ${Math.round(full.length / 1024)} KiB)`,
      ok,
      ok ? '' : indent(`kept in core: ${keptInCore.join(', ') || '-'}; not found in the main entry: ${missingInFull.join(', ') || '-'}`),
    );
  } catch (error) {
    record('shaka-keyflow/core tree-shakes unused presets', false, indent(String(error.message ?? error)));
  }

  // 4. publint and @arethetypeswrong/cli on the tarball as published.
  const tarball = path.join(work, filename);
  const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
  const publint = spawnSync(bin('publint'), ['run', tarball, '--strict'], { cwd: ROOT, encoding: 'utf8' });
  record(
    'publint: package.json exports, files and fields',
    publint.status === 0,
    publint.status === 0 ? '' : indent(`${publint.stdout}${publint.stderr}`.trim()),
  );
  const attw = spawnSync(
    bin('attw'),
    [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  record(
    '@arethetypeswrong/cli: types of every entry (node16, bundler)',
    attw.status === 0,
    attw.status === 0 ? '' : indent(`${attw.stdout}${attw.stderr}`.trim()),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`consumer checks: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function indent(text) {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
