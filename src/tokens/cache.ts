import { tokenExpiry } from './expiry';

/** What a cached token was fetched for. */
export interface TokenKey {
  keySystem: string;
  manifestUri: string | null;
  /** Lower-case hex KIDs; empty when they were not known yet (a prefetch before the manifest). */
  keyIds: readonly string[];
  /**
   * The origin of the license URL the token goes to; unknown (absent) for a
   * prefetch until a license request takes the token. A token never goes to
   * another origin than the one it went to first.
   */
  licenseOrigin?: string | null;
}

/** Why a token is being fetched; reported in the `tokenrequest` event. */
export type TokenFetchReason = 'prefetch' | 'license' | 'expired' | 'rejected';

/** One token, fetched or being fetched. */
export interface TokenEntry {
  readonly key: TokenKey;
  readonly reason: TokenFetchReason;
  /** Settles with the token (or the fetch error). */
  readonly promise: Promise<unknown>;
  /** Aborts this fetch only. */
  readonly controller: AbortController;
  readonly startedAt: number;
  settled: boolean;
  failed: boolean;
  /** When the token stops being usable (ms since the epoch), once known. */
  expiresAt: number | null;
  /** Set when a license server rejected this token: it is never handed out again. */
  rejected: boolean;
}

/** Cache settings. */
export interface TokenCacheOptions {
  /** Lifetime given to tokens that carry no expiry of their own (opaque tokens). */
  maxAgeMs: number;
  /** A token this close to its expiry is refreshed before use. */
  refreshMarginMs: number;
  /** The clock (ms since the epoch). */
  now: () => number;
  /**
   * Whether a token covers every title of the service (the `tokenScope:
   * 'service'` option): then a token fetched for one manifest is found for
   * any other (and any KIDs) while it is fresh. Default: per manifest.
   */
  sharedAcrossTitles?: () => boolean;
  /** The preset's own expiry reader (ms since the epoch, or null), asked before the generic one. */
  expiryOf?: (token: unknown) => number | null | undefined;
}

function sameKeyIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/**
 * Tokens per context (key system, manifest, KIDs), shared by the license
 * requests that need them: a request waits for an in-flight fetch instead of
 * starting a second one, a fresh token is reused, a token near its expiry or
 * rejected by the server is replaced. Pure bookkeeping: no Shaka, no timers.
 */
export class TokenCache {
  private entries_: TokenEntry[] = [];

  constructor(private readonly options: TokenCacheOptions) {}

  /**
   * The entry a request for `key` can use: same key system and manifest, and
   * the same KIDs, or KIDs unknown on one side (a prefetch made before the
   * manifest was parsed, or a prefetch asking after a license request). An
   * entry that failed, was rejected or is (nearly) expired is not usable.
   */
  find(key: TokenKey): TokenEntry | null {
    const now = this.options.now();
    for (let i = this.entries_.length - 1; i >= 0; i--) {
      const entry = this.entries_[i]!;
      if (entry.key.keySystem !== key.keySystem || !this.sameTitle_(entry.key, key)) continue;
      // KIDs unknown on either side (a prefetch before the manifest) match any KIDs; a service-wide token covers any.
      if (entry.key.keyIds.length && key.keyIds.length && !this.shared_() && !sameKeyIds(entry.key.keyIds, key.keyIds)) continue;
      if (entry.failed || entry.rejected) continue;
      if (entry.key.licenseOrigin && key.licenseOrigin && entry.key.licenseOrigin !== key.licenseOrigin) continue;
      if (entry.settled && entry.expiresAt !== null && entry.expiresAt - this.options.refreshMarginMs <= now) continue;
      return entry;
    }
    return null;
  }

  /** Whether an expired (not failed, not rejected) entry exists for `key`: the next fetch is a refresh. */
  hasExpired(key: TokenKey): boolean {
    const now = this.options.now();
    return this.entries_.some(
      (entry) =>
        entry.key.keySystem === key.keySystem &&
        this.sameTitle_(entry.key, key) &&
        entry.settled &&
        !entry.failed &&
        !entry.rejected &&
        entry.expiresAt !== null &&
        entry.expiresAt - this.options.refreshMarginMs <= now,
    );
  }

  /**
   * Records a fetch that has just started. `fetch` receives the entry's abort
   * signal and must settle with the token.
   */
  start(key: TokenKey, reason: TokenFetchReason, parentSignal: AbortSignal, fetch: (signal: AbortSignal) => Promise<unknown>): TokenEntry {
    const controller = new AbortController();
    const onParentAbort = (): void => controller.abort(parentSignal.reason);
    if (parentSignal.aborted) controller.abort(parentSignal.reason);
    else parentSignal.addEventListener('abort', onParentAbort, { once: true });
    const entry: TokenEntry = {
      key: { ...key, keyIds: [...key.keyIds] },
      reason,
      controller,
      startedAt: this.options.now(),
      settled: false,
      failed: false,
      expiresAt: null,
      rejected: false,
      promise: Promise.resolve(),
    };
    const promise = fetch(controller.signal).then(
      (value) => {
        entry.settled = true;
        entry.expiresAt = this.options.expiryOf?.(value) ?? tokenExpiry(value) ?? this.options.now() + this.options.maxAgeMs;
        parentSignal.removeEventListener('abort', onParentAbort);
        return value;
      },
      (error: unknown) => {
        entry.settled = true;
        entry.failed = true;
        parentSignal.removeEventListener('abort', onParentAbort);
        this.remove_(entry);
        throw error;
      },
    );
    promise.catch(() => {}); // the waiting license request handles the error; prefetches may have no waiter
    (entry as { promise: Promise<unknown> }).promise = promise;
    this.entries_.push(entry);
    this.prune_();
    return entry;
  }

  /** A license request to `licenseOrigin` took `entry`: from now on it is found only for that origin. */
  pin(entry: TokenEntry, licenseOrigin: string | null | undefined): void {
    if (!entry.key.licenseOrigin && licenseOrigin) entry.key.licenseOrigin = licenseOrigin;
  }

  /** Takes an entry out of the cache for one request (a single-use token): nobody else finds it; its fetch goes on. */
  take(entry: TokenEntry): void {
    this.remove_(entry);
  }

  /** Marks an entry as rejected by the license server so it is never reused. */
  reject(entry: TokenEntry): void {
    entry.rejected = true;
    this.remove_(entry);
  }

  /**
   * Aborts in-flight fetches for other manifests than `manifestUri` (a new
   * load started; null: the content was unloaded), unless tokens cover the
   * whole service.
   */
  abandonOthers(manifestUri: string | null): void {
    // A service-wide token being fetched is the next title's token too: it goes on.
    if (this.shared_()) return;
    for (const entry of [...this.entries_]) {
      if (entry.key.manifestUri !== manifestUri && !entry.settled) {
        entry.controller.abort();
        this.remove_(entry);
      }
    }
  }

  /**
   * Forgets every token for new lookups (the token source changed) without
   * aborting fetches that license requests are already waiting for.
   */
  forget(): void {
    this.entries_ = [];
  }

  /** Aborts every in-flight fetch and forgets every token. */
  clear(): void {
    for (const entry of this.entries_) if (!entry.settled) entry.controller.abort();
    this.entries_ = [];
  }

  private shared_(): boolean {
    return this.options.sharedAcrossTitles?.() ?? false;
  }

  /** Whether an entry fetched for `a` serves `b`: same manifest, or any manifest when tokens cover the service. */
  private sameTitle_(a: TokenKey, b: TokenKey): boolean {
    return a.manifestUri === b.manifestUri || this.shared_();
  }

  private remove_(entry: TokenEntry): void {
    this.entries_ = this.entries_.filter((candidate) => candidate !== entry);
  }

  /** Keeps the cache small: drops expired entries and the oldest beyond 32. */
  private prune_(): void {
    const now = this.options.now();
    this.entries_ = this.entries_.filter((entry) => !entry.settled || entry.expiresAt === null || entry.expiresAt > now);
    while (this.entries_.length > 32) {
      const oldest = this.entries_.shift();
      if (oldest && !oldest.settled) oldest.controller.abort();
    }
  }
}
