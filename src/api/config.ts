import { KeyflowError } from './errors';
import type { LicenseServers } from './key-systems';
import { normalizeRenewalOptions, type RenewalOptions } from './renewal-options';

/** Options every provider accepts. */
export interface CommonOptions {
  /**
   * License server URL per key system. Overrides the provider's defaults for
   * any key system, `org.w3.clearkey` included (e.g. a test environment or a
   * local emulator). A key system named here is routed through keyflow.
   */
  servers?: LicenseServers;
  /** How long a token source may take before the request fails with `TOKEN_TIMEOUT`. Default 10000. */
  tokenTimeoutMs?: number;
  /**
   * Fetch the token as soon as a load starts (the manifest request), so it is
   * ready when the license request is due. Default true.
   */
  prefetchToken?: boolean;
  /** How long a token without an expiry of its own (not a JWT) is reused. Default 600000 (10 min). */
  tokenMaxAgeMs?: number;
  /** A token this close to its expiry (JWT `exp` or max age) is refreshed before use. Default 10000. */
  tokenRefreshMarginMs?: number;
  /**
   * When the license server rejects the token, fetch a new one and send the
   * same challenge again, once. Default true. On Shaka 4.x, which cannot
   * re-run a request, this reloads the content at the current position.
   */
  refreshRejectedToken?: boolean;
  /**
   * Allow sending a token to an `http:` license or certificate URL on a host
   * that is not loopback. Default false: keyflow refuses with
   * `INSECURE_TRANSPORT` (a token sent in clear can be read on the way).
   * Loopback hosts (`localhost`, 127.0.0.0/8, `[::1]`) are always allowed.
   */
  allowInsecureHttp?: boolean;
  /**
   * Open the connections the license exchange will need at load start (the
   * license and certificate origins of the key system keyflow expects, and
   * {@link tokenOrigin}), with `<link rel="preconnect">`: origins only, never
   * a token or a body. Default true.
   */
  warmUp?: boolean;
  /**
   * Your token backend's URL (or origin), warmed at load start with the
   * license origin (see {@link warmUp}); keyflow cannot see inside your token
   * function. Optional.
   */
  tokenOrigin?: string;
  /**
   * What one token covers. `'title'` (default): a token is used only for the
   * manifest it was fetched for. `'service'`: your backend's tokens cover every
   * title of the service (a user or session token, or one carrying the keys of
   * a whole catalogue), so the next title reuses the token while it is fresh:
   * no token round trip when zapping. A rejected or expired token is replaced
   * as usual; single-use tokens are never shared either way.
   */
  tokenScope?: 'title' | 'service';
  /** License renewals, expiry warnings and what to do on `expired` / `internal-error` keys (see docs/renewal.md). */
  renewal?: RenewalOptions;
}

/** The names of {@link CommonOptions}, plus `provider`: what every configuration may hold. */
export const COMMON_OPTION_NAMES: readonly string[] = [
  'provider',
  'servers',
  'tokenTimeoutMs',
  'prefetchToken',
  'tokenMaxAgeMs',
  'tokenRefreshMarginMs',
  'refreshRejectedToken',
  'allowInsecureHttp',
  'warmUp',
  'tokenOrigin',
  'tokenScope',
  'renewal',
];

/** Default for {@link CommonOptions.tokenTimeoutMs}. */
const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

/** Default for {@link CommonOptions.tokenMaxAgeMs}. */
const DEFAULT_TOKEN_MAX_AGE_MS = 600_000;

/** Default for {@link CommonOptions.tokenRefreshMarginMs}. */
const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 10_000;

/**
 * Key system names keyflow accepts in `servers`: the EME names of Widevine,
 * PlayReady (and its vendor variants), FairPlay, ClearKey and WisePlay.
 */
const KNOWN_KEY_SYSTEM =
  /^(com\.widevine\.alpha(\.experiment\d*)?|com\.microsoft\.playready(\.[a-z0-9.]+)?|com\.(chromecast|youtube)\.playready|com\.apple\.fps(\.[0-9_]+)?|org\.w3\.clearkey|com\.huawei\.wiseplay)$/;

/**
 * A license URL the token source gives (`{token}` or `{token.<path>}` as the
 * whole URL): token APIs that answer a tokenized license URL. Presets that
 * take URL templates (`custom`) accept it; the others refuse it.
 */
export const TOKEN_URL = /^\{token(\.[A-Za-z0-9_$.-]+)?\}$/;

/** A few names of each family, for the error message. */
const KEY_SYSTEM_EXAMPLES =
  'com.widevine.alpha, com.microsoft.playready, com.microsoft.playready.recommendation, com.apple.fps, org.w3.clearkey';

/** Edit distance of two short strings (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest of `candidates` to `name`, when it is close enough to be a typo. */
function closestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/**
 * Throws `INVALID_CONFIG` naming the first option of `config` that is not in
 * `known` (with the closest known name, when one is close): a typo in plain
 * JavaScript must not be ignored silently.
 */
export function checkOptionNames(config: object, known: readonly string[], providerName: string): void {
  for (const name of Object.keys(config)) {
    if (known.includes(name)) continue;
    const suggestion = closestName(name, known);
    throw invalid(
      `keyflow: unknown option \`${name}\` for provider '${providerName}'${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}; known options: ${known.join(', ')}`,
    );
  }
}

function invalid(message: string): KeyflowError {
  return new KeyflowError('INVALID_CONFIG', message);
}

function positiveMs(value: unknown, fallback: number, name: string, zeroAllowed = false): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!zeroAllowed && ms === 0)) {
    throw invalid(`keyflow: \`${name}\` must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of milliseconds`);
  }
  return ms;
}

/** Whether `value` is an absolute http(s) URL. */
function isHttpUrlText(value: unknown): boolean {
  try {
    return typeof value === 'string' && /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function flag(value: unknown, fallback: boolean, name: string): boolean {
  const result = value ?? fallback;
  if (typeof result !== 'boolean') throw invalid(`keyflow: \`${name}\` must be true or false`);
  return result;
}

/**
 * Checks the options every provider shares and returns a copy with defaults
 * filled in. Provider-specific checks are done by the provider.
 */
export function normalizeCommonOptions<T extends CommonOptions>(
  config: T,
): T & Required<Omit<CommonOptions, 'tokenOrigin' | 'renewal'>> & { renewal: Required<RenewalOptions> } {
  if (!config || typeof config !== 'object') throw invalid('keyflow: the configuration must be an object');
  const servers = config.servers ?? {};
  if (typeof servers !== 'object' || Array.isArray(servers)) {
    throw invalid('keyflow: `servers` must map key system names to license URLs');
  }
  for (const [keySystem, url] of Object.entries(servers)) {
    if (!KNOWN_KEY_SYSTEM.test(keySystem)) {
      const suggestion = closestName(keySystem, KEY_SYSTEM_EXAMPLES.split(', '));
      throw invalid(
        `keyflow: servers names an unknown key system '${keySystem}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; known: ${KEY_SYSTEM_EXAMPLES} (and their vendor variants)`,
      );
    }
    if (url === undefined || (typeof url === 'string' && TOKEN_URL.test(url))) continue;
    let parsed: URL | null;
    try {
      parsed = typeof url === 'string' ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    // Not `data:`: a license Shaka makes from a data: URI has no server to send a token to, and
    // keyflow leaves such requests alone (drm.clearKeys does that job).
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw invalid(`keyflow: servers['${keySystem}'] must be an absolute http(s) URL`);
    }
  }
  const tokenTimeoutMs = positiveMs(config.tokenTimeoutMs, DEFAULT_TOKEN_TIMEOUT_MS, 'tokenTimeoutMs');
  const tokenMaxAgeMs = positiveMs(config.tokenMaxAgeMs, DEFAULT_TOKEN_MAX_AGE_MS, 'tokenMaxAgeMs');
  const tokenRefreshMarginMs = positiveMs(config.tokenRefreshMarginMs, DEFAULT_TOKEN_REFRESH_MARGIN_MS, 'tokenRefreshMarginMs', true);
  const prefetchToken = flag(config.prefetchToken, true, 'prefetchToken');
  const refreshRejectedToken = flag(config.refreshRejectedToken, true, 'refreshRejectedToken');
  const allowInsecureHttp = flag(config.allowInsecureHttp, false, 'allowInsecureHttp');
  const warmUp = flag(config.warmUp, true, 'warmUp');
  const tokenScope = config.tokenScope ?? 'title';
  if (tokenScope !== 'title' && tokenScope !== 'service') throw invalid("keyflow: `tokenScope` must be 'title' or 'service'");
  if (config.tokenOrigin !== undefined && !isHttpUrlText(config.tokenOrigin)) {
    throw invalid('keyflow: `tokenOrigin` must be an http(s) URL or origin, e.g. https://api.example.com');
  }
  return {
    ...config,
    servers: { ...servers },
    tokenTimeoutMs,
    tokenMaxAgeMs,
    tokenRefreshMarginMs,
    prefetchToken,
    refreshRejectedToken,
    allowInsecureHttp,
    warmUp,
    tokenScope,
    renewal: normalizeRenewalOptions(config.renewal),
  };
}
