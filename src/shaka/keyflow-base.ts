import { EventEmitter } from 'eventemitter3';
import { checkOptionNames, COMMON_OPTION_NAMES, normalizeCommonOptions, type CommonOptions } from '../api/config';
import { attachKeyflowError, findKeyflowError, KeyflowError } from '../api/errors';
import type { KeyflowEvents } from '../api/events';
import { guessKeySystem, KeySystemSupport, PROBED_KEY_SYSTEMS } from '../eme/key-system-probe';
import { keySystemsSignalledBy, noKeySystemError, noLicenseServerError, type KeySystemFacts } from '../api/key-system-errors';
import { decideRetry } from '../retry/policy';
import type { DrmRequestKind, Provider } from '../providers/preset';
import type { DecodedInitData } from '../pssh/init-data';
import { retryAfterMs } from '../retry/retry-after';
import { isShakaError, readFailedAttempt, type FailedAttempt } from './errors';
import {
  ShakaErrorCode,
  ShakaRequestType,
  type ShakaEvent,
  type ShakaNetworkingEngine,
  type ShakaPlayer,
  type ShakaRequest,
  type ShakaRequestContext,
  type ShakaRequestFilter,
  type ShakaResponse,
  type ShakaResponseFilter,
} from './types';
import { resolveToken, type TokenSource } from '../tokens/source';
import { emptyStats, timingOf, type KeyflowStats, type TimingEvent } from '../telemetry/stats';
import { TokenCache, type TokenEntry, type TokenFetchReason, type TokenKey } from '../tokens/cache';
import { redact, redactDeep } from '../util/redact';
import { guardDispatch, guardLoad, type Unguard } from './event-guard';
import { redactRecord, redactShakaErrorChain, scrubbedRequest, scrubbedResponse } from './scrub';
import { isCleartextRemoteUrl, isLoopbackHost, resolveUri } from '../util/url';

/** One license (or certificate) request as keyflow follows it across attempts. */
interface Exchange {
  kind: DrmRequestKind;
  keySystem: string;
  manifestUri: string | null;
  keyIds: string[];
  /** The token this request uses, shared by its retries. */
  token: TokenEntry | null;
  /** Secrets placed in the request, to redact. */
  secrets: string[];
  /** The CDM's challenge, when keyflow sent a different (wrapped) body; for scrubbed event copies. */
  originalBody: Uint8Array | null;
  /** The URL the latest attempt was sent to. */
  sentUrl: string;
  /** `performance.now()` when the latest attempt was released. */
  sentAt: number;
  /** Index of the latest attempt. */
  attempt: number;
  /** Shaka's `retryParameters.maxAttempts` for this request. */
  maxAttempts: number;
  /** True on Shaka 5, whose filters run on every attempt. */
  perAttemptFilters: boolean;
  /** A failure decided in the `retry` event, thrown by the next attempt's filter. */
  pendingError: KeyflowError | null;
  /** The license server rejected the token: the next attempt fetches a new one. */
  needsNewToken: boolean;
  /** A new token was already fetched once for this request. */
  tokenRefreshed: boolean;
  /** Do not send the next attempt before this `performance.now()` time (Retry-After). */
  notBefore: number;
  /** The body is Widevine's service-certificate request (`08 04`): the reply is a certificate. */
  isCertificateChallenge: boolean;
  /** `performance.now()` when keyflow first saw the request. */
  startedAt: number;
  /** Time spent waiting for tokens, over all attempts, ms. */
  tokenWaitMs: number;
  /** `performance.now()` when the reply reached keyflow. */
  respondedAt: number;
}

/** What every keyflow configuration has: a provider (name or preset object) and the common options. */
export type BaseConfig = CommonOptions & {
  /** A provider name (main entry) or preset object (core entry). */
  provider: unknown;
};

type NormalizedConfig = BaseConfig & Required<CommonOptions> & Record<string, unknown>;

/**
 * Decodes EME init data (PSSH boxes, keyids JSON) for the `initdata` event
 * and for key IDs Shaka does not know; `decodeInitData` from `src/pssh`.
 * Optional in `shaka-keyflow/core` because the decoders weigh more than the
 * rest of keyflow.
 */
export type InitDataDecoder = (initDataType: string, initData: Uint8Array) => DecodedInitData;

/** A provider preset of any options and token type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = Provider<any, any>;

/** How many sent URLs keyflow remembers to match replies and failures. */
const MAX_TRACKED_URLS = 64;

const WIDEVINE_CERTIFICATE_REQUEST = [0x08, 0x04];

/**
 * The largest reply body keyflow decodes (license, wrapped license, JSON or
 * SOAP error): 1 MiB, far above any real license (a few KB). A larger 2xx
 * reply is `MALFORMED_RESPONSE` without being parsed; a larger error reply is
 * typed by its status alone.
 */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** How long keyflow keeps scrubbing the events of its requests still on the wire after destroy(). */
const MAX_DRAIN_MS = 120_000;

/** How many secrets keyflow remembers to redact from errors that name no exchange. */
const MAX_REMEMBERED_SECRETS = 64;

/** Marks a player that has a live Keyflow (a registry symbol: shared by the ESM, core and UMD builds). */
const ATTACHED = Symbol.for('shaka-keyflow.attached');

/** Shaka errors keyflow explains when `load()` rejects with them. */
const KEY_SYSTEM_UNAVAILABLE = 6001;
const NO_LICENSE_SERVER_GIVEN = 6012;

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView | null | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function asKeyflowError(error: unknown, keySystem: string): KeyflowError {
  if (error instanceof KeyflowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError('LICENSE_REQUEST_FAILED', `keyflow failed: ${reason}`, { keySystem, cause: error });
}

function isTokenRejection(error: KeyflowError): boolean {
  return error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function bytesKey(bytes: Uint8Array): string {
  let key = `${bytes.byteLength}:`;
  for (let i = 0; i < bytes.byteLength; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/**
 * The Shaka glue shared by {@link Keyflow} (provider presets by name) and the
 * tree-shakeable `shaka-keyflow/core` entry (provider preset objects). Apps
 * use one of those; this class takes the resolved provider preset.
 *
 * Runs the license workflow of one DRM provider for one Shaka player.
 *
 * It registers one request filter and one response filter on the player's
 * networking engine and acts only on license requests (and certificate
 * requests where the provider needs it): it points them at the provider's
 * URL, attaches the token, unwraps replies, and turns failures into typed
 * {@link KeyflowError}s. It also sets `drm.servers` for the provider's key
 * systems, except where the app has set one itself. Tokens are prefetched
 * when a load starts, cached per key system, manifest and KIDs, refreshed
 * before they expire and once after a rejection.
 *
 * @example
 * ```ts
 * const keyflow = new Keyflow(player, {
 *   provider: 'expressplay',
 *   token: async (ctx) => (await fetch(`/api/token?drm=${ctx.keySystem}`)).text(),
 * });
 * keyflow.on('error', (err) => console.warn(err.code, err.message));
 * await player.load(manifestUri);
 * ```
 */
export class KeyflowBase<Config extends BaseConfig = BaseConfig, Update = Partial<Config>> extends EventEmitter<KeyflowEvents> {
  private player_: ShakaPlayer | null;
  private net_: ShakaNetworkingEngine | null;
  private config_: NormalizedConfig;
  private provider_: Provider<NormalizedConfig, unknown>;
  /** The `drm.servers` entries keyflow put into the player's configuration. */
  private appliedServers_: Record<string, string> = {};
  /** Service certificates keyflow put into `drm.advanced[keySystem].serverCertificate`. */
  private appliedCertificates_ = new Map<string, Uint8Array>();
  private readonly exchanges_ = new WeakMap<ShakaRequest, Exchange>();
  private readonly bySentUrl_ = new Map<string, Exchange>();
  private readonly emitted_ = new WeakSet<KeyflowError>();
  private readonly lifetime_ = new AbortController();
  /** Aborted when the current content is unloaded (Retry-After waits). */
  private loadLifetime_ = new AbortController();
  private readonly tokens_: TokenCache;
  private readonly support_ = new KeySystemSupport();
  /** Key systems the current content signals (from the parsed manifest). */
  private signalledKeySystems_: string[] = [];
  private readonly unguards_: Unguard[] = [];
  /** keyflow's requests on the wire (sent, not ended): their Shaka events are scrubbed even after destroy(). */
  private readonly inFlight_ = new Set<ShakaRequest>();
  /** The request each failed attempt's Shaka error belongs to (a `retry` event names the error only). */
  private readonly errorRequests_ = new WeakMap<object, ShakaRequest>();
  private drainTimer_: ReturnType<typeof setTimeout> | null = null;
  private destroyedAt_ = 0;
  /** Secrets placed in recent requests (and a token configured as a value), oldest first. */
  private readonly recentSecrets_ = new Set<string>();
  private readonly seenInitData_ = new Set<string>();
  /** The manifest of the current load, as requested. */
  private manifestUri_: string | null = null;
  /** The manifest of a load being preloaded, as requested. */
  private preloadManifestUri_: string | null = null;
  /** The asset keyflow already reloaded once after a token rejection (Shaka 4.x). */
  private reloadedAsset_: string | null = null;
  private lastKeySystem_: string | null = null;
  private destroyed_ = false;
  // Telemetry of the current load.
  private stats_: KeyflowStats = emptyStats();
  private loadStartedAt_: number | null = null;
  private firstFrameAt_: number | null = null;
  /** True until the first license exchange of the load has reported its timing. */
  private firstExchangeOfLoad_ = true;
  /** The first exchange's timing, held until the first frame. */
  private heldTiming_: TimingEvent | null = null;
  /** Exchanges whose license reached the CDM, waiting for the session update. */
  private awaitingKeys_: Exchange[] = [];
  /** Service-certificate fetch time per key system in this load, for the next timing event. */
  private certificateMs_ = new Map<string, number>();
  private readonly certificateStarts_ = new WeakMap<ShakaRequest, number>();
  /** Shaka errors keyflow has seen (and redacted), by error object: the URI inside no longer matches. */
  private readonly errorExchanges_ = new WeakMap<object, Exchange>();
  /** The player's `networking.forceHTTP` as of the current load (see forcesHttp_). */
  private forceHttpSnapshot_ = false;
  /** The player's `drm.servers` as of the current load (see playerServers_). */
  private serversSnapshot_: Record<string, string> | null = null;
  private firstFrameMedia_: HTMLMediaElement | null = null;
  private readonly decodeInitData_: InitDataDecoder | null;
  /** The expiration last reported (undefined: none reported in this load). */
  private lastExpiration_: number | null | undefined = undefined;

  /**
   * @param player a `shaka.Player` (4.9 or later), attached or not
   * @param config the provider and its options
   * @param provider the provider preset `config.provider` selects
   * @param initDataDecoder decodes init data for the `initdata` event; without it the event never fires
   * @throws KeyflowError `INVALID_CONFIG` when the configuration is unusable
   */
  constructor(player: ShakaPlayer, config: Config, provider: AnyProvider, initDataDecoder: InitDataDecoder | null = null) {
    super();
    this.decodeInitData_ = initDataDecoder;
    if (!player || typeof player.getNetworkingEngine !== 'function') {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: the first argument must be a shaka.Player');
    }
    const net = player.getNetworkingEngine();
    if (!net) {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: the player has no networking engine (was it destroyed?)');
    }
    const existing = (player as unknown as Record<symbol, KeyflowBase | undefined>)[ATTACHED];
    if (existing && !existing.isDestroyed()) {
      throw new KeyflowError(
        'INVALID_CONFIG',
        'keyflow: this player already has a Keyflow; call destroy() on it first (in React, destroy it in the effect cleanup)',
      );
    }
    const normalized = this.validated_(config, provider);

    this.player_ = player;
    this.net_ = net;
    this.config_ = normalized;
    this.provider_ = provider;
    this.tokens_ = new TokenCache({
      maxAgeMs: normalized.tokenMaxAgeMs,
      refreshMarginMs: normalized.tokenRefreshMarginMs,
      now: () => Date.now(),
    });

    Object.defineProperty(player, ATTACHED, { value: this, configurable: true, writable: true });
    net.registerRequestFilter(this.requestFilter_);
    net.registerResponseFilter(this.responseFilter_);
    // keyflow inspects these before any listener (see shaka/event-guard.ts); listeners if it cannot.
    this.unguards_.push(
      guardDispatch(net, this.inspectNetworkingEvent_) ?? this.listen_(net, 'retry', this.onRetry_),
      guardDispatch(player, this.inspectPlayerEvent_) ?? this.listen_(player, 'error', this.onPlayerError_),
      guardLoad(player, this.inspectLoadFailure_),
    );
    player.addEventListener('unloading', this.onUnloading_);
    player.addEventListener('loading', this.onLoading_);
    player.addEventListener('drmsessionupdate', this.onSessionUpdate_);
    player.addEventListener('keystatuschanged', this.onKeyStatusChanged_);
    player.addEventListener('expirationupdated', this.onExpirationUpdated_);
    this.applyServers_();
  }

  /**
   * Updates the configuration. Only the given fields change; the change
   * applies from the next license request. `provider` cannot be changed.
   * A new `token` also drops the tokens keyflow cached.
   *
   * @throws KeyflowError `INVALID_CONFIG`; the previous configuration stays in force
   */
  configure(update: Update): void {
    this.assertAlive_('configure');
    if (!update || typeof update !== 'object') {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: configure() takes an object');
    }
    const { provider } = update as { provider?: unknown };
    if (provider !== undefined && provider !== this.config_.provider) {
      throw new KeyflowError(
        'INVALID_CONFIG',
        'keyflow: the provider cannot be changed by configure(); destroy() and create a new Keyflow',
      );
    }
    const merged = { ...this.config_, ...update } as NormalizedConfig;
    this.config_ = this.validated_(merged, this.provider_);
    if ('token' in (update as object)) this.tokens_.forget();
    this.applyServers_();
  }

  /**
   * Checks a whole configuration (option names, common options, the
   * provider's own, no token sent in clear) and returns it with defaults.
   */
  private validated_(config: unknown, provider: AnyProvider): NormalizedConfig {
    if (config && typeof config === 'object' && provider.optionNames) {
      const coreOnly = typeof (config as { provider?: unknown }).provider === 'object' ? ['initDataDecoder'] : [];
      checkOptionNames(config, [...COMMON_OPTION_NAMES, ...provider.optionNames, ...coreOnly], provider.name);
    }
    const normalized = normalizeCommonOptions(config as BaseConfig) as NormalizedConfig;
    provider.validate(normalized);
    const token = (normalized as { token?: unknown }).token;
    if (typeof token === 'string') this.rememberSecrets_([token]);
    else if (token && typeof token === 'object' && typeof (token as { token?: unknown }).token === 'string') {
      this.rememberSecrets_([(token as { token: string }).token]);
    }
    if (!normalized.allowInsecureHttp && (normalized as { token?: unknown }).token !== undefined) {
      for (const [keySystem, url] of Object.entries(normalized.servers)) {
        if (typeof url === 'string' && isCleartextRemoteUrl(url)) {
          throw new KeyflowError(
            'INVALID_CONFIG',
            `keyflow: servers['${keySystem}'] is an http: URL on another machine and would carry the token in clear; use https:, or set allowInsecureHttp: true on a closed test network`,
          );
        }
      }
    }
    return normalized;
  }

  private listen_(target: ShakaPlayer | ShakaNetworkingEngine, type: string, listener: (event: ShakaEvent) => void): Unguard {
    target.addEventListener(type, listener);
    return () => target.removeEventListener(type, listener);
  }

  /** Every secret keyflow placed in a request lately, and the token configured as a value. */
  private knownSecrets_(): string[] {
    return [...this.recentSecrets_];
  }

  private rememberSecrets_(secrets: readonly string[]): void {
    for (const secret of secrets) {
      this.recentSecrets_.delete(secret);
      this.recentSecrets_.add(secret);
    }
    while (this.recentSecrets_.size > MAX_REMEMBERED_SECRETS) this.recentSecrets_.delete(this.recentSecrets_.values().next().value as string);
  }

  // --- Shaka events, seen before any listener -------------------------------------

  private readonly inspectNetworkingEvent_ = (event: { type: string }): void => {
    if (event.type !== 'retry') return;
    this.noteRetry_(event as ShakaEvent);
    this.onRetry_(event as ShakaEvent);
  };

  private readonly inspectPlayerEvent_ = (event: { type: string; [key: string]: unknown }): void => {
    if (event.type === 'downloadheadersreceived' || event.type === 'downloadcompleted' || event.type === 'downloadfailed') {
      this.scrubDownloadEvent_(event);
    } else if (event.type === 'error' && !this.destroyed_) {
      this.onPlayerError_(event as ShakaEvent);
    }
  };

  /**
   * Removes the event guards, now or, when tokenized requests are still on
   * the wire after destroy(), once they have ended (their events must be
   * scrubbed too), or after {@link MAX_DRAIN_MS} at the latest.
   */
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

  /** `request` has ended (or will not be sent again): after destroy(), the guards go once none is left. */
  private endFlight_(request: ShakaRequest): void {
    this.inFlight_.delete(request);
    // A macrotask: a `retry` event of the same request (dispatched right after) re-adds it first.
    if (this.destroyed_ && !this.inFlight_.size) setTimeout(() => this.destroyed_ && this.unguardWhenDrained_(), 0);
  }

  /**
   * Gives the app's listeners copies of keyflow's requests and responses
   * without the secrets, and redacts the failure's error in place (after
   * noting which exchange it belongs to: its URI no longer matches then).
   */
  private scrubDownloadEvent_(event: { [key: string]: unknown }): void {
    const request = event.request as ShakaRequest | undefined;
    const exchange = request && typeof request === 'object' ? this.exchanges_.get(request) : undefined;
    if (!request || !exchange) return;
    const error = event.error;
    if (isShakaError(error)) this.errorRequests_.set(error, request);
    if (event.type !== 'downloadheadersreceived') this.endFlight_(request);
    if (!exchange.secrets.length) return;
    if (isShakaError(error)) {
      this.errorExchanges_.set(error, exchange);
      redactShakaErrorChain(error, exchange.secrets);
    }
    event.request = scrubbedRequest(request, exchange.secrets, exchange.originalBody);
    if (event.response && typeof event.response === 'object') {
      event.response = scrubbedResponse(event.response as ShakaResponse, exchange.secrets, exchange.originalBody);
    }
    if (event.headers && typeof event.headers === 'object') event.headers = redactRecord(event.headers as Record<string, unknown>, exchange.secrets);
  }

  /** Notes the key systems the manifest of the current load signals, and probes their support here. */
  private readSignalledKeySystems_(response: ShakaResponse): void {
    const uri = response.originalUri ?? response.uri;
    // Once per load: a live manifest is fetched again and again.
    if (!uri || this.signalledKeySystems_.length || resolveUri(uri) !== this.manifestUri_) return;
    const body = toBytes(response.data);
    if (body.byteLength > MAX_REPLY_BYTES * 16) return;
    const signalled = keySystemsSignalledBy(new TextDecoder().decode(body));
    this.signalledKeySystems_ = signalled;
    this.support_.probe(signalled);
  }

  /** What the content signals, what has a license URL, and what this browser supports. */
  private keySystemFacts_(): KeySystemFacts {
    const routed = new Set(Object.keys(this.wantedServers_()));
    for (const [keySystem, url] of Object.entries(this.player_?.getConfiguration().drm.servers ?? {})) if (url) routed.add(keySystem);
    return { signalled: this.signalledKeySystems_, routed: [...routed], ...this.support_.known() };
  }

  /**
   * `load()` rejected: redact the error, and explain Shaka's key system
   * failures (6001, 6012), which never reach the `error` event.
   */
  private readonly inspectLoadFailure_ = (error: unknown): void => {
    if (this.destroyed_ || !isShakaError(error)) return;
    redactShakaErrorChain(error, this.knownSecrets_());
    if (findKeyflowError(error)) return;
    let typed: KeyflowError | null = null;
    if (error.code === NO_LICENSE_SERVER_GIVEN) typed = noLicenseServerError(typeof error.data[0] === 'string' ? error.data[0] : null, this.keySystemFacts_());
    else if (error.code === KEY_SYSTEM_UNAVAILABLE) typed = noKeySystemError(this.keySystemFacts_());
    if (!typed) return;
    attachKeyflowError(error, typed);
    this.fail_(typed, []);
  };

  /** A copy of the configuration in force, defaults filled in. */
  getConfiguration(): Config {
    return { ...this.config_, servers: { ...this.config_.servers } } as unknown as Config;
  }

  /**
   * Unregisters the filters and listeners, removes the `drm.servers` entries
   * keyflow added, abandons pending token fetches and license requests and
   * removes all keyflow listeners. Safe to call more than once.
   */
  destroy(): void {
    if (this.destroyed_) return;
    this.destroyed_ = true;
    this.lifetime_.abort(new KeyflowError('DESTROYED', 'Abandoned: keyflow was destroyed'));
    this.loadLifetime_.abort(new KeyflowError('DESTROYED', 'Abandoned: keyflow was destroyed'));
    this.tokens_.clear();
    const net = this.net_;
    if (net) {
      net.unregisterRequestFilter(this.requestFilter_);
      net.unregisterResponseFilter(this.responseFilter_);
    }
    this.destroyedAt_ = performance.now();
    this.unguardWhenDrained_();
    const player = this.player_;
    if (player) {
      if ((player as unknown as Record<symbol, unknown>)[ATTACHED] === this) delete (player as unknown as Record<symbol, unknown>)[ATTACHED];
      player.removeEventListener('unloading', this.onUnloading_);
      player.removeEventListener('loading', this.onLoading_);
      player.removeEventListener('drmsessionupdate', this.onSessionUpdate_);
      player.removeEventListener('keystatuschanged', this.onKeyStatusChanged_);
      player.removeEventListener('expirationupdated', this.onExpirationUpdated_);
      this.removeServers_(player);
    }
    this.bySentUrl_.clear();
    this.seenInitData_.clear();
    this.stopWatchingFirstFrame_();
    this.awaitingKeys_ = [];
    this.heldTiming_ = null;
    this.player_ = null;
    this.net_ = null;
    this.removeAllListeners();
  }

  /** Whether {@link destroy} has been called. */
  isDestroyed(): boolean {
    return this.destroyed_;
  }

  /** Counts and sums since the current load started (a copy). */
  getStats(): KeyflowStats {
    return { ...this.stats_ };
  }

  // --- telemetry ----------------------------------------------------------------

  private readonly onLoading_ = (): void => {
    this.serversSnapshot_ = null;
    this.flushHeldTiming_();
    this.stats_ = emptyStats();
    this.loadStartedAt_ = performance.now();
    this.firstFrameAt_ = null;
    this.firstExchangeOfLoad_ = true;
    this.awaitingKeys_ = [];
    this.certificateMs_.clear();
    this.seenInitData_.clear();
    this.lastExpiration_ = undefined;
    this.signalledKeySystems_ = [];
    this.stopWatchingFirstFrame_();
    const media = (this.player_ as { getMediaElement?: () => HTMLMediaElement | null } | null)?.getMediaElement?.() ?? null;
    if (media) {
      this.firstFrameMedia_ = media;
      media.addEventListener('loadeddata', this.onFirstFrame_);
    }
  };

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
    this.emit('timing', timing);
  }

  /** The CDM took a license: the oldest exchange waiting for it has its keys. */
  private readonly onSessionUpdate_ = (): void => {
    if (this.destroyed_) return;
    this.onExpirationUpdated_();
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
    this.emit('timing', timing);
  };

  private readonly onKeyStatusChanged_ = (): void => {
    const statuses = (this.player_ as { getKeyStatuses?: () => Record<string, string> } | null)?.getKeyStatuses?.() ?? {};
    this.emit('keystatus', { keys: Object.entries(statuses).map(([keyId, status]) => ({ keyId, status })) });
  };

  /**
   * Reports the licenses' expiration when it changes: on Shaka's
   * `expirationupdated`, and after each session update (Shaka does not
   * announce "never expires").
   */
  private readonly onExpirationUpdated_ = (): void => {
    const raw = (this.player_ as { getExpiration?: () => number } | null)?.getExpiration?.() ?? Infinity;
    const expiration = Number.isFinite(raw) ? raw : null;
    if (expiration === this.lastExpiration_) return;
    this.lastExpiration_ = expiration;
    this.emit('expiration', { expiration });
  };

  // --- player configuration -------------------------------------------------

  /** The license URL per key system keyflow routes: provider defaults, then `servers`. */
  private wantedServers_(): Record<string, string> {
    const wanted: Record<string, string> = {};
    for (const source of [this.provider_.defaultServers, this.config_.servers]) {
      for (const [keySystem, url] of Object.entries(source)) {
        if (typeof url === 'string') wanted[keySystem] = url;
      }
    }
    return wanted;
  }

  private applyServers_(): void {
    const player = this.player_;
    if (!player) return;
    const current = player.getConfiguration().drm.servers;
    const wanted = this.wantedServers_();
    const update: Record<string, string | undefined> = {};
    const applied: Record<string, string> = {};
    for (const [keySystem, url] of Object.entries(wanted)) {
      const mine = this.appliedServers_[keySystem];
      // An entry the app set itself (not by keyflow) wins.
      if (current[keySystem] === undefined || current[keySystem] === mine) {
        if (current[keySystem] !== url) update[keySystem] = url;
        applied[keySystem] = url;
      }
    }
    for (const [keySystem, url] of Object.entries(this.appliedServers_)) {
      if (!(keySystem in wanted) && current[keySystem] === url) update[keySystem] = undefined;
    }
    this.appliedServers_ = applied;
    if (Object.keys(update).length) player.configure({ drm: { servers: update } });
    this.serversSnapshot_ = null;
  }

  private removeServers_(player: ShakaPlayer): void {
    const current = player.getConfiguration().drm.servers;
    const update: Record<string, undefined> = {};
    for (const [keySystem, url] of Object.entries(this.appliedServers_)) {
      if (current[keySystem] === url) update[keySystem] = undefined;
    }
    this.appliedServers_ = {};
    if (Object.keys(update).length) player.configure({ drm: { servers: update } });
    if (this.appliedCertificates_.size) {
      const advanced: Record<string, { serverCertificate: Uint8Array }> = {};
      for (const keySystem of this.appliedCertificates_.keys()) advanced[keySystem] = { serverCertificate: new Uint8Array(0) };
      this.appliedCertificates_.clear();
      player.configure({ drm: { advanced } });
    }
  }

  /**
   * Keeps a service certificate for later loads: Shaka then skips the
   * certificate request (or the Widevine `08 04` round trip) next time.
   */
  private keepCertificate_(keySystem: string, certificate: Uint8Array): void {
    const player = this.player_;
    if (!player || !certificate.byteLength || this.appliedCertificates_.has(keySystem)) return;
    const copy = certificate.slice();
    this.appliedCertificates_.set(keySystem, copy);
    player.configure({ drm: { advanced: { [keySystem]: { serverCertificate: copy } } } });
  }

  /**
   * The key system whose `drm.advanced[keySystem].serverCertificateUri` is
   * `uri` (Shaka's certificate request carries no DRM info), else the one the
   * player is using.
   */
  private certificateKeySystem_(uri: string): string | null {
    return this.configuredCertificateKeySystem_(uri) ?? ((this.player_ as { keySystem?: () => string } | null)?.keySystem?.() || null);
  }

  /**
   * The key system whose configured `drm.advanced[keySystem].serverCertificateUri`
   * is exactly `uri`, or null. Only such a certificate request may carry a
   * token: Shaka prefers a manifest's `dashif:Certurl` over the configuration.
   */
  private configuredCertificateKeySystem_(uri: string | undefined): string | null {
    const player = this.player_;
    if (!player || !uri) return null;
    const advanced = (player.getConfiguration() as { drm: { advanced?: Record<string, { serverCertificateUri?: string }> } }).drm
      .advanced ?? {};
    const wanted = resolveUri(uri);
    for (const [keySystem, settings] of Object.entries(advanced)) {
      if (settings?.serverCertificateUri && resolveUri(settings.serverCertificateUri) === wanted) return keySystem;
    }
    return null;
  }

  /**
   * The license URL for a key system keyflow routes, or null for one it
   * leaves alone. What the player is configured with wins (an app's explicit
   * `drm.servers` entry); a URL found only in the manifest never gets a token.
   */
  private licenseUrlFor_(keySystem: string): string | null {
    const wanted = this.wantedServers_();
    if (!(keySystem in wanted)) return null;
    const configured = this.playerServers_()[keySystem];
    return configured || wanted[keySystem] || null;
  }

  /**
   * The player's `drm.servers`, read once per load: `player.getConfiguration()`
   * copies Shaka's whole configuration (a few tenths of a millisecond), too
   * slow to call on every license request.
   */
  private playerServers_(): Record<string, string> {
    if (!this.serversSnapshot_ && this.player_) {
      const configuration = this.player_.getConfiguration() as { drm: { servers: Record<string, string> }; networking?: { forceHTTP?: boolean } };
      this.serversSnapshot_ = { ...configuration.drm.servers };
      this.forceHttpSnapshot_ = !!configuration.networking?.forceHTTP;
    }
    return this.serversSnapshot_ ?? {};
  }

  /**
   * Whether the player's `networking.forceHTTP` is on: Shaka 4.x applies it
   * after the request filters, so an `https:` license URL would go out as
   * `http:` (read once per load, with the servers).
   */
  private forcesHttp_(): boolean {
    this.playerServers_();
    return this.forceHttpSnapshot_;
  }

  /** The asset being played, resolved against the page (token cache key, load detection). */
  private assetUri_(): string | null {
    const asset = this.player_?.getAssetUri?.();
    return asset ? resolveUri(asset) : null;
  }

  // --- tokens -------------------------------------------------------------------

  private tokenSource_(): TokenSource<unknown> | undefined {
    return (this.config_ as { token?: TokenSource<unknown> }).token;
  }

  /** Starts a token fetch for `key`, announcing it with a `tokenrequest` event. */
  private fetchToken_(key: TokenKey, reason: TokenFetchReason, attempt: number): TokenEntry {
    const source = this.tokenSource_();
    this.stats_.tokenRequests++;
    this.emit('tokenrequest', { reason, keySystem: key.keySystem });
    const startedAt = performance.now();
    const stats = this.stats_;
    const entry = this.tokens_.start(key, reason, this.lifetime_.signal, (signal) =>
      resolveToken(
        source,
        { keySystem: key.keySystem, manifestUri: key.manifestUri, keyIds: [...key.keyIds], attempt, signal },
        this.config_.tokenTimeoutMs,
      ),
    );
    const addTime = (): void => {
      stats.tokenFetchMs += performance.now() - startedAt;
    };
    entry.promise.then(addTime, addTime);
    return entry;
  }

  /** The token for a license request: cached, joined in flight, or fetched now. */
  private async tokenFor_(exchange: Exchange, attempt: number): Promise<unknown> {
    const key: TokenKey = { keySystem: exchange.keySystem, manifestUri: exchange.manifestUri, keyIds: exchange.keyIds };
    let reason: TokenFetchReason | null = null;
    if (exchange.needsNewToken) {
      if (exchange.token) this.tokens_.reject(exchange.token);
      exchange.token = null;
      exchange.needsNewToken = false;
      exchange.tokenRefreshed = true;
      reason = 'rejected';
    }
    let cached = false;
    if (!exchange.token) {
      // After a rejection, join a new token another request has already started, if any.
      const found = this.tokens_.find(key);
      if (found) {
        exchange.token = found;
        cached = true;
      } else {
        exchange.token = this.fetchToken_(key, reason ?? (this.tokens_.hasExpired(key) ? 'expired' : 'license'), attempt);
      }
    } else {
      cached = true;
    }
    const waitStart = performance.now();
    const entry = exchange.token;
    let value: unknown;
    try {
      value = await entry.promise;
    } catch (error) {
      exchange.token = null; // a later attempt may try the source again
      throw error;
    }
    const waitedMs = Math.max(0, performance.now() - waitStart);
    exchange.tokenWaitMs += waitedMs;
    this.emit('token', {
      keySystem: exchange.keySystem,
      durationMs: waitedMs,
      cached,
      ...(entry.expiresAt !== null ? { expiresAt: entry.expiresAt } : {}),
    });
    return value;
  }

  /** A load is starting (manifest request): fetch the token it will need. */
  private onManifestRequest_(request: ShakaRequest, context: ShakaRequestContext | undefined): void {
    // Shaka may give `http:/content/a.mpd` here for `load('/content/a.mpd')`: compare resolved URIs.
    const uri = request.uris[0] !== undefined ? resolveUri(request.uris[0]) : null;
    const isPreload = !!context?.isPreload;
    // HLS media playlists are MANIFEST requests too: only the asset itself starts a load.
    const asset = this.assetUri_();
    if (!isPreload && asset && uri !== asset) return;
    if (isPreload) {
      this.preloadManifestUri_ = uri;
    } else if (uri !== this.manifestUri_) {
      this.tokens_.abandonOthers(uri);
      this.manifestUri_ = uri;
      this.seenInitData_.clear();
    }
    const candidates = Object.keys(this.wantedServers_());
    // Probe what this browser supports now, to explain a failed key system choice later (6001/6012).
    this.support_.probe([...PROBED_KEY_SYSTEMS, ...candidates]);
    if (!this.config_.prefetchToken || typeof this.tokenSource_() !== 'function') return;
    const player = this.player_;
    if (!player) return;
    const preferred = (player.getConfiguration() as { drm: { preferredKeySystems?: string[] } }).drm.preferredKeySystems ?? [];
    guessKeySystem(candidates, preferred, this.support_.probes)
      .then((keySystem) => {
        if (!keySystem || this.destroyed_) return;
        const key: TokenKey = { keySystem, manifestUri: uri, keyIds: [] };
        if (!this.tokens_.find(key)) this.fetchToken_(key, 'prefetch', 0);
      })
      .catch(() => {});
  }

  private readonly onUnloading_ = (): void => {
    // Requests of the content being unloaded are aborted (their download events come right away).
    this.inFlight_.clear();
    // Token fetches and Retry-After waits for the content being unloaded are not needed any more.
    this.tokens_.abandonOthers(null);
    this.loadLifetime_.abort(new KeyflowError('ABORTED', 'Abandoned: the content was unloaded'));
    this.loadLifetime_ = new AbortController();
  };

  // --- filters ----------------------------------------------------------------

  private kindOf_(type: number): DrmRequestKind | null {
    if (type === ShakaRequestType.LICENSE) return 'license';
    if (type === ShakaRequestType.SERVER_CERTIFICATE && this.provider_.handlesCertificates(this.config_)) return 'certificate';
    return null;
  }

  private readonly requestFilter_: ShakaRequestFilter = (type, request, context) => {
    if (this.destroyed_) return;
    if (type === ShakaRequestType.MANIFEST) {
      this.onManifestRequest_(request, context);
      return;
    }
    const kind = this.kindOf_(type);
    if (type === ShakaRequestType.SERVER_CERTIFICATE && !kind && !this.certificateStarts_.has(request)) {
      this.certificateStarts_.set(request, performance.now());
    }
    // Shaka's certificate requests carry no DRM info: the configured certificate URI names the key system.
    const keySystem =
      request.drmInfo?.keySystem ?? (kind === 'certificate' ? this.configuredCertificateKeySystem_(request.uris[0]) : null);
    if (!kind || !keySystem) return;
    const baseUrl = kind === 'license' ? this.licenseUrlFor_(keySystem) : request.uris[0];
    if (!baseUrl) return;
    return this.rewriteRequest_(kind, keySystem, baseUrl, request, !!context?.isPreload);
  };

  private newExchange_(kind: DrmRequestKind, keySystem: string, baseUrl: string, request: ShakaRequest, isPreload: boolean): Exchange {
    const body = toBytes(request.body);
    const keyIds = request.drmInfo?.keyIds ? Array.from(request.drmInfo.keyIds).map((id) => id.toLowerCase()).sort() : [];
    if (!keyIds.length && request.initData && request.initDataType && this.decodeInitData_) {
      try {
        const decoded = this.decodeInitData_(request.initDataType, request.initData);
        for (const system of decoded.systems) for (const id of system.keyIds) if (!keyIds.includes(id)) keyIds.push(id);
        keyIds.sort();
      } catch {
        // undecodable init data: the KIDs stay unknown
      }
    }
    return {
      kind,
      keySystem,
      manifestUri: isPreload ? this.preloadManifestUri_ : (this.assetUri_() ?? this.manifestUri_),
      keyIds,
      token: null,
      secrets: [],
      originalBody: null,
      sentUrl: baseUrl,
      sentAt: 0,
      attempt: 0,
      maxAttempts: request.retryParameters?.maxAttempts ?? 1,
      perAttemptFilters: typeof request.attempt === 'number',
      pendingError: null,
      needsNewToken: false,
      tokenRefreshed: false,
      notBefore: 0,
      isCertificateChallenge:
        kind === 'license' &&
        body.byteLength === WIDEVINE_CERTIFICATE_REQUEST.length &&
        body.every((byte, i) => byte === WIDEVINE_CERTIFICATE_REQUEST[i]),
      startedAt: performance.now(),
      tokenWaitMs: 0,
      respondedAt: 0,
    };
  }

  private emitInitData_(keySystem: string, request: ShakaRequest): void {
    const { initData, initDataType } = request;
    const decode = this.decodeInitData_;
    if (!initData || !initDataType || !decode || !this.listenerCount('initdata')) return;
    const seenKey = `${keySystem}|${initDataType}|${bytesKey(initData)}`;
    if (this.seenInitData_.has(seenKey)) return;
    this.seenInitData_.add(seenKey);
    try {
      const decoded = decode(initDataType, initData);
      this.emit('initdata', { keySystem, initDataType, systems: decoded.systems });
    } catch (error) {
      this.emit('initdata', { keySystem, initDataType, systems: [], decodeError: error instanceof Error ? error.message : String(error) });
    }
  }

  private async rewriteRequest_(
    kind: DrmRequestKind,
    keySystem: string,
    baseUrl: string,
    request: ShakaRequest,
    isPreload: boolean,
  ): Promise<void> {
    const attempt = typeof request.attempt === 'number' ? request.attempt : 0;
    let exchange = this.exchanges_.get(request);
    if (!exchange) {
      exchange = this.newExchange_(kind, keySystem, baseUrl, request, isPreload);
      this.exchanges_.set(request, exchange);
      if (kind === 'license') this.emitInitData_(keySystem, request);
    }
    exchange.attempt = attempt;
    this.lastKeySystem_ = keySystem;
    if (exchange.pendingError) throw this.fail_(exchange.pendingError, exchange.secrets);

    let token: unknown = null;
    try {
      const waitUntil = exchange.notBefore - performance.now();
      if (waitUntil > 0) {
        await sleep(waitUntil, this.loadLifetime_.signal);
      }
      if (this.tokenSource_() !== undefined) token = await this.tokenFor_(exchange, attempt);
    } catch (error) {
      throw this.fail_(asKeyflowError(error, keySystem), exchange.secrets);
    }
    if (this.destroyed_) {
      throw new KeyflowError('DESTROYED', 'License request abandoned: keyflow was destroyed', { keySystem });
    }

    const body = toBytes(request.body);
    let rewritten;
    try {
      rewritten = this.provider_.rewriteRequest(
        {
          kind,
          keySystem,
          url: baseUrl,
          headers: { ...request.headers },
          body,
          messageType: kind === 'license' ? (request.licenseRequestType ?? null) : null,
          attempt,
          initData: request.initData ?? null,
          initDataType: request.initDataType ?? null,
          keyIds: exchange.keyIds,
        },
        token,
        this.config_,
      );
    } catch (error) {
      throw this.fail_(asKeyflowError(error, keySystem), exchange.secrets);
    }
    const resolvedUrl = resolveUri(rewritten.url);
    const forcedHttp = this.forcesHttp_() && !isLoopbackHost(hostOf(resolvedUrl));
    if (rewritten.secrets.length && !this.config_.allowInsecureHttp && (isCleartextRemoteUrl(resolvedUrl) || forcedHttp)) {
      const host = hostOf(resolvedUrl);
      throw this.fail_(
        new KeyflowError(
          'INSECURE_TRANSPORT',
          forcedHttp
            ? `keyflow did not send the ${kind} request: the player's networking.forceHTTP would send it to ${host} as http:, carrying the token in clear (turn forceHTTP off, or set allowInsecureHttp)`
            : `keyflow did not send the ${kind} request: its URL is http: on the remote host ${host} and would carry the token in clear (use https:, or set allowInsecureHttp)`,
          { keySystem },
        ),
        rewritten.secrets,
      );
    }
    request.uris = [rewritten.url];
    request.headers = rewritten.headers;
    if (rewritten.body !== body) {
      request.body = rewritten.body;
      exchange.originalBody = body;
    }
    exchange.secrets = rewritten.secrets;
    this.rememberSecrets_(rewritten.secrets);
    // A preload's events go to its PreloadManager, not through the player keyflow guards.
    if (!isPreload) this.inFlight_.add(request);
    exchange.sentUrl = rewritten.url;
    exchange.sentAt = performance.now();
    this.track_(rewritten.url, exchange);
    if (kind === 'certificate' || exchange.isCertificateChallenge) this.stats_.certificateRequests++;
    else this.stats_.licenseRequests++;
    if (attempt > 0) this.stats_.retries++;

    this.emit('licenserequest', {
      kind,
      keySystem,
      url: redact(rewritten.url, exchange.secrets),
      messageType: kind === 'license' ? (request.licenseRequestType ?? null) : null,
      attempt,
      keyIds: exchange.keyIds,
    });
  }

  private readonly responseFilter_: ShakaResponseFilter = (type, response) => {
    if (this.destroyed_) return;
    if (type === ShakaRequestType.MANIFEST) {
      this.readSignalledKeySystems_(response);
      return;
    }
    if (type === ShakaRequestType.SERVER_CERTIFICATE) {
      const keySystem =
        response.originalRequest?.drmInfo?.keySystem ?? this.certificateKeySystem_(response.originalUri ?? response.uri) ?? this.lastKeySystem_;
      if (!this.provider_.handlesCertificates(this.config_)) {
        const started = response.originalRequest ? this.certificateStarts_.get(response.originalRequest) : undefined;
        this.stats_.certificateRequests++;
        if (keySystem && started !== undefined) this.certificateMs_.set(keySystem, performance.now() - started);
        if (keySystem) this.keepCertificate_(keySystem, toBytes(response.data));
        return;
      }
    }
    if (!this.kindOf_(type)) return;
    const exchange = this.exchangeForResponse_(response);
    if (!exchange) return;
    const body = toBytes(response.data);
    const status = response.status ?? 200;
    let license: Uint8Array;
    try {
      if (body.byteLength > MAX_REPLY_BYTES) {
        throw new KeyflowError('MALFORMED_RESPONSE', `The ${exchange.kind} reply is ${body.byteLength} bytes, over keyflow's ${MAX_REPLY_BYTES}-byte limit: not read`, {
          keySystem: exchange.keySystem,
          httpStatus: status,
        });
      }
      license = this.provider_.unwrapResponse(
        {
          kind: exchange.kind,
          keySystem: exchange.keySystem,
          url: exchange.sentUrl,
          status,
          headers: response.headers,
          body,
          secrets: exchange.secrets,
        },
        this.config_,
      );
    } catch (error) {
      throw this.fail_(asKeyflowError(error, exchange.keySystem), exchange.secrets);
    }
    if (license !== body) response.data = license;
    // Other sessions may have sent the same URL (same token): only forget it if it is this exchange.
    if (this.bySentUrl_.get(exchange.sentUrl) === exchange) this.bySentUrl_.delete(exchange.sentUrl);
    exchange.respondedAt = performance.now();
    if (exchange.kind === 'certificate' || exchange.isCertificateChallenge) {
      this.keepCertificate_(exchange.keySystem, license);
      this.certificateMs_.set(exchange.keySystem, exchange.respondedAt - exchange.startedAt);
    } else {
      this.stats_.licenseBytes += license.byteLength;
      this.stats_.licenseNetworkMs += exchange.respondedAt - exchange.sentAt;
      this.awaitingKeys_.push(exchange);
    }
    this.emit('licenseresponse', {
      kind: exchange.kind,
      keySystem: exchange.keySystem,
      url: redact(exchange.sentUrl, exchange.secrets),
      status,
      durationMs: Math.max(0, performance.now() - exchange.sentAt),
      byteLength: license.byteLength,
    });
  };

  private exchangeForResponse_(response: ShakaResponse): Exchange | undefined {
    const original = response.originalRequest;
    const byRequest = original ? this.exchanges_.get(original) : undefined;
    return byRequest ?? this.bySentUrl_.get(response.originalUri ?? response.uri);
  }

  private track_(url: string, exchange: Exchange): void {
    this.bySentUrl_.delete(url);
    this.bySentUrl_.set(url, exchange);
    if (this.bySentUrl_.size > MAX_TRACKED_URLS) {
      const oldest = this.bySentUrl_.keys().next().value;
      if (oldest !== undefined) this.bySentUrl_.delete(oldest);
    }
  }

  // --- failures -----------------------------------------------------------------

  /**
   * Shaka 5 dispatches `retry` after every failed attempt and then runs the
   * request filters again before waiting. keyflow decides here:
   * - the token was rejected: fetch a new one and replay the same challenge,
   *   once; a second rejection ends with `TOKEN_REJECTED`;
   * - a transient failure (5xx, 408, 429, no answer) with attempts left is
   *   retried by Shaka, after any `Retry-After` the server asked for;
   * - anything else (400, 403 not entitled, 404, ...) or the last attempt is
   *   recorded and thrown by the next filter run, so it reaches the app as
   *   6007 → 1006 → KeyflowError without another network request.
   */
  private readonly onRetry_ = (event: ShakaEvent): void => {
    const error = event.error;
    if (this.destroyed_ || !isShakaError(error)) return;
    const failed = readFailedAttempt(error);
    const exchange = failed ? (this.errorExchanges_.get(error) ?? this.bySentUrl_.get(failed.uri)) : undefined;
    if (!failed || !exchange) return;
    this.errorExchanges_.set(error, exchange);
    redactShakaErrorChain(error, exchange.secrets);
    const keyflowError = this.errorForAttempt_(failed, exchange);
    const decision = decideRetry({
      code: keyflowError.code,
      ...(failed.status !== undefined ? { status: failed.status } : {}),
      attempt: exchange.attempt,
      maxAttempts: exchange.maxAttempts,
      perAttemptFilters: exchange.perAttemptFilters,
      canRefreshToken: this.canRefreshToken_(),
      tokenRefreshed: exchange.tokenRefreshed,
      retryAfterMs: failed.status !== undefined ? retryAfterMs(failed.headers ?? {}, Date.now()) : null,
    });
    if (decision.action === 'refresh') {
      exchange.needsNewToken = true;
    } else if (decision.action === 'retry') {
      if (decision.waitMs > 0) exchange.notBefore = performance.now() + decision.waitMs;
    } else {
      // Thrown by the next filter run (Shaka 5); Shaka 4.x runs no filter before a retry, so its
      // retries of what cannot pass are cancelled here.
      exchange.pendingError = decision.as === 'token-rejected' ? this.tokenRejected_(keyflowError) : keyflowError;
      if (decision.stopShakaRetries) event.preventDefault?.();
    }
  };

  private canRefreshToken_(): boolean {
    return this.config_.refreshRejectedToken && typeof this.tokenSource_() === 'function';
  }

  private tokenRejected_(cause: KeyflowError): KeyflowError {
    return new KeyflowError('TOKEN_REJECTED', `The license server rejected a freshly fetched token too (${cause.message})`, {
      ...(cause.keySystem !== undefined ? { keySystem: cause.keySystem } : {}),
      ...(cause.httpStatus !== undefined ? { httpStatus: cause.httpStatus } : {}),
      ...(cause.providerCode !== undefined ? { providerCode: cause.providerCode } : {}),
      cause,
    });
  }

  /**
   * The player's `error` event: translates license failures keyflow has not
   * typed yet (Shaka 4.x, where 401/403 are not retried; the CDM rejecting a
   * license), emits every keyflow error exactly once, and on Shaka 4.x
   * recovers from a token rejection by fetching a new token and reloading.
   */
  private readonly onPlayerError_ = (event: ShakaEvent): void => {
    if (this.destroyed_) return;
    const error = event.detail;
    if (!isShakaError(error)) return;
    redactShakaErrorChain(error, this.knownSecrets_());
    const known = findKeyflowError(error);
    if (known) {
      this.fail_(known, []);
      return;
    }
    let keyflowError: KeyflowError | null = null;
    const inner = error.data[0];
    if (error.code === ShakaErrorCode.LICENSE_REQUEST_FAILED && isShakaError(inner)) {
      const failed = readFailedAttempt(inner);
      const exchange = failed ? (this.errorExchanges_.get(inner) ?? this.bySentUrl_.get(failed.uri)) : undefined;
      if (failed && exchange) {
        redactShakaErrorChain(inner, exchange.secrets);
        keyflowError = this.errorForAttempt_(failed, exchange);
        if (isTokenRejection(keyflowError) && !exchange.perAttemptFilters) {
          keyflowError = this.recoverByReload_(keyflowError, exchange);
        }
        // In Shaka's chain first: an app listener of keyflow's `error` that throws must not undo it.
        attachKeyflowError(error, keyflowError);
        this.fail_(keyflowError, exchange.secrets);
      }
    } else if (error.code === ShakaErrorCode.LICENSE_RESPONSE_REJECTED && this.lastKeySystem_) {
      const reason = typeof error.data[0] === 'string' ? `: ${error.data[0]}` : '';
      keyflowError = new KeyflowError('LICENSE_REJECTED', `The CDM rejected the license${reason}`, { keySystem: this.lastKeySystem_ });
      attachKeyflowError(error, keyflowError);
      this.fail_(keyflowError, []);
    }
    if (keyflowError) attachKeyflowError(error, keyflowError);
  };

  /**
   * Shaka 4.x cannot re-run a license request, so after a token rejection
   * keyflow fetches a new token and reloads the content at the current
   * position, once per asset. Returns the error to report.
   */
  private recoverByReload_(rejection: KeyflowError, exchange: Exchange): KeyflowError {
    const player = this.player_;
    const asset = player?.getAssetUri?.() ?? null;
    if (!player || !asset || !this.canRefreshToken_()) return rejection;
    // `asset` stays as the app gave it (load() takes it again); it is compared resolved.
    if (this.reloadedAsset_ === resolveUri(asset)) return this.tokenRejected_(rejection);
    this.reloadedAsset_ = resolveUri(asset);
    exchange.needsNewToken = true;
    const media = (player as { getMediaElement?: () => HTMLMediaElement | null }).getMediaElement?.();
    const position = media && media.currentTime > 0 ? media.currentTime : undefined;
    this.tokenFor_(exchange, exchange.attempt + 1)
      .then(() => {
        if (this.destroyed_) return undefined;
        return (player as unknown as { load(uri: string, start?: number): Promise<void> }).load(asset, position);
      })
      .catch(() => {
        // the reload's own failures reach the app through Shaka's error event
      });
    return rejection;
  }

  private errorForAttempt_(failed: FailedAttempt, exchange: Exchange): KeyflowError {
    if (failed.status !== undefined) {
      // Redact the whole reply before the provider reads (and cuts) any of it; an oversized one is not read.
      const text = failed.bodyText ?? '';
      const headers: Record<string, string> = {};
      const longSecrets = exchange.secrets.filter((secret) => secret.length >= 4);
      for (const [name, value] of Object.entries(failed.headers ?? {})) headers[name] = redact(String(value), longSecrets);
      return this.provider_.decodeFailure(
        {
          kind: exchange.kind,
          keySystem: exchange.keySystem,
          status: failed.status,
          headers,
          // Secrets of 1-3 characters are left for the final redaction of the error's strings: searched
          // for in a raw reply, they would garble the codes the provider reads (`-4012`).
          bodyText: text.length > MAX_REPLY_BYTES ? '' : redact(text, exchange.secrets.filter((secret) => secret.length >= 4)),
        },
        this.config_,
      );
    }
    return new KeyflowError(
      'LICENSE_REQUEST_FAILED',
      `The ${exchange.kind} request got no answer (network error or timeout)`,
      { keySystem: exchange.keySystem },
    );
  }

  /** Redacts secrets from an error, emits it once, and returns it for throwing. */
  private fail_(error: KeyflowError, secrets: readonly string[]): KeyflowError {
    this.redactError_(error, [...secrets, ...this.knownSecrets_()]);
    // An abandoned request (new load, destroy) is not a failure the app needs to hear about.
    const abandoned = error.code === 'ABORTED' || error.code === 'DESTROYED';
    if (!abandoned && !this.emitted_.has(error) && !this.destroyed_) {
      this.emitted_.add(error);
      this.stats_.failures++;
      this.emit('error', error);
    }
    return error;
  }

  /**
   * Redacts every string reachable from a KeyflowError in place: its
   * message, `providerCode`, and its `cause` (and theirs), which error
   * reporters serialise.
   */
  private redactError_(error: KeyflowError, secrets: readonly string[]): void {
    if (!secrets.length) return;
    const clean = redact(error.message, secrets);
    if (clean !== error.message) error.message = clean;
    if (typeof error.providerCode === 'string') {
      const code = redact(error.providerCode, secrets);
      if (code !== error.providerCode) Object.defineProperty(error, 'providerCode', { value: code, enumerable: true, configurable: true });
    }
    if (error.cause === undefined) return;
    if (error.cause instanceof KeyflowError) {
      this.redactError_(error.cause, secrets);
      return;
    }
    const cause = redactDeep(error.cause, secrets);
    if (cause !== error.cause) Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  }

  private assertAlive_(method: string): void {
    if (this.destroyed_) throw new KeyflowError('DESTROYED', `keyflow: ${method}() called after destroy()`);
  }
}
