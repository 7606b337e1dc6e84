import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** Options of the `nagra` preset. */
export interface NagraOptions {
  /**
   * The Content Authorization Token (a `ContentAuthZ` JWT your backend signs with your NAGRA SSP
   * credentials; never in the browser), or a function returning it. Sent as the
   * `nv-authorizations` header of every license request.
   */
  token: TokenSource<string>;
  /**
   * Your SSP tenant id (from your NAGRA SSP credentials, e.g. `UEX2X8DT`): the license URLs become
   * `https://<host>/<tenant>/{wvls,prls,fpls}/contentlicenseservice/v1/licenses`, and it is sent
   * as `nv-tenant-id`. Without it there are no default URLs: give `servers`.
   */
  tenant?: string;
  /**
   * The SSP host NAGRA delivered with your license server URLs. Default
   * `<tenant, lower case>.anycast.nagra.com`, the form NAGRA's own player samples use.
   */
  host?: string;
}

function nagraBase({ tenant, host }: Pick<NagraOptions, 'tenant' | 'host'>): string {
  return `https://${host ?? `${tenant!.toLowerCase()}.anycast.nagra.com`}/${tenant}`;
}

/** The license URLs on the tenant's SSP host, or none without a tenant. */
function nagraServers(options: Pick<NagraOptions, 'tenant' | 'host'>): LicenseServers {
  if (!options.tenant) return {};
  const base = nagraBase(options);
  const playReady = `${base}/prls/contentlicenseservice/v1/licenses`;
  return {
    [KeySystem.WIDEVINE]: `${base}/wvls/contentlicenseservice/v1/licenses`,
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: `${base}/fpls/contentlicenseservice/v1/licenses`,
  };
}

/** The FairPlay certificate endpoint of the tenant (fetched without the token, as NAGRA's samples do). */
function nagraCertificates(options: Pick<NagraOptions, 'tenant' | 'host'>): Record<string, string> {
  return options.tenant ? { [KeySystem.FAIRPLAY]: `${nagraBase(options)}/fpls/contentlicenseservice/v1/certificates` } : {};
}

/**
 * The wire: the token in `nv-authorizations` (docs.nagra.com, "Authentication Management": every
 * SSP service reads it there), the tenant in `nv-tenant-id`; Widevine's challenge as raw bytes
 * (`application/octet-stream` both ways, as NAGRA's player samples send it); FairPlay's SPC raw,
 * the reply JSON `{"CkcMessage": "<base64>"}` (NAGRA's player plugin). Errors by HTTP status:
 * NAGRA documents its license servers' error codes (Connect Player SDK, "PlayReady licence server
 * error codes", SSP 20.49) but not where a reply carries them, so none is read.
 */
function nagraWire({ tenant }: NagraOptions): WireSpec {
  return {
    headers: { 'nv-authorizations': '{token}', ...(tenant ? { 'nv-tenant-id': tenant } : {}) },
    keySystems: {
      [KeySystem.WIDEVINE]: { headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/octet-stream' } },
      [KeySystem.FAIRPLAY]: {
        headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
        unwrapResponse: { format: 'fairplay-ckc' },
      },
    },
  };
}

function validateNagra({ token, tenant, host }: NagraOptions): void {
  const fail = (message: string) => new KeyflowError('INVALID_CONFIG', `nagra: ${message}`);
  if (tenant !== undefined && (typeof tenant !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(tenant)))
    throw fail('`tenant` must be your SSP tenant id (letters, digits, `-` and `_`)');
  if (host !== undefined && (typeof host !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(host)))
    throw fail('`host` must be a host name such as "acme.anycast.nagra.com"');
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim()))
    throw fail('`token` is required: the Content Authorization Token (a JWT), or a function returning it');
}

/**
 * The NAGRA SSP (Secure Services Platform) multi-DRM preset: the Content Authorization Token in
 * `nv-authorizations`, the tenant in `nv-tenant-id`, one license endpoint per DRM under
 * `https://<host>/<tenant>/` (docs.nagra.com, "OTT License Servers API": `/wvls/…` and
 * `/prls/contentlicenseservice/v1/licenses`; FairPlay `/fpls/…/licenses` and `/certificates` as
 * NAGRA's player samples use them). NAGRA's own samples disagree on PlayReady: one sends it to the
 * `wvls` URL; keyflow follows the API reference (`prls`), `servers` overrides it.
 * Not preset: SSM (secure session management). Its session set-up must come before the first
 * license and its session token goes into `nv-authorizations` (NAGRA's player plugin sends
 * `<content token>,<session token>`); its calls are not in the documentation read, so keyflow
 * does not make them. An app doing SSM itself can return that pair from `token`.
 */
export const nagraProvider: Provider<NagraOptions, string> = /* @__PURE__ */ definePreset<NagraOptions, string>({
  name: 'nagra',
  label: 'NAGRA',
  optionNames: ['token', 'tenant', 'host'],
  defaultServers: {},
  defaultServersFor: nagraServers,
  defaultCertificatesFor: nagraCertificates,
  wire: nagraWire,
  validate: validateNagra,
});
