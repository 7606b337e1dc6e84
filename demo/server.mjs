#!/usr/bin/env node
// The demo server: one local origin serving
//   /                        the demo page (plain <script> tags: Shaka's and keyflow's UMD builds)
//   /dist/*, /vendor/*       keyflow's build and Shaka Player
//   /content/*               the sample DASH content (CORS enabled, as a CDN would)
//   /api/token?drm=...       the app backend, which mints ExpressPlay tokens server-side
//   /hms/*, /playready/*     the ExpressPlay emulator (token API and license servers)
//   /proxy/*                 a JSON-wrapping license proxy (src/testing/node/wrapping-proxy.ts)
//   /dashif/*                a DASH-IF ClearKey license server + authorization service (src/testing/node/dashif-clearkey-server.ts)
//   /vendors/<name>/*        the vendor emulators (src/testing/node/vendors/): license services as their docs describe them
//   /examples/*              examples/ (script-tag and ESM apps), under a strict Content-Security-Policy
//   /_csp-reports            the CSP violation reports those pages sent (GET lists, DELETE clears;
//                            the newest 100 are kept, a report over 64 KiB is refused with 413)
// Usage: npm start [-- --port 8080 --host 127.0.0.1]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handleTokenRequest } from './app-backend.mjs';
import { sendFile } from './static-files.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The customer authenticator of the demo's (emulated) ExpressPlay account. Never sent to the page. */
export const DEMO_AUTHENTICATOR = 'keyflow-demo-authenticator';

/** The content id of the sample at the wrapping proxy (`/proxy/json/license?contentId=...`). */
export const SAMPLE_CONTENT_ID = 'keyflow-sample';

/** Largest CSP report body the server reads; larger ones are answered 413 unread. */
export const MAX_CSP_REPORT_BYTES = 64 * 1024;

/** How many CSP reports the server keeps (the oldest are dropped first). */
export const MAX_CSP_REPORTS = 100;

/** How much of a refused body the server reads (and throws away) before it cuts the connection. */
const MAX_DRAINED_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes. Resolves to the body, or to null when it is
 * larger (by its Content-Length, or as it streams in) or the request broke off. Past the limit
 * nothing more is kept: the rest is read and thrown away until the request ends, so the refusal
 * reaches the client (closing a socket with unread data resets it, and the answer can be lost),
 * or the connection is cut after {@link MAX_DRAINED_BYTES}.
 */
function readCappedBody(req, limit) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let over = Number(req.headers['content-length']) > limit;
    let settled = false;
    const settle = (value) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (over) {
        chunks.length = 0;
        if (size > MAX_DRAINED_BYTES) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => settle(null));
    req.on('close', () => settle(null));
  });
}

/** Reads `content/keys.json` as `[{ kid, key }]`. */
export function loadContentKeys() {
  const keys = JSON.parse(readFileSync(path.join(ROOT, 'content', 'keys.json'), 'utf8'));
  return Object.values(keys).map(({ kid, key }) => ({ kid, key }));
}

/**
 * Starts the demo server. Resolves to `{ url, port, server, emulator, close() }`.
 *
 * @param {{ port?: number, host?: string, publicHost?: string }} options port 0 picks a free port
 */
export async function startDemoServer({ port = 8080, host = '127.0.0.1', publicHost = 'localhost' } = {}) {
  const built = path.join(ROOT, 'dist', 'testing', 'node.mjs');
  const { createExpressPlayHandler, createFaultInjector, createWrappingProxyHandler, createDashIfClearKeyHandler, createVendorHandler } =
    await import(pathToFileURL(built).href).catch(() => {
      throw new Error('dist/ is missing: run `npm run build` first (npm start does it for you)');
    });
  const keys = loadContentKeys();
  const server = http.createServer();
  // Created once the port is known: the token API answers with URLs on this server's public origin.
  let emulator = () => false;
  const faults = createFaultInjector();
  // A JSON-wrapping license proxy (Shaka's tutorial shapes and a token + content id proxy) and a
  // DASH-IF ClearKey license server with its authorization service, both answering the sample's keys.
  // `<id>-first-key` covers only the first of the sample's keys (tests: a token that does not cover them all).
  const contents = { [SAMPLE_CONTENT_ID]: keys.map(({ kid }) => kid), [`${SAMPLE_CONTENT_ID}-first-key`]: [keys[0].kid] };
  const proxy = createWrappingProxyHandler({ basePath: '/proxy', keys, contents });
  const dashif = createDashIfClearKeyHandler({ basePath: '/dashif', keys });
  const vendors = createVendorHandler({ basePath: '/vendors', keys });
  const cors = { 'Access-Control-Allow-Origin': '*' };
  // The examples run under the policy a strict app has: scripts from the page's own origin only
  // (no inline script, no eval). Violations are reported to /_csp-reports, where tests read them.
  const examplesCsp = {
    'Content-Security-Policy': "script-src 'self'; report-uri /_csp-reports",
    'Access-Control-Expose-Headers': 'Content-Security-Policy',
    ...cors,
  };
  const cspReports = [];

  server.on('request', async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      // Tests queue license-server faults at /_faults (see src/testing/node/fault-injector.ts).
      if (await faults.handle(req, res)) return;
      if (emulator(req, res)) return;
      if (proxy(req, res) || dashif(req, res) || vendors(req, res)) return;
      if (pathname === '/_csp-reports') {
        const headers = { 'Access-Control-Allow-Methods': 'GET, POST, DELETE', ...cors };
        if (req.method === 'POST') {
          const body = await readCappedBody(req, MAX_CSP_REPORT_BYTES);
          if (body === null) {
            // Connection: close, as the client may still be sending the rest of the body.
            res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close', ...headers });
            res.end(JSON.stringify({ error: `CSP report larger than ${MAX_CSP_REPORT_BYTES} bytes` }));
            return;
          }
          let report;
          try {
            report = JSON.parse(body);
          } catch {
            report = { unparsed: body };
          }
          cspReports.push(report);
          if (cspReports.length > MAX_CSP_REPORTS) cspReports.splice(0, cspReports.length - MAX_CSP_REPORTS);
          res.writeHead(204, headers).end();
        } else if (req.method === 'DELETE') {
          cspReports.length = 0;
          res.writeHead(204, headers).end();
        } else if (req.method === 'GET' || req.method === 'HEAD') {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
          res.end(JSON.stringify(cspReports));
        } else if (req.method === 'OPTIONS') {
          res.writeHead(204, { ...headers, 'Access-Control-Allow-Headers': 'Content-Type' }).end();
        } else {
          res.writeHead(405, { Allow: 'GET, POST, DELETE, OPTIONS', 'Content-Type': 'text/plain', ...headers }).end('method not allowed');
        }
        return;
      }
      if (pathname === '/api/token') {
        await handleTokenRequest(req, res, {
          tokenApiBase: `http://127.0.0.1:${server.address().port}`,
          customerAuthenticator: DEMO_AUTHENTICATOR,
          keys,
        });
        return;
      }
      let served = false;
      if (pathname === '/' || pathname === '/index.html') served = await sendFile(res, path.join(ROOT, 'demo'), 'index.html');
      else if (pathname.startsWith('/demo/'))
        served = await sendFile(res, path.join(ROOT, 'demo', 'public'), pathname.slice('/demo/'.length));
      else if (pathname.startsWith('/examples/')) {
        const file = pathname.slice('/examples/'.length) + (pathname.endsWith('/') ? 'index.html' : '');
        served = await sendFile(res, path.join(ROOT, 'examples'), file, examplesCsp);
      } else if (pathname.startsWith('/dist/')) served = await sendFile(res, path.join(ROOT, 'dist'), pathname.slice('/dist/'.length));
      else if (pathname.startsWith('/vendor/shaka-player/')) {
        served = await sendFile(
          res,
          path.join(ROOT, 'node_modules', 'shaka-player', 'dist'),
          pathname.slice('/vendor/shaka-player/'.length),
        );
      } else if (pathname.startsWith('/content/')) {
        if (req.method === 'OPTIONS') {
          res.writeHead(204, { ...cors, 'Access-Control-Allow-Headers': '*' });
          res.end();
          return;
        }
        served = await sendFile(res, path.join(ROOT, 'content'), pathname.slice('/content/'.length), cors);
      }
      if (!served) {
        res.writeHead(404, { 'Content-Type': 'text/plain', ...cors });
        res.end('not found');
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`demo server error: ${error.message}`);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const publicUrl = `http://${publicHost}:${actualPort}/`;
  emulator = createExpressPlayHandler({
    customerAuthenticators: [DEMO_AUTHENTICATOR],
    keys,
    publicBaseUrl: publicUrl.replace(/\/$/, ''),
  });
  return {
    url: publicUrl,
    port: actualPort,
    server,
    emulator,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') options.port = Number(argv[++i]);
    else if (argv[i] === '--host') options.host = argv[++i];
  }
  if (options.port === undefined && process.env.PORT) options.port = Number(process.env.PORT);
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  startDemoServer(parseArgs(process.argv.slice(2))).then(
    ({ url }) => console.log(`shaka-keyflow demo: open ${url} in Chrome or Chromium (Ctrl+C to stop)`),
    (error) => {
      console.error(error.code === 'EADDRINUSE' ? `Port in use: try npm start -- --port 8081` : error.message);
      process.exit(1);
    },
  );
}
