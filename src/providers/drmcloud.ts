import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { ErrorRule } from './engine/errors';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** Options of the `drmcloud` preset. */
export interface DrmCloudOptions {
  /**
   * The UserToken: a JWT (HS256) your backend signs with the tenant's signing key (never in the
   * browser), claims `exp`, `kid` (the key IDs, or `["*"]`), `duration`, ...; or a function returning it.
   */
  token: TokenSource<string>;
  /** Your tenant's code name (videokit.cloud dashboard): the license URLs are `https://<tenant>.la.drm.cloud/…`. */
  tenant: string;
  /** Your BrandGuid (videokit.cloud dashboard): the application the license requests are for. */
  brandGuid: string;
  /**
   * Where BrandGuid and UserToken go: `'headers'` (default: `X-Drm-BrandGuid`, `X-Drm-UserToken`,
   * so the token stays out of URLs and their logs) or `'query'` (`BrandGuid`, `UserToken`).
   */
  placement?: 'headers' | 'query';
}

/** The license URLs of a tenant (developers.drm.cloud; Bitmovin's DRM.cloud guide). */
function drmCloudServers({ tenant }: Pick<DrmCloudOptions, 'tenant'>): LicenseServers {
  const url = (drm: string) => `https://${tenant}.la.drm.cloud/acquire-license/${drm}`;
  return {
    [KeySystem.WIDEVINE]: url('widevine'),
    [KeySystem.PLAYREADY]: url('playready'),
    [KeySystem.PLAYREADY_RECOMMENDATION]: url('playready'),
  };
}

/**
 * What drm.cloud's documented error codes ("License acquisition error codes") mean: the token is
 * invalid, expired, forged, undecryptable or its nonce used (a new token may pass); the request
 * payload is missing or unreadable, or the BrandGuid unknown (resending will not help). Others
 * (keys or IP not in the token: 403) are classified by status, passed on as `providerCode`.
 */
export const DRMCLOUD_ERROR_RULES: readonly ErrorRule[] = [
  { providerCode: ['drm_3031', 'drm_3032', 'drm_3035', 'drm_3036', 'drm_3037', 'drm_3039'], means: 'TOKEN_INVALID' },
  { providerCode: ['drm_4002', 'drm_4003', 'drm_4005'], means: 'BAD_REQUEST' },
  { providerCode: 'drm_3100', means: 'LICENSE_SERVER_ERROR' },
];

/** A literal inside a template: braces doubled. */
const literal = (text: string): string => text.replace(/[{}]/g, (brace) => brace + brace);

/** The wire: BrandGuid and UserToken as headers or query; errors as JSON `{code, status, message, requestId}`. */
function drmCloudWire({ brandGuid, placement }: DrmCloudOptions): WireSpec {
  const errors = { code: 'code', message: 'message', rules: DRMCLOUD_ERROR_RULES };
  return placement === 'query'
    ? { query: { BrandGuid: literal(brandGuid), UserToken: '{token}' }, errors }
    : { headers: { 'X-Drm-BrandGuid': literal(brandGuid), 'X-Drm-UserToken': '{token}' }, errors };
}

function validateDrmCloud({ token, tenant, brandGuid, placement }: DrmCloudOptions): void {
  const problem =
    typeof tenant !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(tenant)
      ? '`tenant` is required: your tenant code name (letters, digits and hyphens)'
      : typeof brandGuid !== 'string' || !/^\{?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\}?$/i.test(brandGuid)
        ? '`brandGuid` is required: your BrandGuid (a GUID, e.g. 8a4f2c1e-0b3d-4e5f-9a6b-7c8d9e0f1a2b)'
        : placement !== undefined && placement !== 'headers' && placement !== 'query'
          ? "`placement` must be 'headers' or 'query'"
          : typeof token !== 'function' && !(typeof token === 'string' && token.trim())
            ? '`token` is required: the UserToken (a JWT), or a function returning it'
            : null;
  if (problem) throw new KeyflowError('INVALID_CONFIG', `drmcloud: ${problem}`);
}

/**
 * The Insys drm.cloud (Cloud DRM, videokit.cloud) preset: BrandGuid and the UserToken (a JWT
 * from your backend) in `X-Drm-BrandGuid` / `X-Drm-UserToken` (or the `BrandGuid` / `UserToken`
 * query parameters) on every license request to the tenant's `acquire-license/<drm>` URLs; the
 * documented error codes (`drm_3031` …) mapped. FairPlay is not preset: its license requests also
 * need the content's KID (see docs/presets/drmcloud.md).
 */
export const drmCloudProvider: Provider<DrmCloudOptions, string> = /* @__PURE__ */ definePreset<DrmCloudOptions, string>({
  name: 'drmcloud',
  label: 'drm.cloud',
  optionNames: ['token', 'tenant', 'brandGuid', 'placement'],
  defaultServers: {},
  defaultServersFor: drmCloudServers,
  wire: drmCloudWire,
  validate: validateDrmCloud,
});
