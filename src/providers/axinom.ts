import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { ErrorReply, ProviderErrorFields } from './engine/errors';
import { isClientFault, parseSoapFault } from './engine/soap-fault';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** Options of the `axinom` preset. */
export interface AxinomOptions {
  /**
   * The Axinom DRM License Service Message: a JWT your backend signs with the tenant's
   * communication key (never in the browser), or a function returning it. Sent as
   * `X-AxDRM-Message` on every license request.
   */
  token: TokenSource<string>;
  /**
   * Your tenant-specific id (Axinom Portal, "My Mosaic / DRM"): the license URLs become
   * `https://<tenant>.drm-<drm>-licensing.axprod.net/AcquireLicense`. Optional: every prefix
   * reaches the same servers; it only lets Axinom find your requests in its logs.
   */
  tenant?: string;
}

/** The license URLs on Axinom's production hosts, with the tenant prefix when given. */
function axinomServers({ tenant }: Pick<AxinomOptions, 'tenant'>): LicenseServers {
  const host = (drm: string) => `https://${tenant ? `${tenant}.` : ''}drm-${drm}-licensing.axprod.net/AcquireLicense`;
  return {
    [KeySystem.WIDEVINE]: host('widevine'),
    [KeySystem.PLAYREADY]: host('playready'),
    [KeySystem.PLAYREADY_RECOMMENDATION]: host('playready'),
    [KeySystem.FAIRPLAY]: host('fairplay'),
  };
}

/**
 * Axinom's default license URLs (docs.axinom.com "Video Players"; portal.axinom.com DRM quick
 * start, "Integrate a video player").
 */
export const AXINOM_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ axinomServers({});

/** The wire: the message in `X-AxDRM-Message` (docs.axinom.com "License Acquisition API"). */
const AXINOM_WIRE: WireSpec = {
  headers: { 'X-AxDRM-Message': '{token}' },
};

/**
 * Reads Axinom's error replies: the human-readable message is the `X-AxDRM-ErrorMessage` header
 * (docs.axinom.com "License Service Management API": exposed to browsers through
 * `Access-Control-Expose-Headers`); Axinom documents no error codes. The status says what failed
 * (docs.axinom.com DRM quick start, "Troubleshooting": 400 invalid license request, 403 license
 * denied, 500 internal error), except for PlayReady, which answers every error with 500 and a SOAP
 * Fault: a `Client` fault there is classified as a 400.
 */
function readAxinomError({ headers, bodyText }: ErrorReply): ProviderErrorFields {
  const message = headers['x-axdrm-errormessage']?.slice(0, 200);
  const fault = parseSoapFault(bodyText);
  return {
    ...(message ? { message } : fault?.faultString ? { message: fault.faultString.slice(0, 200) } : {}),
    ...(fault && isClientFault(fault.faultCode) ? { classifyAsStatus: 400 } : {}),
  };
}

function validateAxinom({ token, tenant }: AxinomOptions): void {
  if (tenant !== undefined && (typeof tenant !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(tenant))) {
    throw new KeyflowError('INVALID_CONFIG', 'axinom: `tenant` must be your tenant-specific id (letters, digits and hyphens)');
  }
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      'axinom: `token` is required: the License Service Message (a JWT), or a function returning it',
    );
  }
}

/**
 * The Axinom DRM preset: the License Service Message (a JWT signed by your backend) in the
 * `X-AxDRM-Message` header of each license request to Axinom's `/AcquireLicense` endpoints, one
 * host per DRM (Widevine, PlayReady, FairPlay). Errors are read from `X-AxDRM-ErrorMessage`.
 * FairPlay: your own certificate (`drm.advanced['com.apple.fps'].serverCertificateUri`); the SPC
 * goes as the raw body, as for the other DRMs (License Acquisition API).
 */
export const axinomProvider: Provider<AxinomOptions, string> = /* @__PURE__ */ definePreset<AxinomOptions, string>({
  name: 'axinom',
  label: 'Axinom',
  optionNames: ['token', 'tenant'],
  defaultServers: AXINOM_DEFAULT_SERVERS,
  defaultServersFor: axinomServers,
  wire: AXINOM_WIRE,
  validate: validateAxinom,
  readError: readAxinomError,
});
