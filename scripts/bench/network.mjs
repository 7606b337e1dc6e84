// The real-network mode of `npm run bench` (issue 16 §3): the four variants side by side at each RTT
// (20, 50, 150 ms by default) over three HTTPS origins behind the latency proxy (net-server.mjs,
// delay model in net-model.mjs), then the zapping playlist (five titles in one player) for keyflow
// and Shaka's documented pattern. A new tab per run, every server-side connection closed between
// runs, and Chromium's learnt preconnects off (its loading predictor would otherwise warm the token
// and license origins for every variant after the first run).
// The report and its targets are in network-report.mjs.
import { runPage, summarize, summarizeCounts } from './common.mjs';
import { NETWORK_SERVER_MS, playlistSummary } from './net-model.mjs';
import { startNetwork } from './net-server.mjs';
import { startBenchServer } from './server.mjs';

const ORIGINS = ['content', 'token', 'license'];

/** Chromium's loading predictor: preconnects it learnt from earlier page loads of the same host. */
const PREDICTOR_FEATURES = 'LoadingPredictorUseLocalPredictions,LoadingPredictorPrefetch,NavigationPredictor,PreconnectToSearch';

/**
 * One page run in a new tab with no connection left from the run before (the server closes every
 * connection first). The default browser context, not a fresh incognito one: Chromium ignores
 * `<link rel="preconnect">` in incognito contexts (measured here: no connection opened), which
 * would hide exactly what warm-up does.
 */
async function runFresh(browser, network, url, timeoutMs) {
  network.resetConnections();
  await new Promise((resolve) => setTimeout(resolve, 20)); // let Chromium see the closed sockets
  const page = await browser.defaultBrowserContext().newPage();
  try {
    return await runPage(page, url, timeoutMs);
  } catch (error) {
    return { error: String(error?.message ?? error) };
  } finally {
    await page.close().catch(() => {});
  }
}

/**
 * The page URL of a variant, with the origins (and the playlist length, for zapping). The token
 * backend is its own origin (`separate`), or the page's own (`page`: an app's /api/token, whose
 * connection the page load has warmed already).
 */
function pageUrl(network, variant, extra = '', placement = 'separate') {
  const { content, token, license } = network.origins;
  const tokenOrigin = placement === 'page' ? content : token;
  const q = new URLSearchParams({ variant, contentOrigin: content, tokenOrigin, licenseOrigin: license });
  return `${content}/?${q}${extra}`;
}

/** Per-origin requests and connections of one load, across runs (medians). */
function wireOf(loads) {
  return Object.fromEntries(
    ORIGINS.map((origin) => {
      const s = summarizeCounts(
        loads.map((l) => l.counts?.wire?.[origin]),
        ['requests', 'connections'],
      );
      return [origin, { requests: s.requests.median, connections: s.connections.median, range: s }];
    }),
  );
}

/** Runs `variants` alternating, `warmup` discarded rounds then `runs` measured; raw results per variant. */
async function alternate({ browser, network, variants, runs, warmup, extra, log, label, placement }) {
  const raw = Object.fromEntries(variants.map((v) => [v, { runs: [], failures: [] }]));
  for (let round = 0; round < warmup + runs; round++) {
    const warm = round < warmup;
    for (const v of variants) {
      const result = await runFresh(browser, network, pageUrl(network, v, extra, placement), 60_000);
      const failure = result.error ?? (result.errors?.length ? result.errors.join('; ') : null);
      if (failure) {
        log(`  ${label} ${v} round ${round + 1}: FAILED ${failure}`);
        if (!warm) raw[v].failures.push(failure);
      } else if (!warm) raw[v].runs.push(result);
      if (process.env.BENCH_DEBUG) log(`  ${v}: ${JSON.stringify(result.loads?.[0] ?? result)}`);
    }
    log(`  ${label}: round ${round + 1}/${warmup + runs}${warm ? ' (warm-up)' : ''}`);
  }
  return raw;
}

/** The variants at one RTT: first and second load, times, counts, wire. */
function summarizeRtt(raw) {
  const variants = {};
  for (const [v, { runs, failures }] of Object.entries(raw)) {
    const load = (i) => ({
      firstFrame: summarize(runs.map((r) => r.loads[i].firstFrame)),
      keysUsable: summarize(runs.map((r) => r.loads[i].keysUsable)),
      licenseSent: summarize(runs.map((r) => r.loads[i].licenseSent)),
      counts: summarizeCounts(runs.map((r) => r.loads[i].counts)),
      wire: wireOf(runs.map((r) => r.loads[i])),
    });
    variants[v] = {
      runs: runs.length,
      failures: failures.length,
      failureMessages: failures,
      // What went on the wire after the page was ready and before load(): prepare() in e and f.
      beforeLoad: runs.length ? wireOf(runs.map((r) => ({ counts: r.wireBeforeLoad }))) : null,
      // Runs where prepare() had settled when the user pressed play (e, f).
      preparedBeforePlay: runs.filter((r) => r.preparedBeforePlay === true).length,
      // The most connections any run opened to each DRM origin, before load() and in the first load.
      drmConnectionsMost: Object.fromEntries(
        ['token', 'license'].map((o) => [
          o,
          Math.max(
            0,
            ...runs.map((r) => (r.wireBeforeLoad?.wire?.[o]?.connections ?? 0) + (r.loads[0].counts?.wire?.[o]?.connections ?? 0)),
          ),
        ]),
      ),
      load1: runs.length ? load(0) : null,
      load2: runs.length ? load(1) : null,
    };
  }
  return variants;
}

/** The playlist per title: time to first frame and the counts (medians across runs). */
function summarizePlaylist(raw, titles) {
  const result = {};
  for (const [v, { runs, failures }] of Object.entries(raw)) {
    if (!runs.length) {
      result[v] = { runs: 0, failures: failures.length, failureMessages: failures };
      continue;
    }
    const perTitle = Array.from({ length: titles }, (_, i) => ({
      firstFrame: summarize(runs.map((r) => r.loads[i].firstFrame)),
      counts: summarizeCounts(
        runs.map((r) => r.loads[i].counts),
        ['token', 'certificate', 'license', 'probe'],
      ),
      wire: wireOf(runs.map((r) => r.loads[i])),
    }));
    // Per run, the mean of titles 2…n against title 1; then the median of those ratios.
    const ratios = summarize(runs.map((r) => playlistSummary(r.loads.map((l) => l.firstFrame)).ratio));
    result[v] = {
      runs: runs.length,
      failures: failures.length,
      perTitle,
      ...playlistSummary(perTitle.map((t) => t.firstFrame.median)),
      ratioPerRun: ratios,
    };
  }
  return result;
}

/**
 * Runs the network mode.
 *
 * @param {{ rtts: number[], runs: number, warmup: number, variants: string[], titles: number,
 *   zapRtt: number, zapRuns: number, pageTokenRtt: number | null, thinkMs: number, protocol?: 'h2' | 'http/1.1' }} options
 * @param log progress lines (stderr)
 */
export async function runNetworkBench(options, launchBrowser, log) {
  const server = await startBenchServer({ latencies: NETWORK_SERVER_MS });
  const network = await startNetwork({ handle: server.handle, rttMs: options.rtts[0], protocol: options.protocol ?? 'h2' });
  server.useLicenseBase(network.origins.license);
  server.setExtraCounts((reset) => network.counts(reset));
  const { browser, close } = await launchBrowser([...network.chromiumArgs, `--disable-features=${PREDICTOR_FEATURES}`]);
  const report = {
    serverMs: NETWORK_SERVER_MS,
    thinkMs: options.thinkMs ?? 0,
    protocol: network.protocol,
    origins: network.origins,
    browser: (await browser.version()).replace('/', ' '),
    rtts: {},
    pageToken: null,
    zapping: null,
    fatal: false,
  };
  // Every variant's user presses play thinkMs after the player is ready (e and f call prepare() then).
  const think = `&thinkMs=${options.thinkMs ?? 0}`;
  try {
    /** The variants side by side at one RTT, summarized; `placement: 'page'` puts the token endpoint on the page's origin. */
    const variantsAt = async (rtt, label, placement) => {
      network.setRtt(rtt);
      const common = { browser, network, variants: options.variants, runs: options.runs, warmup: options.warmup, extra: think, log };
      return summarizeRtt(await alternate({ ...common, label, placement }));
    };
    for (const rtt of options.rtts) {
      const variants = await variantsAt(rtt, `RTT ${rtt} ms`);
      if (Object.values(variants).some((v) => !v.runs)) report.fatal = true;
      report.rtts[rtt] = { link: network.link, variants };
    }
    if (options.pageTokenRtt !== null) {
      // The same at one RTT with the token endpoint on the page's origin (its connection warm).
      const rtt = options.pageTokenRtt;
      const variants = await variantsAt(rtt, `RTT ${rtt} ms, token on the page's origin`, 'page');
      report.pageToken = { rtt, link: network.link, variants };
    }
    if (options.titles >= 2 && options.zapRuns > 0) {
      network.setRtt(options.zapRtt);
      const zapVariants = options.variants.filter((v) => v === 'b' || v === 'd');
      const raw = await alternate({
        browser,
        network,
        variants: zapVariants,
        runs: options.zapRuns,
        warmup: 0,
        extra: `&titles=${options.titles}${think}`,
        log,
        label: `zapping, RTT ${options.zapRtt} ms`,
      });
      report.zapping = { rtt: options.zapRtt, titles: options.titles, variants: summarizePlaylist(raw, options.titles) };
      if (!report.zapping.variants.d?.runs) report.fatal = true;
    }
  } finally {
    await close();
    await network.close();
    await server.close();
  }
  return report;
}
