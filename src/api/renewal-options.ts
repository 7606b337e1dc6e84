import { KeyflowError } from './errors';

/** What keyflow does about license renewals, expiry and key statuses (the `renewal` option). */
export interface RenewalOptions {
  /**
   * Send a session's renewals to the renewal server its license names
   * (Widevine `renewal_server_url`) when that URL is on the license URL's
   * origin or on one of `renewalOrigins`. Default `true`; `false`: renewals
   * go to the license URL.
   */
  useLicenseRenewalUrl?: boolean;
  /**
   * Other origins a license may name as its renewal server, e.g.
   * `['https://renew.example.com']` (https only). By default a renewal
   * server is used only on the license URL's own origin: a license reply
   * cannot send the token anywhere the app did not name.
   */
  renewalOrigins?: readonly string[];
  /**
   * How long before the licenses (session expiration) or a static token
   * expire, with no renewal in sight, keyflow emits `expiring`. Default
   * 30000; 0 turns the event off.
   */
  warnBeforeMs?: number;
  /**
   * When a key reports `expired`: `'renew'` renews now (Shaka 5's
   * `renewLicense()` for PlayReady and FairPlay; elsewhere a reload at the
   * current position, once per asset, for a new license); `'report'` only
   * reports it (`keystatus`). Default `'report'`.
   */
  onExpired?: 'renew' | 'report';
  /**
   * When a key reports `internal-error`: `'reload'` reloads the content at
   * the current position once per asset (a new session); `'report'` only
   * reports it. Default `'report'`.
   */
  onInternalError?: 'reload' | 'report';
}

/** Default of {@link RenewalOptions.warnBeforeMs}. */
const DEFAULT_WARN_BEFORE_MS = 30_000;

const NAMES = ['useLicenseRenewalUrl', 'renewalOrigins', 'warnBeforeMs', 'onExpired', 'onInternalError'];

/** `renewalOrigins` checked: https origins, normalized (`new URL(o).origin`). */
function origins(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('renewalOrigins must be an array of https origins');
  return value.map((entry: unknown) => {
    let url: URL | null;
    try {
      url = typeof entry === 'string' ? new URL(entry) : null;
    } catch {
      url = null;
    }
    if (!url || url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.username) {
      throw invalid(`renewalOrigins: ${JSON.stringify(entry)} is not an https origin (e.g. 'https://renew.example.com')`);
    }
    return url.origin;
  });
}

function invalid(message: string): KeyflowError {
  return new KeyflowError('INVALID_CONFIG', `keyflow: renewal.${message}`);
}

/** The `renewal` option checked, defaults filled in. @throws KeyflowError `INVALID_CONFIG` */
export function normalizeRenewalOptions(value: unknown): Required<RenewalOptions> {
  const options = (value ?? {}) as RenewalOptions;
  if (typeof options !== 'object' || Array.isArray(options))
    throw new KeyflowError('INVALID_CONFIG', 'keyflow: `renewal` must be an object');
  const unknown = Object.keys(options).find((name) => !NAMES.includes(name));
  if (unknown) throw invalid(`${unknown} is not an option; known: ${NAMES.join(', ')}`);
  const { useLicenseRenewalUrl = true, warnBeforeMs = DEFAULT_WARN_BEFORE_MS, onExpired = 'report', onInternalError = 'report' } = options;
  const renewalOrigins = origins(options.renewalOrigins ?? []);
  if (typeof useLicenseRenewalUrl !== 'boolean') throw invalid('useLicenseRenewalUrl must be true or false');
  if (typeof warnBeforeMs !== 'number' || !Number.isFinite(warnBeforeMs) || warnBeforeMs < 0) {
    throw invalid('warnBeforeMs must be a non-negative number of milliseconds');
  }
  if (onExpired !== 'renew' && onExpired !== 'report') throw invalid("onExpired must be 'renew' or 'report'");
  if (onInternalError !== 'reload' && onInternalError !== 'report') throw invalid("onInternalError must be 'reload' or 'report'");
  return { useLicenseRenewalUrl, renewalOrigins, warnBeforeMs, onExpired, onInternalError };
}
