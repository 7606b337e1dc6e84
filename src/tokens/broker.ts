/**
 * The token side of license requests: which token a request uses (cached,
 * joined while another request fetches it, or fetched now), a new one after
 * a rejection (one refresh shared by the requests it concerns), prefetches
 * at load start, and the time each request waited. No Shaka: the glue hands
 * it a {@link TokenUse} per request and publishes what it reports.
 *
 * @module
 */
import type { TokenEvent } from '../api/events';
import { TokenCache, type TokenEntry, type TokenFetchReason, type TokenKey } from './cache';
import { resolveToken, type TokenSource } from './source';

/** What the broker keeps about one license request's token, across its attempts. */
export interface TokenUse extends TokenKey {
  /** The token this request uses, shared by its retries. */
  token: TokenEntry | null;
  /** The license server rejected the token: the next attempt fetches a new one. */
  needsNewToken: boolean;
  /** A new token was already fetched once for this request. */
  tokenRefreshed: boolean;
  /** Time spent waiting for tokens, over all attempts, ms. */
  tokenWaitMs: number;
  /** The attempt `token` was handed to (single-use tokens are never handed to another). */
  tokenAttempt?: number;
}

/** What the broker reads from keyflow's configuration and tells keyflow. */
export interface TokenBrokerHooks {
  /** The configured token source. */
  source(): TokenSource<unknown> | undefined;
  /** How long a token source may take (`tokenTimeoutMs`). */
  timeoutMs(): number;
  /**
   * A token fetch is about to call the source (keyflow counts it and sends
   * `tokenrequest`); the function returned is given the fetch's promise.
   */
  fetchStarting(reason: TokenFetchReason, keySystem: string): (fetch: Promise<unknown>) => void;
  /** A request got its token (keyflow's `token` event). */
  tokenReady(event: TokenEvent): void;
  /**
   * Tokens are single use (the preset's `tokenReuse: 'per-request'`): each
   * license request attempt gets a token no other request or attempt had.
   */
  singleUse?(): boolean;
}

/** Hands tokens to license requests. */
export class TokenBroker {
  /**
   * @param cache_ the token cache (per key system, manifest and KIDs)
   * @param lifetime_ aborted when keyflow is destroyed (token fetches are abandoned)
   * @param hooks_ configuration readings and reports
   */
  constructor(
    private readonly cache_: TokenCache,
    private readonly lifetime_: AbortSignal,
    private readonly hooks_: TokenBrokerHooks,
  ) {}

  /** The token cache, for load and configuration changes (abandon, forget, clear). */
  get cache(): TokenCache {
    return this.cache_;
  }

  /**
   * Fetches a token for a load that is starting (or `prepare()`), unless one
   * for `key` is cached or on its way; settles as that token does.
   */
  prefetch(key: TokenKey): Promise<unknown> {
    return (this.cache_.find(key) ?? this.fetch_(key, this.cache_.hasExpired(key) ? 'expired' : 'prefetch', 0)).promise;
  }

  /** The token for a license request: cached, joined in flight, or fetched now. */
  async tokenFor(use: TokenUse, attempt: number): Promise<unknown> {
    const key: TokenKey = {
      keySystem: use.keySystem,
      manifestUri: use.manifestUri,
      keyIds: use.keyIds,
      licenseOrigin: use.licenseOrigin ?? null,
    };
    const singleUse = this.hooks_.singleUse?.() ?? false;
    // A single-use token went out with an earlier attempt: never send it again.
    if (singleUse && use.token && use.tokenAttempt !== attempt) use.token = null;
    let reason: TokenFetchReason | null = null;
    if (use.needsNewToken) {
      if (use.token) this.cache_.reject(use.token);
      use.token = null;
      use.needsNewToken = false;
      use.tokenRefreshed = true;
      reason = 'rejected';
    }
    let cached = true;
    if (!use.token) {
      // After a rejection, join a new token another request has already started, if any.
      const found = this.cache_.find(key);
      cached = !!found;
      use.token = found ?? this.fetch_(key, reason ?? (this.cache_.hasExpired(key) ? 'expired' : 'license'), attempt);
      // A single-use token (prefetched or fetched now) is this request's alone: no other finds it.
      if (singleUse) this.cache_.take(use.token);
      this.cache_.pin(use.token, key.licenseOrigin);
    }
    use.tokenAttempt = attempt;
    const waitStart = performance.now();
    const entry = use.token;
    let value: unknown;
    try {
      value = await entry.promise;
    } catch (error) {
      use.token = null; // a later attempt may try the source again
      throw error;
    }
    const waitedMs = Math.max(0, performance.now() - waitStart);
    use.tokenWaitMs += waitedMs;
    this.hooks_.tokenReady({
      keySystem: use.keySystem,
      durationMs: waitedMs,
      cached,
      ...(entry.expiresAt !== null ? { expiresAt: entry.expiresAt } : {}),
    });
    return value;
  }

  /** Starts a token fetch for `key`, announced before the source is called. */
  private fetch_(key: TokenKey, reason: TokenFetchReason, attempt: number): TokenEntry {
    const source = this.hooks_.source();
    const started = this.hooks_.fetchStarting(reason, key.keySystem);
    const entry = this.cache_.start(key, reason, this.lifetime_, (signal) =>
      resolveToken(
        source,
        { keySystem: key.keySystem, manifestUri: key.manifestUri, keyIds: [...key.keyIds], attempt, signal },
        this.hooks_.timeoutMs(),
      ),
    );
    started(entry.promise);
    return entry;
  }
}
