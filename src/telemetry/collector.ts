/**
 * keyflow's telemetry for one player: the `getStats()` counters and the
 * `timing`, `keystatus` and `expiration` events, fed by lifecycle calls from
 * the glue (a load started, a request went out, a license came back, the CDM
 * took it, ...) rather than counters bumped inside the filters. No Shaka: the
 * few player readings it needs come in as functions.
 *
 * @module
 */
import type { ExpirationEvent, KeyStatusEvent } from '../api/events';
import { emptyStats, timingOf, type ExchangeClock, type KeyflowStats, type TimingEvent } from './stats';

/** Where the collector's events go (keyflow's `timing`, `keystatus` and `expiration` events). */
export interface TelemetrySink {
  /** One license exchange's phases. */
  timing(event: TimingEvent): void;
  /** The key statuses Shaka reports. */
  keystatus(event: KeyStatusEvent): void;
  /** The licenses' expiration changed. */
  expiration(event: ExpirationEvent): void;
}

/** What the collector reads from the player. */
export interface PlayerReadings {
  /** Key ID (hex) → EME key status, as Shaka reports them. */
  keyStatuses(): Record<string, string>;
  /** When the licenses expire (ms since the epoch), Infinity for never. */
  expiration(): number;
}

/** A license exchange as the collector follows it: its clock and key system. */
export interface TimedExchange extends ExchangeClock {
  /** The key system of the exchange. */
  keySystem: string;
}

/** Counts and times license exchanges for one player, per load. */
export class TelemetryCollector {
  private stats_: KeyflowStats = emptyStats();
  private loadStartedAt_: number | null = null;
  private firstFrameAt_: number | null = null;
  /** True until the first license exchange of the load has reported its timing. */
  private firstExchangeOfLoad_ = true;
  /** The first exchange's timing, held until the first frame. */
  private heldTiming_: TimingEvent | null = null;
  /** Exchanges whose license reached the CDM, waiting for the session update. */
  private awaitingKeys_: TimedExchange[] = [];
  /** Service-certificate fetch time per key system in this load, for the next timing event. */
  private readonly certificateMs_ = new Map<string, number>();
  private firstFrameMedia_: EventTarget | null = null;
  /** The expiration last reported (undefined: none reported in this load). */
  private lastExpiration_: number | null | undefined = undefined;

  /**
   * @param sink receives keyflow's `timing`, `keystatus` and `expiration` events
   * @param player the player readings the events report
   */
  constructor(
    private readonly sink_: TelemetrySink,
    private readonly player_: PlayerReadings,
  ) {}

  /** A copy of the counters of the current load. */
  stats(): KeyflowStats {
    return { ...this.stats_ };
  }

  /** A load started: counters reset; the first frame of `media` (when given) closes the first timing. */
  loadStarted(media: EventTarget | null): void {
    this.flushHeldTiming_();
    this.stats_ = emptyStats();
    this.loadStartedAt_ = performance.now();
    this.firstFrameAt_ = null;
    this.firstExchangeOfLoad_ = true;
    this.awaitingKeys_ = [];
    this.certificateMs_.clear();
    this.lastExpiration_ = undefined;
    this.stopWatchingFirstFrame_();
    if (media) {
      this.firstFrameMedia_ = media;
      media.addEventListener('loadeddata', this.onFirstFrame_);
    }
  }

  /**
   * keyflow is about to call the app's token source: counted now; the
   * function returned is given the fetch's promise, whose time is added
   * (to this load's counters) when it settles.
   */
  tokenRequested(): (fetch: Promise<unknown>) => void {
    const stats = this.stats_;
    stats.tokenRequests++;
    const startedAt = performance.now();
    const addTime = (): void => {
      stats.tokenFetchMs += performance.now() - startedAt;
    };
    return (fetch) => void fetch.then(addTime, addTime);
  }

  /** An attempt of a license (or certificate, `isCertificate`) request went out. */
  requestSent(isCertificate: boolean, attempt: number): void {
    if (isCertificate) this.stats_.certificateRequests++;
    else this.stats_.licenseRequests++;
    if (attempt > 0) this.stats_.retries++;
  }

  /** A service certificate keyflow did not shape was fetched for `keySystem` (when known), in `ms`. */
  certificateSeen(keySystem: string | null, ms: number | undefined): void {
    this.stats_.certificateRequests++;
    if (keySystem && ms !== undefined) this.certificateMs_.set(keySystem, ms);
  }

  /** keyflow's certificate exchange for `keySystem` ended after `ms`. */
  certificateFetched(keySystem: string, ms: number): void {
    this.certificateMs_.set(keySystem, ms);
  }

  /** A license of `bytes` went to the CDM; its timing is reported when the CDM takes it. */
  licenseDelivered(exchange: TimedExchange, bytes: number): void {
    this.stats_.licenseBytes += bytes;
    this.stats_.licenseNetworkMs += exchange.respondedAt - exchange.sentAt;
    this.awaitingKeys_.push(exchange);
  }

  /** A renewal was answered (`ok`) or failed for good. */
  renewal(ok: boolean): void {
    if (ok) this.stats_.renewals++;
    else this.stats_.renewalFailures++;
  }

  /** keyflow reported an error. */
  failed(): void {
    this.stats_.failures++;
  }

  /** The CDM took a license: the oldest exchange waiting for it has its keys. */
  sessionUpdated(): void {
    this.expirationChanged();
    const exchange = this.awaitingKeys_.shift();
    if (!exchange) return;
    const certificateMs = this.certificateMs_.get(exchange.keySystem);
    this.certificateMs_.delete(exchange.keySystem);
    const timing = timingOf(exchange.keySystem, exchange, performance.now(), certificateMs !== undefined ? { certificateMs } : {});
    if (this.firstExchangeOfLoad_ && this.loadStartedAt_ !== null) {
      this.firstExchangeOfLoad_ = false;
      this.heldTiming_ = timing;
      if (this.firstFrameAt_ !== null || !this.firstFrameMedia_) this.flushHeldTiming_();
      return;
    }
    this.sink_.timing(timing);
  }

  /** Shaka reported new key statuses. */
  keyStatusesChanged(): void {
    const statuses = this.player_.keyStatuses();
    this.sink_.keystatus({ keys: Object.entries(statuses).map(([keyId, status]) => ({ keyId, status })) });
  }

  /**
   * Reports the licenses' expiration when it changes: on Shaka's
   * `expirationupdated`, and after each session update (Shaka does not
   * announce "never expires").
   */
  expirationChanged(): void {
    const raw = this.player_.expiration();
    const expiration = Number.isFinite(raw) ? raw : null;
    if (expiration === this.lastExpiration_) return;
    this.lastExpiration_ = expiration;
    this.sink_.expiration({ expiration });
  }

  /** keyflow is destroyed: nothing more is watched or held. */
  stop(): void {
    this.stopWatchingFirstFrame_();
    this.awaitingKeys_ = [];
    this.heldTiming_ = null;
  }

  private readonly onFirstFrame_ = (): void => {
    this.firstFrameAt_ = performance.now();
    this.stopWatchingFirstFrame_();
    this.flushHeldTiming_();
  };

  private stopWatchingFirstFrame_(): void {
    this.firstFrameMedia_?.removeEventListener('loadeddata', this.onFirstFrame_);
    this.firstFrameMedia_ = null;
  }

  /** Emits the held first timing, with the time to first frame when it is known. */
  private flushHeldTiming_(): void {
    const timing = this.heldTiming_;
    if (!timing) return;
    this.heldTiming_ = null;
    if (this.firstFrameAt_ !== null && this.loadStartedAt_ !== null) {
      timing.firstFrameMs = Math.max(0, this.firstFrameAt_ - this.loadStartedAt_);
    }
    this.sink_.timing(timing);
  }
}
