// The bench's real-network mode (issue 16 §3): three HTTPS origins in front of the bench server's
// request handler (server.mjs), each behind a latency proxy that applies net-model.mjs:
//
//   https://content.bench.test:<port>   the page, Shaka, keyflow, the manifest and segments
//   https://token.bench.test:<port>     the app backend's token endpoint (/api/token)
//   https://license.bench.test:<port>   the ExpressPlay emulator's license server (/hms/ck/rights/)
//
// Chromium maps the names to 127.0.0.1 (`--host-resolver-rules`) and trusts the certificates made
// here with openssl by their public keys (`--ignore-certificate-errors-spki-list`), so it really does
// TLS 1.3, and HTTP/2 (ALPN; `protocol: 'http/1.1'` for HTTP/1.1 only). Each name has a certificate
// of its own, so HTTP/2 cannot coalesce the three origins onto one connection. Each origin is a TCP
// proxy that holds a new connection's bytes for CONNECTION_SETUP_RTTS round trips before passing
// them to an HTTPS server, which adds one RTT to every request. Each origin counts the connections
// it accepted and the requests it answered (bench control paths /bench/* left out).
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { linkModel } from './net-model.mjs';

/** The three origins' host names. */
export const HOSTS = { content: 'content.bench.test', token: 'token.bench.test', license: 'license.bench.test' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A self-signed certificate per origin (openssl), each for its own name only, so HTTP/2 cannot
 * coalesce the three origins onto one connection; with the base64 SHA-256 of each public key, as
 * `--ignore-certificate-errors-spki-list` takes them.
 */
export function makeCertificates() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-bench-tls-'));
  const result = {};
  for (const [name, host] of Object.entries(HOSTS)) {
    const keyFile = path.join(dir, `${name}.key.pem`);
    const certFile = path.join(dir, `${name}.cert.pem`);
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'].concat([
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=DNS:${host}`,
      ]),
      { stdio: 'ignore' },
    );
    const cert = readFileSync(certFile);
    const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    result[name] = { key: readFileSync(keyFile), cert, spkiHash: createHash('sha256').update(spki).digest('base64') };
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** One origin: an HTTPS server behind a latency proxy. */
async function startOrigin(name, handle, tls, state, protocol) {
  const stats = { connections: 0, requests: 0 };
  const sockets = new Set();
  const onRequest = (req, res) => {
    if (!req.url.startsWith('/bench/')) stats.requests++;
    sleep(state.link.requestMs).then(() => handle(req, res));
  };
  // HTTP/2 only (ALPN h2, as CDNs and license services answer today: a browser that fell back to
  // HTTP/1.1 would fail the run, not measure the other model), or HTTP/1.1 only.
  const upstream =
    protocol === 'h2'
      ? http2.createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: false }, onRequest)
      : https.createServer({ key: tls.key, cert: tls.cert }, onRequest);
  upstream.keepAliveTimeout = 30_000;
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxy = net.createServer((client) => {
    stats.connections++;
    sockets.add(client);
    client.setNoDelay(true);
    let up = null;
    const drop = () => {
      client.destroy();
      up?.destroy();
      sockets.delete(client);
    };
    client.on('error', drop).on('close', drop);
    // The client's bytes (its TLS ClientHello first) wait here: the connection's set-up cost.
    setTimeout(() => {
      if (client.destroyed) return;
      up = net.connect(upstream.address().port, '127.0.0.1');
      up.setNoDelay(true);
      up.on('error', drop).on('close', drop);
      client.pipe(up);
      up.pipe(client);
    }, state.link.connectionSetupMs);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    name,
    origin: `https://${HOSTS[name]}:${proxy.address().port}`,
    stats,
    resetConnections: () => {
      for (const socket of sockets) socket.destroy();
      upstream.closeAllConnections?.();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      upstream.closeAllConnections?.();
      await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
    },
  };
}

/**
 * Starts the three origins in front of `handle` (the bench server's request listener).
 *
 * @param {{ handle: (req, res) => void, rttMs: number, protocol?: 'h2' | 'http/1.1' }} options
 */
export async function startNetwork({ handle, rttMs, protocol = 'h2' }) {
  const tls = makeCertificates();
  const state = { link: linkModel(rttMs) };
  const origins = {};
  for (const name of Object.keys(HOSTS)) origins[name] = await startOrigin(name, handle, tls[name], state, protocol);
  return {
    protocol,
    /** Origin per role: content, token, license. */
    origins: Object.fromEntries(Object.entries(origins).map(([name, o]) => [name, o.origin])),
    /** Chromium flags: the names to 127.0.0.1, the certificate trusted by its key. */
    chromiumArgs: [
      `--host-resolver-rules=${Object.values(HOSTS)
        .map((host) => `MAP ${host} 127.0.0.1`)
        .join(', ')}`,
      `--ignore-certificate-errors-spki-list=${Object.values(tls)
        .map((t) => t.spkiHash)
        .join(',')}`,
    ],
    get link() {
      return state.link;
    },
    setRtt(ms) {
      state.link = linkModel(ms);
    },
    /** Connections accepted and requests answered per origin since the last reset. */
    counts(reset = false) {
      const result = Object.fromEntries(Object.entries(origins).map(([name, o]) => [name, { ...o.stats }]));
      if (reset) for (const o of Object.values(origins)) Object.assign(o.stats, { connections: 0, requests: 0 });
      return result;
    },
    /** Closes every open connection: the next page starts cold. */
    resetConnections() {
      for (const o of Object.values(origins)) o.resetConnections();
    },
    close: () => Promise.all(Object.values(origins).map((o) => o.close())),
  };
}
