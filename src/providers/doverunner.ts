import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { ErrorRule } from './engine/errors';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** The header names DoveRunner reads the license token from. */
export type DoveRunnerHeaderName = 'pallycon-customdata-v2' | 'doverunner-customdata-v2';

/** Options of the `doverunner` preset (also selected as `pallycon`). */
export interface DoveRunnerOptions {
  /**
   * The license token (base64 JSON your backend builds with the site key and access key, never in
   * the browser; or the legacy PallyCon Custom Data v2), or a function returning it.
   */
  token: TokenSource<string>;
  /** Your 4-character Site ID: the FairPlay certificate URL `fpsKeyManager.do?siteId=<siteId>`. */
  siteId?: string;
  /**
   * The header the token goes in: `pallycon-customdata-v2` (default, the HTML5 player guide) or
   * `doverunner-customdata-v2` (DoveRunner's newer license proxy samples).
   */
  header?: DoveRunnerHeaderName;
}

const HOST = 'https://drm-license.doverunner.com/ri/';

/** The same license URL for every key system. */
function oneUrlForAll(url: string): LicenseServers {
  return {
    [KeySystem.WIDEVINE]: url,
    [KeySystem.PLAYREADY]: url,
    [KeySystem.PLAYREADY_RECOMMENDATION]: url,
    [KeySystem.FAIRPLAY]: url,
  };
}

/**
 * DoveRunner's license URL, one for every DRM (the default of DoveRunner's own player SDKs;
 * PallyCon's docs name the older `https://license.pallycon.com/ri/licenseManager.do`).
 */
export const DOVERUNNER_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ oneUrlForAll(
  'https://drm-license.doverunner.com/ri/licenseManager.do',
);

/**
 * What DoveRunner's documented error codes ("License Error Code") mean for playback; any other
 * code passes through as `providerCode`, classified by HTTP status (a 200 error: a server error).
 */
export const DOVERUNNER_ERROR_RULES: readonly ErrorRule[] = [
  { providerCode: 7011, means: 'TOKEN_EXPIRED' }, // token is expired (or its timestamp not yet valid)
  // custom data / token cannot be parsed or decrypted, no token data, invalid JSON, invalid token,
  // invalid DRM type in the token, hash mismatch
  { providerCode: [7007, 7008, 7009, 7010, 7013, 7016, 7018, 7019], means: 'TOKEN_INVALID' },
  // trial limit, service stopped, trial ended, CID mismatch, no Widevine / FairPlay service,
  // callback refusal, playback period not yet / over
  { providerCode: [1002, 1004, 1005, 7012, 7104, 7301, 8002, 8710, 8711], means: 'NOT_ENTITLED' },
  // invalid Widevine challenge, unreadable PlayReady request, no SPC, invalid SPC, missing parameter
  { providerCode: [7107, 7205, 7305, 7317, 9001], means: 'BAD_REQUEST' },
];

/**
 * The wire: the token in the custom-data header; errors as JSON `{errorCode, message}`, also in
 * 200 replies (HTML5 player guide, "Handling Error Response"). FairPlay: the SPC as the form
 * parameter `spc` (base64), the CKC and the certificate answered as base64 text, the content id
 * everything after `skd://`.
 */
function doveRunnerWire({ header }: DoveRunnerOptions): WireSpec {
  return {
    headers: { [header ?? 'pallycon-customdata-v2']: '{token}' },
    errors: { code: 'errorCode', message: 'message', inSuccessReplies: true, rules: DOVERUNNER_ERROR_RULES },
    certificate: { auth: false, unwrapResponse: { path: '' } },
    fairPlayContentId: 'after-scheme',
    keySystems: {
      [KeySystem.FAIRPLAY]: { wrapRequest: { format: 'form', challengeField: 'spc' }, unwrapResponse: { path: '' } },
    },
  };
}

function validateDoveRunner({ token, siteId, header }: DoveRunnerOptions): void {
  const problem =
    siteId !== undefined && !(typeof siteId === 'string' && /^[A-Za-z0-9]+$/.test(siteId))
      ? '`siteId` must be your Site ID (letters and digits)'
      : header !== undefined && header !== 'pallycon-customdata-v2' && header !== 'doverunner-customdata-v2'
        ? "`header` must be 'pallycon-customdata-v2' or 'doverunner-customdata-v2'"
        : typeof token !== 'function' && !(typeof token === 'string' && token.trim())
          ? '`token` is required: the license token, or a function returning it'
          : null;
  if (problem) throw new KeyflowError('INVALID_CONFIG', `doverunner: ${problem}`);
}

/**
 * The DoveRunner (formerly PallyCon) Multi-DRM preset: the license token in
 * `pallycon-customdata-v2` (or `doverunner-customdata-v2`) on every request to
 * `licenseManager.do`; DoveRunner's error codes, which it answers inside 200 replies, mapped
 * (7011 expired token, ...). FairPlay: the certificate from `fpsKeyManager.do?siteId=` (base64),
 * the SPC as form `spc=`, the CKC as base64 text.
 */
export const doveRunnerProvider: Provider<DoveRunnerOptions, string> = /* @__PURE__ */ definePreset<DoveRunnerOptions, string>({
  name: 'doverunner',
  label: 'DoveRunner',
  optionNames: ['token', 'siteId', 'header'],
  defaultServers: DOVERUNNER_DEFAULT_SERVERS,
  defaultCertificatesFor: ({ siteId }): Record<string, string> =>
    siteId ? { [KeySystem.FAIRPLAY]: `${HOST}fpsKeyManager.do?siteId=${siteId}` } : {},
  wire: doveRunnerWire,
  validate: validateDoveRunner,
});
