#!/usr/bin/env node
// `npm run bench`: keyflow's startup benchmark (issue 6).
//
// Loads the sample (ClearKey through the ExpressPlay emulator) in headless Chromium through four
// variants, alternating a b c d a b c d ..., one fresh page per run, under two latency scenarios
// injected by a local server (scripts/bench/server.mjs):
//   (a) bound   the tokenized license URL is already known: static drm.servers, no token fetch
//   (b) filter  Shaka's documented pattern: an async request filter fetches the token when the
//               license request is made (and keeps it for later loads)
//   (c) first   the app awaits its token fetch, then calls player.load()
//   (d) keyflow keyflow with an async token source (it prefetches when the manifest request starts)
// and prints, per scenario and variant, the median and spread of load() → first frame and
// load() → keys usable, the ratios d/a, d/b, d/c, the token / certificate / license requests of a
// first and a second load, the bundle sizes and keyflow's own filter work per request, each next to
// its target from issue 6 (met / missed). Baselines are measured in the same run, never hard-coded.
//
// Options (environment variables in brackets):
//   --runs N               measured runs per variant and scenario (default 10) [BENCH_RUNS]
//   --warmup N             discarded rounds (a b c d) per scenario before measuring (default 1) [BENCH_WARMUP]
//   --scenario NAME[,..]   default, slow-token (default: both)
//   --variants abcd        which variants (default abcd; ratios need a and the ones compared)
//   --scheme cenc|cbcs     which sample (default cenc)
//   --manifest-ms, --token-ms, --license-ms, --segment-ms   override a latency in every scenario
//   --slow-token-ms N      the slow-token scenario's token latency (default 400)
//   --filter-iterations N  license requests timed for the filter work (default 3000; 0 skips)
//   --no-bundle            skip the bundle sizes
//   --json                 print the JSON report instead of the table
//   --json-file PATH       also write the JSON report to PATH
//   --verbose              log each run
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureBundleSizes } from './bundle-size.mjs';
import { ROOT, SCENARIOS, startBenchServer } from './server.mjs';
import { measureWorstCase, worstCaseLine } from './worst-case.mjs';

const VARIANTS = {
  a: 'bound (token known)',
  b: 'Shaka filter (token at license)',
  c: 'token first, then load()',
  d: 'keyflow (prefetch)',
};

/** Issue 6's timing targets and issue 11's size targets. KB = 1000 bytes, as size-limit counts. */
const TARGETS = {
  default: { da: 1.05, db: 0.8, dc: 0.8 },
  slowTokenSavingShare: 0.75, // "saving close to the manifest time": at least 75 % of it
  umdGzip: 14_000,
  esmGzip: 6_000,
  presetGzip: 600,
  filterMs: 0.1,
};

// --- options -------------------------------------------------------------------------------------

function usageError(message) {
  return Object.assign(new Error(message), { usage: true });
}

function parseArgs(argv) {
  try {
    return parseArgsOrThrow(argv);
  } catch (error) {
    throw usageError(error.message);
  }
}

function parseArgsOrThrow(argv) {
  const env = process.env;
  const options = {
    runs: Number(env.BENCH_RUNS ?? 10),
    warmup: Number(env.BENCH_WARMUP ?? 1),
    scenarios: Object.keys(SCENARIOS),
    variants: Object.keys(VARIANTS),
    scheme: 'cenc',
    overrides: {},
    slowTokenMs: SCENARIOS['slow-token'].token,
    filterIterations: 3000,
    bundle: true,
    json: false,
    jsonFile: null,
    verbose: false,
  };
  const num = (name, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a non-negative number, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs':
        options.runs = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--warmup':
        options.warmup = Math.round(num(flag, value()));
        break;
      case '--scenario':
      case '--scenarios':
        options.scenarios = value().split(',');
        break;
      case '--variants':
        options.variants = value().split('');
        break;
      case '--scheme':
        options.scheme = value();
        break;
      case '--manifest-ms':
        options.overrides.manifest = num(flag, value());
        break;
      case '--token-ms':
        options.overrides.token = num(flag, value());
        break;
      case '--license-ms':
        options.overrides.license = num(flag, value());
        break;
      case '--segment-ms':
        options.overrides.segment = num(flag, value());
        break;
      case '--slow-token-ms':
        options.slowTokenMs = num(flag, value());
        break;
      case '--filter-iterations':
        options.filterIterations = Math.round(num(flag, value()));
        break;
      case '--no-bundle':
        options.bundle = false;
        break;
      case '--json':
        options.json = true;
        break;
      case '--json-file':
        options.jsonFile = value();
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log(
          readFileSync(new URL(import.meta.url), 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('//'))
            .map((l) => l.slice(3))
            .join('\n'),
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (--help lists them)`);
    }
  }
  for (const s of options.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}: ${Object.keys(SCENARIOS).join(', ')}`);
  for (const v of options.variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: a, b, c, d`);
  if (!['cenc', 'cbcs'].includes(options.scheme)) throw new Error('--scheme is cenc or cbcs');
  return options;
}

function latenciesFor(scenario, options) {
  const base = { ...SCENARIOS[scenario], ...options.overrides };
  if (scenario === 'slow-token') base.token = options.slowTokenMs;
  return base;
}

// --- statistics ----------------------------------------------------------------------------------

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(values) {
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
function summarizeCounts(list) {
  const result = {};
  for (const kind of ['token', 'certificate', 'license']) {
    const values = list
      .map((c) => c?.[kind])
      .filter((v) => typeof v === 'number')
      .sort((x, y) => x - y);
    result[kind] = { median: quantile(values, 0.5), min: values[0], max: values[values.length - 1] };
  }
  return result;
}

// --- browser -------------------------------------------------------------------------------------

function chromePath(puppeteer) {
  if (process.env.CHROME_BIN) return process.env.CHROME_BIN;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return puppeteer.executablePath();
}

async function launchBrowser() {
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

async function runPage(page, url, timeoutMs) {
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => window.__benchResult !== undefined, { timeout: timeoutMs, polling: 20 });
  return page.evaluate(() => window.__benchResult);
}

// --- the report ----------------------------------------------------------------------------------

const fmt = (v, digits = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function target(list, fields) {
  list.push(fields);
  return fields;
}

/** Compares `value` with a limit: met or missed, and by how much when missed. */
function check({ id, scenario = null, what, value, limit, op, unit = '', digits = 2 }) {
  const met = op === '<=' ? value <= limit : op === '<' ? value < limit : op === '>=' ? value >= limit : value === limit;
  let missedBy = null;
  if (!met && Number.isFinite(value)) {
    missedBy = op === '>=' ? limit - value : value - limit;
  }
  return {
    id,
    scenario,
    what,
    target: `${op} ${fmt(limit, digits)}${unit}`,
    measured: value,
    measuredText: `${fmt(value, digits)}${unit}`,
    met,
    missedBy,
  };
}

function evaluateTargets(report) {
  const targets = [];
  const def = report.scenarios.default;
  if (def?.ratios) {
    for (const [key, limit] of Object.entries(TARGETS.default)) {
      const value = def.ratios.firstFrame[key];
      if (value === undefined) continue;
      target(
        targets,
        check({ id: `default.${key}`, scenario: 'default', what: `d/${key[1]} (load → first frame, medians)`, value, limit, op: '<=' }),
      );
    }
  }
  const slow = report.scenarios['slow-token'];
  if (slow?.ratios) {
    for (const key of ['db', 'dc']) {
      const value = slow.ratios.firstFrame[key];
      if (value === undefined) continue;
      target(
        targets,
        check({
          id: `slow-token.${key}`,
          scenario: 'slow-token',
          what: `d/${key[1]} (load → first frame, medians)`,
          value,
          limit: 1,
          op: '<',
        }),
      );
      const saving = slow.savingsMs.firstFrame[key[1]];
      const manifest = slow.latencies.manifest;
      target(targets, {
        ...check({
          id: `slow-token.saving.${key[1]}`,
          scenario: 'slow-token',
          what: `time d saves vs ${key[1]}, close to the manifest time (${manifest} ms)`,
          value: saving,
          limit: TARGETS.slowTokenSavingShare * manifest,
          op: '>=',
          unit: ' ms',
          digits: 0,
        }),
      });
    }
  }
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    const d = scenario.variants.d;
    const baselines = ['a', 'b', 'c'].filter((v) => scenario.variants[v]);
    if (d && baselines.length) {
      for (const load of ['load1', 'load2']) {
        const mine = d.counts[load].license.max;
        const fewest = Math.min(...baselines.map((v) => scenario.variants[v].counts[load].license.min));
        target(
          targets,
          check({
            id: `${name}.licenses.${load}`,
            scenario: name,
            what: `license requests, ${load === 'load1' ? 'first' : 'second'} load: d (most) vs Shaka without keyflow (fewest)`,
            value: mine,
            limit: fewest,
            op: '<=',
            digits: 0,
          }),
        );
      }
      target(
        targets,
        check({
          id: `${name}.certificates.load2`,
          scenario: name,
          what: 'certificate requests on the second load (d, most)',
          value: d.counts.load2.certificate.max,
          limit: 0,
          op: '==',
          digits: 0,
        }),
      );
    }
  }
  if (report.bundle) {
    target(
      targets,
      check({
        id: 'bundle.umd',
        what: 'full UMD build, gzipped',
        value: report.bundle.umd.gzip / 1000,
        limit: TARGETS.umdGzip / 1000,
        op: '<=',
        unit: ' KB',
        digits: 1,
      }),
    );
    target(
      targets,
      check({
        id: 'bundle.esm',
        what: 'ESM tree-shaken to Keyflow + ExpressPlay, gzipped',
        value: report.bundle.esm.gzip / 1000,
        limit: TARGETS.esmGzip / 1000,
        op: '<=',
        unit: ' KB',
        digits: 1,
      }),
    );
    for (const preset of report.bundle.presets) {
      target(
        targets,
        check({
          id: `bundle.preset.${preset.name}`,
          what: `what the ${preset.name} preset adds to core + ExpressPlay, gzipped`,
          value: preset.gzip / 1000,
          limit: TARGETS.presetGzip / 1000,
          op: '<=',
          unit: ' KB',
          digits: 2,
        }),
      );
    }
  }
  if (report.filter && !report.filter.error) {
    target(
      targets,
      check({
        id: 'filter',
        what: "keyflow's own filter work per license request (mean)",
        value: report.filter.filterMs.mean,
        limit: TARGETS.filterMs,
        op: '<=',
        unit: ' ms',
        digits: 3,
      }),
    );
  }
  return targets;
}

function printTable(report) {
  const lines = [];
  const { meta } = report;
  lines.push(`keyflow startup benchmark — ${meta.date}`);
  lines.push(
    `${meta.browser}, Shaka Player ${meta.shaka}, keyflow ${meta.keyflow}, Node ${meta.node}, ${meta.cpus} CPU(s) (${meta.cpuModel})`,
  );
  lines.push(
    `sample: content/${meta.scheme} (ClearKey via the ExpressPlay emulator), ${meta.runs} runs per variant after ${meta.warmup} warm-up round(s), variants alternating, one fresh page per run`,
  );
  lines.push(
    'times: ms from the start of the load (the player.load() call; for c, the start of its token fetch) to the first video frame presented / to the CDM reporting every key usable',
  );
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    const l = scenario.latencies;
    lines.push('');
    lines.push(
      `Scenario "${name}": manifest ${l.manifest} ms, token endpoint ${l.token} ms, license ${l.license} ms, each segment ${l.segment} ms`,
    );
    lines.push(
      `  ${pad('variant', 36)}${lpad('first frame', 12)}${pad('  (min–max)', 14)}${lpad('keys usable', 12)}${pad('  (min–max)', 14)}  requests token/cert/license: load 1 | load 2   2nd load frame`,
    );
    for (const [v, result] of Object.entries(scenario.variants)) {
      const ff = result.load1.firstFrame;
      const ku = result.load1.keysUsable;
      const c = (load) =>
        ['token', 'certificate', 'license']
          .map((k) => {
            const s = result.counts[load][k];
            return s.min === s.max ? fmt(s.min) : `${fmt(s.min)}-${fmt(s.max)}`;
          })
          .join('/');
      const failed = result.failures ? ` (${result.failures} failed)` : '';
      lines.push(
        `  ${pad(`(${v}) ${VARIANTS[v]}${failed}`, 36)}${lpad(fmt(ff.median), 12)}${pad(`  (${fmt(ff.min)}–${fmt(ff.max)})`, 14)}${lpad(fmt(ku.median), 12)}${pad(`  (${fmt(ku.min)}–${fmt(ku.max)})`, 14)}  ${pad(`${c('load1')} | ${c('load2')}`, 44)}${lpad(fmt(result.load2.firstFrame.median), 6)}`,
      );
    }
    const r = scenario.ratios;
    if (r) {
      const show = (set) =>
        ['da', 'db', 'dc']
          .filter((k) => set[k] !== undefined)
          .map((k) => `d/${k[1]} ${fmt(set[k], 2)}`)
          .join('   ');
      lines.push(`  ratios, first frame: ${show(r.firstFrame)}`);
      lines.push(`  ratios, keys usable: ${show(r.keysUsable)}`);
      const s = scenario.savingsMs.firstFrame;
      const saved = ['a', 'b', 'c']
        .filter((k) => s[k] !== undefined)
        .map((k) => `${fmt(s[k])} ms vs ${k}`)
        .join(', ');
      if (saved) lines.push(`  d saves (first frame, medians): ${saved}`);
    }
  }
  if (report.bundle) {
    const b = report.bundle;
    lines.push('');
    lines.push('Bundle sizes (bytes, gzipped after minification; size-limit, the rows `npm test` enforces)');
    for (const row of b.rows) lines.push(`  ${row.name}:  ${row.size} (limit ${row.sizeLimit})`);
    if (b.composition?.length) {
      lines.push(
        `  core + ExpressPlay is made of (esbuild from src/, minified): ${b.composition.map((p) => `${p.part} ${Math.round(p.share * 100)}%`).join(', ')}`,
      );
    }
  }
  if (report.filter) {
    const f = report.filter;
    lines.push('');
    if (f.error) {
      lines.push(`Filter work: failed: ${f.error.split('\n')[0]}`);
    } else {
      lines.push(
        `Filter work per license request (${f.iterations} requests through Shaka's NetworkingEngine, fake https plugin, cached token; cross-origin isolated: ${f.crossOriginIsolated})`,
      );
      lines.push(
        `  keyflow request + response filters: mean ${fmt(f.filterMs.mean, 3)} ms, p50 ${fmt(f.filterMs.p50, 3)}, p90 ${fmt(f.filterMs.p90, 3)} (request ${fmt(f.requestFilterMs.mean, 3)}, response ${fmt(f.responseFilterMs.mean, 3)})`,
      );
      lines.push(`  whole request without / with keyflow: ${fmt(f.engineMs.plain, 3)} / ${fmt(f.engineMs.keyflow, 3)} ms (p50 of blocks)`);
      if (f.renewal) {
        lines.push(
          `  a license renewal (license-renewal request): keyflow filters mean ${fmt(f.renewal.filterMs.mean, 3)} ms, p50 ${fmt(f.renewal.filterMs.p50, 3)}; whole request ${fmt(f.renewal.engineMs.keyflow, 3)} ms (p50 of blocks)`,
        );
      }
      lines.push(
        `  player.getConfiguration(): ${fmt(f.getConfigurationMs.p50, 3)} ms (p50) per call, ${fmt(f.getConfigurationCallsPerRequest, 1)} call(s) per request by keyflow;` +
          ` with that copy memoized (diagnosis) keyflow's filters take mean ${fmt(f.withoutConfigCopy.filterMs.mean, 3)} ms, p50 ${fmt(f.withoutConfigCopy.filterMs.p50, 3)}`,
      );
    }
  }
  lines.push('', worstCaseLine(report.worstCase));
  lines.push('');
  lines.push('Targets (issue 6)');
  for (const t of report.targets) {
    const by = t.met
      ? ''
      : t.missedBy !== null
        ? `  — missed by ${fmt(t.missedBy, t.target.includes('KB') ? 1 : t.target.includes('ms') && !t.target.includes('0.1') ? 0 : 3)}${t.target.replace(/^[^ ]+ [^ ]+/, '')}`
        : '';
    lines.push(
      `  ${t.met ? 'met   ' : 'MISSED'}  ${pad(t.scenario ? `[${t.scenario}] ${t.what}` : t.what, 96)} ${lpad(t.measuredText, 10)}  target ${t.target}${by}`,
    );
  }
  const missed = report.targets.filter((t) => !t.met).length;
  lines.push(`  ${report.targets.length - missed} met, ${missed} missed`);
  lines.push(`(total ${fmt(report.meta.durationS, 0)} s)`);
  console.log(lines.join('\n'));
}

// --- main ----------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (...args) => {
    if (!options.json) console.error(...args);
  };
  if (!existsSync(path.join(ROOT, 'dist', 'shaka-keyflow.umd.min.js')) || !existsSync(path.join(ROOT, 'dist', 'testing', 'node.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does it for you)');
  }
  const pkg = (name) => JSON.parse(readFileSync(path.join(ROOT, ...(name ? ['node_modules', name] : []), 'package.json'), 'utf8')).version;

  let bundle = null;
  if (options.bundle) {
    log('bundle sizes…');
    bundle = await measureBundleSizes();
  }

  const server = await startBenchServer({ latencies: latenciesFor(options.scenarios[0], options) });
  const { browser, close } = await launchBrowser();
  const report = {
    meta: {
      date: new Date().toISOString().slice(0, 10),
      browser: (await browser.version()).replace('/', ' '),
      shaka: pkg('shaka-player'),
      keyflow: pkg(null),
      node: process.versions.node,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
      runs: options.runs,
      warmup: options.warmup,
      scheme: options.scheme,
      durationS: 0,
    },
    scenarios: {},
    bundle,
    filter: null,
    targets: [],
  };
  let fatal = false;
  try {
    const page = await browser.newPage();
    const timeoutMs = 30_000;
    for (const name of options.scenarios) {
      const latencies = latenciesFor(name, options);
      server.setLatencies(latencies);
      const raw = Object.fromEntries(options.variants.map((v) => [v, { runs: [], failures: [] }]));
      const total = options.warmup + options.runs;
      for (let round = 0; round < total; round++) {
        const warm = round < options.warmup;
        for (const v of options.variants) {
          const url = `${server.url}?variant=${v}&scheme=${options.scheme}&run=${round}`;
          let result;
          try {
            result = await runPage(page, url, timeoutMs);
          } catch (error) {
            result = { error: String(error?.message ?? error) };
          }
          if (result.error || result.errors?.length) {
            if (!warm) raw[v].failures.push(result.error ?? result.errors.join('; '));
            log(`  ${name} ${v} round ${round}: FAILED ${result.error ?? result.errors.join('; ')}`);
          } else if (!warm) {
            raw[v].runs.push(result);
          }
          if (options.verbose && !result.error) {
            log(
              `  ${name} ${v} ${warm ? 'warm-up' : `run ${round - options.warmup + 1}`}: first frame ${fmt(result.loads?.[0]?.firstFrame)} ms, keys ${fmt(result.loads?.[0]?.keysUsable)} ms`,
            );
          }
        }
        if (!options.verbose) log(`  ${name}: round ${round + 1}/${total}${warm ? ' (warm-up)' : ''}`);
      }
      const variants = {};
      for (const [v, { runs, failures }] of Object.entries(raw)) {
        if (!runs.length) {
          fatal = true;
          log(`  ${name} ${v}: no successful run (${failures[0] ?? 'unknown error'})`);
        }
        const loadStats = (i) => ({
          firstFrame: summarize(runs.map((r) => r.loads[i].firstFrame)),
          keysUsable: summarize(runs.map((r) => r.loads[i].keysUsable)),
          sessionUpdate: summarize(runs.map((r) => r.loads[i].sessionUpdate)),
          loadeddata: summarize(runs.map((r) => r.loads[i].loadeddata)),
          licenseRequested: summarize(runs.map((r) => r.loads[i].licenseRequested)),
          licenseSent: summarize(runs.map((r) => r.loads[i].licenseSent)),
          licenseReceived: summarize(runs.map((r) => r.loads[i].licenseReceived)),
          manifestReceived: summarize(runs.map((r) => r.loads[i].manifestReceived)),
          tokenRequested: summarize(runs.map((r) => r.loads[i].tokenRequested)),
          tokenReady: summarize(runs.map((r) => r.loads[i].tokenReady)),
        });
        variants[v] = {
          label: VARIANTS[v],
          runs: runs.length,
          failures: failures.length,
          failureMessages: failures,
          load1: loadStats(0),
          load2: loadStats(1),
          counts: {
            load1: summarizeCounts(runs.map((r) => r.loads[0].counts)),
            load2: summarizeCounts(runs.map((r) => r.loads[1].counts)),
          },
        };
      }
      const scenario = { latencies, variants };
      const d = variants.d;
      if (d?.runs) {
        const ratio = (metric, v) =>
          variants[v]?.runs ? Math.round((d.load1[metric].median / variants[v].load1[metric].median) * 1000) / 1000 : undefined;
        const saving = (metric, v) =>
          variants[v]?.runs ? Math.round((variants[v].load1[metric].median - d.load1[metric].median) * 10) / 10 : undefined;
        scenario.ratios = {};
        scenario.savingsMs = {};
        for (const metric of ['firstFrame', 'keysUsable']) {
          scenario.ratios[metric] = Object.fromEntries(
            ['a', 'b', 'c'].map((v) => [`d${v}`, ratio(metric, v)]).filter(([, x]) => x !== undefined),
          );
          scenario.savingsMs[metric] = Object.fromEntries(
            ['a', 'b', 'c'].map((v) => [v, saving(metric, v)]).filter(([, x]) => x !== undefined),
          );
        }
      }
      report.scenarios[name] = scenario;
    }
    if (options.filterIterations > 0) {
      log('filter work…');
      try {
        report.filter = await runPage(page, `${server.url}?mode=filter&iterations=${options.filterIterations}`, 120_000);
      } catch (error) {
        report.filter = { error: String(error?.message ?? error) };
      }
    }
  } finally {
    await close();
    await server.close();
  }
  report.worstCase = await measureWorstCase();
  report.meta.durationS = Math.round((performance.now() - started) / 100) / 10;
  report.targets = evaluateTargets(report);
  if (options.jsonFile) writeFileSync(options.jsonFile, JSON.stringify(report, null, 2) + '\n');
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printTable(report);
  // Missed targets are results, not failures: only a variant that never completed fails the run.
  return fatal ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.usage ? `bench: ${error.message}` : `bench failed: ${error?.stack ?? error}`);
    process.exit(error?.usage ? 2 : 1);
  },
);
