#!/usr/bin/env node
// The benchmark's local server: one origin serving the bench page, Shaka, keyflow's UMD build, the
// sample content, an app token endpoint and the ExpressPlay emulator's ClearKey license server, with
// a configurable delay injected before each answer:
//
//   /                               the bench page (scripts/bench/page.html)
//   /bench/page.js                  its script
//   /vendor/shaka-player.compiled.js, /dist/*   Shaka Player and keyflow's build (cacheable, no delay)
//   /content/<scheme>/manifest.mpd  the sample's manifest           delay: manifest
//   /content/<scheme>/*/*.mp4|m4s   init and media segments         delay: segment (each)
//   /api/token                      the app backend's token endpoint: mints a ClearKey token at the
//                                   emulator's token API (POST /hms/ck/token, in-process loopback)
//                                   and answers the tokenized license URL  delay: token (total)
//   /hms/ck/rights/                 the emulator's ClearKey license server  delay: license
//   /bench/bound                    a tokenized license URL minted ahead of the measurement, for the
//                                   "bound" variant (not delayed, not counted)
//   /bench/counts                   token / certificate / license requests since the last reset
//                                   (`?reset=1` also resets)
//   /bench/config                   the latencies in force
//
// A delay is a time to first byte, measured from the request's arrival: work the server does itself
// (the token mint) is inside it. Content and API answers are `no-store`, so every load refetches.
//
// Usage (a server to open by hand): node scripts/bench/server.mjs [--port 8090] [--scenario slow-token]
//   then open http://127.0.0.1:8090/?variant=d (a, b, c or d; &scheme=cbcs)
import { readFileSync, promises as fs, createReadStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = path.join(ROOT, 'scripts', 'bench');

/** The latency scenarios of issue 6 (milliseconds). */
export const SCENARIOS = {
  default: { manifest: 150, token: 120, license: 100, segment: 40 },
  'slow-token': { manifest: 150, token: 400, license: 100, segment: 40 },
};

/** The emulated ExpressPlay account's customer authenticator; never sent to the page. */
const AUTHENTICATOR = 'keyflow-bench-authenticator';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.mpd': 'application/dash+xml',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

/** Makes the page cross-origin isolated, for a fine-grained performance.now(). */
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Waits until `ms` after `since` (a `performance.now()` time). */
const until = (since, ms) => sleep(since + ms - performance.now());

function loadContentKeys() {
  const keys = JSON.parse(readFileSync(path.join(ROOT, 'content', 'keys.json'), 'utf8'));
  return Object.values(keys).map(({ kid, key }) => ({ kid, key }));
}

/** Resolves `relative` inside `root`, or null when it escapes it. */
function inside(root, relative) {
  let decoded;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return null;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return file.startsWith(root + path.sep) ? file : null;
}

async function sendFile(res, file, cacheControl, extraHeaders = {}) {
  let stat;
  try {
    stat = file ? await fs.stat(file) : null;
  } catch {
    stat = null;
  }
  if (!stat?.isFile()) return false;
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': cacheControl,
    ...extraHeaders,
  });
  createReadStream(file).pipe(res);
  return true;
}

function sendJson(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

/**
 * Starts the bench server.
 *
 * @param {{ port?: number, host?: string, latencies?: typeof SCENARIOS.default }} options
 * @returns {Promise<{ url: string, port: number, setLatencies(l: object): void, latencies: object,
 *   counts(reset?: boolean): { token: number, certificate: number, license: number }, close(): Promise<void> }>}
 */
export async function startBenchServer({ port = 0, host = '127.0.0.1', latencies = SCENARIOS.default } = {}) {
  const built = path.join(ROOT, 'dist', 'testing', 'node.mjs');
  const { createExpressPlayHandler } = await import(pathToFileURL(built).href).catch(() => {
    throw new Error('dist/ is missing: run `npm run build` first');
  });
  const keys = loadContentKeys();
  let current = { ...latencies };
  let emulator = () => false;
  /** More counts for /bench/counts (the network mode's connections and requests per origin). */
  let extraCounts = null;
  /** Records of the emulator already counted (its log is append-only until cleared). */
  let counted = { token: 0 };

  const contentRoot = path.join(ROOT, 'content');
  const distRoot = path.join(ROOT, 'dist');
  const shakaFile = path.join(ROOT, 'node_modules', 'shaka-player', 'dist', 'shaka-player.compiled.js');

  /** Asks the emulator's token API (over loopback) for a tokenized ClearKey license URL. */
  async function mintToken() {
    const form = new URLSearchParams({ customerAuthenticator: AUTHENTICATOR, errorFormat: 'json', expirationTime: '+600' });
    for (const { kid, key } of keys) {
      form.append('kid', kid);
      form.append('contentKey', key);
    }
    const answer = await fetch(`http://127.0.0.1:${server.address().port}/hms/ck/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const body = await answer.text();
    if (!answer.ok) throw new Error(`token API answered HTTP ${answer.status}: ${body.slice(0, 200)}`);
    return body.trim();
  }

  function counts(reset = false) {
    const records = emulator.requests ?? [];
    const result = {
      token: counted.token,
      certificate: records.filter((r) => r.kind === 'certificate').length,
      license: records.filter((r) => r.kind === 'license').length,
      ...(extraCounts ? { wire: extraCounts(reset) } : {}),
    };
    if (reset) {
      counted = { token: 0 };
      emulator.clearRequests?.();
    }
    return result;
  }

  const handle = async (req, res) => {
    const arrived = performance.now();
    try {
      const { pathname, searchParams } = new URL(req.url, 'http://localhost');
      // The emulator: the token API (only the server itself calls it) and the delayed license server.
      if (pathname.startsWith('/hms/') || pathname.startsWith('/playready/')) {
        if (!/\/token$/.test(pathname)) await until(arrived, current.license);
        if (emulator(req, res)) return;
      }
      if (pathname === '/api/token') {
        counted.token++;
        const url = await mintToken();
        await until(arrived, current.token);
        // The token backend may be another origin (network mode): a plain GET, no preflight.
        res.writeHead(200, { 'Content-Type': 'text/uri-list', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' });
        res.end(url);
        return;
      }
      if (pathname === '/bench/bound') {
        res.writeHead(200, { 'Content-Type': 'text/uri-list', 'Cache-Control': 'no-store' });
        res.end(await mintToken());
        return;
      }
      if (pathname === '/bench/counts') {
        sendJson(res, 200, counts(searchParams.get('reset') === '1'));
        return;
      }
      if (pathname === '/bench/config') {
        sendJson(res, 200, current);
        return;
      }
      let served = false;
      if (pathname === '/' || pathname === '/index.html') {
        // Cross-origin isolated (everything here is same-origin): performance.now() at 5 µs, not 100 µs.
        served = await sendFile(res, path.join(HERE, 'page.html'), 'no-store', ISOLATED);
      } else if (pathname === '/bench/page.js') {
        served = await sendFile(res, path.join(HERE, 'page.js'), 'no-store');
      } else if (pathname === '/vendor/shaka-player.compiled.js') {
        served = await sendFile(res, shakaFile, 'max-age=3600');
      } else if (pathname.startsWith('/dist/')) {
        served = await sendFile(res, inside(distRoot, pathname.slice('/dist/'.length)), 'max-age=3600');
      } else if (pathname.startsWith('/content/')) {
        const file = inside(contentRoot, pathname.slice('/content/'.length));
        const ext = file ? path.extname(file).toLowerCase() : '';
        if (ext === '.mpd') await until(arrived, current.manifest);
        else if (ext === '.mp4' || ext === '.m4s') await until(arrived, current.segment);
        served = await sendFile(res, file, 'no-store');
      }
      if (!served) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`bench server error: ${error.message}`);
    }
  };
  const server = http.createServer(handle);
  server.keepAliveTimeout = 30_000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const url = `http://127.0.0.1:${actualPort}/`;
  const useLicenseBase = (base) => {
    emulator = createExpressPlayHandler({ customerAuthenticators: [AUTHENTICATOR], keys, publicBaseUrl: base.replace(/\/$/, '') });
  };
  useLicenseBase(url);
  return {
    url,
    port: actualPort,
    /** The request listener, for the network mode's HTTPS origins (net-server.mjs). */
    handle,
    /** Tokens minted from now on name `base` as their license server (the network mode's license origin). */
    useLicenseBase,
    /** Adds counts of the caller's to /bench/counts (`wire`), reset with the others. */
    setExtraCounts(fn) {
      extraCounts = fn;
    },
    get latencies() {
      return { ...current };
    },
    setLatencies(next) {
      current = { ...current, ...next };
    },
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const get = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const scenario = get('--scenario') ?? 'default';
  if (!SCENARIOS[scenario]) {
    console.error(`unknown scenario ${scenario}: ${Object.keys(SCENARIOS).join(', ')}`);
    process.exit(2);
  }
  startBenchServer({ port: Number(get('--port') ?? 8090), latencies: SCENARIOS[scenario] }).then(
    ({ url }) => console.log(`keyflow bench server (${scenario}): open ${url}?variant=d (a, b, c, d) — Ctrl+C to stop`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
