import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { ContentIdContext, WireSpec } from './engine/spec';
import type { Provider } from './preset';

/**
 * Options of the `comcast` preset (Comcast Technology Solutions mpx, thePlatform). Observed, not
 * from vendor documentation (see {@link comcastProvider}).
 */
export interface ComcastOptions {
  /**
   * The mpx authentication token of the user (your backend signs the user in with mpx Identity),
   * or a function returning it. Sent in the query: `token` for Widevine and FairPlay, `auth` for
   * PlayReady.
   */
  token: TokenSource<string>;
  /** Your mpx account URI, e.g. `http://access.auth.theplatform.com/data/Account/1234567890`. */
  account: string;
  /**
   * The release PID of the title being played: a string (change it per title with
   * `configure()`), or a function of the request. Sent in the JSON body (Widevine, FairPlay) or
   * as the `releasePid` query parameter (PlayReady).
   */
  releasePid?: string | ((context: ContentIdContext) => string);
}

/**
 * mpx's license endpoints as player integrations use them (THEOplayer's Comcast integration and
 * samples): Widevine's JSON `ModularDrm` endpoint, PlayReady's `rightsmanager.asmx`, FairPlay's
 * JSON `FairPlay` endpoint. Accounts on the EU platform use `theplatform.eu` hosts: give `servers`.
 */
export const COMCAST_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ comcastServers();

function comcastServers(): LicenseServers {
  const playReady = 'https://playready.entitlement.theplatform.com/playready/rightsmanager.asmx';
  return {
    [KeySystem.WIDEVINE]: 'https://widevine.entitlement.theplatform.com/wv/web/ModularDrm',
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: 'https://fairplay.entitlement.theplatform.com/fpls/web/FairPlay',
  };
}

/** A JSON-wrapped key system: `token` in the query, `{ <method>: { releasePid, <field>: <base64> } }` out, `<method>Response.<reply>` back. */
function jsonMethod(method: string, challenge: string, reply: string) {
  return {
    query: { form: 'json', token: '{token}' },
    wrapRequest: { challengeField: `${method}.${challenge}`, fields: { [method]: { releasePid: '{contentId}' } } },
    unwrapResponse: { path: `${method}Response.${reply}` },
  };
}

/**
 * The wire: `schema=1.0` and `account` (unencoded, as the URLs seen write it) on every request; Widevine `{"getWidevineLicense":
 * {"releasePid","widevineChallenge"}}` → `getWidevineLicenseResponse.license`, FairPlay
 * `{"getFairplayLicense":{"releasePid","spcMessage"}}` → `getFairplayLicenseResponse.ckcResponse`
 * (both base64, `form=json&token=`); PlayReady's SOAP as it is, with `auth` (the token) and
 * `releasePid` in the query. Errors by HTTP status: no mpx error shape is in the sources read.
 */
function comcastWire({ account, releasePid }: ComcastOptions): WireSpec {
  return {
    ...(releasePid !== undefined ? { contentId: releasePid } : {}),
    query: { schema: '1.0', account },
    keySystems: {
      [KeySystem.WIDEVINE]: jsonMethod('getWidevineLicense', 'widevineChallenge', 'license'),
      [KeySystem.FAIRPLAY]: jsonMethod('getFairplayLicense', 'spcMessage', 'ckcResponse'),
      [KeySystem.PLAYREADY]: { query: { auth: '{token}', releasePid: '{contentId}' } },
    },
  };
}

function validateComcast({ token, account, releasePid }: ComcastOptions): void {
  const fail = (message: string) => new KeyflowError('INVALID_CONFIG', `comcast: ${message}`);
  if (typeof account !== 'string' || !/^https?:\/\/[\w.:/-]+\/Account\/\d+$/.test(account))
    throw fail('`account` is required: your mpx account URI, e.g. "http://access.auth.theplatform.com/data/Account/1234567890"');
  if (releasePid !== undefined && typeof releasePid !== 'function' && !(typeof releasePid === 'string' && releasePid.trim()))
    throw fail('`releasePid` must be a non-empty string or a function returning one');
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim()))
    throw fail('`token` is required: the mpx authentication token, or a function returning it');
}

/**
 * The Comcast Technology Solutions mpx (thePlatform) preset. Observed, not from vendor
 * documentation: what it sends is what THEOplayer's Comcast integration and samples send
 * (THEOplayer/samples-drm-integration, `web/src/integration/comcastdrm`, `web/test/comcastdrm`)
 * and other public player code agrees with. Widevine and FairPlay are JSON-wrapped (the release
 * PID in the body, the challenge in base64, the token and account in the query); PlayReady goes
 * raw with `auth`, `account` and `releasePid` in the query. Widevine's service-certificate request
 * is wrapped like a license request (the same endpoint answers it). FairPlay: your certificate in
 * `drm.advanced['com.apple.fps'].serverCertificateUri` (no certificate endpoint is seen);
 * THEOplayer derives the FairPlay content id by putting the release PID into the `skd://` URI,
 * which keyflow does not: Shaka's default (the URI's host) is used.
 */
export const comcastProvider: Provider<ComcastOptions, string> = /* @__PURE__ */ definePreset<ComcastOptions, string>({
  name: 'comcast',
  label: 'Comcast mpx',
  optionNames: ['token', 'account', 'releasePid'],
  defaultServers: COMCAST_DEFAULT_SERVERS,
  wire: comcastWire,
  validate: validateComcast,
});
