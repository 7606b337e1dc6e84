#!/usr/bin/env node
// Runs the whole Karma suite once per supported Shaka Player line (5.x, then the latest 4.x) in
// headless Chromium, then on Shaka 5.x in headless Firefox (Debian's firefox-esr), then the
// playback specs (test/e2e/*-playback.spec.ts: every key system, DASH and HLS, every preset) on
// Shaka 4.x in Firefox, sequentially, and prints one total line "N passed, N failed". Exits
// non-zero if any run failed.
// Usage: node scripts/test-matrix.mjs [5] [4] [firefox:5] [firefox:4] [chromium:5] [firefox:4:playback] ...
//   (a bare line means Chromium; a third part names a subset of SUBSETS; default:
//   5 4 firefox:5 firefox:4:playback)
// Without a Firefox (no FIREFOX_BIN, /usr/bin/firefox-esr or /usr/bin/firefox), the Firefox runs
// are skipped with a warning; in CI (CI=true) that is a failure: .ci/run installs firefox-esr.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Spec subsets a run may be limited to (KEYFLOW_SPECS globs). */
const SUBSETS = { playback: 'test/e2e/*-playback.spec.ts' };
const DEFAULT_RUNS = ['5', '4', 'firefox:5', 'firefox:4:playback'];
const runs = (process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_RUNS).map((arg) => {
  const [browser, line, subset] = arg.includes(':') ? arg.split(':') : ['chromium', arg];
  if (subset && !SUBSETS[subset]) throw new Error(`unknown spec subset "${subset}" (known: ${Object.keys(SUBSETS).join(', ')})`);
  return { browser, line, subset };
});
const hasFirefox = !!process.env.FIREFOX_BIN || ['/usr/bin/firefox-esr', '/usr/bin/firefox'].some((p) => existsSync(p));
let passed = 0;
let failed = 0;
let broken = false;
const done = [];
for (const { browser, line, subset } of runs) {
  const what = subset ? `the ${subset} specs` : 'Karma suite';
  if (browser === 'firefox' && !hasFirefox) {
    console.warn(
      `\n=== SKIPPED: ${what} on Shaka Player ${line}.x in Firefox: no Firefox here (apt-get install firefox-esr, or set FIREFOX_BIN) ===`,
    );
    if (process.env.CI) broken = true;
    continue;
  }
  console.log(`\n=== ${what} on Shaka Player ${line}.x in ${browser} ===`);
  const started = Date.now();
  const run = spawnSync('npx', ['karma', 'start', 'karma.conf.cjs', '--single-run'], {
    env: { ...process.env, SHAKA_LINE: line, KEYFLOW_BROWSERS: browser, ...(subset ? { KEYFLOW_SPECS: SUBSETS[subset] } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(run.stdout ?? '');
  const summary = /(\d+) passed, (\d+) failed/.exec(run.stdout ?? '');
  if (summary) {
    passed += Number(summary[1]);
    failed += Number(summary[2]);
  }
  if (run.status !== 0 || !summary) broken = true;
  done.push(
    `${browser} + Shaka ${line}.x${subset ? ` (${subset})` : ''}: ${summary ? `${summary[1]} passed, ${summary[2]} failed` : 'no result'} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
console.log(`\n${done.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken || failed ? 1 : 0);
