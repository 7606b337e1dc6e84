import { KeyflowError } from '../api/errors';
import { KeySystem } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/**
 * A Titanium device registration, sent as `X-TITANIUM-DRM-CDATA` (base64 of its JSON), in the
 * shape THEOplayer's Titanium connector builds: your customer, account and portal, and what the
 * device and its DRM are.
 */
export interface TitaniumDeviceRegistration {
  /** The registration itself (Titanium's `LatensRegistration` object). */
  LatensRegistration: {
    /** Your Titanium customer name. */
    CustomerName: string;
    /** Your Titanium account name. */
    AccountName: string;
    /** Your portal id. */
    PortalId: string;
    /** A name for the device, shown in Titanium's device list. */
    FriendlyName?: string;
    /** Your app's version. */
    AppVersion?: string;
    /** e.g. `{ FormatVersion: '1', DeviceType: 'PC', OSType, OSVersion, DRMProvider, DRMVersion, DRMType, DeviceVendor, DeviceModel }`. */
    DeviceInfo?: { [field: string]: string };
  };
}

/** What a Titanium token source returns: the auth token (a JWT), or the device registration. */
export type TitaniumToken = string | TitaniumDeviceRegistration;

/** Options of the `titanium` preset. */
export interface TitaniumOptions {
  /**
   * `'token'` (default): the token is the auth token from the Titanium Secure Token Server, sent as
   * `Authorization: Bearer <token>`. `'device'`: the token is a {@link TitaniumDeviceRegistration},
   * sent as `X-TITANIUM-DRM-CDATA`.
   */
  authorization?: 'token' | 'device';
  /** The auth token, or the device registration; or a function returning it. */
  token: TokenSource<TitaniumToken>;
}

/**
 * The wire, as THEOplayer's Titanium connector sends it (Titanium's own documentation is not
 * public): one header on every license and certificate request; FairPlay's SPC as
 * `application/octet-stream`, its content id everything after `skd://`. Replies are the license.
 */
function titaniumWire({ authorization }: TitaniumOptions): WireSpec {
  return {
    headers:
      authorization === 'device'
        ? { 'X-TITANIUM-DRM-CDATA': { json: { LatensRegistration: '{token.LatensRegistration}' } } }
        : { Authorization: 'Bearer {token}' },
    certificate: {},
    fairPlayContentId: 'after-scheme',
    keySystems: { [KeySystem.FAIRPLAY]: { headers: { 'Content-Type': 'application/octet-stream' } } },
  };
}

function validateTitanium({ authorization, token }: TitaniumOptions): void {
  const device = authorization === 'device';
  const registration = (token as Partial<TitaniumDeviceRegistration> | null)?.LatensRegistration;
  const tokenOk =
    typeof token === 'function' ||
    (device
      ? !!registration &&
        ['CustomerName', 'AccountName', 'PortalId'].every((field) => typeof registration[field as 'PortalId'] === 'string')
      : typeof token === 'string' && !!token.trim());
  const problem =
    authorization !== undefined && authorization !== 'token' && !device
      ? "`authorization` must be 'token' or 'device'"
      : tokenOk
        ? null
        : `\`token\` is required: ${device ? '{ LatensRegistration: { CustomerName, AccountName, PortalId, … } }' : 'the auth token'}, or a function returning it`;
  if (problem) throw new KeyflowError('INVALID_CONFIG', `titanium: ${problem}`);
}

/**
 * The Titanium DRM preset (Arris/CommScope, now Vecima): the auth token as a Bearer token, or the
 * device registration in `X-TITANIUM-DRM-CDATA` (base64 JSON), on every license and certificate
 * request. Titanium publishes no license URLs: set them in `servers`. Errors are typed by HTTP
 * status (no error format is public).
 */
export const titaniumProvider: Provider<TitaniumOptions, TitaniumToken> = /* @__PURE__ */ definePreset<TitaniumOptions, TitaniumToken>({
  name: 'titanium',
  label: 'Titanium',
  optionNames: ['authorization', 'token'],
  defaultServers: {},
  wire: titaniumWire,
  validate: validateTitanium,
});
