/**
 * A local emulator of the Intertrust ExpressPlay token API and license
 * endpoints, for tests, the demo server and manual runs. Node only; no
 * dependencies beyond `node:http`, `node:crypto`, `node:url`, `node:buffer`.
 *
 * ## What it emulates
 *
 * - **Token API** (server-to-server, normally `https://{wv,pr}-gen.{domain}/hms/{wv,pr}/token`):
 *   `GET` with query parameters or `POST` with an `application/x-www-form-urlencoded`
 *   body (merged with the query), at `/hms/wv/token` (Widevine), `/hms/pr/token`
 *   (PlayReady) and `/hms/ck/token` (ClearKey — a local extension; ExpressPlay
 *   has no ClearKey service). Parameters, response shapes and error codes
 *   follow Adobe Primetime's "Widevine/PlayReady license token request /
 *   response" reference: `customerAuthenticator`, `kid`, `contentKey`,
 *   `expirationTime` (RFC 3339 Zulu or `+seconds`, default and maximum
 *   30 days), `cookie` (≤ 32 characters), `errorFormat=html|json`; 200
 *   `text/uri-list` with a tokenized license URL for Widevine (and ClearKey),
 *   200 JSON `{"licenseAcquisitionUrl","token"}` for PlayReady; 400/401 with
 *   the documented negative event codes (-2002, -2005, -2017, -2018, -2021,
 *   -2027, -2033, -2034, -3004, -4018, -4019, -4020, -4021, -4022, -4024,
 *   -7004, -7007).
 * - **License endpoints**: `/hms/ck/rights/` answers real W3C ClearKey license
 *   requests (`?ExpressPlayToken=<token>`, POST body `{"kids":[...],"type":...}`)
 *   with a JWK set, so a browser's ClearKey CDM can decrypt content end to end.
 *   `/hms/wv/rights/` and `/playready/RightsManager.asmx` answer the *emulated*
 *   Widevine and PlayReady messages of the browser test CDM
 *   (`shaka-keyflow/testing`, formats in `src/testing/widevine-messages.ts` and
 *   `src/testing/playready-messages.ts`) with emulated licenses that carry the
 *   keys in clear; a real CDM's requests are signed and encrypted and are not
 *   understood. `/hms/wv/certificate` serves the emulated Widevine service
 *   certificate (`src/testing/node/widevine-license.ts`).
 * - **Introspection for tests**: `GET /_emulator/requests` (JSON array of
 *   {@link EmulatorRequestRecord}), `DELETE /_emulator/requests` (clears; 204).
 *
 * ## What it cannot prove
 *
 * It is not ExpressPlay. The real token format is opaque and unpublished (the
 * emulator's own format is in `token-seal.ts`); the real license endpoints'
 * status codes and error bodies for missing, invalid or expired tokens are not
 * documented, so everything the license endpoints say on failure is an
 * emulator choice; the exact JSON error shape of the token API
 * (`expressplay.com/developer/restapi/#json-errors`) was not available either.
 * Widevine and PlayReady licensing, key storage by name (`kid=^name`),
 * `kek`/`ek` key wrapping, token metering (-2019) and record retrieval are not
 * emulated. A test that passes here shows the client follows the documented
 * API and copes with the errors below; it must still be checked against
 * `*.test.expressplay.com` before a release.
 *
 * ## Emulator choices, not documented by ExpressPlay
 *
 * Token API:
 * - Check order: method, body size, body content type, `errorFormat`,
 *   `customerAuthenticator`, `kek`/`ek`, `kid`s, `contentKey`s, key storage,
 *   `expirationTime`, `cookie`, DRM-specific options. The first failure wins.
 * - An unknown `errorFormat` answers -3004 (documented code) as an HTML page.
 * - Single-valued parameters given more than once: the first occurrence wins
 *   (query before body).
 * - `kid` and `contentKey` are repeatable and paired by position; an empty
 *   `contentKey=` or a missing trailing one means "take the key from key
 *   storage" (the `keys` option); a kid absent from storage is -4019 (HTTP 400).
 *   More `contentKey`s than `kid`s, or one kid given twice with different keys,
 *   is -2005. At most 128 kids per token (-4022 beyond).
 * - `kid` accepts 32 hex digits or UUID form, any case; `contentKey` the same.
 *   `kid=^name` (key storage by name) is -4022 "not emulated" (-4021 if the name
 *   exceeds 64 characters); `kek`/`ek` are -4024 "not emulated".
 * - `expirationTime`: `+N` with 1 ≤ N ≤ 2592000 (30 days) or an RFC 3339 UTC time
 *   (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`, `T`/`Z` in either case, no leap second)
 *   strictly after now and at most 30 days ahead; otherwise -2002. A `+` that
 *   arrives as a space (sent un-encoded instead of `%2B`) is rejected with a hint.
 * - `cookie` longer than 32 characters (Unicode code points) is -2033; an empty
 *   cookie is treated as absent.
 * - Range checks where the reference gives ranges and codes: Widevine
 *   `securityLevel` 1–5 (-7004), `hdcpOutputControl` 0–2 (-2034),
 *   `licenseDuration` non-negative integer (-7007); PlayReady `rightsType`
 *   `BuyToOwn|Rental` (-2021), the five `*OPL` values 0–999 (-2034). Presence is
 *   not enforced (the reference marks some as required), and all other
 *   documented parameters are accepted and ignored.
 * - PlayReady success is served as `application/json` (the reference's status
 *   table says `text/uri-list`, its sample body is JSON). The `text/uri-list`
 *   bodies carry a single URL without a trailing line break.
 * - POST bodies with a `Content-Type` other than form-urlencoded (or none) are 415.
 * - JSON errors are `{"errorCode":<negative int>,"errorMessage":"<text>"}`.
 *
 * License endpoints (errors always JSON in that same shape):
 * - Non-POST → 405 (-9405); body over 64 KiB → 413 (-9413).
 * - Token only from the `ExpressPlayToken` query parameter (the header variant
 *   mentioned by Adobe has no documented name and is not supported).
 *   Missing/empty → 401 -4010 "Missing ExpressPlayToken"; given more than once
 *   → 403 -4010; not authentic → 403 -4010 "Invalid token"; minted for another
 *   DRM → 403 -4010 "Token is not valid for this DRM"; expired (`exp < now`)
 *   → 403 -4011 "Expired token".
 * - Then the body: not a valid ClearKey request → 400 -4000 with the reason.
 * - Every requested key ID must be granted by the token; if any is not (even
 *   if others are) → 403 -4012 "Token does not grant the requested key IDs: …"
 *   (the missing KIDs, hex, are listed — KIDs are not secret). No partial
 *   licenses. Duplicate requested KIDs appear once in the license.
 * - Success: 200 `application/json` JWK set, `type` echoing the request's.
 * - Widevine (`/hms/wv/rights/`): a body of exactly `08 04` (the CDM's
 *   service certificate request) is answered 200 `application/octet-stream`
 *   with a SERVICE_CERTIFICATE SignedMessage **without any token check** (the
 *   certificate is public; real Widevine license proxies answer it the same
 *   way) and recorded with kind `certificate`. Anything else is a license
 *   request: token checks as above, then the body must be a LICENSE_REQUEST
 *   SignedMessage whose signature is SHA-256 of msg, with a client
 *   identification in clear or "encrypted" for the emulator's certificate,
 *   naming key IDs (in its Widevine PSSH data or init data) → otherwise 400
 *   -4000; then the grant check (403 -4012); success is 200
 *   `application/octet-stream`, a LICENSE SignedMessage with one CONTENT key
 *   per requested KID, keys in clear, `request_id` echoed. Errors are the
 *   JSON body above with the HTTP status.
 * - PlayReady (`/playready/RightsManager.asmx`): the same token and grant
 *   checks, KIDs from the challenge's WRMHEADER (little-endian GUIDs turned
 *   into big-endian hex); the `SOAPAction` header must name AcquireLicense.
 *   Success is 200 `text/xml; charset=utf-8`, a SOAP AcquireLicenseResponse
 *   (one emulated license per KID, nonce echoed). Every error after the body
 *   was read is HTTP **500** with a SOAP 1.1 Fault: `faultcode` `soap:Client`
 *   (`soap:Server` for 5xx), `faultstring` = the message the JSON endpoints
 *   would give, and `detail/Exception/StatusCode` = a PlayReady server HRESULT
 *   (0x8004C601 DRM_E_SERVER_INVALID_MESSAGE for an unreadable challenge,
 *   0x8004C604 DRM_E_SERVER_SERVICE_SPECIFIC for token and entitlement
 *   refusals, 0x8004C600 for internal errors) plus
 *   `detail/Exception/ErrorCode` = the ExpressPlay-style code (-4010, -4011,
 *   -4012, -4000). 405 and 413 stay JSON (they happen before any SOAP).
 * - `/hms/wv/certificate`: `GET` or `POST` → 200 `application/octet-stream`,
 *   the emulator's bare `SignedDrmCertificate` (for Shaka's
 *   `drm.advanced[...].serverCertificateUri`), no token needed; recorded with
 *   kind `certificate`.
 *
 * Everything:
 * - CORS on every response: `Access-Control-Allow-Origin: *` (never
 *   credentials), methods `GET, POST, OPTIONS` (`GET, DELETE, OPTIONS` under
 *   `/_emulator/`), headers `Content-Type, Authorization, SOAPAction`; `OPTIONS`
 *   → 204 without any checks. No `Access-Control-Max-Age`, so browsers
 *   re-preflight after their short default and tests see preflights. No custom
 *   response headers, hence no `Access-Control-Expose-Headers`.
 * - Unknown paths under `/hms/` or `/_emulator/` → 404 JSON (-9404). Paths
 *   outside those (and `/playready/RightsManager.asmx`) are left to the host
 *   server ({@link createExpressPlayHandler} returns `false`); the standalone
 *   server answers them 404 JSON too.
 * - Any exception → 500 JSON (-9500, generic message). Nothing is logged.
 * - Trailing slash optional on every endpoint path; the PlayReady path is
 *   matched case-insensitively.
 * - Records: one per handled request except introspection (including
 *   preflights, with their status); path without query; never tokens,
 *   authenticators or keys. At most 10 000 are kept (oldest dropped).
 * - Returned URLs use `publicBaseUrl`, else the standalone server's
 *   `http://host:port`, else (handler use, or a wildcard bind address)
 *   `http(s)://<Host header>`, falling back to the socket's local address.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { URL, URLSearchParams } from 'node:url';

import {
  buildClearKeyLicense,
  ClearKeyRequestError,
  parseClearKeyLicenseRequest,
  type ClearKeyKeyPair,
} from './clearkey.js';
import { bytesToHex, hexToBytes, normalizeHex16 } from './encoding.js';
import { createTokenSecret, openToken, sealToken, TOKEN_SECRET_LENGTH, type TokenKeyEntry } from './token-seal.js';
import { EmulatedMessageError } from '../message-error';
import { isServiceCertificateRequest } from '../widevine-messages';
import { buildPlayReadyLicenseResponse, playReadyChallengeKeyIds, playReadyFault, readPlayReadyChallenge } from './playready-license.js';
import {
  buildWidevineLicense,
  emulatorServiceCertificate,
  emulatorServiceCertificateResponse,
  readWidevineChallenge,
  widevineChallengeKeyIds,
} from './widevine-license.js';

// ---------------------------------------------------------------------------
// Public types and constants
// ---------------------------------------------------------------------------

/** The customer authenticator accepted when none are configured. Not a secret: test-only. */
export const DEFAULT_CUSTOMER_AUTHENTICATOR = 'keyflow-test-authenticator';

/** Maximum (and default) token lifetime: 30 days, in milliseconds. */
export const MAX_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Largest request body any endpoint accepts (bytes); larger ones get 413. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/**
 * Error codes the emulator answers with. The first group is documented by
 * ExpressPlay (Adobe Primetime token request/response reference); the second
 * group is emulator-only (the -9xxx codes mirror the HTTP status).
 */
export const ExpressPlayErrorCode = {
  /** Invalid token expiration time (documented). */
  INVALID_EXPIRATION_TIME: -2002,
  /** Invalid content encryption key (documented). */
  INVALID_CONTENT_KEY: -2005,
  /** Authentication token (customer authenticator) must be supplied (documented). */
  AUTHENTICATOR_MISSING: -2017,
  /** Authentication token (customer authenticator) invalid (documented). */
  AUTHENTICATOR_INVALID: -2018,
  /** Invalid rights type (documented, PlayReady). */
  INVALID_RIGHTS_TYPE: -2021,
  /** Content encryption key must be 32 hexadecimal digits long (documented). */
  CONTENT_KEY_LENGTH: -2027,
  /** Invalid cookie (documented). */
  INVALID_COOKIE: -2033,
  /** Invalid output control, values out of range (documented). */
  INVALID_OUTPUT_CONTROL: -2034,
  /** Invalid error format specified (documented). */
  INVALID_ERROR_FORMAT: -3004,
  /** Invalid token (documented as a code; its use by license endpoints is an emulator choice). */
  INVALID_TOKEN: -4010,
  /** Missing kid (documented). */
  KID_MISSING: -4018,
  /** Failed to get content key from key storage service (documented). */
  KEY_STORAGE_FAILURE: -4019,
  /** kid must be 32 hexadecimal characters long (documented). */
  KID_LENGTH: -4020,
  /** kid name after '^' too long (documented). */
  KID_NAME_LENGTH: -4021,
  /** Invalid kid (documented). */
  INVALID_KID: -4022,
  /** Invalid encrypted key or kek (documented). */
  INVALID_KEK: -4024,
  /** PlayReady option is disabled for this service (documented; not answered since the PlayReady endpoint is emulated). */
  PLAYREADY_DISABLED: -5002,
  /** Invalid security level value (documented, Widevine). */
  INVALID_SECURITY_LEVEL: -7004,
  /** Invalid license duration specified (documented, Widevine). */
  INVALID_LICENSE_DURATION: -7007,
  /** Widevine option disabled (documented; not answered since the Widevine endpoint is emulated). */
  WIDEVINE_DISABLED: -7011,
  /** Emulator choice: malformed license request body (ClearKey JSON, Widevine SignedMessage, PlayReady SOAP challenge). */
  INVALID_LICENSE_REQUEST: -4000,
  /** Emulator choice: expired token at a license endpoint. */
  EXPIRED_TOKEN: -4011,
  /** Emulator choice: the token does not grant every requested key ID. */
  KIDS_NOT_GRANTED: -4012,
  /** Emulator-only: unknown path. */
  NOT_FOUND: -9404,
  /** Emulator-only: method not allowed. */
  METHOD_NOT_ALLOWED: -9405,
  /** Emulator-only: request body too large. */
  BODY_TOO_LARGE: -9413,
  /** Emulator-only: unsupported request content type. */
  UNSUPPORTED_MEDIA_TYPE: -9415,
  /** Emulator-only: unexpected internal failure. */
  INTERNAL_ERROR: -9500,
} as const;

/** A content key in the emulator's key storage. */
export interface EmulatorKey {
  /** Key ID: 32 hex digits or UUID form, any case (normalised to 32 lower-case hex digits). */
  kid: string;
  /** Content key: 32 hex digits (dashes/upper case accepted as for `kid`). */
  key: string;
}

/** Options of {@link createExpressPlayHandler} and {@link startExpressPlayEmulator}. */
export interface ExpressPlayEmulatorOptions {
  /** Port to listen on (standalone server only). Default 0 = an ephemeral port. */
  port?: number;
  /** Address to listen on (standalone server only). Default `'127.0.0.1'`. */
  host?: string;
  /** Accepted customer authenticators. Default `[DEFAULT_CUSTOMER_AUTHENTICATOR]`. An empty list rejects every token request. */
  customerAuthenticators?: string[];
  /** Key storage: token requests may give a `kid` without `contentKey`; the key is then taken from here. */
  keys?: EmulatorKey[];
  /**
   * Base (scheme://host[:port]) of the URLs the token API returns. Default:
   * the standalone server's `http://host:port`; in handler use (or when
   * listening on a wildcard address) derived from each request's Host header.
   */
  publicBaseUrl?: string;
  /** Token sealing key, 32 bytes. Default: random per handler/emulator instance. */
  secret?: Uint8Array;
  /** Clock in milliseconds since the epoch (for expiry tests). Default `Date.now`. */
  now?: () => number;
}

/** The DRM an endpoint belongs to. */
export type EmulatorDrm = 'wv' | 'pr' | 'ck';

/**
 * What the emulator remembers about one handled request. Never holds token
 * values, authenticators or keys; `path` excludes the query string.
 */
export interface EmulatorRequestRecord {
  /** When the request arrived, by the emulator's clock (ms since epoch). */
  time: number;
  /** HTTP method. */
  method: string;
  /** URL path without query string. */
  path: string;
  /** DRM of the endpoint, or null for other paths. */
  drm: EmulatorDrm | null;
  /** Token API, license endpoint, Widevine service certificate (the endpoint, or `08 04` at the license URL), or anything else (unknown paths). */
  kind: 'token' | 'license' | 'certificate' | 'other';
  /** HTTP status answered. */
  status: number;
  /**
   * Key IDs (32 lower-case hex digits for 16-byte KIDs; hex of any length at
   * the license endpoint): the token's kids for the token API (once they
   * parsed), the requested kids for a license request (when the body parsed).
   */
  kids?: string[];
  /** Whether an `ExpressPlayToken` query parameter was present (always false at the token API). */
  hadToken: boolean;
  /** The emulator's error code when the answer was an error (addition to the brief's shape). */
  errorCode?: number;
}

/** A running standalone emulator. */
export interface ExpressPlayEmulator {
  /** Where it listens, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Snapshot of the request records, oldest first. */
  readonly requests: readonly EmulatorRequestRecord[];
  /** Forgets all request records. */
  clearRequests(): void;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A request handler for mounting the emulator in another `node:http` server.
 * Returns `true` if it took the request (it then always answers it, possibly
 * asynchronously), `false` if the path is not the emulator's (the response is
 * untouched).
 */
export interface ExpressPlayRequestHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Snapshot of the request records, oldest first. */
  readonly requests: readonly EmulatorRequestRecord[];
  /** Forgets all request records. */
  clearRequests(): void;
}

// ---------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------

const MAX_RECORDS = 10_000;
const MAX_KIDS_PER_TOKEN = 128;
const MAX_KID_NAME_LENGTH = 64;
const MAX_COOKIE_LENGTH = 32;
/** Bodies beyond the cap are drained (and discarded) up to this size so the 413 can be delivered; larger ones reset the connection. */
const DRAIN_LIMIT = 1024 * 1024;
const CORS_HEADERS = 'Content-Type, Authorization, SOAPAction';
const METHODS_DEFAULT = 'GET, POST, OPTIONS';
const METHODS_INTROSPECTION = 'GET, DELETE, OPTIONS';
const PR_LICENSE_PATH = '/playready/RightsManager.asmx';
const PR_OPL_PARAMS = [
  'analogVideoOPL',
  'compressedDigitalAudioOPL',
  'compressedDigitalVideoOPL',
  'uncompressedDigitalAudioOPL',
  'uncompressedDigitalVideoOPL',
];
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

type Route =
  | { kind: 'token'; drm: EmulatorDrm }
  | { kind: 'license'; drm: EmulatorDrm }
  | { kind: 'certificate'; drm: 'wv' }
  | { kind: 'introspection' }
  | { kind: 'not-found' };

type ErrorFormat = 'html' | 'json';

const DRM_NAMES: Record<EmulatorDrm, string> = { ck: 'ClearKey', wv: 'Widevine', pr: 'PlayReady' };

/** A granted key: KID (hex and bytes) and content key. */
interface LicenseKeyPair {
  hex: string;
  kid: Uint8Array;
  key: Uint8Array;
}

/** A license request body that parsed: the KIDs it asks for, and how to answer it. */
interface LicenseBody {
  /** Requested key IDs, lower-case hex, request order (duplicates possible). */
  kids: string[];
  /** The success answer for the granted keys (deduplicated, request order). */
  answer(keys: readonly LicenseKeyPair[], now: number): { contentType: string; body: string | Uint8Array };
}

/**
 * Reads a license request body of the endpoint's DRM.
 *
 * @throws ClearKeyRequestError | EmulatedMessageError when it is not a request the endpoint understands
 */
function readLicenseBody(drm: EmulatorDrm, body: Uint8Array, req: IncomingMessage): LicenseBody {
  if (drm === 'wv') {
    const challenge = readWidevineChallenge(body);
    if (challenge.kind !== 'license-request') throw new EmulatedMessageError('WRONG_TYPE', 'not a license request');
    return {
      kids: challenge.kids,
      answer: (keys, now) => ({
        contentType: 'application/octet-stream',
        body: buildWidevineLicense(challenge.request, keys, now),
      }),
    };
  }
  if (drm === 'pr') {
    const soapAction = req.headers['soapaction'];
    const challenge = readPlayReadyChallenge(body, Array.isArray(soapAction) ? soapAction[0] : soapAction);
    return {
      kids: challenge.header.keyIds,
      answer: (keys) => ({
        contentType: 'text/xml; charset=utf-8',
        body: buildPlayReadyLicenseResponse(challenge, keys.map(({ hex, key }) => ({ kid: hex, key }))),
      }),
    };
  }
  const parsed = parseClearKeyLicenseRequest(body);
  return {
    kids: parsed.kidBytes.map(bytesToHex),
    answer: (keys) => {
      const pairs: ClearKeyKeyPair[] = keys.map(({ kid, key }) => ({ kid, key }));
      return { contentType: 'application/json', body: JSON.stringify(buildClearKeyLicense(pairs, parsed.type)) };
    },
  };
}

/** An error answer: HTTP status, ExpressPlay-style code, message. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function routeFor(pathname: string): Route | null {
  const path = stripTrailingSlash(pathname);
  switch (path) {
    case '/hms/wv/token':
      return { kind: 'token', drm: 'wv' };
    case '/hms/pr/token':
      return { kind: 'token', drm: 'pr' };
    case '/hms/ck/token':
      return { kind: 'token', drm: 'ck' };
    case '/hms/wv/rights':
      return { kind: 'license', drm: 'wv' };
    case '/hms/ck/rights':
      return { kind: 'license', drm: 'ck' };
    case '/hms/wv/certificate':
      return { kind: 'certificate', drm: 'wv' };
    case '/_emulator/requests':
      return { kind: 'introspection' };
    default:
      break;
  }
  if (path.toLowerCase() === PR_LICENSE_PATH.toLowerCase()) return { kind: 'license', drm: 'pr' };
  if (path === '/hms' || path.startsWith('/hms/') || path === '/_emulator' || path.startsWith('/_emulator/')) {
    return { kind: 'not-found' };
  }
  return null;
}

/** Splits a request target into path and query without URL-resolving it (so `//x` stays a path). */
function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  let rest = target;
  if (/^https?:\/\//i.test(rest)) {
    try {
      const url = new URL(rest);
      rest = url.pathname + url.search;
    } catch {
      rest = '/';
    }
  }
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const pathname = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const query = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  return { pathname: pathname || '/', query };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function clip(text: string, max = 64): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

function formatHostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

function normalizeBaseUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`publicBaseUrl is not a valid URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('publicBaseUrl must be http(s)');
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError('publicBaseUrl must not contain credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function normalizeKeys(keys: readonly EmulatorKey[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (keys === undefined) return map;
  if (!Array.isArray(keys)) throw new TypeError('keys must be an array of { kid, key }');
  keys.forEach((entry, index) => {
    const kid = typeof entry?.kid === 'string' ? normalizeHex16(entry.kid) : null;
    const key = typeof entry?.key === 'string' ? normalizeHex16(entry.key) : null;
    if (kid === null) throw new TypeError(`keys[${index}].kid must be 32 hex digits (or UUID form)`);
    if (key === null) throw new TypeError(`keys[${index}].key must be 32 hex digits`);
    const existing = map.get(kid);
    if (existing !== undefined && existing !== key) throw new TypeError(`keys[${index}]: kid ${kid} is listed twice with different keys`);
    map.set(kid, key);
  });
  return map;
}

type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/** Reads a request body with a size cap; over-cap bodies are drained (bounded) so a 413 can still be sent. */
function readBody(req: IncomingMessage): Promise<BodyResult> {
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
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT) {
      settle({ kind: 'too-large' });
      req.resume();
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT) {
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

/** Parses the `expirationTime` parameter; returns the expiry in ms or throws an {@link ApiError} (-2002). */
function parseExpirationTime(raw: string | null, now: number): number {
  const invalid = (detail: string): ApiError =>
    new ApiError(400, ExpressPlayErrorCode.INVALID_EXPIRATION_TIME, `Invalid token expiration time: ${detail}`);
  if (raw === null || raw === '') return now + MAX_TOKEN_LIFETIME_MS;
  let exp: number;
  const relative = /^\+(\d{1,10})$/.exec(raw);
  if (relative) {
    const seconds = Number(relative[1]);
    if (seconds < 1) throw invalid('relative time must be at least +1 second');
    exp = now + seconds * 1000;
  } else if (/^ \d+$/.test(raw)) {
    throw invalid("relative time arrived without its '+' (send it URL-encoded as %2B)");
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?[Zz]$/.exec(raw);
    if (!m) throw invalid("expected RFC 3339 UTC time (e.g. 2006-04-14T12:01:10Z) or '+<seconds>'");
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
    const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const check = new Date(time);
    if (
      check.getUTCFullYear() !== year ||
      check.getUTCMonth() !== month - 1 ||
      check.getUTCDate() !== day ||
      check.getUTCHours() !== hour ||
      check.getUTCMinutes() !== minute ||
      check.getUTCSeconds() !== second
    ) {
      throw invalid('not a valid calendar date/time');
    }
    exp = time;
  }
  if (exp <= now) throw invalid('time is in the past');
  if (exp - now > MAX_TOKEN_LIFETIME_MS) throw invalid('more than 30 days ahead');
  return exp;
}

function errorHtml(code: number, message: string): string {
  const text = escapeHtml(message);
  return (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>ExpressPlay error ' +
    `${code}</title></head>\n<body><h1>Error ${code}</h1>\n<p>${text}</p>\n` +
    '<p><small>ExpressPlay emulator (shaka-keyflow testing)</small></p></body></html>\n'
  );
}

interface Core {
  handle(req: IncomingMessage, res: ServerResponse, takeEverything: boolean): boolean;
  snapshot(): readonly EmulatorRequestRecord[];
  clear(): void;
  setServerBase(base: string | undefined): void;
}

function createCore(options: ExpressPlayEmulatorOptions): Core {
  const authenticators = options.customerAuthenticators ?? [DEFAULT_CUSTOMER_AUTHENTICATOR];
  if (!Array.isArray(authenticators) || authenticators.some((a) => typeof a !== 'string' || a === '')) {
    throw new TypeError('customerAuthenticators must be an array of non-empty strings');
  }
  const authenticatorDigests = authenticators.map(sha256);
  const storage = normalizeKeys(options.keys);
  if (options.secret !== undefined && (!(options.secret instanceof Uint8Array) || options.secret.byteLength !== TOKEN_SECRET_LENGTH)) {
    throw new TypeError(`secret must be a Uint8Array of ${TOKEN_SECRET_LENGTH} bytes`);
  }
  const secret = options.secret !== undefined ? Uint8Array.from(options.secret) : createTokenSecret();
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now must be a function');
  const publicBase = options.publicBaseUrl !== undefined ? normalizeBaseUrl(options.publicBaseUrl) : undefined;
  let serverBase: string | undefined;
  let records: EmulatorRequestRecord[] = [];

  const clock = (): number => {
    const t = now();
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new TypeError('now() must return a finite number');
    return Math.floor(t);
  };

  const isAcceptedAuthenticator = (candidate: string): boolean => {
    const digest = sha256(candidate);
    let ok = false;
    for (const accepted of authenticatorDigests) ok = timingSafeEqual(digest, accepted) || ok;
    return ok;
  };

  const baseFor = (req: IncomingMessage): string => {
    if (publicBase !== undefined) return publicBase;
    if (serverBase !== undefined) return serverBase;
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const host = req.headers.host;
    if (typeof host === 'string' && HOST_HEADER.test(host)) return `${scheme}://${host}`;
    const address = req.socket.localAddress ?? '127.0.0.1';
    return `${scheme}://${formatHostForUrl(address)}:${req.socket.localPort ?? 80}`;
  };

  const record = (entry: EmulatorRequestRecord): void => {
    records.push(Object.freeze(entry));
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  };

  // ---- response helpers ----------------------------------------------------

  const baseHeaders = (res: ServerResponse, methods: string): void => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', methods);
    res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
  };

  const send = (
    res: ServerResponse,
    methods: string,
    status: number,
    contentType: string | null,
    body: string | Uint8Array,
    extra?: Record<string, string>,
  ): void => {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    baseHeaders(res, methods);
    if (extra) for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
    res.statusCode = status;
    if (contentType === null) {
      res.end();
      return;
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', String(bytes.byteLength));
    res.end(bytes);
  };

  const sendJsonError = (res: ServerResponse, methods: string, error: ApiError, extra?: Record<string, string>): void => {
    send(res, methods, error.status, 'application/json', JSON.stringify({ errorCode: error.code, errorMessage: error.message }), extra);
  };

  const sendFormattedError = (res: ServerResponse, format: ErrorFormat, error: ApiError, extra?: Record<string, string>): void => {
    if (format === 'json') sendJsonError(res, METHODS_DEFAULT, error, extra);
    else send(res, METHODS_DEFAULT, error.status, 'text/html; charset=utf-8', errorHtml(error.code, error.message), extra);
  };

  const tooLarge = (): ApiError =>
    new ApiError(413, ExpressPlayErrorCode.BODY_TOO_LARGE, `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
  const methodNotAllowed = (method: string): ApiError =>
    new ApiError(405, ExpressPlayErrorCode.METHOD_NOT_ALLOWED, `Method ${clip(method, 16)} not allowed`);

  // ---- token API -------------------------------------------------------------

  interface TokenContext {
    kids?: string[];
  }

  const mint = (params: URLSearchParams, drm: EmulatorDrm, ctx: TokenContext, req: IncomingMessage): { contentType: string; body: string } => {
    const bad = (code: number, message: string): ApiError => new ApiError(400, code, message);

    const authenticator = params.get('customerAuthenticator');
    if (authenticator === null || authenticator === '') {
      throw new ApiError(401, ExpressPlayErrorCode.AUTHENTICATOR_MISSING, 'Authentication token must be supplied');
    }
    if (!isAcceptedAuthenticator(authenticator)) {
      throw new ApiError(401, ExpressPlayErrorCode.AUTHENTICATOR_INVALID, 'Authentication token invalid: customerAuthenticator not accepted');
    }

    if (params.has('kek') || params.has('ek')) {
      throw bad(ExpressPlayErrorCode.INVALID_KEK, 'Invalid encrypted key or kek: kek/ek key wrapping is not emulated; use contentKey or key storage');
    }

    const rawKids = params.getAll('kid');
    if (rawKids.length === 0) throw bad(ExpressPlayErrorCode.KID_MISSING, 'Missing kid');
    if (rawKids.length > MAX_KIDS_PER_TOKEN) {
      throw bad(ExpressPlayErrorCode.INVALID_KID, `Invalid kid: at most ${MAX_KIDS_PER_TOKEN} kid parameters per token`);
    }
    const kids = rawKids.map((raw) => {
      if (raw.startsWith('^')) {
        if (Array.from(raw.slice(1)).length > MAX_KID_NAME_LENGTH) {
          throw bad(ExpressPlayErrorCode.KID_NAME_LENGTH, `kid must be at most ${MAX_KID_NAME_LENGTH} characters long after the '^'`);
        }
        throw bad(ExpressPlayErrorCode.INVALID_KID, "Invalid kid: key storage references ('^name') are not emulated; use a hex kid");
      }
      const kid = normalizeHex16(raw);
      if (kid === null) throw bad(ExpressPlayErrorCode.KID_LENGTH, 'kid must be 32 hexadecimal characters long');
      return kid;
    });
    ctx.kids = [...new Set(kids)];

    const rawKeys = params.getAll('contentKey');
    if (rawKeys.length > kids.length) {
      throw bad(ExpressPlayErrorCode.INVALID_CONTENT_KEY, 'Invalid content encryption key: more contentKey than kid parameters');
    }
    const granted = new Map<string, string>();
    kids.forEach((kid, index) => {
      const raw = rawKeys[index];
      let key: string | undefined;
      if (raw !== undefined && raw !== '') {
        const normalized = normalizeHex16(raw);
        if (normalized === null) throw bad(ExpressPlayErrorCode.CONTENT_KEY_LENGTH, 'Content encryption key must be 32-hexadecimal digits long');
        key = normalized;
      } else {
        key = storage.get(kid);
        if (key === undefined) {
          throw bad(ExpressPlayErrorCode.KEY_STORAGE_FAILURE, `Failed to get content key from key storage service: no key stored for kid ${kid}`);
        }
      }
      const previous = granted.get(kid);
      if (previous !== undefined && previous !== key) {
        throw bad(ExpressPlayErrorCode.INVALID_CONTENT_KEY, `Invalid content encryption key: kid ${kid} given twice with different keys`);
      }
      granted.set(kid, key);
    });

    const issuedAt = clock();
    const exp = parseExpirationTime(params.get('expirationTime'), issuedAt);

    const cookie = params.get('cookie');
    if (cookie !== null && Array.from(cookie).length > MAX_COOKIE_LENGTH) {
      throw bad(ExpressPlayErrorCode.INVALID_COOKIE, `Invalid cookie: longer than ${MAX_COOKIE_LENGTH} characters`);
    }

    const checkRange = (name: string, pattern: RegExp, code: number, message: string): void => {
      const value = params.get(name);
      if (value !== null && !pattern.test(value)) throw bad(code, message);
    };
    if (drm === 'wv') {
      checkRange('securityLevel', /^[1-5]$/, ExpressPlayErrorCode.INVALID_SECURITY_LEVEL, 'Invalid security level value');
      checkRange('hdcpOutputControl', /^[0-2]$/, ExpressPlayErrorCode.INVALID_OUTPUT_CONTROL, 'Invalid Output Control, values out of specified range');
      checkRange('licenseDuration', /^\d{1,10}$/, ExpressPlayErrorCode.INVALID_LICENSE_DURATION, 'Invalid license duration specified');
    } else if (drm === 'pr') {
      checkRange('rightsType', /^(?:BuyToOwn|Rental)$/, ExpressPlayErrorCode.INVALID_RIGHTS_TYPE, 'Invalid rights type');
      for (const name of PR_OPL_PARAMS) {
        checkRange(name, /^\d{1,3}$/, ExpressPlayErrorCode.INVALID_OUTPUT_CONTROL, 'Invalid Output Control, values out of specified range');
      }
    }

    const keys: TokenKeyEntry[] = [...granted].map(([kid, key]) => ({ kid, key }));
    const token = sealToken(
      { v: 1, drm, keys, exp, iat: issuedAt, ...(cookie !== null && cookie !== '' ? { cookie } : {}) },
      secret,
    );
    const base = baseFor(req);
    if (drm === 'pr') {
      return {
        contentType: 'application/json',
        body: JSON.stringify({ licenseAcquisitionUrl: `${base}${PR_LICENSE_PATH}`, token }),
      };
    }
    return { contentType: 'text/uri-list', body: `${base}/hms/${drm}/rights/?ExpressPlayToken=${token}` };
  };

  const handleToken = async (
    req: IncomingMessage,
    res: ServerResponse,
    drm: EmulatorDrm,
    query: URLSearchParams,
    done: (status: number, extra: Partial<EmulatorRequestRecord>) => void,
  ): Promise<void> => {
    const method = req.method ?? '';
    const queryFormat = query.get('errorFormat') === 'json' ? 'json' : 'html';
    const fail = (format: ErrorFormat, error: ApiError, ctx: TokenContext, extra?: Record<string, string>): void => {
      sendFormattedError(res, format, error, extra);
      done(error.status, { errorCode: error.code, ...(ctx.kids ? { kids: ctx.kids } : {}) });
    };

    if (method !== 'GET' && method !== 'POST') {
      req.resume();
      fail(queryFormat, methodNotAllowed(method), {}, { Allow: 'GET, POST, OPTIONS' });
      return;
    }
    const body = await readBody(req);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large') {
      fail(queryFormat, tooLarge(), {}, { Connection: 'close' });
      return;
    }

    const params = new URLSearchParams(query);
    if (method === 'POST' && body.body.byteLength > 0) {
      const mime = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (mime !== '' && mime !== 'application/x-www-form-urlencoded') {
        fail(
          queryFormat,
          new ApiError(415, ExpressPlayErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported Content-Type: send parameters as application/x-www-form-urlencoded'),
          {},
        );
        return;
      }
      for (const [name, value] of new URLSearchParams(body.body.toString('utf8'))) params.append(name, value);
    }

    const rawFormat = params.get('errorFormat');
    if (rawFormat !== null && rawFormat !== 'html' && rawFormat !== 'json') {
      fail('html', new ApiError(400, ExpressPlayErrorCode.INVALID_ERROR_FORMAT, `Invalid error format specified: ${clip(rawFormat, 32)}`), {});
      return;
    }
    const format: ErrorFormat = rawFormat === 'json' ? 'json' : 'html';

    const ctx: TokenContext = {};
    let result: { contentType: string; body: string };
    try {
      result = mint(params, drm, ctx, req);
    } catch (error) {
      if (error instanceof ApiError) {
        fail(format, error, ctx);
        return;
      }
      throw error;
    }
    send(res, METHODS_DEFAULT, 200, result.contentType, result.body);
    done(200, ctx.kids ? { kids: ctx.kids } : {});
  };

  // ---- license endpoints ---------------------------------------------------------

  const handleLicense = async (
    req: IncomingMessage,
    res: ServerResponse,
    drm: EmulatorDrm,
    query: URLSearchParams,
    done: (status: number, extra: Partial<EmulatorRequestRecord>) => void,
  ): Promise<void> => {
    const method = req.method ?? '';
    const tokens = query.getAll('ExpressPlayToken');
    const presentTokens = tokens.filter((t) => t !== '');
    const hadToken = presentTokens.length > 0;
    let kidsForRecord: string[] | undefined;
    const fail = (error: ApiError, extra?: Record<string, string>): void => {
      sendJsonError(res, METHODS_DEFAULT, error, extra);
      done(error.status, { hadToken, errorCode: error.code, ...(kidsForRecord ? { kids: kidsForRecord } : {}) });
    };

    if (method !== 'POST') {
      req.resume();
      fail(methodNotAllowed(method), { Allow: 'POST, OPTIONS' });
      return;
    }
    const body = await readBody(req);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large') {
      fail(tooLarge(), { Connection: 'close' });
      return;
    }

    // After the body was read, PlayReady errors are SOAP Faults (HTTP 500); the others stay JSON.
    const failLicense = (error: ApiError): void => {
      if (drm !== 'pr') {
        fail(error);
        return;
      }
      send(res, METHODS_DEFAULT, 500, 'text/xml; charset=utf-8', playReadyFault(error.status, error.code, error.message));
      done(500, { hadToken, errorCode: error.code, ...(kidsForRecord ? { kids: kidsForRecord } : {}) });
    };

    // Widevine service certificate request (`08 04`): public, no token needed.
    if (drm === 'wv' && isServiceCertificateRequest(body.body)) {
      send(res, METHODS_DEFAULT, 200, 'application/octet-stream', emulatorServiceCertificateResponse());
      done(200, { hadToken, kind: 'certificate' });
      return;
    }

    // Parsed before the token checks for the record (which KIDs were asked for); a parse failure
    // is answered only after them, as the token is checked first.
    let parsed: LicenseBody | undefined;
    let parseError: string | undefined;
    try {
      parsed = readLicenseBody(drm, body.body, req);
      kidsForRecord = parsed.kids;
    } catch (error) {
      if (!(error instanceof ClearKeyRequestError) && !(error instanceof EmulatedMessageError)) throw error;
      parseError = error.message;
      kidsForRecord = drm === 'wv' ? widevineChallengeKeyIds(body.body) : drm === 'pr' ? playReadyChallengeKeyIds(body.body) : undefined;
    }

    if (!hadToken) {
      failLicense(new ApiError(401, ExpressPlayErrorCode.INVALID_TOKEN, 'Missing ExpressPlayToken'));
      return;
    }
    if (tokens.length > 1) {
      failLicense(new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Invalid token: ExpressPlayToken given more than once'));
      return;
    }
    const opened = openToken(presentTokens[0] ?? '', secret);
    if (!opened.ok) {
      failLicense(new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Invalid token'));
      return;
    }
    const payload = opened.payload;
    if (payload.drm !== drm) {
      failLicense(new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Token is not valid for this DRM'));
      return;
    }
    if (payload.exp < clock()) {
      failLicense(new ApiError(403, ExpressPlayErrorCode.EXPIRED_TOKEN, 'Expired token'));
      return;
    }
    if (parsed === undefined) {
      failLicense(
        new ApiError(400, ExpressPlayErrorCode.INVALID_LICENSE_REQUEST, `Invalid ${DRM_NAMES[drm]} license request: ${parseError ?? 'unreadable body'}`),
      );
      return;
    }

    const grantedKeys = new Map(payload.keys.map(({ kid, key }) => [kid, key] as const));
    const requested = [...new Set(parsed.kids)];
    const missing = requested.filter((hex) => !grantedKeys.has(hex));
    if (missing.length > 0) {
      failLicense(
        new ApiError(
          403,
          ExpressPlayErrorCode.KIDS_NOT_GRANTED,
          `Token does not grant the requested key IDs: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`,
        ),
      );
      return;
    }
    const pairs: LicenseKeyPair[] = requested.map((hex) => ({ hex, kid: hexToBytes(hex), key: hexToBytes(grantedKeys.get(hex) ?? '') }));
    const answer = parsed.answer(pairs, clock());
    send(res, METHODS_DEFAULT, 200, answer.contentType, answer.body);
    done(200, { hadToken, ...(kidsForRecord ? { kids: kidsForRecord } : {}) });
  };

  const handleCertificate = (req: IncomingMessage, res: ServerResponse, done: (status: number, extra: Partial<EmulatorRequestRecord>) => void): void => {
    req.resume();
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') {
      const error = methodNotAllowed(method);
      sendJsonError(res, METHODS_DEFAULT, error, { Allow: 'GET, POST, OPTIONS' });
      done(error.status, { errorCode: error.code });
      return;
    }
    send(res, METHODS_DEFAULT, 200, 'application/octet-stream', emulatorServiceCertificate());
    done(200, {});
  };

  // ---- introspection -------------------------------------------------------------

  const handleIntrospection = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    switch (req.method) {
      case 'OPTIONS':
        send(res, METHODS_INTROSPECTION, 204, null, '');
        return;
      case 'GET':
        send(res, METHODS_INTROSPECTION, 200, 'application/json', JSON.stringify(records));
        return;
      case 'DELETE':
        records = [];
        send(res, METHODS_INTROSPECTION, 204, null, '');
        return;
      default: {
        const error = methodNotAllowed(req.method ?? '');
        send(res, METHODS_INTROSPECTION, error.status, 'application/json', JSON.stringify({ errorCode: error.code, errorMessage: error.message }), {
          Allow: METHODS_INTROSPECTION,
        });
      }
    }
  };

  // ---- dispatch ------------------------------------------------------------------

  const processRequest = async (req: IncomingMessage, res: ServerResponse, route: Route, pathname: string, query: URLSearchParams): Promise<void> => {
    let time: number;
    try {
      time = clock();
    } catch {
      time = Date.now(); // a broken clock still gets its 500 below, from the first real use
    }
    const method = req.method ?? '';
    const kind: EmulatorRequestRecord['kind'] =
      route.kind === 'token' || route.kind === 'license' || route.kind === 'certificate' ? route.kind : 'other';
    const drm: EmulatorDrm | null = route.kind === 'token' || route.kind === 'license' || route.kind === 'certificate' ? route.drm : null;
    const methods = pathname.startsWith('/_emulator') ? METHODS_INTROSPECTION : METHODS_DEFAULT;
    const done = (status: number, extra: Partial<EmulatorRequestRecord>): void => {
      record({ time, method, path: pathname, drm, kind, status, hadToken: false, ...extra });
    };

    try {
      if (route.kind === 'introspection') {
        handleIntrospection(req, res);
        return;
      }
      if (method === 'OPTIONS') {
        req.resume();
        send(res, methods, 204, null, '');
        if (route.kind !== 'not-found' || !pathname.startsWith('/_emulator')) {
          done(204, { hadToken: route.kind === 'license' && query.getAll('ExpressPlayToken').some((t) => t !== '') });
        }
        return;
      }
      switch (route.kind) {
        case 'token':
          await handleToken(req, res, route.drm, query, done);
          return;
        case 'license':
          await handleLicense(req, res, route.drm, query, done);
          return;
        case 'certificate':
          handleCertificate(req, res, done);
          return;
        case 'not-found': {
          req.resume();
          const error = new ApiError(404, ExpressPlayErrorCode.NOT_FOUND, 'Not found');
          sendJsonError(res, methods, error);
          if (!pathname.startsWith('/_emulator')) done(404, { errorCode: error.code });
          return;
        }
      }
    } catch {
      const error = new ApiError(500, ExpressPlayErrorCode.INTERNAL_ERROR, 'Internal emulator error');
      if (!res.headersSent && !res.destroyed) {
        sendJsonError(res, methods, error);
      } else if (!res.writableEnded) {
        res.destroy();
      }
      try {
        if (route.kind !== 'introspection') done(500, { errorCode: error.code });
      } catch {
        // Recording must never turn an error into a crash.
      }
    }
  };

  return {
    handle(req, res, takeEverything) {
      const { pathname, query } = splitTarget(req.url ?? '/');
      const route = routeFor(pathname) ?? (takeEverything ? ({ kind: 'not-found' } as const) : null);
      if (route === null) return false;
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      processRequest(req, res, route, pathname, query).catch(() => {
        // Last resort (processRequest catches its own errors): never leave the request hanging.
        if (!res.headersSent && !res.destroyed) {
          baseHeaders(res, METHODS_DEFAULT);
          res.statusCode = 500;
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ errorCode: ExpressPlayErrorCode.INTERNAL_ERROR, errorMessage: 'Internal emulator error' }));
        } else if (!res.destroyed) {
          res.destroy();
        }
      });
      return true;
    },
    snapshot: () => records.slice(),
    clear: () => {
      records = [];
    },
    setServerBase: (base) => {
      serverBase = base;
    },
  };
}

// ---------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------

/**
 * Creates the emulator as a request handler to mount in an existing
 * `node:http`/`node:https` server (the demo server). Call it first in the
 * host's request listener; if it returns `false`, serve the request yourself.
 *
 * Token API responses point at the base derived from each request's `Host`
 * header unless `publicBaseUrl` is given. `port` and `host` options are ignored.
 *
 * @param options see {@link ExpressPlayEmulatorOptions}
 * @throws {TypeError} on invalid options (keys, secret, authenticators, publicBaseUrl)
 *
 * @example
 * const emulator = createExpressPlayHandler({ keys });
 * http.createServer((req, res) => { if (!emulator(req, res)) serveStatic(req, res); });
 */
export function createExpressPlayHandler(options: ExpressPlayEmulatorOptions = {}): ExpressPlayRequestHandler {
  const core = createCore(options);
  const handler = ((req: IncomingMessage, res: ServerResponse): boolean => core.handle(req, res, false)) as ExpressPlayRequestHandler;
  Object.defineProperty(handler, 'requests', { get: () => core.snapshot(), enumerable: true });
  Object.defineProperty(handler, 'clearRequests', { value: () => core.clear(), enumerable: true });
  return handler;
}

/**
 * Starts a standalone emulator server (the Karma setup and the CLI use this).
 * Every path is answered: emulator paths as documented in the module comment,
 * anything else 404 JSON.
 *
 * @param options see {@link ExpressPlayEmulatorOptions}; `port` 0 (default) picks a free port
 * @returns the running emulator once it listens
 * @throws {TypeError} on invalid options; rejects if the port cannot be bound
 *
 * @example
 * const emulator = await startExpressPlayEmulator({ keys: [{ kid, key }] });
 * const url = await (await fetch(`${emulator.url}/hms/ck/token?customerAuthenticator=keyflow-test-authenticator&kid=${kid}`)).text();
 * await emulator.close();
 */
export async function startExpressPlayEmulator(options: ExpressPlayEmulatorOptions = {}): Promise<ExpressPlayEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (typeof host !== 'string') throw new TypeError('host must be a string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer 0..65535');
  const core = createCore(options);
  const server = createServer((req, res) => {
    core.handle(req, res, true);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => undefined);

  const address = server.address();
  const boundPort = address !== null && typeof address === 'object' ? address.port : port;
  const displayHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const url = `http://${formatHostForUrl(displayHost)}:${boundPort}`;
  core.setServerBase(isWildcardHost(host) ? undefined : url);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    get requests() {
      return core.snapshot();
    },
    clearRequests() {
      core.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
