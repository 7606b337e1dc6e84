import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { getRawQueryParam, isHttpUrl, removeQueryParam, setRawQueryParam } from '../util/url';
import { codeForStatus, failureError, parseJsonOrUndefined } from './engine/failures';
import type { DrmHttpFailure, DrmRequest, DrmResponse, Provider, RewrittenDrmRequest } from './preset';
import { parseSoapFault } from './engine/soap-fault';
import { isClearKeyJwkSet } from './engine/clearkey';

/** The query parameter ExpressPlay license servers read the token from. */
export const EXPRESSPLAY_TOKEN_PARAM = 'ExpressPlayToken';

/**
 * What an ExpressPlay token source may return:
 * - a bare token (`"AQAAAw..."`);
 * - a tokenized license URL, as the Widevine token API returns
 *   (`https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=...`);
 * - `{ licenseAcquisitionUrl, token }`, as the PlayReady token API returns.
 */
export type ExpressPlayToken =
  | string
  | {
      /** The license URL the PlayReady token API answered (the token goes on it as `ExpressPlayToken`). */
      licenseAcquisitionUrl: string;
      /** The token itself. */
      token: string;
    };

/** Options of the `expressplay` provider. */
export interface ExpressPlayOptions {
  /** The token, or a function that fetches it from the app's backend. Required. */
  token: TokenSource<ExpressPlayToken>;
}

/**
 * ExpressPlay's production license URLs (Intertrust REST API; Adobe Primetime
 * multi-DRM docs). The test environment and local emulators are configured
 * through `servers`.
 */
export const EXPRESSPLAY_DEFAULT_SERVERS: LicenseServers = {
  [KeySystem.WIDEVINE]: 'https://wv.service.expressplay.com/hms/wv/rights/',
  [KeySystem.PLAYREADY]: 'https://pr.service.expressplay.com/playready/RightsManager.asmx',
  [KeySystem.PLAYREADY_RECOMMENDATION]: 'https://pr.service.expressplay.com/playready/RightsManager.asmx',
  [KeySystem.FAIRPLAY]: 'https://fp.service.expressplay.com/hms/fp/rights/',
};

/** ExpressPlay error codes keyflow interprets (others pass through as `providerCode`). */
const TOKEN_INVALID_CODES = new Set([-4010]);
const TOKEN_EXPIRED_CODES = new Set([-4011]);
/**
 * Codes whose meaning the HTTP status may not carry: PlayReady errors arrive
 * as SOAP Faults with HTTP 500 (the ExpressPlay emulator's `ErrorCode` in the
 * fault detail says what really went wrong).
 */
const NOT_ENTITLED_CODES = new Set([-4012]);
const BAD_REQUEST_CODES = new Set([-4000]);

/**
 * ExpressPlay's own hosts: the token APIs answer `http://` license URLs for
 * PlayReady and FairPlay (Intertrust's REST API examples), and keyflow must
 * never send the token in clear, so these hosts are always upgraded to
 * `https:` (they serve it). Production `*.service.expressplay.com` and
 * `*.service.expressplay.cn`, test `*.test.expressplay.com`, and the
 * PlayReady licensing host `expressplay-licensing.axprod.net`.
 */
const EXPRESSPLAY_HOST = /(^|\.)(expressplay\.com|expressplay\.cn)$|^expressplay-licensing\.axprod\.net$/i;

/** `url` with `https:` when it is an `http:` URL on one of ExpressPlay's hosts. */
export function upgradeExpressPlayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' && EXPRESSPLAY_HOST.test(parsed.hostname)) return `https:${url.slice(url.indexOf(':') + 1)}`;
  } catch {
    // not a URL: left for the caller's checks
  }
  return url;
}

function malformedToken(keySystem: string, why: string): KeyflowError {
  return new KeyflowError('TOKEN_MALFORMED', `ExpressPlay token source returned ${why}`, { keySystem });
}

/** Works out the license URL and the raw (percent-encoded) token from what the source returned. */
function placeToken(token: ExpressPlayToken, request: DrmRequest): { url: string; rawToken: string } {
  const { keySystem } = request;
  if (typeof token === 'string') {
    const text = token.trim();
    if (!text) throw malformedToken(keySystem, 'an empty token');
    if (/^https?:\/\//i.test(text)) {
      if (!isHttpUrl(text)) throw malformedToken(keySystem, 'an unparseable license URL');
      const rawToken = getRawQueryParam(text, EXPRESSPLAY_TOKEN_PARAM);
      if (!rawToken) throw malformedToken(keySystem, `a license URL without an ${EXPRESSPLAY_TOKEN_PARAM} parameter`);
      return { url: upgradeExpressPlayUrl(removeQueryParam(text, EXPRESSPLAY_TOKEN_PARAM)), rawToken };
    }
    return { url: request.url, rawToken: encodeURIComponent(text) };
  }
  if (token && typeof token === 'object') {
    const { licenseAcquisitionUrl, token: value } = token;
    if (typeof value !== 'string' || !value.trim()) throw malformedToken(keySystem, 'an object without a token');
    if (typeof licenseAcquisitionUrl !== 'string' || !isHttpUrl(licenseAcquisitionUrl)) {
      throw malformedToken(keySystem, 'an object without a valid licenseAcquisitionUrl');
    }
    return {
      url: upgradeExpressPlayUrl(removeQueryParam(licenseAcquisitionUrl, EXPRESSPLAY_TOKEN_PARAM)),
      rawToken: encodeURIComponent(value.trim()),
    };
  }
  throw malformedToken(keySystem, `a ${token === null ? 'null' : typeof token} instead of a token`);
}

function decodedForms(rawToken: string): string[] {
  try {
    return [rawToken, decodeURIComponent(rawToken)];
  } catch {
    return [rawToken];
  }
}

/**
 * Reads ExpressPlay's error code and message from a reply body: a SOAP Fault
 * (PlayReady: `ErrorCode` from the detail, else the PlayReady `StatusCode`
 * HRESULT as a string; `faultstring` as the message), JSON, or HTML.
 */
function readExpressPlayError(bodyText: string): { code?: number | string; message?: string } {
  const fault = parseSoapFault(bodyText);
  if (fault) {
    const code = fault.errorCode ?? fault.statusCode;
    return {
      ...(code !== undefined ? { code } : {}),
      ...(fault.faultString !== undefined ? { message: fault.faultString.slice(0, 200) } : {}),
    };
  }
  const json = parseJsonOrUndefined(bodyText);
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const nested = (record.error && typeof record.error === 'object' ? record.error : record) as Record<string, unknown>;
    const code = Number(nested.errorCode ?? nested.code);
    const message = nested.errorMessage ?? nested.message;
    return {
      ...(Number.isInteger(code) ? { code } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 200) } : {}),
    };
  }
  const match = /(-\d{4})\b/.exec(bodyText);
  return match ? { code: Number(match[1]) } : {};
}

/**
 * The Intertrust ExpressPlay preset.
 *
 * The app's backend mints a token with its secret customer authenticator;
 * keyflow puts the token in the `ExpressPlayToken` query parameter of the
 * license URL (set, never appended, so Shaka 5's per-attempt filters keep it
 * exactly once), and maps ExpressPlay's error replies to typed errors.
 */
export const expressPlayProvider: Provider<ExpressPlayOptions, ExpressPlayToken> = {
  name: 'expressplay',
  optionNames: ['token'],
  defaultServers: EXPRESSPLAY_DEFAULT_SERVERS,
  handlesCertificates: () => false,

  validate(options) {
    const { token } = options;
    const ok =
      typeof token === 'function' ||
      (typeof token === 'string' && token.trim() !== '') ||
      (!!token && typeof token === 'object' && typeof token.token === 'string');
    if (!ok) {
      throw new KeyflowError(
        'INVALID_CONFIG',
        'expressplay: `token` is required: a token string, { licenseAcquisitionUrl, token }, or a function returning one',
      );
    }
  },

  rewriteRequest(request, token): RewrittenDrmRequest {
    if (token === null) throw malformedToken(request.keySystem, 'nothing');
    const { url, rawToken } = placeToken(token, request);
    return {
      url: setRawQueryParam(url, EXPRESSPLAY_TOKEN_PARAM, rawToken),
      headers: request.headers,
      body: request.body,
      secrets: decodedForms(rawToken),
    };
  },

  unwrapResponse(response: DrmResponse): Uint8Array {
    const { body, keySystem } = response;
    if (body.byteLength === 0) {
      throw new KeyflowError('MALFORMED_RESPONSE', 'ExpressPlay license server sent an empty license', {
        keySystem,
        httpStatus: response.status,
      });
    }
    if (keySystem === KeySystem.CLEARKEY && !isClearKeyJwkSet(body)) {
      throw new KeyflowError('MALFORMED_RESPONSE', 'License server reply is not a ClearKey JWK set', {
        keySystem,
        httpStatus: response.status,
      });
    }
    return body;
  },

  decodeFailure(failure: DrmHttpFailure): KeyflowError {
    const { code, message } = readExpressPlayError(failure.bodyText);
    let keyflowCode = codeForStatus(failure.status);
    if (typeof code === 'number' && TOKEN_EXPIRED_CODES.has(code)) keyflowCode = 'TOKEN_EXPIRED';
    else if (typeof code === 'number' && TOKEN_INVALID_CODES.has(code)) keyflowCode = 'TOKEN_INVALID';
    else if (typeof code === 'number' && NOT_ENTITLED_CODES.has(code)) keyflowCode = 'NOT_ENTITLED';
    else if (typeof code === 'number' && BAD_REQUEST_CODES.has(code)) keyflowCode = 'BAD_REQUEST';
    else if (failure.status === 403 && message && /expired/i.test(message)) keyflowCode = 'TOKEN_EXPIRED';
    return failureError(failure, keyflowCode, 'ExpressPlay', code, message);
  },
};
