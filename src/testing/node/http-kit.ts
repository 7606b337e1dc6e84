/**
 * Small `node:http` plumbing shared by the emulators (ExpressPlay, the
 * wrapping proxy, the DASH-IF ClearKey server) and the CLI: the one request
 * body cap, bounded body reading, mounting under a base path, CORS, replies,
 * request logs and a standalone server wrapper.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { URLSearchParams } from 'node:url';

/**
 * Largest request body the emulators read: 64 KiB, as Chromium and Firefox cap
 * CDM messages (the ClearKey request parser's cap, `CLEARKEY_MAX_REQUEST_BYTES`, is this one).
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * How much of an over-cap body {@link readBodyToEnd} reads (and throws away) so that its 413 is
 * delivered rather than lost to a connection reset; beyond it, the connection is reset.
 */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/** Most records a request log keeps (the oldest are dropped). */
export const MAX_LOG_RECORDS = 10_000;

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

/** What a server's request log offers its users: a snapshot, and forgetting. */
export interface LogAccess<Records> {
  /** Every request logged, oldest first (a copy). */
  readonly requests: Records;
  /** Empties the log. */
  clearRequests(): void;
}

/** A request log of at most {@link MAX_LOG_RECORDS} records (the oldest dropped). */
export interface RequestLog<Row> {
  push(row: Row): void;
  read(): Row[];
  clear(): void;
}

/** Creates an empty {@link RequestLog}. */
export function createRequestLog<Row>(): RequestLog<Row> {
  let rows: Row[] = [];
  return {
    push(row) {
      rows.push(row);
      if (rows.length > MAX_LOG_RECORDS) rows.splice(0, rows.length - MAX_LOG_RECORDS);
    },
    read: () => rows.slice(),
    clear: () => {
      rows = [];
    },
  };
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
function relativeTarget(target: string, basePath: string): { path: string; query: URLSearchParams } | null {
  const queryAt = target.indexOf('?');
  const pathname = queryAt >= 0 ? target.slice(0, queryAt) : target;
  const query = new URLSearchParams(queryAt >= 0 ? target.slice(queryAt + 1) : '');
  if (basePath && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return null;
  return { path: pathname.slice(basePath.length).replace(/^\/+|\/+$/g, ''), query };
}

/**
 * Reads a body of at most {@link MAX_BODY_BYTES}; `null` as soon as it is larger (the rest is
 * read and thrown away) or when the request broke off.
 */
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

/** What {@link readBodyToEnd} read: the body, a body over the cap (drained), or nothing to answer. */
export type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads a body of at most {@link MAX_BODY_BYTES} to its end, so that a 413 can still be delivered:
 * an over-cap body is read and thrown away up to {@link DRAIN_LIMIT_BYTES} (`too-large`); beyond
 * that, or with a larger `Content-Length`, the request is reset (`aborted`, nothing to answer).
 */
export function readBodyToEnd(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) {
      settle({ kind: 'too-large' });
      req.resume();
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) {
          settle({ kind: 'aborted' });
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}

/** The CORS headers of {@link setCommonHeaders}. */
export interface CorsHeaders {
  /** `Access-Control-Allow-Headers`. */
  allowHeaders: string;
  /** `Access-Control-Expose-Headers`, when any. */
  exposeHeaders?: string;
  /** `Access-Control-Allow-Methods`. Default `GET, POST, DELETE, OPTIONS`. */
  allowMethods?: string;
}

/** CORS (any origin, never credentials) and cache headers every emulator reply carries. */
export function setCommonHeaders(res: ServerResponse, cors: CorsHeaders): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', cors.allowMethods ?? 'GET, POST, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', cors.allowHeaders);
  if (cors.exposeHeaders) res.setHeader('Access-Control-Expose-Headers', cors.exposeHeaders);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/** Whether a reply can still be sent (nothing sent yet, the response still open). */
export function canReply(res: ServerResponse): boolean {
  return !(res.headersSent || res.writableEnded || res.destroyed);
}

/** Sends a complete reply (headers set before with {@link setCommonHeaders}); nothing once {@link canReply} is false. */
export function sendReply(
  res: ServerResponse,
  status: number,
  contentType: string | null,
  body: string | Uint8Array = '',
  extra: Record<string, string> = {},
): void {
  if (!canReply(res)) return;
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

/** Whether a listen address is a wildcard (every interface): `0.0.0.0`, `::`, `[::]` or empty. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
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
 * Runs a handler with a request log standalone ({@link listen}): the running server, its log, and
 * the handler's `extras` (e.g. `issueToken`).
 */
export async function listenWithLog<Records, Extras extends object>(
  handler: MountableHandler & LogAccess<Records>,
  port: number | undefined,
  host: string | undefined,
  extras: Extras,
): Promise<RunningServer & LogAccess<Records> & Extras> {
  const running = await listen(handler, port ?? 0, host ?? '127.0.0.1');
  const server = {
    url: running.url,
    port: running.port,
    close: () => running.close(),
    get requests() {
      return handler.requests;
    },
    clearRequests: () => handler.clearRequests(),
  };
  return Object.assign(server, extras);
}

/** Gives a handler the read side of its log (`requests`, `clearRequests`) and its `extras`, as enumerable properties. */
export function withLog<Handler extends object, Records, Extras extends object>(
  handler: Handler,
  log: { read(): Records; clear(): void },
  extras: Extras,
): Handler & LogAccess<Records> & Extras {
  Object.defineProperty(handler, 'requests', { get: log.read, enumerable: true });
  Object.defineProperty(handler, 'clearRequests', { value: log.clear, enumerable: true });
  for (const [name, value] of Object.entries(extras)) Object.defineProperty(handler, name, { value, enumerable: true });
  return handler as Handler & LogAccess<Records> & Extras;
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
): MountableHandler & LogAccess<Records> & Extras {
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
  return withLog(handler, log, extras);
}
