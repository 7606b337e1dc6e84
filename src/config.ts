import { KeyflowError } from './errors';
import type { LicenseServers } from './key-systems';
import type { ExpressPlayOptions } from './providers/expressplay';
import type { ClearKeyOptions } from './providers/clearkey';
import type { CustomOptions } from './providers/custom';

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
}

/** Configuration of the `expressplay` provider (Intertrust ExpressPlay). */
export interface ExpressPlayConfig extends CommonOptions, ExpressPlayOptions {
  /** Selects this provider; the discriminant of {@link KeyflowConfig}. */
  provider: 'expressplay';
}

/**
 * Configuration of the `custom` provider: any license server or license
 * proxy, described declaratively. Its `servers` entries may be URL templates.
 */
export interface CustomConfig extends CommonOptions, CustomOptions {
  /** Selects this provider; the discriminant of {@link KeyflowConfig}. */
  provider: 'custom';
}

/** Configuration of the `clearkey` provider: a W3C ClearKey license server under the DASH-IF license request model. */
export interface ClearKeyConfig extends CommonOptions, ClearKeyOptions {
  /** Selects this provider; the discriminant of {@link KeyflowConfig}. */
  provider: 'clearkey';
}

/**
 * The keyflow configuration: a discriminated union on `provider`, so each
 * provider's options are typed.
 */
export type KeyflowConfig = ExpressPlayConfig | CustomConfig | ClearKeyConfig;

/** The provider names keyflow knows. */
export type ProviderName = KeyflowConfig['provider'];

/** A partial configuration for `configure()`; `provider` may only be repeated, not changed. */
export type KeyflowConfigUpdate = { [P in ProviderName]: Partial<Extract<KeyflowConfig, { provider: P }>> }[ProviderName];

/** Default for {@link CommonOptions.tokenTimeoutMs}. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

/** Default for {@link CommonOptions.tokenMaxAgeMs}. */
export const DEFAULT_TOKEN_MAX_AGE_MS = 600_000;

/** Default for {@link CommonOptions.tokenRefreshMarginMs}. */
export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 10_000;

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

function flag(value: unknown, fallback: boolean, name: string): boolean {
  const result = value ?? fallback;
  if (typeof result !== 'boolean') throw invalid(`keyflow: \`${name}\` must be true or false`);
  return result;
}

/**
 * Checks the options every provider shares and returns a copy with defaults
 * filled in. Provider-specific checks are done by the provider.
 */
export function normalizeCommonOptions<T extends CommonOptions>(config: T): T & Required<CommonOptions> {
  if (!config || typeof config !== 'object') throw invalid('keyflow: the configuration must be an object');
  const servers = config.servers ?? {};
  if (typeof servers !== 'object' || Array.isArray(servers)) {
    throw invalid('keyflow: `servers` must map key system names to license URLs');
  }
  for (const [keySystem, url] of Object.entries(servers)) {
    if (url === undefined) continue;
    let parsed: URL | null = null;
    try {
      parsed = typeof url === 'string' ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:' && parsed.protocol !== 'data:')) {
      throw invalid(`keyflow: servers['${keySystem}'] must be an absolute http(s) URL`);
    }
  }
  const tokenTimeoutMs = positiveMs(config.tokenTimeoutMs, DEFAULT_TOKEN_TIMEOUT_MS, 'tokenTimeoutMs');
  const tokenMaxAgeMs = positiveMs(config.tokenMaxAgeMs, DEFAULT_TOKEN_MAX_AGE_MS, 'tokenMaxAgeMs');
  const tokenRefreshMarginMs = positiveMs(config.tokenRefreshMarginMs, DEFAULT_TOKEN_REFRESH_MARGIN_MS, 'tokenRefreshMarginMs', true);
  const prefetchToken = flag(config.prefetchToken, true, 'prefetchToken');
  const refreshRejectedToken = flag(config.refreshRejectedToken, true, 'refreshRejectedToken');
  return {
    ...config,
    servers: { ...servers },
    tokenTimeoutMs,
    tokenMaxAgeMs,
    tokenRefreshMarginMs,
    prefetchToken,
    refreshRejectedToken,
  };
}
