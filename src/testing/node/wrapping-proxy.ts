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
 * proxy with a token and a content id, a plain-text base64 one, and a form
 * route shaped like the FairPlay services' `spc=` bodies (the body is
 * `application/x-www-form-urlencoded` per the URL Standard; the token is a
 * field of base64 JSON in a header, as DRMtoday's `x-dt-custom-data`
 * carries its values; the reply `{"ckc": …}` carries the Clear Key license).
 *
 * Endpoints (under `basePath`): `POST <route.path>`, `GET token?contentId=&ttl=` (a token, as
 * the app's backend would mint it), `GET`/`DELETE _requests` (the log), `OPTIONS` (preflight).
 * The errors, in the order they are checked: `docs/emulators.md`, "Wrapping proxy errors".
 *
 * Emulator choices (such proxies are in-house; none is a standard): the tokens are its own
 * (`kfp1.<base64url JSON {cid, exp}>.<base64url HMAC-SHA256>`); errors are
 * `{"error":{"code","message"}}` with the message repeated in `X-Proxy-Error`; without a content
 * id a route releases every requested key the store has.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { buildClearKeyLicense, ClearKeyRequestError, parseClearKeyLicenseRequest } from './clearkey.js';
import {
  bytesToHex,
  decodeJsonSegment,
  decodeText,
  encodeJsonSegment,
  encodeText,
  normalizeHex16,
  type ProxyEncoding,
} from './encoding.js';
import {
  createRequestLog,
  listenWithLog,
  MAX_BODY_BYTES,
  normalizeBasePath,
  readBody,
  mountableHandler,
  sendReply,
  setCommonHeaders,
  type RunningServer,
} from './http-kit.js';
import { getField, setField } from './json-path.js';
import { keyPairs, keyStore, type EmulatorContentKey } from './key-store.js';

export type { ProxyEncoding } from './encoding.js';

/** One wire shape the proxy answers at `path`. */
export interface WrappingProxyRoute {
  /** Path under `basePath`, e.g. `'shaka/wrapped_request_and_response'`. */
  path: string;
  /** Dotted path of the challenge in a JSON request body; `null`: the body is the raw challenge. */
  challengeField: string | null;
  /** How the challenge is written (`bytes`: a JSON array of byte values). Default `'base64'`. */
  challengeEncoding?: ProxyEncoding | 'bytes';
  /** Dotted path of the license in the JSON reply; `''`: the reply body is the encoded license as text; `null`: the raw JWK set. */
  licenseField: string | null;
  /** How the license is written. Default `'base64'`. */
  licenseEncoding?: ProxyEncoding;
  /**
   * How the request body is written: `json` (default) or `form`
   * (`application/x-www-form-urlencoded`, as FairPlay services take an
   * `spc=` body; the fields are then read by name).
   */
  bodyFormat?: 'json' | 'form';
  /** Where the token is (absent: no token needed). `scheme` (e.g. `'Bearer'`) prefixes a header value. */
  token?:
    | {
        /** The request header that carries the token. */
        header: string;
        /** A prefix of the header value, e.g. `'Bearer'`. */
        scheme?: string;
        /**
         * The header value is base64 of a JSON object and the token is this
         * field of it (as DRMtoday's `x-dt-custom-data` carries its values).
         */
        jsonField?: string;
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
 * - `form/license`: `assetId=<content id>&spc=<base64 challenge>` in (a form), the token in
 *   `X-Custom-Data` as base64 of `{"token": …}`, `{"ckc": <base64>}` out;
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
  {
    path: 'form/license',
    bodyFormat: 'form',
    challengeField: 'spc',
    licenseField: 'ckc',
    token: { header: 'X-Custom-Data', jsonField: 'token' },
    contentId: { field: 'assetId' },
  },
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

/** Decodes a challenge written in a route's encoding; `null` when it is not. */
function decodeChallenge(value: unknown, encoding: ProxyEncoding | 'bytes'): Uint8Array | null {
  if (encoding === 'bytes') {
    return Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
      ? Uint8Array.from(value as number[])
      : null;
  }
  return typeof value === 'string' ? decodeText(value, encoding) : null;
}

function checkRoute(route: WrappingProxyRoute, index: number): void {
  const where = `routes[${index}]`;
  if (!route || typeof route.path !== 'string' || !/^[A-Za-z0-9._~\-/]+$/.test(route.path))
    throw new TypeError(`${where}.path must be a URL path`);
  if (route.path === 'token' || route.path === '_requests') throw new TypeError(`${where}.path "${route.path}" is reserved`);
  if (route.challengeField !== null && (typeof route.challengeField !== 'string' || !route.challengeField)) {
    throw new TypeError(`${where}.challengeField must be a field path or null`);
  }
  if (route.licenseField !== null && typeof route.licenseField !== 'string')
    throw new TypeError(`${where}.licenseField must be a field path, '' or null`);
  if (route.bodyFormat !== undefined && route.bodyFormat !== 'json' && route.bodyFormat !== 'form')
    throw new TypeError(`${where}.bodyFormat must be 'json' or 'form'`);
}

function contentMap(contents: WrappingProxyOptions['contents']): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [id, kids] of Object.entries(contents ?? {})) {
    const hex = kids.map((kid) => {
      const normalized = normalizeHex16(kid);
      if (!normalized) throw new TypeError(`contents[${JSON.stringify(id)}] has a malformed key ID: ${kid}`);
      return normalized;
    });
    map.set(id, new Set(hex));
  }
  return map;
}

/** The proxy's own tokens: `kfp1.<base64url JSON {cid, exp}>.<base64url HMAC-SHA256>`. */
function proxyTokens(secret: Uint8Array, now: () => number) {
  const mac = (payload: string): Buffer => createHmac('sha256', secret).update(`${TOKEN_PREFIX}.${payload}`).digest();
  const issue = (contentId: string | null, ttlSeconds = 600): string => {
    const payload = encodeJsonSegment({ cid: contentId, exp: Math.floor(now() / 1000) + ttlSeconds });
    return `${TOKEN_PREFIX}.${payload}.${mac(payload).toString('base64url')}`;
  };
  /** The content id the token is for, or throws 401. */
  const verify = (token: string): string | null => {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) {
      throw new ProxyError(401, 'AUTH_TOKEN_INVALID', 'The token is not authentic');
    }
    const given = Buffer.from(parts[2]!, 'base64url');
    const expected = mac(parts[1]!);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new ProxyError(401, 'AUTH_TOKEN_INVALID', 'The token is not authentic');
    const claims = decodeJsonSegment(parts[1]!) as { cid: string | null; exp: number };
    if (now() / 1000 >= claims.exp) throw new ProxyError(401, 'AUTH_TOKEN_EXPIRED', 'The token has expired');
    return claims.cid;
  };
  return { issue, verify };
}

/** The JSON request body when the route wants one (logged without its challenge and token), else null. */
function readJson(body: Buffer, route: WrappingProxyRoute, record: WrappingProxyRecord): Record<string, unknown> | null {
  const wantsJson =
    route.challengeField !== null || (route.token && 'field' in route.token) || (route.contentId && 'field' in route.contentId);
  if (!wantsJson) return null;
  let parsed: unknown;
  try {
    parsed =
      route.bodyFormat === 'form' ? Object.fromEntries(new URLSearchParams(body.toString('utf8'))) : JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ProxyError(400, 'BAD_WRAPPING', `The request body is not a ${route.bodyFormat === 'form' ? 'form' : 'JSON object'}`);
  const json = parsed as Record<string, unknown>;
  const logged = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
  if (route.challengeField !== null && getField(logged, route.challengeField) !== undefined) {
    const challenge = decodeChallenge(getField(json, route.challengeField), route.challengeEncoding ?? 'base64');
    setField(logged, route.challengeField, `[challenge: ${challenge ? challenge.byteLength : '?'} bytes]`);
  }
  if (route.token && 'field' in route.token && getField(logged, route.token.field) !== undefined)
    setField(logged, route.token.field, '[token]');
  record.json = logged;
  return json;
}

/** The field at `path` of a header value that is base64 of a JSON object; undefined when it is not. */
function fieldOfBase64Json(value: string, path: string): unknown {
  const bytes = decodeText(value.trim(), 'base64');
  if (!bytes) return undefined;
  try {
    return getField(JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown, path);
  } catch {
    return undefined;
  }
}

/** The token where the route expects it (`undefined` when absent or not text). */
function tokenFrom(
  spec: NonNullable<WrappingProxyRoute['token']>,
  req: IncomingMessage,
  query: URLSearchParams,
  json: Record<string, unknown> | null,
): unknown {
  if ('header' in spec) {
    const value = req.headers[spec.header.toLowerCase()];
    if (typeof value === 'string' && spec.jsonField) return fieldOfBase64Json(value, spec.jsonField);
    if (typeof value !== 'string' || !spec.scheme) return typeof value === 'string' ? value : undefined;
    const prefix = `${spec.scheme} `;
    return value.toLowerCase().startsWith(prefix.toLowerCase()) ? value.slice(prefix.length).trim() : undefined;
  }
  if ('query' in spec) return query.get(spec.query) ?? undefined;
  return json ? getField(json, spec.field) : undefined;
}

/** The content id where the route expects it. */
function contentIdFrom(
  spec: NonNullable<WrappingProxyRoute['contentId']>,
  req: IncomingMessage,
  query: URLSearchParams,
  json: Record<string, unknown> | null,
): unknown {
  if ('query' in spec) return query.get(spec.query);
  if ('header' in spec) return req.headers[spec.header.toLowerCase()];
  return json ? getField(json, spec.field) : undefined;
}

/** The challenge: the raw body, or the route's field decoded. */
function challengeFrom(body: Buffer, json: Record<string, unknown> | null, route: WrappingProxyRoute): Uint8Array {
  if (route.challengeField === null) return new Uint8Array(body);
  const value = getField(json, route.challengeField);
  if (value === undefined) throw new ProxyError(400, 'BAD_WRAPPING', `The request has no "${route.challengeField}"`);
  const decoded = decodeChallenge(value, route.challengeEncoding ?? 'base64');
  if (!decoded) throw new ProxyError(400, 'BAD_WRAPPING', `"${route.challengeField}" is not ${route.challengeEncoding ?? 'base64'}`);
  return decoded;
}

/** Sends the license in the route's reply shape. */
function sendLicense(res: ServerResponse, route: WrappingProxyRoute, license: Uint8Array): void {
  if (route.licenseField === null) {
    sendReply(res, 200, 'application/json', license);
  } else if (route.licenseField === '') {
    sendReply(res, 200, 'text/plain', encodeText(license, route.licenseEncoding ?? 'base64'));
  } else {
    const reply: Record<string, unknown> = {};
    setField(reply, route.licenseField, encodeText(license, route.licenseEncoding ?? 'base64'));
    sendReply(res, 200, 'application/json', JSON.stringify(reply));
  }
}

/** What a license request is checked against. */
interface ProxyState {
  store: Map<string, Uint8Array>;
  contents: Map<string, Set<string>>;
  tokens: ReturnType<typeof proxyTokens>;
}

/** Checks the token and the content id the route wants; the KIDs the content covers (null: no content binding). */
function checkAccess(
  state: ProxyState,
  route: WrappingProxyRoute,
  req: IncomingMessage,
  query: URLSearchParams,
  json: Record<string, unknown> | null,
  record: WrappingProxyRecord,
): Set<string> | null {
  let tokenContent: string | null = null;
  if (route.token) {
    const raw = tokenFrom(route.token, req, query, json);
    record.hadToken = typeof raw === 'string' && raw !== '';
    if (!record.hadToken) throw new ProxyError(401, 'AUTH_TOKEN_MISSING', 'No token was sent');
    tokenContent = state.tokens.verify(raw as string);
  }
  if (!route.contentId) return null;
  const raw = contentIdFrom(route.contentId, req, query, json);
  if (typeof raw !== 'string' || !raw) throw new ProxyError(400, 'CONTENT_ID_MISSING', 'No content id was sent');
  record.contentId = raw;
  const contentKids = state.contents.get(raw);
  if (!contentKids) throw new ProxyError(404, 'UNKNOWN_CONTENT', `Unknown content id ${JSON.stringify(raw.slice(0, 64))}`);
  if (route.token && tokenContent !== raw) throw new ProxyError(403, 'CONTENT_NOT_ALLOWED', 'The token is for another content id');
  return contentKids;
}

/** Answers a license request at a route: the checks in the order of the module comment. */
async function handleLicense(
  state: ProxyState,
  req: IncomingMessage,
  res: ServerResponse,
  route: WrappingProxyRoute,
  query: URLSearchParams,
  record: WrappingProxyRecord,
): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    throw new ProxyError(405, 'METHOD_NOT_ALLOWED', 'Use POST');
  }
  const body = await readBody(req);
  if (!body) throw new ProxyError(413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
  const json = readJson(body, route, record);
  const contentKids = checkAccess(state, route, req, query, json, record);
  const challenge = challengeFrom(body, json, route);
  let request;
  try {
    request = parseClearKeyLicenseRequest(challenge);
  } catch (error) {
    if (error instanceof ClearKeyRequestError)
      throw new ProxyError(400, 'BAD_LICENSE_REQUEST', `Not a Clear Key license request: ${error.message}`);
    throw error;
  }
  const kids = request.kidBytes.map((bytes) => bytesToHex(bytes));
  record.kids = kids;
  const outside = contentKids ? kids.filter((kid) => !contentKids.has(kid)) : [];
  if (outside.length)
    throw new ProxyError(403, 'CONTENT_NOT_ALLOWED', `Key ${outside.join(', ')} is not part of content ${record.contentId}`);
  const released = keyPairs(state.store, kids);
  if (!released.length) throw new ProxyError(404, 'KEYS_NOT_FOUND', 'None of the requested keys is known');
  sendLicense(res, route, Buffer.from(JSON.stringify(buildClearKeyLicense(released, request.type)), 'utf8'));
  record.status = 200;
}

/** Answers `GET token?contentId=&ttl=`. */
function handleTokenRequest(state: ProxyState, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  req.resume();
  if (req.method !== 'GET') throw new ProxyError(405, 'METHOD_NOT_ALLOWED', 'Use GET');
  const contentId = query.get('contentId');
  if (contentId !== null && !state.contents.has(contentId))
    throw new ProxyError(404, 'UNKNOWN_CONTENT', `Unknown content id ${JSON.stringify(contentId.slice(0, 64))}`);
  const ttl = Number(query.get('ttl') ?? 600);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
    throw new ProxyError(400, 'BAD_REQUEST', `ttl must be 1..${MAX_TTL_SECONDS} seconds`);
  sendReply(res, 200, 'text/plain', state.tokens.issue(contentId, ttl));
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
  const contents = contentMap(options.contents);
  const secret = options.secret ? Uint8Array.from(options.secret) : new Uint8Array(randomBytes(32));
  const now = options.now ?? Date.now;
  const state: ProxyState = { store, contents, tokens: proxyTokens(secret, now) };
  const log = createRequestLog<WrappingProxyRecord>();
  const tokenHeaders = routes.flatMap((r) => (r.token && 'header' in r.token ? [r.token.header] : []));
  const idHeaders = routes.flatMap((r) => (r.contentId && 'header' in r.contentId ? [r.contentId.header] : []));
  const allowHeaders = ['Content-Type', 'Authorization', ...tokenHeaders, ...idHeaders].join(', ');

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    const route = routes.find((r) => r.path.replace(/^\/+|\/+$/g, '') === path);
    const record: WrappingProxyRecord = {
      time: now(),
      method,
      path,
      status: 0,
      hadToken: false,
      ...(typeof contentType === 'string' ? { contentType } : {}),
    };
    setCommonHeaders(res, { allowHeaders, exposeHeaders: 'X-Proxy-Error' });
    try {
      if (path === '_requests') {
        req.resume();
        if (method === 'DELETE') log.clear();
        sendReply(res, method === 'DELETE' ? 204 : 200, method === 'DELETE' ? null : 'application/json', JSON.stringify(log.read()));
        return;
      }
      if (method === 'OPTIONS') {
        req.resume();
        sendReply(res, 204, null, '', { 'Access-Control-Max-Age': '600' });
        return;
      }
      if (path === 'token') {
        handleTokenRequest(state, req, res, query);
        return;
      }
      if (!route) {
        req.resume();
        throw new ProxyError(404, 'NOT_FOUND', `No route ${JSON.stringify(path)}`);
      }
      await handleLicense(state, req, res, route, query, record);
      log.push(record);
    } catch (error) {
      const failure = error instanceof ProxyError ? error : new ProxyError(500, 'INTERNAL_ERROR', 'The proxy failed');
      sendReply(res, failure.status, 'application/json', JSON.stringify({ error: { code: failure.code, message: failure.message } }), {
        'X-Proxy-Error': failure.message,
      });
      record.status = failure.status;
      record.errorCode = failure.code;
      if (route) log.push(record);
    }
  };

  return mountableHandler(basePath, handle, 'proxy error', log, { issueToken: state.tokens.issue }) as WrappingProxyHandler;
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
  return listenWithLog(handler, options.port, options.host, {
    issueToken: (contentId: string | null, ttl?: number) => handler.issueToken(contentId, ttl),
  });
}
