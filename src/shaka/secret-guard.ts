/**
 * Keeps keyflow's secrets out of what an app can observe through Shaka: it
 * installs the event guards (see `event-guard.ts`) on the player and its
 * networking engine, gives `downloadheadersreceived` / `downloadcompleted` /
 * `downloadfailed` listeners secret-free copies of keyflow's requests and
 * responses, redacts the errors of those requests in place, remembers the
 * secrets keyflow placed lately (for errors that name no request), and after
 * `release()` keeps scrubbing the requests still on the wire until they end.
 *
 * @module
 */
import { guardDispatch, guardLoad, type Unguard } from './event-guard';
import { isShakaError } from './errors';
import { redactRecord, redactShakaErrorChain, scrubbedRequest, scrubbedResponse } from './scrub';
import type { ShakaEvent, ShakaNetworkingEngine, ShakaPlayer, ShakaRequest, ShakaResponse } from './types';

/** How long the guards stay, at most, for requests still on the wire after `release()`. */
const MAX_DRAIN_MS = 120_000;

/** How many secrets are remembered to redact from errors that name no request (each fetched token adds its forms). */
const MAX_REMEMBERED_SECRETS = 128;

/** What the guard needs to know of one of keyflow's requests. */
export interface GuardedExchange {
  /** The secrets keyflow placed in it. */
  secrets: readonly string[];
  /** The CDM's challenge, when keyflow sent a different (wrapped) body. */
  originalBody: Uint8Array | null;
}

/** What the guard asks of keyflow, and tells it. */
export interface SecretGuardHooks<E extends GuardedExchange> {
  /** keyflow's exchange for a request, if it is one of keyflow's. */
  exchangeOf(request: ShakaRequest): E | undefined;
  /** A failed attempt of `exchange` produced `error` (seen before its URI is redacted). */
  failedAttempt(error: object, exchange: E): void;
  /** The player's `error` event, before any listener. */
  playerError(event: ShakaEvent): void;
  /** The networking engine's `retry` event, before any listener. */
  retry(event: ShakaEvent): void;
  /** What `player.load()` rejected with, before the app sees it. */
  loadFailed(error: unknown): void;
}

/** The secret-keeping side of keyflow on one player. */
export class SecretGuard<E extends GuardedExchange> {
  private readonly unguards_: Unguard[] = [];
  /** keyflow's requests on the wire (sent, not ended): their events are scrubbed even after release(). */
  private readonly inFlight_ = new Set<ShakaRequest>();
  /** The request each failed attempt's Shaka error belongs to (a `retry` event names the error only). */
  private readonly errorRequests_ = new WeakMap<object, ShakaRequest>();
  /** Secrets placed in recent requests (and a token configured as a value), oldest first. */
  private readonly recentSecrets_ = new Set<string>();
  private drainTimer_: ReturnType<typeof setTimeout> | null = null;
  private released_ = false;

  /**
   * Installs the guards: keyflow sees the player's and the networking
   * engine's events before any listener, and `load()` failures before the
   * app; where a guard cannot be installed, a listener stands in.
   */
  constructor(
    player: ShakaPlayer,
    net: ShakaNetworkingEngine,
    private readonly hooks_: SecretGuardHooks<E>,
  ) {
    this.unguards_.push(
      guardDispatch(net, this.inspectNetworkingEvent_) ?? listen(net, 'retry', hooks_.retry),
      guardDispatch(player, this.inspectPlayerEvent_) ?? listen(player, 'error', hooks_.playerError),
      guardLoad(player, hooks_.loadFailed),
    );
  }

  /** Every secret keyflow placed in a request lately, and a token configured as a value. */
  knownSecrets(): string[] {
    return [...this.recentSecrets_];
  }

  /** Notes secrets keyflow placed (or was given), newest last. */
  remember(secrets: readonly string[]): void {
    for (const secret of secrets) {
      this.recentSecrets_.delete(secret);
      this.recentSecrets_.add(secret);
    }
    while (this.recentSecrets_.size > MAX_REMEMBERED_SECRETS)
      this.recentSecrets_.delete(this.recentSecrets_.values().next().value as string);
  }

  /** keyflow sent `request` (a preload's events go to its PreloadManager: not tracked). */
  sent(request: ShakaRequest): void {
    this.inFlight_.add(request);
  }

  /** The content is unloaded: its requests are aborted (their download events come right away). */
  unloaded(): void {
    this.inFlight_.clear();
  }

  /** keyflow is destroyed: the guards go once its requests on the wire have ended. */
  release(): void {
    this.released_ = true;
    this.unguardWhenDrained_();
  }

  private readonly inspectNetworkingEvent_ = (event: { type: string }): void => {
    if (event.type !== 'retry') return;
    this.noteRetry_(event as ShakaEvent);
    this.hooks_.retry(event as ShakaEvent);
  };

  private readonly inspectPlayerEvent_ = (event: { type: string; [key: string]: unknown }): void => {
    if (event.type === 'downloadheadersreceived' || event.type === 'downloadcompleted' || event.type === 'downloadfailed') {
      this.scrubDownloadEvent_(event);
    } else if (event.type === 'error') {
      this.hooks_.playerError(event as ShakaEvent);
    }
  };

  /** Removes the guards now, or once the requests on the wire have ended, or after {@link MAX_DRAIN_MS}. */
  private unguardWhenDrained_(force = false): void {
    if (this.inFlight_.size && !force) {
      this.drainTimer_ ??= setTimeout(() => this.unguardWhenDrained_(true), MAX_DRAIN_MS);
      return;
    }
    if (this.drainTimer_) clearTimeout(this.drainTimer_);
    this.drainTimer_ = null;
    this.inFlight_.clear();
    for (const unguard of this.unguards_.splice(0)) unguard();
  }

  /**
   * Shaka will send `request` again (its `retry` event): it is on the wire
   * until its next download event, unless a listener cancelled the retry.
   */
  private noteRetry_(event: ShakaEvent): void {
    const request = isShakaError(event.error) ? this.errorRequests_.get(event.error) : undefined;
    if (!request) return;
    this.inFlight_.add(request);
    queueMicrotask(() => {
      if ((event as { defaultPrevented?: boolean }).defaultPrevented) this.endFlight_(request);
    });
  }

  /** `request` has ended (or will not be sent again): after release(), the guards go once none is left. */
  private endFlight_(request: ShakaRequest): void {
    this.inFlight_.delete(request);
    // A macrotask: a `retry` event of the same request (dispatched right after) re-adds it first.
    if (this.released_ && !this.inFlight_.size) setTimeout(() => this.unguardWhenDrained_(), 0);
  }

  /**
   * Gives the app's listeners copies of keyflow's requests and responses
   * without the secrets, and redacts the failure's error in place (after
   * telling keyflow which exchange it belongs to: its URI no longer matches then).
   */
  private scrubDownloadEvent_(event: { [key: string]: unknown }): void {
    const request = event.request as ShakaRequest | undefined;
    const exchange = request && typeof request === 'object' ? this.hooks_.exchangeOf(request) : undefined;
    if (!request || !exchange) return;
    const error = event.error;
    if (isShakaError(error)) this.errorRequests_.set(error, request);
    if (event.type !== 'downloadheadersreceived') this.endFlight_(request);
    if (!exchange.secrets.length) return;
    if (isShakaError(error)) {
      this.hooks_.failedAttempt(error, exchange);
      redactShakaErrorChain(error, exchange.secrets);
    }
    event.request = scrubbedRequest(request, exchange.secrets, exchange.originalBody);
    if (event.response && typeof event.response === 'object') {
      event.response = scrubbedResponse(event.response as ShakaResponse, exchange.secrets, exchange.originalBody);
    }
    if (event.headers && typeof event.headers === 'object')
      event.headers = redactRecord(event.headers as Record<string, unknown>, exchange.secrets);
  }
}

/** A listener standing in for a guard keyflow could not install. */
function listen(target: ShakaPlayer | ShakaNetworkingEngine, type: string, listener: (event: ShakaEvent) => void): Unguard {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}
