// What the bench's two modes share (run.mjs: loopback, network.mjs: the real-network mode):
// statistics, the headless Chromium, a page run, number formatting.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((x, y) => x - y);
  const round = (v) => Math.round(v * 10) / 10;
  return {
    n: sorted.length,
    median: round(quantile(sorted, 0.5)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    p10: round(quantile(sorted, 0.1)),
    p90: round(quantile(sorted, 0.9)),
    samples: sorted.map(round),
  };
}

/** Request counts of one load across runs: the median of each kind, and the range when runs differ. */
export function summarizeCounts(list, kinds = ['token', 'certificate', 'license']) {
  const result = {};
  for (const kind of kinds) {
    const values = list
      .map((c) => c?.[kind])
      .filter((v) => typeof v === 'number')
      .sort((x, y) => x - y);
    result[kind] = { median: quantile(values, 0.5), min: values[0], max: values[values.length - 1] };
  }
  return result;
}

function chromePath(puppeteer) {
  if (process.env.CHROME_BIN) return process.env.CHROME_BIN;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return puppeteer.executablePath();
}

/** Headless Chromium with the flags that work here, plus `extraArgs`; a fresh profile, removed by close(). */
export async function launchBrowser(extraArgs = []) {
  const { default: puppeteer } = await import('puppeteer');
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-bench-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(puppeteer),
    headless: true,
    userDataDir,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function runPage(page, url, timeoutMs) {
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => window.__benchResult !== undefined, { timeout: timeoutMs, polling: 20 });
  return page.evaluate(() => window.__benchResult);
}

export const fmt = (v, digits = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');
export const pad = (s, n) => String(s).padEnd(n);
export const lpad = (s, n) => String(s).padStart(n);
