/**
 * Small `node:http` plumbing shared by the wrapping proxy and the DASH-IF
 * ClearKey server emulators: mounting under a base path, bounded body
 * reading, CORS, replies, key storage and a standalone server wrapper.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { URLSearchParams } from 'node:url';

import type { ClearKeyKeyPair } from './clearkey.js';
import { hexToBytes, normalizeHex16 } from './encoding.js';

/** A content key: key ID and key, each 32 hex digits or UUID form (as in `content/keys.json`). */
export interface EmulatorContentKey {
  /** Key ID, 32 hex digits (or a UUID). */
  kid: string;
  /** The content key, 32 hex digits. */
  key: string;
}

/** Largest request body the emulators read (64 KiB, as ClearKey CDMs cap messages). */
export const MAX_BODY_BYTES = 64 * 1024;

/** A node:http request handler that says whether it took the request. */
export interface MountableHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
}

/** A running standalone emulator server. */
export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Normalises a base path: `''` or `/a/b` (leading slash, no trailing slash). */
export function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(trimmed)) throw new TypeError(`basePath must look like "/proxy": ${basePath}`);
  return trimmed;
}

/**
 * Splits a request target into the path relative to `basePath` (without
 * leading or trailing slash) and the query, or returns null when the target
 * is not under `basePath`.
 */
export function relativeTarget(target: string, basePath: string): { path: string; query: URLSearchParams } | null {
  const queryAt = target.indexOf('?');
  const pathname = queryAt >= 0 ? target.slice(0, queryAt) : target;
  const query = new URLSearchParams(queryAt >= 0 ? target.slice(queryAt + 1) : '');
  if (basePath && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return null;
  return { path: pathname.slice(basePath.length).replace(/^\/+|\/+$/g, ''), query };
}

/** Reads a body of at most {@link MAX_BODY_BYTES}; `null` when it is larger or the request broke off. */
export function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | null): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        settle(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle(null));
    req.on('close', () => settle(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
  });
}

/** CORS and cache headers every emulator reply carries. */
export function setCommonHeaders(res: ServerResponse, allowHeaders: string, exposeHeaders?: string): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', allowHeaders);
  if (exposeHeaders) res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/** Sends a complete reply (headers set before with {@link setCommonHeaders}). */
export function sendReply(
  res: ServerResponse,
  status: number,
  contentType: string | null,
  body: string | Uint8Array = '',
  extra: Record<string, string> = {},
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.statusCode = status;
  if (contentType === null) {
    res.end();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(bytes.byteLength));
  res.end(bytes);
}

/**
 * Validates and normalises content keys into a map from 32 lower-case hex
 * digits (KID) to the key bytes.
 *
 * @throws TypeError on a malformed entry
 */
export function keyStore(keys: readonly EmulatorContentKey[] | undefined): Map<string, Uint8Array> {
  const store = new Map<string, Uint8Array>();
  (keys ?? []).forEach((entry, index) => {
    const kid = typeof entry?.kid === 'string' ? normalizeHex16(entry.kid) : null;
    const key = typeof entry?.key === 'string' ? normalizeHex16(entry.key) : null;
    if (!kid || !key) throw new TypeError(`keys[${index}] must be { kid, key } with 32 hex digits (or UUID form) each`);
    store.set(kid, hexToBytes(key));
  });
  return store;
}

/** The key pairs for `kids` (hex) that the store has, in the given order, without duplicates. */
export function keyPairs(store: Map<string, Uint8Array>, kids: readonly string[]): ClearKeyKeyPair[] {
  const out: ClearKeyKeyPair[] = [];
  for (const kid of new Set(kids)) {
    const key = store.get(kid);
    if (key) out.push({ kid: hexToBytes(kid), key });
  }
  return out;
}

/**
 * Runs a handler as a standalone server on `host:port` (port 0 picks a free
 * one); requests the handler does not take get a 404.
 */
export async function listen(handler: MountableHandler, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer 0..65535');
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  // A wildcard address is shown as its loopback (reachable from this machine); IPv6 in brackets.
  const loopback = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const shownHost = loopback.includes(':') && !loopback.startsWith('[') ? `[${loopback}]` : loopback;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${boundPort}`,
    port: boundPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Builds the request handler both test servers mount: it answers the paths under `basePath`
 * (returning true), leaves others to the host server (false), never lets a failure escape (a 500
 * with `failureText`), and exposes the request log and the server's extra methods.
 *
 * @param basePath where the server is mounted (`''` when standalone)
 * @param handle answers one request, given its path under `basePath` and its query
 * @param failureText the body of the 500 answered when `handle` throws
 * @param log reads and clears the server's request records
 * @param extras methods the handler carries besides the log (e.g. `issueToken`)
 */
export function mountableHandler<Records, Extras extends object>(
  basePath: string,
  handle: (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>,
  failureText: string,
  log: { read(): Records; clear(): void },
  extras: Extras,
): MountableHandler & { readonly requests: Records; clearRequests(): void } & Extras {
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const target = relativeTarget(req.url ?? '/', basePath);
    if (!target) return false;
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(req, res, target.path, target.query).catch(() => {
      if (!res.headersSent) sendReply(res, 500, 'text/plain', failureText);
    });
    return true;
  };
  Object.defineProperty(handler, 'requests', { get: log.read, enumerable: true });
  Object.defineProperty(handler, 'clearRequests', { value: log.clear, enumerable: true });
  for (const [name, value] of Object.entries(extras)) Object.defineProperty(handler, name, { value, enumerable: true });
  return handler as MountableHandler & { readonly requests: Records; clearRequests(): void } & Extras;
}
