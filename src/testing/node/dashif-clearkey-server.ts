/**
 * A W3C Clear Key license server under the DASH-IF interoperable license
 * request model (DASH-IF IOP security, "DASH-IF interoperable license request
 * model"; license-services.md §1, §5.1), with the authorization service in
 * front of it. For tests, the demo server and manual runs. Node only.
 *
 * Endpoints (under `basePath`): `GET authorize?kids=&ttl=` (the authorization service: an
 * HS256 JWT with `authorized_kids`), `POST license` (Bearer token and a W3C Clear Key request in,
 * JWK set out), `GET`/`DELETE _requests` (the log), `OPTIONS` (preflight). Errors are
 * `application/problem+json` (RFC 7807) with the model's problem types; the list is in
 * `docs/emulators.md`, "DASH-IF ClearKey server".
 *
 * Emulator choices (the model leaves them open): HS256 only (the model
 * allows HMAC-SHA2 and ECDSA); no clock skew; 403 rather than 401 for a
 * missing token (the model's problem type says 403); every requested KID must
 * be known to the key store to be released; unknown KIDs are silently left
 * out like unauthorized ones; the authorization service authorizes a subset
 * (the requested KIDs stored and entitled) and `ttl` (default 600, 1..86400)
 * is an extension tests use for short-lived tokens.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { buildClearKeyLicense, ClearKeyRequestError, parseClearKeyLicenseRequest } from './clearkey.js';
import { bytesToHex, decodeJsonSegment, encodeJsonSegment, normalizeHex16 } from './encoding.js';
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
import { keyPairs, keyStore, type EmulatorContentKey } from './key-store.js';

/** The DASH-IF problem types (DASH-IF IOP security, "Problem signaling and handling"). */
export const DashIfProblemType = {
  /** The token is valid but does not grant the requested keys. */
  NOT_AUTHORIZED: 'https://dashif.org/drm-problems/not-authorized',
  /** No token, or one that is not authentic, expired or not yet valid. */
  INSUFFICIENT_PROOF_OF_AUTHORIZATION: 'https://dashif.org/drm-problems/insufficient-proof-of-authorization',
} as const;

/** Options of {@link createDashIfClearKeyHandler} and {@link startDashIfClearKeyServer}. */
export interface DashIfClearKeyServerOptions {
  /** The content keys (e.g. `content/keys.json` values). */
  keys: readonly EmulatorContentKey[];
  /** Where the endpoints live, e.g. `'/dashif'`. Default `''` (the server root). */
  basePath?: string;
  /** The KIDs (hex or UUID) the authorization service may authorize. Default: every stored key. */
  entitledKids?: readonly string[];
  /** HMAC-SHA256 key of the tokens. Default: 32 random bytes per instance. */
  secret?: Uint8Array;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Standalone server only: port (0 = a free one) and address. */
  port?: number;
  /** Standalone server only: the address to listen on. */
  host?: string;
}

/** Claims of an authorization token this server issues. */
export interface DashIfTokenClaims {
  /** Authorized KIDs, UUID form. */
  authorized_kids: string[];
  /** Issued at / expires at / not before, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
  /** Not before, seconds since the epoch. */
  nbf?: number;
  /** A unique token id. */
  jti?: string;
}

/** One logged request. Never holds tokens or keys. */
export interface DashIfRequestRecord {
  /** When the request arrived, ms since the epoch. */
  time: number;
  /** The HTTP method. */
  method: string;
  /** Path relative to `basePath`. */
  path: string;
  /** Which endpoint: the authorization service, the license server, a CORS preflight, anything else. */
  kind: 'authorize' | 'license' | 'preflight' | 'other';
  /** The HTTP status answered. */
  status: number;
  /** The problem type answered, for errors. */
  problemType?: string;
  /** Requested KIDs, lower-case hex (license: from the body; authorize: from `kids`). */
  kids?: string[];
  /** KIDs released (license) or authorized (authorize), lower-case hex. */
  grantedKids?: string[];
  /** Whether an `Authorization: Bearer` header came with the request. */
  hadBearer: boolean;
  /** The request's `Content-Type`, if any. */
  contentType?: string;
}

/** The handler to mount in a `node:http` server; returns false for requests outside `basePath`. */
export interface DashIfClearKeyHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Every request handled, oldest first. */
  readonly requests: readonly DashIfRequestRecord[];
  /** Empties {@link DashIfClearKeyHandler.requests}. */
  clearRequests(): void;
  /** Issues a token as the authorization service would (for Node-side tests). */
  issueToken(kids: readonly string[], ttlSeconds?: number): string;
}

/** A running standalone server. */
export interface DashIfClearKeyServer extends RunningServer {
  /** Every request handled, oldest first. */
  readonly requests: readonly DashIfRequestRecord[];
  /** Empties {@link DashIfClearKeyServer.requests}. */
  clearRequests(): void;
  /** Issues a token as the authorization service would (for Node-side tests). */
  issueToken(kids: readonly string[], ttlSeconds?: number): string;
}

const JWT_HEADER = encodeJsonSegment({ alg: 'HS256' });
const MAX_TOKEN_CHARS = 5000;
const MAX_TTL_SECONDS = 86_400;
const DEFAULT_TTL_SECONDS = 600;

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Signs `claims` as a JWS compact HS256 token (header `{"alg":"HS256"}`). */
export function signDashIfToken(claims: DashIfTokenClaims, secret: Uint8Array): string {
  const payload = encodeJsonSegment(claims);
  const signature = createHmac('sha256', secret).update(`${JWT_HEADER}.${payload}`).digest('base64url');
  return `${JWT_HEADER}.${payload}.${signature}`;
}

/** The outcome of {@link verifyDashIfToken}. */
export type DashIfTokenCheck =
  | {
      /** The token is authentic and currently valid. */
      ok: true;
      /** Its claims. */
      claims: DashIfTokenClaims;
      /** The KIDs it authorizes, lower-case hex. */
      kids: string[];
    }
  | {
      /** The token was refused. */
      ok: false;
      /** Why. */
      reason: 'not-authentic' | 'expired' | 'not-yet-valid';
    };

/**
 * Verifies a token: JWS compact form, `alg` HS256 (anything else, `none`
 * included, is not authentic), signature under `secret`, claims shape, then
 * `nbf` and `exp` against `nowMs`.
 */
export function verifyDashIfToken(token: string, secret: Uint8Array, nowMs: number): DashIfTokenCheck {
  const notAuthentic = { ok: false, reason: 'not-authentic' } as const;
  if (token.length > MAX_TOKEN_CHARS) return notAuthentic;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return notAuthentic;
  const [header, payload, signature] = parts as [string, string, string];
  let alg: unknown;
  let claims: Partial<DashIfTokenClaims>;
  try {
    alg = (decodeJsonSegment(header) as { alg?: unknown }).alg;
    claims = decodeJsonSegment(payload) as Partial<DashIfTokenClaims>;
  } catch {
    return notAuthentic;
  }
  if (alg !== 'HS256') return notAuthentic;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return notAuthentic;
  if (!claims || !Array.isArray(claims.authorized_kids) || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    return notAuthentic;
  }
  const kids = claims.authorized_kids.map((k) => (typeof k === 'string' ? normalizeHex16(k) : null));
  if (kids.some((k) => k === null)) return notAuthentic;
  const nowSeconds = nowMs / 1000;
  if (typeof claims.nbf === 'number' && nowSeconds < claims.nbf) return { ok: false, reason: 'not-yet-valid' };
  if (nowSeconds >= claims.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims as DashIfTokenClaims, kids: kids as string[] };
}

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const insufficientProof = (detail: string): Problem =>
  new Problem(403, DashIfProblemType.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'Not authorized', detail);
const plain = (status: number, title: string, detail: string): Problem => new Problem(status, 'about:blank', title, detail);

function parseKidList(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const kids = raw.split(',').map((k) => normalizeHex16(k.trim()));
  return kids.every((k): k is string => k !== null) ? kids : null;
}

/** What the endpoints answer from: the keys, the entitlements, the token secret and the clock. */
interface DashIfState {
  store: Map<string, Uint8Array>;
  entitled: Set<string>;
  secret: Uint8Array;
  now: () => number;
}

function sendProblem(res: ServerResponse, problem: Problem): void {
  sendReply(
    res,
    problem.status,
    'application/problem+json',
    JSON.stringify({ type: problem.type, title: problem.title, status: problem.status, detail: problem.detail }),
  );
}

/** Issues a token for `kids` (hex or UUIDs) as the authorization service does. */
function issueToken(state: DashIfState, kids: readonly string[], ttlSeconds = DEFAULT_TTL_SECONDS): string {
  const hex = kids.map((kid) => {
    const normalized = normalizeHex16(kid);
    if (!normalized) throw new TypeError(`not a key ID: ${kid}`);
    return normalized;
  });
  const iat = Math.floor(state.now() / 1000);
  return signDashIfToken({ authorized_kids: hex.map(uuid), iat, exp: iat + ttlSeconds, jti: randomUUID() }, state.secret);
}

/** `GET authorize`: a token for the requested KIDs that are stored and entitled. */
function authorize(state: DashIfState, query: URLSearchParams, record: DashIfRequestRecord): string {
  const kids = parseKidList(query.get('kids'));
  if (!kids) throw plain(400, 'Bad Request', 'The "kids" query parameter must list key IDs (32 hex digits or UUIDs), comma-separated');
  record.kids = kids;
  const ttlText = query.get('ttl');
  const ttl = ttlText === null ? DEFAULT_TTL_SECONDS : Number(ttlText);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
    throw plain(400, 'Bad Request', `"ttl" must be 1..${MAX_TTL_SECONDS} seconds`);
  const granted = [...new Set(kids)].filter((kid) => state.store.has(kid) && state.entitled.has(kid)).sort();
  if (!granted.length) {
    throw new Problem(403, DashIfProblemType.NOT_AUTHORIZED, 'Not authorized', 'Your account may not use any of the requested keys.');
  }
  record.grantedKids = granted;
  return issueToken(state, granted, ttl);
}

/** `POST license`: the JWK set of the requested keys the Bearer token authorizes. */
function license(state: DashIfState, req: IncomingMessage, body: Buffer, record: DashIfRequestRecord): string {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer +(\S+)\s*$/i.exec(header) : null;
  if (!match) throw insufficientProof('No authorization token was provided (expected "Authorization: Bearer <token>").');
  let request;
  try {
    request = parseClearKeyLicenseRequest(new Uint8Array(body));
  } catch (error) {
    if (error instanceof ClearKeyRequestError) throw plain(400, 'Bad Request', `Not a Clear Key license request: ${error.message}`);
    throw error;
  }
  record.kids = request.kidBytes.map((bytes) => bytesToHex(bytes));
  const check = verifyDashIfToken(match[1]!, state.secret, state.now());
  if (!check.ok) {
    if (check.reason === 'expired') throw insufficientProof('The authorization token has expired.');
    if (check.reason === 'not-yet-valid') throw insufficientProof('The authorization token is not valid yet (nbf).');
    throw insufficientProof('The authorization token is not authentic.');
  }
  const authorized = new Set(check.kids);
  const released = keyPairs(
    state.store,
    record.kids.filter((kid) => authorized.has(kid)),
  );
  if (!released.length) throw insufficientProof('The authorization token does not authorize any of the requested keys.');
  record.grantedKids = released.map((pair) => bytesToHex(pair.kid));
  return JSON.stringify(buildClearKeyLicense(released, request.type));
}

/** Answers one request at an endpoint (the log and preflights are answered before); returns the status. */
async function answer(
  state: DashIfState,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  record: DashIfRequestRecord,
): Promise<number> {
  if (record.kind === 'authorize') {
    req.resume();
    if (record.method !== 'GET') throw plain(405, 'Method Not Allowed', 'Use GET');
    sendReply(res, 200, 'text/plain', authorize(state, query, record));
    return 200;
  }
  if (record.kind === 'license') {
    if (record.method !== 'POST') {
      req.resume();
      throw plain(405, 'Method Not Allowed', 'Use POST');
    }
    const body = await readBody(req);
    if (!body) throw plain(413, 'Payload Too Large', `The license request is larger than ${MAX_BODY_BYTES / 1024} KiB`);
    sendReply(res, 200, 'application/json', license(state, req, body, record));
    return 200;
  }
  req.resume();
  throw plain(404, 'Not Found', `No endpoint ${JSON.stringify(record.path)}`);
}

/**
 * Creates the server as a handler to mount in an existing `node:http`
 * server (the demo server mounts it at `/dashif`).
 *
 * @throws TypeError on invalid options
 */
export function createDashIfClearKeyHandler(options: DashIfClearKeyServerOptions): DashIfClearKeyHandler {
  const store = keyStore(options.keys);
  const basePath = normalizeBasePath(options.basePath);
  const entitled = new Set(
    (options.entitledKids ?? [...store.keys()]).map((kid, index) => {
      const hex = normalizeHex16(kid);
      if (!hex) throw new TypeError(`entitledKids[${index}] must be 32 hex digits or a UUID`);
      return hex;
    }),
  );
  const secret = options.secret ? Uint8Array.from(options.secret) : new Uint8Array(randomBytes(32));
  const now = options.now ?? Date.now;
  const state: DashIfState = { store, entitled, secret, now };
  const log = createRequestLog<DashIfRequestRecord>();

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    const record: DashIfRequestRecord = {
      time: now(),
      method,
      path,
      kind: method === 'OPTIONS' ? 'preflight' : path === 'authorize' ? 'authorize' : path === 'license' ? 'license' : 'other',
      status: 0,
      hadBearer: /^Bearer\s/i.test(req.headers.authorization ?? ''),
      ...(typeof contentType === 'string' ? { contentType } : {}),
    };
    setCommonHeaders(res, { allowHeaders: 'Authorization, Content-Type' });
    const finish = (status: number, problemType?: string): void => {
      record.status = status;
      if (problemType) record.problemType = problemType;
      log.push(record);
    };
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
        finish(204);
        return;
      }
      finish(await answer(state, req, res, query, record));
    } catch (error) {
      const problem = error instanceof Problem ? error : plain(500, 'Internal Server Error', 'The emulator failed');
      sendProblem(res, problem);
      finish(problem.status, problem.type);
    }
  };

  return mountableHandler(basePath, handle, 'emulator error', log, {
    issueToken: (kids: readonly string[], ttlSeconds?: number) => issueToken(state, kids, ttlSeconds),
  }) as DashIfClearKeyHandler;
}

/**
 * Starts the server standalone.
 *
 * @example
 * const server = await startDashIfClearKeyServer({ keys: [{ kid, key }] });
 * const token = await (await fetch(`${server.url}/authorize?kids=${kid}`)).text();
 * // license URL: `${server.url}/license`
 * await server.close();
 */
export async function startDashIfClearKeyServer(options: DashIfClearKeyServerOptions): Promise<DashIfClearKeyServer> {
  const handler = createDashIfClearKeyHandler(options);
  return listenWithLog(handler, options.port, options.host, {
    issueToken: (kids: readonly string[], ttl?: number) => handler.issueToken(kids, ttl),
  });
}
