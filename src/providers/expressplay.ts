import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { getRawQueryParam, isHttpUrl, removeQueryParam } from '../util/url';
import { parseJsonOrUndefined } from './engine/failures';
import type { DrmRequest, Provider } from './preset';
import { isClientFault, parseSoapFault } from './engine/soap-fault';
import { presetWith } from './engine/define-preset';
import { TOKEN_ONLY_PARTS } from './engine/parts';
import type { ErrorReply, ErrorRule, ProviderErrorFields } from './engine/errors';
import type { TokenPlacement, WireSpec } from './engine/spec';

/**
 * The query parameter ExpressPlay license servers read the token from: the token APIs answer
 * `…/rights/?ExpressPlayToken=…` (Adobe Primetime `…/license-token-req-resp-ref/{widevine,playready,fairplay}-license-token-request.md`),
 * and Adobe's dash.js sample puts it on `LicensingService.ashx?ExpressPlayToken=`.
 */
export const EXPRESSPLAY_TOKEN_PARAM = 'ExpressPlayToken';

/**
 * What an ExpressPlay token source may return:
 * - a bare token (`"AQAAAw..."`);
 * - a tokenized license URL, as the Widevine and FairPlay token APIs return
 *   (`https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=...`);
 * - `{ licenseAcquisitionUrl, token }`, as the PlayReady token API returns
 *   (also as its JSON text);
 * - with `expiresAt` (`{ token, expiresAt }`, `token` a bare token or a
 *   tokenized URL; or `{ licenseAcquisitionUrl, token, expiresAt }`): the
 *   `expirationTime` the backend asked the token API for (up to 30 days,
 *   Intertrust REST API), so keyflow reuses the token until then instead of
 *   for `tokenMaxAgeMs`.
 */
export type ExpressPlayToken =
  | string
  | {
      /** The token itself, or the tokenized license URL the token API answered. */
      token: string;
      /** The license URL the PlayReady token API answered (the token goes on it as `ExpressPlayToken`). */
      licenseAcquisitionUrl?: string;
      /** When the token expires: milliseconds (or seconds) since the epoch, a `Date`, or an RFC 3339 date-time. */
      expiresAt?: number | string | Date;
    };

/** Options of the `expressplay` provider. */
export interface ExpressPlayOptions {
  /** The token, or a function that fetches it from the app's backend. Required. */
  token: TokenSource<ExpressPlayToken>;
  /**
   * The ExpressPlay production domain of the account: `'eu'` (default,
   * `service.expressplay.com`) or `'cn'` (`service.expressplay.cn`), per
   * Intertrust's REST API (site.expressplay.cn/html/restapi.html). It picks
   * the default license URLs, for bare tokens; a tokenized license URL from
   * the token API is used as it is.
   */
  region?: 'eu' | 'cn';
}

/**
 * ExpressPlay's production license URLs (Intertrust REST API; Adobe Primetime multi-DRM docs);
 * the test environment and local emulators are configured through `servers`. Widevine is
 * documented so; PlayReady as `http://pr.service.expressplay.com/playready/RightsManager.asmx`
 * (intertrust.com PlayReady apps) or `https://expressplay-licensing.axprod.net/LicensingService.ashx`
 * (Adobe's PlayReady token response sample), FairPlay as `http://fp.service.expressplay.com:80/hms/fp/rights/`
 * (Adobe's FairPlay token reference). The https forms are keyflow's choice (a token never
 * travels in clear); they matter only for bare tokens.
 */
export const EXPRESSPLAY_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ serversOn('service.expressplay.com');

/** The license URLs on one production domain (`service.expressplay.com` or `.cn`). */
function serversOn(domain: string): LicenseServers {
  return {
    [KeySystem.WIDEVINE]: `https://wv.${domain}/hms/wv/rights/`,
    [KeySystem.PLAYREADY]: `https://pr.${domain}/playready/RightsManager.asmx`,
    [KeySystem.PLAYREADY_RECOMMENDATION]: `https://pr.${domain}/playready/RightsManager.asmx`,
    [KeySystem.FAIRPLAY]: `https://fp.${domain}/hms/fp/rights/`,
  };
}

/** The default license URLs of the account's region. */
function expressPlayServers({ region }: ExpressPlayOptions): LicenseServers {
  return region === 'cn' ? serversOn('service.expressplay.cn') : EXPRESSPLAY_DEFAULT_SERVERS;
}

/**
 * ExpressPlay's documented error codes and what they mean for playback. The
 * codes and their meanings are the "Event Error Codes" of Intertrust's token
 * API reference (Adobe Primetime `…/license-token-req-resp-ref/{widevine,
 * playready,fairplay}-license-token-request.md`; site.expressplay.cn
 * restapi): ExpressPlay documents them for the token API, and no source
 * documents what its license endpoints answer, so keyflow maps only these and
 * passes any other code through as `providerCode`, classified by HTTP status
 * (a PlayReady SOAP `Client` fault as 400: see {@link readExpressPlayError}).
 * No code means "expired": an expired token is an invalid one.
 * - `-4010` "Invalid token" (Widevine and FairPlay tables) → `TOKEN_INVALID`
 *   (keyflow fetches a new token once);
 * - `-2019` insufficient tokens, `-2031` service account disabled, `-7011`
 *   Widevine / `-5002` PlayReady / `-6009` FairPlay option disabled, `-6006`
 *   service not authorized for FairPlay: the account cannot issue this
 *   license, whoever asks → `NOT_ENTITLED`;
 * - `-7008` / `-6004` failed to generate the Widevine / FairPlay license →
 *   `LICENSE_SERVER_ERROR`.
 */
export const EXPRESSPLAY_ERROR_RULES: readonly ErrorRule[] = [
  { providerCode: -4010, means: 'TOKEN_INVALID' },
  { providerCode: [-2019, -2031, -7011, -5002, -6009, -6006], means: 'NOT_ENTITLED' },
  { providerCode: [-7008, -6004], means: 'LICENSE_SERVER_ERROR' },
];

/**
 * ExpressPlay's wire: the token in the `ExpressPlayToken` query parameter; the rest is Shaka's.
 * No default certificate: the FairPlay certificate is the customer's own, hosted by the app
 * (Adobe Primetime `t-psdk-browser-tvsdk-2.4-drm-enable-fairplay-safari.md`).
 */
const EXPRESSPLAY_WIRE: WireSpec = {
  query: { ExpressPlayToken: '{token}' },
  errors: { rules: EXPRESSPLAY_ERROR_RULES },
  // The content id is everything after skd:// (Shaka's expressplayInitDataTransform).
  fairPlayContentId: 'after-scheme',
  keySystems: {
    // FairPlay: the raw SPC as application/octet-stream, the CKC read as Shaka's ExpressPlay
    // helpers read it (expressplayFairPlayRequest, commonFairPlayResponse in shaka-player
    // lib/drm/fairplay.js); ExpressPlay does not document its CKC reply format.
    [KeySystem.FAIRPLAY]: {
      headers: { 'Content-Type': 'application/octet-stream' },
      unwrapResponse: { format: 'fairplay-ckc' },
    },
  },
};

/**
 * ExpressPlay's own hosts: the token APIs answer `http://` license URLs for PlayReady and
 * FairPlay (Intertrust's REST API examples), and keyflow must never send the token in clear, so
 * these hosts are always upgraded to `https:` (they serve it). Production `*.service.expressplay.com`
 * and `*.service.expressplay.cn` (site.expressplay.cn restapi); test `*.test.expressplay.com` (the
 * token API's test hosts are `*-gen.test.expressplay.com` in Adobe's token references: that test
 * license URLs share the domain is keyflow's reading); the PlayReady licensing host
 * `expressplay-licensing.axprod.net` (Adobe's PlayReady token response and HTML5 TVSDK samples).
 */
const EXPRESSPLAY_HOST = /(^|\.)(expressplay\.com|expressplay\.cn)$|^expressplay-licensing\.axprod\.net$/i;

/**
 * `url` with `https:` when it is an `http:` URL on one of ExpressPlay's hosts.
 * An explicit `:80` is dropped (the https default port applies): the FairPlay
 * token API answers `http://fp.service.expressplay.com:80/hms/fp/rights/?…`,
 * and TLS on port 80 cannot work. (The token is not in `url`: it is set on the
 * result afterwards, byte for byte.)
 */
function upgradeExpressPlayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' && EXPRESSPLAY_HOST.test(parsed.hostname)) {
      parsed.protocol = 'https:'; // the URL standard drops a port that is the new scheme's default (or was the old one's)
      return parsed.href;
    }
  } catch {
    // not a URL: left for the caller's checks
  }
  return url;
}

function malformedToken(keySystem: string, why: string): KeyflowError {
  return new KeyflowError('TOKEN_MALFORMED', `ExpressPlay token source returned ${why}`, { keySystem });
}

function decodedForms(rawToken: string): string[] {
  try {
    return [rawToken, decodeURIComponent(rawToken)];
  } catch {
    return [rawToken];
  }
}

/** A token inside a license URL the token API answered: that URL (upgraded to https) carries it. */
function tokenInUrl(licenseUrl: string, rawToken: string | null, keySystem: string): TokenPlacement {
  if (!rawToken) throw malformedToken(keySystem, `a license URL without an ${EXPRESSPLAY_TOKEN_PARAM} parameter`);
  const url = upgradeExpressPlayUrl(removeQueryParam(licenseUrl, EXPRESSPLAY_TOKEN_PARAM));
  return { url, token: rawToken, urlEncoded: true, secrets: decodedForms(rawToken) };
}

/**
 * Where a token written as text goes: a bare token on the configured URL; a
 * tokenized license URL as it is, token byte for byte; the PlayReady token
 * API's JSON answer, read as the object it is (never URL-encoded whole into
 * `ExpressPlayToken`).
 */
function placeTokenText(token: string, request: DrmRequest, fromJson: boolean): TokenPlacement {
  const { keySystem } = request;
  const text = token.trim();
  if (!text) throw malformedToken(keySystem, 'an empty token');
  if (text.startsWith('{') || text.startsWith('[')) {
    const parsed = fromJson ? undefined : parseJsonOrUndefined(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw malformedToken(keySystem, 'JSON text that is not a token object');
    return placeTokenObject(parsed as Exclude<ExpressPlayToken, string>, request);
  }
  if (!/^https?:\/\//i.test(text)) return { url: request.url, token: text, secrets: [encodeURIComponent(text)] };
  if (!isHttpUrl(text)) throw malformedToken(keySystem, 'an unparseable license URL');
  return tokenInUrl(text, getRawQueryParam(text, EXPRESSPLAY_TOKEN_PARAM), keySystem);
}

/** `{ token, licenseAcquisitionUrl?, expiresAt? }`: the token on the URL the PlayReady token API named, else as text. */
function placeTokenObject(token: Exclude<ExpressPlayToken, string>, request: DrmRequest): TokenPlacement {
  const { keySystem } = request;
  const { licenseAcquisitionUrl, token: value } = token;
  if (typeof value !== 'string' || !value.trim()) throw malformedToken(keySystem, 'an object without a token');
  if (licenseAcquisitionUrl === undefined) return placeTokenText(value, request, true);
  if (typeof licenseAcquisitionUrl !== 'string' || !isHttpUrl(licenseAcquisitionUrl)) {
    throw malformedToken(keySystem, 'an object without a valid licenseAcquisitionUrl');
  }
  return tokenInUrl(licenseAcquisitionUrl, encodeURIComponent(value.trim()), keySystem);
}

/** Where the token goes (see {@link ExpressPlayToken}). */
function placeToken(token: ExpressPlayToken | null, request: DrmRequest): TokenPlacement {
  if (typeof token === 'string') return placeTokenText(token, request, false);
  if (token && typeof token === 'object') return placeTokenObject(token, request);
  throw malformedToken(request.keySystem, token === null ? 'nothing' : `a ${typeof token} instead of a token`);
}

/**
 * Reads ExpressPlay's error code and message from a reply body: a SOAP Fault
 * (PlayReady: `ErrorCode` from the detail, else the PlayReady `StatusCode`
 * HRESULT as a string; `faultstring` as the message), JSON, or HTML.
 * PlayReady license servers answer every fault with HTTP 500; a `Client`
 * fault means the request must not be resent unchanged (SOAP 1.1 §4.4.1),
 * so it is classified as a 400 when no documented code says more.
 */
function readExpressPlayError({ bodyText }: ErrorReply): ProviderErrorFields {
  const fault = parseSoapFault(bodyText);
  if (fault) {
    const code = fault.errorCode ?? fault.statusCode;
    return {
      ...(code !== undefined ? { providerCode: code } : {}),
      ...(fault.faultString !== undefined ? { message: fault.faultString.slice(0, 200) } : {}),
      ...(isClientFault(fault.faultCode) ? { classifyAsStatus: 400 } : {}),
    };
  }
  const json = parseJsonOrUndefined(bodyText);
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const nested = (record.error && typeof record.error === 'object' ? record.error : record) as Record<string, unknown>;
    const code = Number(nested.errorCode ?? nested.code);
    const message = nested.errorMessage ?? nested.message;
    return {
      ...(Number.isInteger(code) ? { providerCode: code } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 200) } : {}),
    };
  }
  const match = /(-\d{4})\b/.exec(bodyText);
  return match ? { providerCode: Number(match[1]) } : {};
}

function validateExpressPlay({ token, region }: ExpressPlayOptions): void {
  if (region !== undefined && region !== 'eu' && region !== 'cn') {
    throw new KeyflowError('INVALID_CONFIG', `expressplay: \`region\` must be 'eu' or 'cn', not ${JSON.stringify(region)}`);
  }
  const ok =
    typeof token === 'function' ||
    (typeof token === 'string' && token.trim() !== '') ||
    (!!token && typeof token === 'object' && typeof token.token === 'string');
  if (!ok) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      'expressplay: `token` is required: a token string, { token, licenseAcquisitionUrl?, expiresAt? }, or a function returning one',
    );
  }
}

/**
 * The Intertrust ExpressPlay preset.
 *
 * The app's backend mints a token with its secret customer authenticator;
 * keyflow puts the token in the `ExpressPlayToken` query parameter of the
 * license URL (set, never appended, so Shaka 5's per-attempt filters keep it
 * exactly once), and maps ExpressPlay's error replies to typed errors.
 * A spec over the engine, with two hooks: the token API may answer a license
 * URL, and PlayReady errors come as SOAP Faults.
 */
export const expressPlayProvider: Provider<ExpressPlayOptions, ExpressPlayToken> = /* @__PURE__ */ presetWith<
  ExpressPlayOptions,
  ExpressPlayToken
>(
  {
    name: 'expressplay',
    label: 'ExpressPlay',
    optionNames: ['token', 'region'],
    defaultServers: EXPRESSPLAY_DEFAULT_SERVERS,
    defaultServersFor: expressPlayServers,
    wire: EXPRESSPLAY_WIRE,
    validate: validateExpressPlay,
    placeToken,
    readError: readExpressPlayError,
  },
  TOKEN_ONLY_PARTS,
);
