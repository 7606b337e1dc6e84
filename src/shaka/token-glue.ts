/**
 * keyflow's token broker wired to its configuration: the cache's lifetimes
 * from the configuration at construction, its scope (per title, or
 * service-wide with `tokenScope: 'service'`), the source and timeout from the
 * configuration in force; fetches counted by telemetry and announced
 * (`tokenrequest`, `token`), single-use tokens and token expiry as the preset says.
 *
 * @module
 */
import type { TokenEvent, TokenRequestEvent } from '../api/events';
import type { Provider } from '../providers/preset';
import type { TelemetryCollector } from '../telemetry/collector';
import { TokenBroker } from '../tokens/broker';
import { TokenCache } from '../tokens/cache';
import type { TokenSource } from '../tokens/source';
import { tokenSecrets } from '../tokens/secrets';
import type { NormalizedConfig } from './config-types';

/** What the token broker reads of keyflow and tells it. */
export interface TokenGlue {
  /** The configuration in force. */
  config(): NormalizedConfig;
  /** The provider preset. */
  provider(): Provider<NormalizedConfig, unknown>;
  /** Counts token fetches and their durations. */
  readonly telemetry: TelemetryCollector;
  /** keyflow's `tokenrequest` event. */
  tokenrequest(event: TokenRequestEvent): void;
  /** keyflow's `token` event. */
  token(event: TokenEvent): void;
  /** Notes secrets to redact (a fetched token's, sent or not). */
  remember(secrets: readonly string[]): void;
}

/**
 * A token broker for keyflow; `lifetime` aborts its fetches (destroy()).
 *
 * @param initial the configuration at construction (token lifetimes)
 */
export function createTokenBroker(initial: NormalizedConfig, lifetime: AbortSignal, glue: TokenGlue): TokenBroker {
  const cache = new TokenCache({
    maxAgeMs: initial.tokenMaxAgeMs,
    refreshMarginMs: initial.tokenRefreshMarginMs,
    now: () => Date.now(),
    sharedAcrossTitles: () => glue.config().tokenScope === 'service',
    expiryOf: (token) => glue.provider().tokenExpiry?.(token, glue.config()),
  });
  return new TokenBroker(cache, lifetime, {
    source: () => (glue.config() as { token?: TokenSource<unknown> }).token,
    timeoutMs: () => glue.config().tokenTimeoutMs,
    fetchStarting: (reason, keySystem) => {
      const started = glue.telemetry.tokenRequested();
      glue.tokenrequest({ reason, keySystem });
      return (fetch) => {
        started(fetch);
        // A fetched token is a secret from now on, sent or not (prepare()'s waits unsent; a failure may quote it).
        fetch.then(
          (token) => glue.remember(tokenSecrets(token)),
          () => {},
        );
      };
    },
    tokenReady: (event) => glue.token(event),
    singleUse: () => glue.provider().tokenReuse?.(glue.config()) === 'per-request',
  });
}
