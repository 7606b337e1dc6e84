import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** Options of the `verimatrix` preset. */
export interface VerimatrixOptions {
  /**
   * A function returning a Verimatrix license token: a JWT your backend signs with its service
   * access key (`kid` in its header; `iat`, `jti`, `iss`, `ver`, `aud`, `sub` in its payload).
   * License tokens live at most `iat` + 120 s and carry a `jti`: keyflow asks for a new one for
   * every license request and never reuses one.
   */
  token: TokenSource<string>;
}

/**
 * Verimatrix Multi-DRM license URLs, as THEOplayer's Verimatrix integration uses them (Verimatrix's
 * public documentation names no hosts); set `servers` to the URLs of your Verimatrix account.
 */
export const VERIMATRIX_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ verimatrixServers();

function verimatrixServers(): LicenseServers {
  const host = 'https://multidrm.vsaas.verimatrixcloud.net';
  return {
    [KeySystem.WIDEVINE]: `${host}/widevine`,
    [KeySystem.PLAYREADY]: `${host}/playready`,
    [KeySystem.PLAYREADY_RECOMMENDATION]: `${host}/playready`,
    [KeySystem.FAIRPLAY]: `${host}/fairplay`,
  };
}

/**
 * The wire: the JWT as the whole `Authorization` value, no `Bearer` (docs.verimatrix.com
 * "Generate tokens for authorization": every request carries the token in a header; the header as
 * THEOplayer's integration sends it), a new token per request (single use). FairPlay
 * (docs.verimatrix.com "DRM Specific Integration"): `{"spc": base64}` as `application/json`, the
 * license from `{"ckc": base64}`; the content id everything after `skd://` (Shaka's Verimatrix
 * helper). Shaka's `verimatrixFairPlayRequest` sends a form `spc=…` instead: keyflow follows
 * Verimatrix's documentation.
 */
const VERIMATRIX_WIRE: WireSpec = /* @__PURE__ */ verimatrixWire();

function verimatrixWire(): WireSpec {
  return {
    headers: { Authorization: '{token}' },
    tokenReuse: 'per-request',
    fairPlayContentId: 'after-scheme',
    keySystems: {
      [KeySystem.FAIRPLAY]: { wrapRequest: { challengeField: 'spc' }, unwrapResponse: { path: 'ckc' } },
    },
  };
}

function validateVerimatrix({ token }: VerimatrixOptions): void {
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError('INVALID_CONFIG', 'verimatrix: `token` is required: a function returning a license JWT (they are single use)');
  }
}

/**
 * The Verimatrix Multi-DRM (Streamkeeper) preset: a license JWT from your backend as the
 * `Authorization` header (no `Bearer`), a fresh one for every license request (`jti`, at most
 * `iat` + 120 s), FairPlay as JSON `{spc}` / `{ckc}`. Verimatrix documents no error replies:
 * failures are typed by HTTP status.
 */
export const verimatrixProvider: Provider<VerimatrixOptions, string> = /* @__PURE__ */ definePreset<VerimatrixOptions, string>({
  name: 'verimatrix',
  label: 'Verimatrix',
  optionNames: ['token'],
  defaultServers: VERIMATRIX_DEFAULT_SERVERS,
  wire: VERIMATRIX_WIRE,
  validate: validateVerimatrix,
});
