/**
 * A configurable license proxy that wraps the license exchange in JSON, the
 * way in-house license proxies and several services do, in front of a W3C
 * Clear Key license server (built in), so the browser's real Clear Key CDM
 * plays through it. For tests, the demo server and manual runs. Node only.
 *
 * Each *route* describes one wire shape: where the challenge is in the
 * request (a JSON field, encoded, or the raw body), where the license goes in
 * the reply (a JSON field, encoded; a plain-text encoded body; or the raw JWK
 * set), where the token is (a header, a query parameter or a body field) and
 * where the content id is. {@link DEFAULT_WRAPPING_PROXY_ROUTES} has Shaka's
 * tutorial shapes (`rawLicenseRequestBase64` / `rawLicenseBase64`, as
 * `cwip-shaka-proxy.appspot.com/wrapped_request[_and_response]`), a JSON
 * proxy with a token and a content id, and a plain-text base64 one.
 *
 * ## Endpoints (under `basePath`)
 *
 * - `POST <route.path>` — a license request in the route's shape.
 * - `GET token?contentId=<id>[&ttl=<seconds>]` — mints a token for a content
 *   id, as the app's backend would (`text/plain`). Tokens are the emulator's
 *   own format, `kfp1.<base64url JSON {cid, exp}>.<base64url HMAC-SHA256>`;
 *   `ttl` defaults to 600 (1..86400).
 * - `GET _requests` / `DELETE _requests` — the request log (no tokens, no challenges).
 * - `OPTIONS` anything — `204` CORS preflight.
 *
 * ## Checks, in order; errors
 *
 * Every error is `{"error":{"code":"<CODE>","message":"<text>"}}` with the
 * HTTP status below, and the message is repeated in an `X-Proxy-Error`
 * header (exposed to browsers with `Access-Control-Expose-Headers`).
 *
 * | status | code | when |
 * |---|---|---|
 * | 405 / 413 / 404 | `METHOD_NOT_ALLOWED` / `BODY_TOO_LARGE` / `NOT_FOUND` | not POST; body over 64 KiB; unknown path |
 * | 400 | `BAD_WRAPPING` | the route wants JSON and the body is not a JSON object, or the challenge field is missing or not in the route's encoding |
 * | 401 | `AUTH_TOKEN_MISSING` / `AUTH_TOKEN_INVALID` / `AUTH_TOKEN_EXPIRED` | the route wants a token: none, not authentic, expired |
 * | 400 | `CONTENT_ID_MISSING` | the route wants a content id and there is none |
 * | 404 | `UNKNOWN_CONTENT` | the content id is not in `contents` |
 * | 403 | `CONTENT_NOT_ALLOWED` | the token is for another content id, or a requested key is not part of the content |
 * | 400 | `BAD_LICENSE_REQUEST` | the challenge is not a Clear Key license request |
 * | 404 | `KEYS_NOT_FOUND` | none of the requested keys is in the key store |
 *
 * Without a content id, a route releases every requested key the store has.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { buildClearKeyLicense, ClearKeyRequestError, parseClearKeyLicenseRequest } from './clearkey.js';
import { bytesToHex, normalizeHex16 } from './encoding.js';
import {
  keyPairs,
  keyStore,
  listen,
  normalizeBasePath,
  readBody,
  mountableHandler,
  sendReply,
  setCommonHeaders,
  type EmulatorContentKey,
  type RunningServer,
} from './http-kit.js';

/** How bytes are written as text on the wire (`bytes`: a JSON array of byte values, challenges only). */
export type ProxyEncoding = 'base64' | 'base64url' | 'hex';

/** One wire shape the proxy answers at `path`. */
export interface WrappingProxyRoute {
  /** Path under `basePath`, e.g. `'shaka/wrapped_request_and_response'`. */
  path: string;
  /** Dotted path of the challenge in a JSON request body; `null`: the body is the raw challenge. */
  challengeField: string | null;
  /** How the challenge is written. Default `'base64'`. */
  challengeEncoding?: ProxyEncoding | 'bytes';
  /** Dotted path of the license in the JSON reply; `''`: the reply body is the encoded license as text; `null`: the raw JWK set. */
  licenseField: string | null;
  /** How the license is written. Default `'base64'`. */
  licenseEncoding?: ProxyEncoding;
  /** Where the token is (absent: no token needed). `scheme` (e.g. `'Bearer'`) prefixes a header value. */
  token?:
    | {
        /** The request header that carries the token. */
        header: string;
        /** A prefix of the header value, e.g. `'Bearer'`. */
        scheme?: string;
      }
    | {
        /** The query parameter that carries the token. */
        query: string;
      }
    | {
        /** Dotted path of the token in the JSON request body. */
        field: string;
      };
  /** Where the content id is (absent: no content binding). */
  contentId?:
    | {
        /** The query parameter that carries the content id. */
        query: string;
      }
    | {
        /** Dotted path of the content id in the JSON request body. */
        field: string;
      }
    | {
        /** The request header that carries the content id. */
        header: string;
      };
}

/**
 * The routes of a default proxy:
 * - `shaka/wrapped_request`: `{"rawLicenseRequestBase64": …}` in, raw license out;
 * - `shaka/wrapped_request_and_response`: `{"rawLicenseRequestBase64": …}` in, `{"rawLicenseBase64": …}` out;
 * - `json/license`: token in `X-Proxy-Token`, content id in `?contentId=`,
 *   `{"licenseRequest":{"challenge": <base64>}, …}` in, `{"data":{"license": <base64>}}` out;
 * - `text/license`: raw challenge in, base64 text out.
 */
export const DEFAULT_WRAPPING_PROXY_ROUTES: readonly WrappingProxyRoute[] = [
  { path: 'shaka/wrapped_request', challengeField: 'rawLicenseRequestBase64', licenseField: null },
  { path: 'shaka/wrapped_request_and_response', challengeField: 'rawLicenseRequestBase64', licenseField: 'rawLicenseBase64' },
  {
    path: 'json/license',
    challengeField: 'licenseRequest.challenge',
    licenseField: 'data.license',
    token: { header: 'X-Proxy-Token' },
    contentId: { query: 'contentId' },
  },
  { path: 'text/license', challengeField: null, licenseField: '' },
];

/** Options of {@link createWrappingProxyHandler} and {@link startWrappingProxy}. */
export interface WrappingProxyOptions {
  /** The content keys (e.g. `content/keys.json` values). */
  keys: readonly EmulatorContentKey[];
  /** Content ids and the KIDs (hex or UUID) each covers, for routes with a content id. */
  contents?: { [contentId: string]: readonly string[] };
  /** Where the endpoints live, e.g. `'/proxy'`. Default `''`. */
  basePath?: string;
  /** The wire shapes. Default {@link DEFAULT_WRAPPING_PROXY_ROUTES}. */
  routes?: readonly WrappingProxyRoute[];
  /** HMAC key of the tokens. Default: 32 random bytes per instance. */
  secret?: Uint8Array;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Standalone server only: port (0 = a free one). */
  port?: number;
  /** Standalone server only: the address to listen on. */
  host?: string;
}

/** One logged request. Never holds tokens, challenges or keys. */
export interface WrappingProxyRecord {
  /** When the request arrived, ms since the epoch. */
  time: number;
  /** The HTTP method. */
  method: string;
  /** Path relative to `basePath`. */
  path: string;
  /** The HTTP status answered. */
  status: number;
  /** The error code answered, for errors. */
  errorCode?: string;
  /** Whether a token was present where the route expects it. */
  hadToken: boolean;
  /** The content id the request named, if any. */
  contentId?: string;
  /** Requested KIDs, lower-case hex. */
  kids?: string[];
  /** The request's `Content-Type`. */
  contentType?: string;
  /** The JSON request body with the challenge replaced by `"[challenge: N bytes]"` and a body token by `"[token]"`. */
  json?: unknown;
}

/** The handler to mount in a `node:http` server; returns false outside `basePath`. */
export interface WrappingProxyHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Every request handled, oldest first. */
  readonly requests: readonly WrappingProxyRecord[];
  /** Empties {@link WrappingProxyHandler.requests}. */
  clearRequests(): void;
  /** Mints a token for a content id (for Node-side tests). */
  issueToken(contentId: string | null, ttlSeconds?: number): string;
}

/** A running standalone proxy. */
export interface WrappingProxy extends RunningServer {
  /** Every request handled, oldest first. */
  readonly requests: readonly WrappingProxyRecord[];
  /** Empties {@link WrappingProxy.requests}. */
  clearRequests(): void;
  /** Mints a token for a content id (for Node-side tests). */
  issueToken(contentId: string | null, ttlSeconds?: number): string;
}

class ProxyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_PREFIX = 'kfp1';
const MAX_TTL_SECONDS = 86_400;

function getField(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function setField(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = root;
  segments.slice(0, -1).forEach((segment) => {
    const next = current[segment];
    if (!next || typeof next !== 'object' || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  });
  current[segments[segments.length - 1]!] = value;
}

/** Strict decoding in a wire encoding; `null` when the text is not valid. */
function decodeStrict(value: unknown, encoding: ProxyEncoding | 'bytes'): Uint8Array | null {
  if (encoding === 'bytes') {
    return Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? Uint8Array.from(value as number[]) : null;
  }
  if (typeof value !== 'string' || !value) return null;
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(value) ? Uint8Array.from(Buffer.from(value, 'hex')) : null;
  if (encoding === 'base64url') {
    return /^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Uint8Array.from(Buffer.from(value, 'base64url')) : null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || (value.includes('=') && value.length % 4 !== 0)) return null;
  return Uint8Array.from(Buffer.from(value, 'base64'));
}

function encode(bytes: Uint8Array, encoding: ProxyEncoding): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === 'hex' ? buffer.toString('hex') : encoding === 'base64url' ? buffer.toString('base64url') : buffer.toString('base64');
}

function checkRoute(route: WrappingProxyRoute, index: number): void {
  const where = `routes[${index}]`;
  if (!route || typeof route.path !== 'string' || !/^[A-Za-z0-9._~\-/]+$/.test(route.path)) throw new TypeError(`${where}.path must be a URL path`);
  if (route.path === 'token' || route.path === '_requests') throw new TypeError(`${where}.path "${route.path}" is reserved`);
  if (route.challengeField !== null && (typeof route.challengeField !== 'string' || !route.challengeField)) {
    throw new TypeError(`${where}.challengeField must be a field path or null`);
  }
  if (route.licenseField !== null && typeof route.licenseField !== 'string') throw new TypeError(`${where}.licenseField must be a field path, '' or null`);
}

/**
 * Creates the proxy as a handler to mount in an existing `node:http` server
 * (the demo server mounts it at `/proxy`).
 *
 * @throws TypeError on invalid options
 */
export function createWrappingProxyHandler(options: WrappingProxyOptions): WrappingProxyHandler {
  const store = keyStore(options.keys);
  const basePath = normalizeBasePath(options.basePath);
  const routes = options.routes ?? DEFAULT_WRAPPING_PROXY_ROUTES;
  routes.forEach(checkRoute);
  const contents = new Map<string, Set<string>>();
  for (const [id, kids] of Object.entries(options.contents ?? {})) {
    contents.set(
      id,
      new Set(
        kids.map((kid) => {
          const hex = normalizeHex16(kid);
          if (!hex) throw new TypeError(`contents[${JSON.stringify(id)}] has a malformed key ID: ${kid}`);
          return hex;
        }),
      ),
    );
  }
  const secret = options.secret ? Uint8Array.from(options.secret) : new Uint8Array(randomBytes(32));
  const now = options.now ?? Date.now;
  let records: WrappingProxyRecord[] = [];

  const mac = (payload: string): Buffer => createHmac('sha256', secret).update(`${TOKEN_PREFIX}.${payload}`).digest();

  const issueToken = (contentId: string | null, ttlSeconds = 600): string => {
    const payload = Buffer.from(JSON.stringify({ cid: contentId, exp: Math.floor(now() / 1000) + ttlSeconds })).toString('base64url');
    return `${TOKEN_PREFIX}.${payload}.${mac(payload).toString('base64url')}`;
  };

  /** The content id the token is for, or throws 401. */
  const verifyToken = (token: string): string | null => {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) {
      throw new ProxyError(401, 'AUTH_TOKEN_INVALID', 'The token is not authentic');
    }
    const given = Buffer.from(parts[2]!, 'base64url');
    const expected = mac(parts[1]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ProxyError(401, 'AUTH_TOKEN_INVALID', 'The token is not authentic');
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { cid: string | null; exp: number };
    if (now() / 1000 >= claims.exp) throw new ProxyError(401, 'AUTH_TOKEN_EXPIRED', 'The token has expired');
    return claims.cid;
  };

  const handleLicense = async (req: IncomingMessage, res: ServerResponse, route: WrappingProxyRoute, query: URLSearchParams, record: WrappingProxyRecord): Promise<void> => {
    if (req.method !== 'POST') {
      req.resume();
      throw new ProxyError(405, 'METHOD_NOT_ALLOWED', 'Use POST');
    }
    const body = await readBody(req);
    if (!body) throw new ProxyError(413, 'BODY_TOO_LARGE', 'The request body is larger than 64 KiB');

    const wantsJson = route.challengeField !== null || (route.token && 'field' in route.token) || (route.contentId && 'field' in route.contentId);
    let json: Record<string, unknown> | null = null;
    if (wantsJson) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProxyError(400, 'BAD_WRAPPING', 'The request body is not a JSON object');
      json = parsed as Record<string, unknown>;
      const logged = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
      if (route.challengeField !== null && getField(logged, route.challengeField) !== undefined) {
        const challenge = decodeStrict(getField(json, route.challengeField), route.challengeEncoding ?? 'base64');
        setField(logged, route.challengeField, `[challenge: ${challenge ? challenge.byteLength : '?'} bytes]`);
      }
      if (route.token && 'field' in route.token && getField(logged, route.token.field) !== undefined) setField(logged, route.token.field, '[token]');
      record.json = logged;
    }

    // The token.
    let tokenContent: string | null = null;
    if (route.token) {
      const spec = route.token;
      let raw: unknown;
      if ('header' in spec) {
        const value = req.headers[spec.header.toLowerCase()];
        raw = typeof value === 'string' ? value : undefined;
        if (typeof raw === 'string' && spec.scheme) {
          const prefix = `${spec.scheme} `;
          raw = raw.toLowerCase().startsWith(prefix.toLowerCase()) ? raw.slice(prefix.length).trim() : undefined;
        }
      } else if ('query' in spec) {
        raw = query.get(spec.query) ?? undefined;
      } else {
        raw = json ? getField(json, spec.field) : undefined;
      }
      record.hadToken = typeof raw === 'string' && raw !== '';
      if (!record.hadToken) throw new ProxyError(401, 'AUTH_TOKEN_MISSING', 'No token was sent');
      tokenContent = verifyToken(raw as string);
    }

    // The content id.
    let contentKids: Set<string> | null = null;
    if (route.contentId) {
      const spec = route.contentId;
      const raw = 'query' in spec ? query.get(spec.query) : 'header' in spec ? req.headers[spec.header.toLowerCase()] : json ? getField(json, spec.field) : undefined;
      if (typeof raw !== 'string' || !raw) throw new ProxyError(400, 'CONTENT_ID_MISSING', 'No content id was sent');
      record.contentId = raw;
      contentKids = contents.get(raw) ?? null;
      if (!contentKids) throw new ProxyError(404, 'UNKNOWN_CONTENT', `Unknown content id ${JSON.stringify(raw.slice(0, 64))}`);
      if (route.token && tokenContent !== raw) throw new ProxyError(403, 'CONTENT_NOT_ALLOWED', 'The token is for another content id');
    }

    // The challenge.
    let challenge: Uint8Array;
    if (route.challengeField === null) {
      challenge = new Uint8Array(body);
    } else {
      const value = getField(json, route.challengeField);
      if (value === undefined) throw new ProxyError(400, 'BAD_WRAPPING', `The request has no "${route.challengeField}"`);
      const decoded = decodeStrict(value, route.challengeEncoding ?? 'base64');
      if (!decoded) throw new ProxyError(400, 'BAD_WRAPPING', `"${route.challengeField}" is not ${route.challengeEncoding ?? 'base64'}`);
      challenge = decoded;
    }
    let request;
    try {
      request = parseClearKeyLicenseRequest(challenge);
    } catch (error) {
      if (error instanceof ClearKeyRequestError) throw new ProxyError(400, 'BAD_LICENSE_REQUEST', `Not a Clear Key license request: ${error.message}`);
      throw error;
    }
    const kids = request.kidBytes.map((bytes) => bytesToHex(bytes));
    record.kids = kids;
    if (contentKids) {
      const outside = kids.filter((kid) => !contentKids!.has(kid));
      if (outside.length) throw new ProxyError(403, 'CONTENT_NOT_ALLOWED', `Key ${outside.join(', ')} is not part of content ${record.contentId}`);
    }
    const released = keyPairs(store, kids);
    if (!released.length) throw new ProxyError(404, 'KEYS_NOT_FOUND', 'None of the requested keys is known');
    const license = Buffer.from(JSON.stringify(buildClearKeyLicense(released, request.type)), 'utf8');

    if (route.licenseField === null) {
      sendReply(res, 200, 'application/json', license);
    } else if (route.licenseField === '') {
      sendReply(res, 200, 'text/plain', encode(license, route.licenseEncoding ?? 'base64'));
    } else {
      const reply: Record<string, unknown> = {};
      setField(reply, route.licenseField, encode(license, route.licenseEncoding ?? 'base64'));
      sendReply(res, 200, 'application/json', JSON.stringify(reply));
    }
    record.status = 200;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    const route = routes.find((r) => r.path.replace(/^\/+|\/+$/g, '') === path);
    const record: WrappingProxyRecord = { time: now(), method, path, status: 0, hadToken: false, ...(typeof contentType === 'string' ? { contentType } : {}) };
    const tokenHeaders = routes.flatMap((r) => (r.token && 'header' in r.token ? [r.token.header] : []));
    const idHeaders = routes.flatMap((r) => (r.contentId && 'header' in r.contentId ? [r.contentId.header] : []));
    setCommonHeaders(res, ['Content-Type', 'Authorization', ...tokenHeaders, ...idHeaders].join(', '), 'X-Proxy-Error');
    const log = (): void => {
      records.push(record);
      if (records.length > 10_000) records.splice(0, records.length - 10_000);
    };
    try {
      if (path === '_requests') {
        req.resume();
        if (method === 'DELETE') records = [];
        sendReply(res, method === 'DELETE' ? 204 : 200, method === 'DELETE' ? null : 'application/json', JSON.stringify(records));
        return;
      }
      if (method === 'OPTIONS') {
        req.resume();
        sendReply(res, 204, null, '', { 'Access-Control-Max-Age': '600' });
        return;
      }
      if (path === 'token') {
        req.resume();
        if (method !== 'GET') throw new ProxyError(405, 'METHOD_NOT_ALLOWED', 'Use GET');
        const contentId = query.get('contentId');
        if (contentId !== null && !contents.has(contentId)) throw new ProxyError(404, 'UNKNOWN_CONTENT', `Unknown content id ${JSON.stringify(contentId.slice(0, 64))}`);
        const ttl = Number(query.get('ttl') ?? 600);
        if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) throw new ProxyError(400, 'BAD_REQUEST', `ttl must be 1..${MAX_TTL_SECONDS} seconds`);
        sendReply(res, 200, 'text/plain', issueToken(contentId, ttl));
        return;
      }
      if (!route) {
        req.resume();
        throw new ProxyError(404, 'NOT_FOUND', `No route ${JSON.stringify(path)}`);
      }
      await handleLicense(req, res, route, query, record);
      log();
    } catch (error) {
      const failure = error instanceof ProxyError ? error : new ProxyError(500, 'INTERNAL_ERROR', 'The proxy failed');
      sendReply(res, failure.status, 'application/json', JSON.stringify({ error: { code: failure.code, message: failure.message } }), {
        'X-Proxy-Error': failure.message,
      });
      record.status = failure.status;
      record.errorCode = failure.code;
      if (route) log();
    }
  };

  return mountableHandler(
    basePath,
    handle,
    'proxy error',
    { read: () => records.slice(), clear: () => void (records = []) },
    { issueToken },
  ) as WrappingProxyHandler;
}

/**
 * Starts the proxy standalone.
 *
 * @example
 * const proxy = await startWrappingProxy({ keys, contents: { movie: [kid] } });
 * // Shaka's tutorial shape: `${proxy.url}/shaka/wrapped_request_and_response`
 * await proxy.close();
 */
export async function startWrappingProxy(options: WrappingProxyOptions): Promise<WrappingProxy> {
  const handler = createWrappingProxyHandler(options);
  const running = await listen(handler, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: running.url,
    port: running.port,
    close: () => running.close(),
    get requests() {
      return handler.requests;
    },
    clearRequests: () => handler.clearRequests(),
    issueToken: (contentId, ttl) => handler.issueToken(contentId, ttl),
  };
}
