// `npm pack` from a fresh checkout (the committed tree, no dist/) runs the `prepare` script, which
// builds dist/, and the tarball lists every file package.json points at (main, module, types,
// unpkg, exports, bin). Takes about 25 s (one rollup build); skipped outside a git checkout.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { ROOT } from './helpers.mjs';

/** Every file path package.json names for consumers. */
function advertisedFiles(pkg) {
  const out = new Set();
  const visit = (value) => {
    if (typeof value === 'string') out.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit([pkg.main, pkg.module, pkg.types, pkg.unpkg, pkg.bin, pkg.exports]);
  return [...out].filter((file) => file !== 'package.json');
}

test('npm pack from a fresh checkout builds dist/ (prepare) and packs it', { timeout: 240_000 }, (t) => {
  if (!existsSync(path.join(ROOT, '.git'))) {
    t.skip('not a git checkout');
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keyflow-pack-test-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  // The committed tree, as a clone would have it: no dist/.
  const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', tmp], { input: archive });
  assert.equal(existsSync(path.join(tmp, 'dist')), false, 'dist/ is not committed');
  // Its dev dependencies (rollup and friends), without a second install.
  if (!existsSync(path.join(tmp, 'node_modules'))) symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');

  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = spawnSync(npm, ['pack', '--dry-run', '--json'], { cwd: tmp, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(packed.status, 0, `npm pack failed:\n${packed.stderr}`);
  const files = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0].files.map((file) => file.path);

  assert.ok(existsSync(path.join(tmp, 'dist', 'shaka-keyflow.mjs')), 'prepare built dist/');
  assert.ok(
    files.some((file) => file.startsWith('dist/')),
    `no dist/* in the tarball: ${files.join(', ')}`,
  );
  const pkg = JSON.parse(readFileSync(path.join(tmp, 'package.json'), 'utf8'));
  for (const file of advertisedFiles(pkg)) assert.ok(files.includes(file), `${file} (named in package.json) is not in the tarball`);
  assert.ok(!files.some((file) => file.startsWith('src/') || file.startsWith('test/')), 'sources or tests in the tarball');
});

test('src/api/version.ts names the version package.json has (support reports quote it)', () => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const source = readFileSync(path.join(ROOT, 'src/api/version.ts'), 'utf8');
  assert.match(source, new RegExp(`KEYFLOW_VERSION = '${version.replace(/\./g, '\\.')}'`));
});
