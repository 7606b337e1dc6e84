/**
 * The ExpressPlay emulator's token API (`/hms/{wv,pr,fp,ck}/token`): checks a token request and
 * answers a tokenized license URL, as the server-to-server ExpressPlay API does.
 *
 * Follows Adobe Primetime's "Widevine/PlayReady/FairPlay license token request / response"
 * reference (`help/digital-rights-management/multi-drm-workflows/license-token-req-resp-ref/
 * {widevine,playready,fairplay}-license-token-request.md` in Adobe's primetime docs, e.g. the
 * isabella232/primetime.en copy on GitHub): `GET` with query parameters or `POST` with a form
 * body; `customerAuthenticator`, `kid`, `contentKey`, `expirationTime` (RFC 3339 Zulu or
 * `+seconds`, default and maximum 30 days), `cookie` (≤ 32 characters), `errorFormat=html|json`,
 * the Widevine, PlayReady and FairPlay ranges with their codes; 200 `text/uri-list` with the
 * license URL for Widevine and FairPlay (`…/hms/fp/rights/?ExpressPlayToken=…`: the FairPlay
 * reference shows `http://fp.service.expressplay.com:80/hms/fp/rights/?…`, the emulator answers
 * its own origin), JSON `{"licenseAcquisitionUrl","token"}` for PlayReady.
 *
 * Required DRM parameters, as the reference's "Required?" column marks them, each with the
 * reference's code for missing / out of range:
 * - Widevine `securityLevel` 1–5 (-7003 "Missing security level value" / -7004 "Invalid security
 *   level value"); `hdcpOutputControl` 0–2 (-7006 "Missing HDCP output control value" / -2034
 *   "Invalid Output Control, values out of specified range").
 * - PlayReady `rightsType` `BuyToOwn|Rental` (-2020 "Missing rights type" / -2021 "Invalid rights
 *   type"); `analogVideoOPL`, `compressedDigitalAudioOPL`, `compressedDigitalVideoOPL`,
 *   `uncompressedDigitalAudioOPL`, `uncompressedDigitalVideoOPL`, each 0–999 (-5006 "Missing OPL
 *   value" / -2034); `rental.periodEndTime` when `rightsType=Rental` (-2022 "Missing rental period
 *   end time"; its value is not checked).
 * - FairPlay (`/hms/fp/token`) `iv`, 16 bytes in hex (-6003 "Invalid iv parameter specified").
 * - ClearKey (`/hms/ck/token`) is the emulator's own: none of these apply.
 *
 * Emulator choices, not documented by ExpressPlay:
 * - `/hms/ck/token` (ClearKey; ExpressPlay has no ClearKey service) answers like Widevine.
 * - A missing FairPlay `iv` is -6003 as well: the reference has no separate "missing iv" code.
 * - Check order: method, body size, content type, `errorFormat`, `customerAuthenticator`,
 *   `kek`/`ek`, `kid`s, `contentKey`s, key storage, `expirationTime`, `cookie`, DRM options (in
 *   the order listed above, each parameter missing then out of range; then `licenseDuration`);
 *   the first failure wins. An empty value counts as missing. An unknown `errorFormat` is -3004 as an HTML page.
 * - A single-valued parameter given twice: the first wins (query before body). POST bodies other
 *   than form-urlencoded are 415.
 * - `kid`/`contentKey` pair by position; an empty or missing `contentKey` takes the key from key
 *   storage (the `keys` option; -4019 when absent). More `contentKey`s than `kid`s, or one kid
 *   with two keys, is -2005; at most 128 kids (-4022). Hex or UUID form, any case.
 * - `kid=^name` is -4022 "not emulated" (-4021 over 64 characters); `kek`/`ek` are -4024.
 * - `expirationTime` `+N` needs 1 ≤ N ≤ 2592000; an RFC 3339 time must be a real UTC time after
 *   now, at most 30 days ahead; a `+` that arrived as a space is refused with a hint (-2002).
 * - `cookie` length counts code points; an empty cookie is absent. Range checks only where the
 *   reference gives ranges; presence only of the required parameters above; other parameters
 *   (`licenseDuration` aside) are ignored.
 * - License lifecycle (`../license-policy.ts`): `licenseDuration` (documented for Widevine; the
 *   emulator also applies it to PlayReady) and the emulator's own `renewalDelay`,
 *   `renewalRetryInterval` (seconds) and `renewalServerUrl` (Widevine) are sealed in the token and
 *   written into the license; a value that is not a number of seconds (or a URL) is -7007.
 * - PlayReady success is `application/json` (the reference's table says `text/uri-list`, its
 *   sample is JSON); `text/uri-list` bodies carry one URL without a line break.
 *
 * @module
 */

import type { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { URLSearchParams } from 'node:url';

import { normalizeHex16 } from '../encoding.js';
import { readBodyToEnd } from '../http-kit.js';
import { readLicensePolicy, type EmulatedLicensePolicy } from '../license-policy.js';
import { sealToken, type TokenKeyEntry } from '../token-seal.js';
import { ApiError, clip, ExpressPlayErrorCode, methodNotAllowed, sendFormattedError, tooLarge, type ErrorFormat } from './errors.js';
import { parseExpirationTime } from './expiration-time.js';
import { METHODS_DEFAULT, PR_LICENSE_PATH, send, type Done } from './http.js';
import type { EmulatorSettings } from './settings.js';
import type { EmulatorDrm } from './types.js';

const MAX_KIDS_PER_TOKEN = 128;
const MAX_KID_NAME_LENGTH = 64;
const MAX_COOKIE_LENGTH = 32;
const OUTPUT_CONTROL_RANGE = 'Invalid Output Control, values out of specified range';

/** A DRM parameter the reference marks required: its documented range and its codes. */
interface RequiredParam {
  name: string;
  pattern: RegExp;
  missing: number;
  missingMessage: string;
  invalid: number;
  invalidMessage: string;
}

const opl = (name: string): RequiredParam => ({
  name,
  pattern: /^\d{1,3}$/,
  missing: ExpressPlayErrorCode.MISSING_OPL,
  missingMessage: `Missing OPL value: ${name}`,
  invalid: ExpressPlayErrorCode.INVALID_OUTPUT_CONTROL,
  invalidMessage: `${OUTPUT_CONTROL_RANGE}: ${name} must be 0-999`,
});

/** Required parameters per DRM, in check order (Adobe Primetime token request reference). */
const REQUIRED_PARAMS: Readonly<Record<EmulatorDrm, readonly RequiredParam[]>> = {
  wv: [
    {
      name: 'securityLevel',
      pattern: /^[1-5]$/,
      missing: ExpressPlayErrorCode.MISSING_SECURITY_LEVEL,
      missingMessage: 'Missing security level value',
      invalid: ExpressPlayErrorCode.INVALID_SECURITY_LEVEL,
      invalidMessage: 'Invalid security level value',
    },
    {
      name: 'hdcpOutputControl',
      pattern: /^[0-2]$/,
      missing: ExpressPlayErrorCode.MISSING_HDCP_OUTPUT_CONTROL,
      missingMessage: 'Missing HDCP output control value',
      invalid: ExpressPlayErrorCode.INVALID_OUTPUT_CONTROL,
      invalidMessage: `${OUTPUT_CONTROL_RANGE}: hdcpOutputControl must be 0, 1 or 2`,
    },
  ],
  pr: [
    {
      name: 'rightsType',
      pattern: /^(?:BuyToOwn|Rental)$/,
      missing: ExpressPlayErrorCode.MISSING_RIGHTS_TYPE,
      missingMessage: 'Missing rights type',
      invalid: ExpressPlayErrorCode.INVALID_RIGHTS_TYPE,
      invalidMessage: 'Invalid rights type',
    },
    opl('analogVideoOPL'),
    opl('compressedDigitalAudioOPL'),
    opl('compressedDigitalVideoOPL'),
    opl('uncompressedDigitalAudioOPL'),
    opl('uncompressedDigitalVideoOPL'),
  ],
  fp: [
    {
      name: 'iv',
      pattern: /^[0-9a-fA-F]{32}$/,
      missing: ExpressPlayErrorCode.INVALID_IV,
      missingMessage: 'Invalid iv parameter specified: iv is required',
      invalid: ExpressPlayErrorCode.INVALID_IV,
      invalidMessage: 'Invalid iv parameter specified: 16 bytes in hex expected',
    },
  ],
  ck: [],
};

const bad = (code: number, message: string): ApiError => new ApiError(400, code, message);

function checkAuthenticator(params: URLSearchParams, settings: EmulatorSettings): void {
  const authenticator = params.get('customerAuthenticator');
  if (authenticator === null || authenticator === '') {
    throw new ApiError(401, ExpressPlayErrorCode.AUTHENTICATOR_MISSING, 'Authentication token must be supplied');
  }
  if (!settings.isAcceptedAuthenticator(authenticator)) {
    throw new ApiError(401, ExpressPlayErrorCode.AUTHENTICATOR_INVALID, 'Authentication token invalid: customerAuthenticator not accepted');
  }
}

/** The `kid` parameters, normalised (duplicates kept, in order). */
function readKids(params: URLSearchParams): string[] {
  const rawKids = params.getAll('kid');
  if (rawKids.length === 0) throw bad(ExpressPlayErrorCode.KID_MISSING, 'Missing kid');
  if (rawKids.length > MAX_KIDS_PER_TOKEN) {
    throw bad(ExpressPlayErrorCode.INVALID_KID, `Invalid kid: at most ${MAX_KIDS_PER_TOKEN} kid parameters per token`);
  }
  return rawKids.map((raw) => {
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
}

/** The key of each kid: its `contentKey` by position, else key storage. */
function grantKeys(params: URLSearchParams, kids: readonly string[], storage: ReadonlyMap<string, string>): Map<string, string> {
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
      if (normalized === null)
        throw bad(ExpressPlayErrorCode.CONTENT_KEY_LENGTH, 'Content encryption key must be 32-hexadecimal digits long');
      key = normalized;
    } else {
      key = storage.get(kid);
      if (key === undefined) {
        throw bad(
          ExpressPlayErrorCode.KEY_STORAGE_FAILURE,
          `Failed to get content key from key storage service: no key stored for kid ${kid}`,
        );
      }
    }
    const previous = granted.get(kid);
    if (previous !== undefined && previous !== key) {
      throw bad(ExpressPlayErrorCode.INVALID_CONTENT_KEY, `Invalid content encryption key: kid ${kid} given twice with different keys`);
    }
    granted.set(kid, key);
  });
  return granted;
}

/** The DRM-specific options: the required ones present and in range, then the optional ranges; the license policy. */
function checkDrmOptions(params: URLSearchParams, drm: EmulatorDrm): EmulatedLicensePolicy | undefined {
  for (const required of REQUIRED_PARAMS[drm]) {
    const value = params.get(required.name);
    if (value === null || value === '') throw bad(required.missing, required.missingMessage);
    if (!required.pattern.test(value)) throw bad(required.invalid, required.invalidMessage);
  }
  if (drm === 'pr' && params.get('renewalServerUrl')) {
    throw bad(ExpressPlayErrorCode.INVALID_LICENSE_DURATION, 'Invalid license policy: renewalServerUrl is Widevine only');
  }
  if (drm === 'pr' && params.get('rightsType') === 'Rental') {
    const end = params.get('rental.periodEndTime');
    if (end === null || end === '') throw bad(ExpressPlayErrorCode.MISSING_RENTAL_PERIOD_END_TIME, 'Missing rental period end time');
  }
  if (drm !== 'wv' && drm !== 'pr') return undefined;
  try {
    return readLicensePolicy(params);
  } catch (error) {
    const what = error instanceof RangeError ? `: ${error.message}` : '';
    throw bad(ExpressPlayErrorCode.INVALID_LICENSE_DURATION, `Invalid license duration specified${what}`);
  }
}

/** What a token request produced so far, for its record. */
interface TokenContext {
  kids?: string[];
}

/** Checks a token request's parameters and mints the token; the success reply. */
function mint(
  params: URLSearchParams,
  drm: EmulatorDrm,
  ctx: TokenContext,
  req: IncomingMessage,
  settings: EmulatorSettings,
): { contentType: string; body: string } {
  checkAuthenticator(params, settings);
  if (params.has('kek') || params.has('ek')) {
    throw bad(
      ExpressPlayErrorCode.INVALID_KEK,
      'Invalid encrypted key or kek: kek/ek key wrapping is not emulated; use contentKey or key storage',
    );
  }
  const kids = readKids(params);
  ctx.kids = [...new Set(kids)];
  const granted = grantKeys(params, kids, settings.storage);
  const issuedAt = settings.clock();
  const exp = parseExpirationTime(params.get('expirationTime'), issuedAt);
  const cookie = params.get('cookie');
  if (cookie !== null && Array.from(cookie).length > MAX_COOKIE_LENGTH) {
    throw bad(ExpressPlayErrorCode.INVALID_COOKIE, `Invalid cookie: longer than ${MAX_COOKIE_LENGTH} characters`);
  }
  const policy = checkDrmOptions(params, drm);

  const keys: TokenKeyEntry[] = [...granted].map(([kid, key]) => ({ kid, key }));
  const token = sealToken(
    { v: 1, drm, keys, exp, iat: issuedAt, ...(cookie !== null && cookie !== '' ? { cookie } : {}), ...(policy ? { policy } : {}) },
    settings.secret,
  );
  const base = settings.baseFor(req);
  if (drm === 'pr') {
    return { contentType: 'application/json', body: JSON.stringify({ licenseAcquisitionUrl: `${base}${PR_LICENSE_PATH}`, token }) };
  }
  return { contentType: 'text/uri-list', body: `${base}/hms/${drm}/rights/?ExpressPlayToken=${token}` };
}

/** The query and, for a POST, the form body: the request's parameters, or the 415 for another body. */
function requestParams(req: IncomingMessage, query: URLSearchParams, body: Buffer): URLSearchParams | ApiError {
  const params = new URLSearchParams(query);
  if (req.method !== 'POST' || body.byteLength === 0) return params;
  const mime =
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? '';
  if (mime !== '' && mime !== 'application/x-www-form-urlencoded') {
    return new ApiError(
      415,
      ExpressPlayErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'Unsupported Content-Type: send parameters as application/x-www-form-urlencoded',
    );
  }
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
  return params;
}

/** Answers a token API request (`GET`/`POST /hms/{drm}/token`). */
export async function handleToken(
  req: IncomingMessage,
  res: ServerResponse,
  drm: EmulatorDrm,
  query: URLSearchParams,
  done: Done,
  settings: EmulatorSettings,
): Promise<void> {
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
  const body = await readBodyToEnd(req);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') {
    fail(queryFormat, tooLarge(), {}, { Connection: 'close' });
    return;
  }
  const params = requestParams(req, query, body.body);
  if (params instanceof ApiError) {
    fail(queryFormat, params, {});
    return;
  }
  const rawFormat = params.get('errorFormat');
  if (rawFormat !== null && rawFormat !== 'html' && rawFormat !== 'json') {
    fail(
      'html',
      new ApiError(400, ExpressPlayErrorCode.INVALID_ERROR_FORMAT, `Invalid error format specified: ${clip(rawFormat, 32)}`),
      {},
    );
    return;
  }
  const format: ErrorFormat = rawFormat === 'json' ? 'json' : 'html';
  const ctx: TokenContext = {};
  let result: { contentType: string; body: string };
  try {
    result = mint(params, drm, ctx, req, settings);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    fail(format, error, ctx);
    return;
  }
  send(res, METHODS_DEFAULT, 200, result.contentType, result.body);
  done(200, ctx.kids ? { kids: ctx.kids } : {});
}
