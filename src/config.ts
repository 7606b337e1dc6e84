import { KeyflowError } from './errors';
import type { LicenseServers } from './key-systems';
import type { ExpressPlayOptions } from './providers/expressplay';

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
}

/** Configuration of the `expressplay` provider (Intertrust ExpressPlay). */
export interface ExpressPlayConfig extends CommonOptions, ExpressPlayOptions {
  provider: 'expressplay';
}

/**
 * The keyflow configuration: a discriminated union on `provider`, so each
 * provider's options are typed.
 */
export type KeyflowConfig = ExpressPlayConfig;

/** The provider names keyflow knows. */
export type ProviderName = KeyflowConfig['provider'];

/** A partial configuration for `configure()`; `provider` may only be repeated, not changed. */
export type KeyflowConfigUpdate = { [P in ProviderName]: Partial<Extract<KeyflowConfig, { provider: P }>> }[ProviderName];

/** Default for {@link CommonOptions.tokenTimeoutMs}. */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

function invalid(message: string): KeyflowError {
  return new KeyflowError('INVALID_CONFIG', message);
}

/**
 * Checks the options every provider shares and returns a copy with defaults
 * filled in. Provider-specific checks are done by the provider.
 */
export function normalizeCommonOptions<T extends KeyflowConfig>(config: T): T & Required<CommonOptions> {
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
  const tokenTimeoutMs = config.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  if (typeof tokenTimeoutMs !== 'number' || !(tokenTimeoutMs > 0) || !Number.isFinite(tokenTimeoutMs)) {
    throw invalid('keyflow: `tokenTimeoutMs` must be a positive number of milliseconds');
  }
  return { ...config, servers: { ...servers }, tokenTimeoutMs };
}
