#!/usr/bin/env node
// `npm run bench`: keyflow's startup benchmark (issues 6 and 16), in two modes:
//   --mode network (default)  three HTTPS origins behind a latency proxy, at RTT 20, 50 and 150 ms,
//                             and a zapping playlist: network.mjs (report: network-report.mjs)
//   --mode loopback           the loopback benchmark below (one origin, a delay per answer)
//   --mode all                both
//
// Loopback: loads the sample (ClearKey through the ExpressPlay emulator) in headless Chromium through four
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
//   --variants abcd        which variants (default abcd, network mode abcdef; ratios need a and
//                          the ones compared)
//   --scheme cenc|cbcs     which sample (default cenc)
//   --manifest-ms, --token-ms, --license-ms, --segment-ms   override a latency in every scenario
//   --slow-token-ms N      the slow-token scenario's token latency (default 400)
//   --filter-iterations N  license requests timed for the filter work (default 3000; 0 skips)
//   --no-bundle            skip the bundle sizes
//   --json                 print the JSON report instead of the table
//   --json-file PATH       also write the JSON report to PATH
//   --verbose              log each run
// Network mode:
//   --rtt 20,50,150        round trip times (ms) [BENCH_RTTS]
//   --net-runs N           measured runs per variant and RTT (default 5; --runs sets the loopback's)
//   --titles N             titles in the zapping playlist (default 5; 0 skips it)
//   --zap-rtt N, --zap-runs N   the playlist's RTT (default 50) and runs (default 3)
//   --http 2|1.1           the origins' protocol (default 2: one connection per origin, as CDNs and
//                          license services answer; 1.1: at most 6 per origin, set up one by one)
//   --think-ms N           the user presses play N ms after the player is ready, in every variant
//                          (default 1000; e and f call prepare() when the player is ready)
//   --page-token-rtt N|none  also run the variants at RTT N with the token endpoint on the page's
//                          own origin (default 50)
//   --quick                fewer runs everywhere (2 per variant, 1 playlist), no warm-up round,
//                          no filter work, no bundle sizes: a quick look, not figures to quote
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureBundleSizes } from './bundle-size.mjs';
import { fmt, launchBrowser, runPage, summarize, summarizeCounts } from './common.mjs';
import { evaluateTargets, printTable } from './loopback-report.mjs';
import { runNetworkBench } from './network.mjs';
import { networkLines, networkTargets } from './network-report.mjs';
import { latenciesFor, parseArgs, VARIANTS } from './options.mjs';
import { ROOT, startBenchServer } from './server.mjs';
import { measureWorstCase } from './worst-case.mjs';

// --- main ----------------------------------------------------------------------------------------

async function runLoopback(options, log, started) {
  if (!existsSync(path.join(ROOT, 'dist', 'shaka-keyflow.umd.min.js')) || !existsSync(path.join(ROOT, 'dist', 'testing', 'node.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run bench does it for you)');
  }
  const pkg = pkgVersion;

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
      const raw = Object.fromEntries(options.loopbackVariants.map((v) => [v, { runs: [], failures: [] }]));
      const total = options.warmup + options.runs;
      for (let round = 0; round < total; round++) {
        const warm = round < options.warmup;
        for (const v of options.loopbackVariants) {
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
          ...(runs.some((r) => r.diagnostics)
            ? {
                diagnostics: {
                  reportMs: summarize(runs.map((r) => r.diagnostics?.reportMs)),
                  requests: Math.max(...runs.map((r) => r.diagnostics?.requests ?? 0)),
                  emeAnswers: runs[0].diagnostics?.emeAnswers ?? 0,
                },
              }
            : {}),
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
  if (!options.json) printTable(report);
  return { report, fatal };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (...args) => {
    if (!options.json) console.error(...args);
  };
  const out = {};
  let fatal = false;
  if (options.mode !== 'network') {
    const loopback = await runLoopback(options, log, started);
    out.loopback = loopback.report;
    fatal ||= loopback.fatal;
  }
  if (options.mode !== 'loopback') {
    const { netRuns: runs, warmup, rtts, variants, titles, zapRtt, zapRuns, pageTokenRtt, thinkMs, http } = options;
    const network = await runNetworkBench(
      { runs, warmup, rtts, variants, titles, zapRtt, zapRuns, pageTokenRtt, thinkMs, protocol: http === '1.1' ? 'http/1.1' : 'h2' },
      launchBrowser,
      log,
    );
    network.targets = networkTargets(network);
    network.meta = { date: new Date().toISOString().slice(0, 10), durationS: Math.round((performance.now() - started) / 100) / 10 };
    out.network = network;
    fatal ||= network.fatal;
    if (!options.json) {
      if (out.loopback) console.log('');
      console.log(
        `keyflow startup benchmark — ${network.meta.date}, keyflow ${pkgVersion(null)}, Shaka Player ${pkgVersion('shaka-player')}, Node ${process.versions.node}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model?.trim() ?? 'unknown'})`,
      );
      console.log(networkLines(network).join('\n'));
      console.log(`(total ${fmt(network.meta.durationS, 0)} s)`);
    }
  }
  if (options.jsonFile) writeFileSync(options.jsonFile, JSON.stringify(out, null, 2) + '\n');
  if (options.json) console.log(JSON.stringify(out, null, 2));
  // Missed targets are results, not failures: only a variant that never completed fails the run.
  return fatal ? 1 : 0;
}

function pkgVersion(name) {
  return JSON.parse(readFileSync(path.join(ROOT, ...(name ? ['node_modules', name] : []), 'package.json'), 'utf8')).version;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.usage ? `bench: ${error.message}` : `bench failed: ${error?.stack ?? error}`);
    process.exit(error?.usage ? 2 : 1);
  },
);
