import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** DRMtoday's "custom data": who is asking, for callback authorization (or the test dummy). */
export interface DrmTodayCustomData {
  /** The user id your backend knows the user by. */
  userId: string;
  /** The session id your backend gave this playback session. */
  sessionId: string;
}

/** What a DRMtoday token source returns: the upfront authorization token (a JWT), or the custom data. */
export type DrmTodayToken = string | DrmTodayCustomData;

/** Options of the `drmtoday` preset. */
export interface DrmTodayOptions {
  /** Your DRMtoday merchant (organization) API name: in `x-dt-custom-data` and the FairPlay certificate URL. */
  merchant: string;
  /**
   * `'upfront-token'` (default; DRMtoday's preferred "token authorization"): the token is a JWT
   * your backend signs with a DRMtoday shared secret (claims `jti`, `iat`, `optData`, `crt`),
   * sent as `x-dt-auth-token`. Its `jti` makes it single use, so keyflow asks for a new one for
   * every license request. `'custom-data'` ("callback authorization", or the test dummy): the
   * token is `{ userId, sessionId }`, sent with the merchant as `x-dt-custom-data`, base64 of
   * `{"userId":…,"sessionId":…,"merchant":…}`.
   */
  authorization?: 'upfront-token' | 'custom-data';
  /** The upfront token, or `{ userId, sessionId }` for `'custom-data'`; or a function returning it. */
  token: TokenSource<DrmTodayToken>;
  /** `'production'` (default, `lic.drmtoday.com`) or `'staging'` (`lic.staging.drmtoday.com`). */
  environment?: 'production' | 'staging';
}

function hostOf(environment: DrmTodayOptions['environment']): string {
  return `https://lic.${environment === 'staging' ? 'staging.' : ''}drmtoday.com`;
}

/**
 * The license URLs on one DRMtoday environment. Widevine asks for the raw license
 * (`?specConform=true`, as Bitmovin's DRMtoday guide recommends); a JSON-wrapped reply (the
 * URL without it) is unwrapped too.
 */
function drmTodayServers({ environment }: Pick<DrmTodayOptions, 'environment'>): LicenseServers {
  const host = hostOf(environment);
  const playReady = `${host}/license-proxy-headerauth/drmtoday/RightsManager.asmx`;
  return {
    [KeySystem.WIDEVINE]: `${host}/license-proxy-widevine/cenc/?specConform=true`,
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: `${host}/license-server-fairplay/`,
  };
}

/** DRMtoday's production license URLs (Bitmovin's DRMtoday guide; castLabs' own player samples). */
export const DRMTODAY_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ drmTodayServers({});

/** The FairPlay certificate of the merchant: `…/license-server-fairplay/cert/<merchant>`. */
function drmTodayCertificates({ merchant, environment }: DrmTodayOptions): Record<string, string> {
  return { [KeySystem.FAIRPLAY]: `${hostOf(environment)}/license-server-fairplay/cert/${encodeURIComponent(merchant)}` };
}

/** A literal inside a template: braces doubled. */
const literal = (text: string): string => text.replace(/[{}]/g, (brace) => brace + brace);

/**
 * The wire: the token in `x-dt-auth-token`, or the custom data in `x-dt-custom-data`; the
 * Widevine license out of `{"license": "<base64>"}` when DRMtoday wraps it (dash.js
 * `DRMToday.js`), else as it is; PlayReady SOAP both ways; the DRMtoday code of an error reply in
 * its `x-dt-resp-code` header. FairPlay: the SPC as the form parameter `spc` (base64), the CKC
 * answered as base64 text (castLabs' and integrators' FairPlay samples decode it so).
 */
function drmTodayWire({ merchant, authorization }: DrmTodayOptions): WireSpec {
  const customData = authorization === 'custom-data';
  return {
    headers: customData
      ? { 'x-dt-custom-data': { json: { userId: '{token.userId}', sessionId: '{token.sessionId}', merchant: literal(merchant) } } }
      : { 'x-dt-auth-token': '{token}' },
    ...(customData ? {} : { tokenReuse: 'per-request' as const }),
    unwrapResponse: { path: 'license', optional: true },
    errors: { code: { header: 'x-dt-resp-code' } },
    keySystems: {
      [KeySystem.PLAYREADY]: { unwrapResponse: null },
      [KeySystem.FAIRPLAY]: { wrapRequest: { format: 'form', challengeField: 'spc' }, unwrapResponse: { path: '' } },
    },
  };
}

/** Throws `INVALID_CONFIG` unless `value` is absent or one of `allowed`. */
function checkOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string))
    throw new KeyflowError('INVALID_CONFIG', `drmtoday: \`${name}\` must be '${allowed.join("' or '")}'`);
}

function validateDrmToday({ merchant, authorization, token, environment }: DrmTodayOptions): void {
  checkOneOf('authorization', authorization, ['upfront-token', 'custom-data']);
  checkOneOf('environment', environment, ['production', 'staging']);
  const data = token as Partial<DrmTodayCustomData> | null;
  const tokenOk =
    typeof token === 'function' ||
    (authorization === 'custom-data'
      ? !!data && typeof data.userId === 'string' && typeof data.sessionId === 'string'
      : typeof token === 'string' && !!token.trim());
  const problem =
    typeof merchant !== 'string' || !merchant.trim()
      ? '`merchant` is required: your DRMtoday merchant API name'
      : tokenOk
        ? null
        : `\`token\` is required: ${authorization === 'custom-data' ? '{ userId, sessionId }' : 'the upfront token (a JWT)'}, or a function returning it`;
  if (problem) throw new KeyflowError('INVALID_CONFIG', `drmtoday: ${problem}`);
}

/**
 * The castLabs DRMtoday preset: the upfront authorization token in `x-dt-auth-token` (default),
 * or `x-dt-custom-data` (base64 JSON of user, session and merchant), on every license request to
 * `lic.drmtoday.com` (or staging). Widevine answers raw or `{license}` JSON, both read; error
 * replies carry DRMtoday's code in `x-dt-resp-code`, passed on as `providerCode`. FairPlay: the
 * merchant's certificate from `license-server-fairplay/cert/<merchant>`, the SPC as form `spc=`,
 * the CKC as base64 text.
 */
export const drmTodayProvider: Provider<DrmTodayOptions, DrmTodayToken> = /* @__PURE__ */ definePreset<DrmTodayOptions, DrmTodayToken>({
  name: 'drmtoday',
  label: 'DRMtoday',
  optionNames: ['merchant', 'authorization', 'token', 'environment'],
  defaultServers: DRMTODAY_DEFAULT_SERVERS,
  defaultServersFor: drmTodayServers,
  defaultCertificatesFor: drmTodayCertificates,
  wire: drmTodayWire,
  validate: validateDrmToday,
});
