import { EventEmitter } from 'eventemitter3';
import { checkOptionNames, COMMON_OPTION_NAMES, normalizeCommonOptions } from '../api/config';
import { KeyflowError, redactKeyflowError } from '../api/errors';
import type { ExpirationEvent, KeyflowEvents, KeyStatusEvent } from '../api/events';
import { keySystemsSignalledBy, type KeySystemFacts } from '../api/key-system-errors';
import { guessKeySystem, KeySystemSupport, PROBED_KEY_SYSTEMS } from '../eme/key-system-probe';
import type { DrmRequestKind, Provider } from '../providers/preset';
import { TelemetryCollector } from '../telemetry/collector';
import type { KeyflowStats, TimingEvent } from '../telemetry/stats';
import { TokenBroker } from '../tokens/broker';
import { TokenCache } from '../tokens/cache';
import type { TokenSource } from '../tokens/source';
import { cleartextRefusal } from '../tokens/transport';
import { redact } from '../util/redact';
import { isCleartextRemoteUrl, resolveUri } from '../util/url';
import type { AnyProvider, BaseConfig, InitDataDecoder, NormalizedConfig } from './config-types';
import { bytesOf, ExchangeBook, type Exchange } from './exchanges';
import { FailureHandler, MAX_REPLY_BYTES, type FailureContext } from './failures';
import { PlayerConfig } from './player-config';
import { SecretGuard } from './secret-guard';
import {
  ShakaRequestType,
  type ShakaNetworkingEngine,
  type ShakaPlayer,
  type ShakaRequest,
  type ShakaRequestContext,
  type ShakaRequestFilter,
  type ShakaResponse,
  type ShakaResponseFilter,
} from './types';

export type { AnyProvider, BaseConfig, InitDataDecoder } from './config-types';

export { MAX_REPLY_BYTES } from './failures';

/** Marks a player that has a live Keyflow (a registry symbol: shared by the ESM, core and UMD builds). */
const ATTACHED = Symbol.for('shaka-keyflow.attached');

/** A token configured as a value (not a function): a secret before any request is made. */
function staticTokenSecrets(config: object): string[] {
  const token = (config as { token?: unknown }).token;
  if (typeof token === 'string') return [token];
  if (token && typeof token === 'object' && typeof (token as { token?: unknown }).token === 'string') return [(token as { token: string }).token];
  return [];
}

function asKeyflowError(error: unknown, keySystem: string): KeyflowError {
  if (error instanceof KeyflowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError('LICENSE_REQUEST_FAILED', `keyflow failed: ${reason}`, { keySystem, cause: error });
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
  private readonly exchanges_ = new ExchangeBook();
  private readonly emitted_ = new WeakSet<KeyflowError>();
  private readonly lifetime_ = new AbortController();
  /** Aborted when the current content is unloaded (Retry-After waits). */
  private loadLifetime_ = new AbortController();
  private readonly tokens_: TokenBroker;
  private readonly support_ = new KeySystemSupport();
  /** Key systems the current content signals (from the parsed manifest). */
  private signalledKeySystems_: string[] = [];
  private readonly seenInitData_ = new Set<string>();
  /** The manifest of the current load, as requested. */
  private manifestUri_: string | null = null;
  /** The manifest of a load being preloaded, as requested. */
  private preloadManifestUri_: string | null = null;
  private readonly failures_: FailureHandler;
  private lastKeySystem_: string | null = null;
  private destroyed_ = false;
  private readonly certificateStarts_ = new WeakMap<ShakaRequest, number>();
  private readonly telemetry_: TelemetryCollector;
  private readonly playerConfig_: PlayerConfig;
  private readonly secrets_: SecretGuard<Exchange>;
  private readonly decodeInitData_: InitDataDecoder | null;

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
    this.playerConfig_ = new PlayerConfig(player);
    const readable = player as { getKeyStatuses?: () => Record<string, string>; getExpiration?: () => number };
    const sink = {
      timing: (event: TimingEvent) => this.emit('timing', event),
      keystatus: (event: KeyStatusEvent) => this.emit('keystatus', event),
      expiration: (event: ExpirationEvent) => this.emit('expiration', event),
    };
    this.telemetry_ = new TelemetryCollector(sink, {
      keyStatuses: () => readable.getKeyStatuses?.() ?? {},
      expiration: () => readable.getExpiration?.() ?? Infinity,
    });
    this.config_ = normalized;
    this.provider_ = provider;
    const cache = new TokenCache({ maxAgeMs: normalized.tokenMaxAgeMs, refreshMarginMs: normalized.tokenRefreshMarginMs, now: () => Date.now() });
    this.tokens_ = new TokenBroker(cache, this.lifetime_.signal, {
      source: () => this.tokenSource_(),
      timeoutMs: () => this.config_.tokenTimeoutMs,
      fetchStarted: (reason, keySystem, done) => {
        this.emit('tokenrequest', { reason, keySystem });
        this.telemetry_.tokenRequested(done);
      },
      tokenReady: (event) => this.emit('token', event),
    });

    Object.defineProperty(player, ATTACHED, { value: this, configurable: true, writable: true });
    net.registerRequestFilter(this.requestFilter_);
    net.registerResponseFilter(this.responseFilter_);
    // keyflow inspects these before any listener (see shaka/event-guard.ts); listeners if it cannot.
    this.secrets_ = new SecretGuard<Exchange>(player, net, {
      exchangeOf: (request) => this.exchanges_.of(request),
      failedAttempt: (error, exchange) => this.exchanges_.failed(error, exchange),
      playerError: (event) => this.failures_.onPlayerError(event),
      retry: (event) => this.failures_.onRetry(event),
      loadFailed: (error) => this.failures_.onLoadFailure(error),
    });
    this.failures_ = new FailureHandler(this.failureContext_(player));
    this.secrets_.remember(staticTokenSecrets(normalized));
    player.addEventListener('unloading', this.onUnloading_);
    player.addEventListener('loading', this.onLoading_);
    player.addEventListener('drmsessionupdate', this.onSessionUpdate_);
    player.addEventListener('keystatuschanged', this.onKeyStatusChanged_);
    player.addEventListener('expirationupdated', this.onExpirationUpdated_);
    this.playerConfig_.applyServers(this.wantedServers_());
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
    this.secrets_.remember(staticTokenSecrets(this.config_));
    if ('token' in (update as object)) this.tokens_.cache.forget();
    this.playerConfig_.applyServers(this.wantedServers_());
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

  /** Notes the key systems the manifest of the current load signals, and probes their support here. */
  private readSignalledKeySystems_(response: ShakaResponse): void {
    const uri = response.originalUri ?? response.uri;
    // Once per load: a live manifest is fetched again and again.
    if (!uri || this.signalledKeySystems_.length || resolveUri(uri) !== this.manifestUri_) return;
    const body = bytesOf(response.data);
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

  /** What the failure handler reads and uses of keyflow (the parts are created before it is called). */
  private failureContext_(player: ShakaPlayer): FailureContext {
    return {
      player,
      exchanges: this.exchanges_,
      secrets: this.secrets_,
      tokens: this.tokens_,
      isDestroyed: () => this.destroyed_,
      provider: () => this.provider_,
      config: () => this.config_,
      canRefreshToken: () => this.config_.refreshRejectedToken && typeof this.tokenSource_() === 'function',
      lastKeySystem: () => this.lastKeySystem_,
      keySystemFacts: () => this.keySystemFacts_(),
      fail: (error, secrets) => this.fail_(error, secrets),
    };
  }

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
    this.tokens_.cache.clear();
    const net = this.net_;
    if (net) {
      net.unregisterRequestFilter(this.requestFilter_);
      net.unregisterResponseFilter(this.responseFilter_);
    }
    this.secrets_.release();
    const player = this.player_;
    if (player) {
      if ((player as unknown as Record<symbol, unknown>)[ATTACHED] === this) delete (player as unknown as Record<symbol, unknown>)[ATTACHED];
      player.removeEventListener('unloading', this.onUnloading_);
      player.removeEventListener('loading', this.onLoading_);
      player.removeEventListener('drmsessionupdate', this.onSessionUpdate_);
      player.removeEventListener('keystatuschanged', this.onKeyStatusChanged_);
      player.removeEventListener('expirationupdated', this.onExpirationUpdated_);
      this.playerConfig_.removeAll();
    }
    this.exchanges_.clear();
    this.seenInitData_.clear();
    this.telemetry_.stop();
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
    return this.telemetry_.stats();
  }

  // --- load lifecycle -------------------------------------------------------------

  private readonly onLoading_ = (): void => {
    this.playerConfig_.forgetSnapshot();
    this.seenInitData_.clear();
    this.signalledKeySystems_ = [];
    const media = (this.player_ as { getMediaElement?: () => HTMLMediaElement | null } | null)?.getMediaElement?.() ?? null;
    this.telemetry_.loadStarted(media);
  };

  /** The CDM took a license. */
  private readonly onSessionUpdate_ = (): void => {
    if (!this.destroyed_) this.telemetry_.sessionUpdated();
  };

  private readonly onKeyStatusChanged_ = (): void => this.telemetry_.keyStatusesChanged();

  private readonly onExpirationUpdated_ = (): void => this.telemetry_.expirationChanged();

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

  /** The asset being played, resolved against the page (token cache key, load detection). */
  private assetUri_(): string | null {
    const asset = this.player_?.getAssetUri?.();
    return asset ? resolveUri(asset) : null;
  }

  // --- tokens -------------------------------------------------------------------

  private tokenSource_(): TokenSource<unknown> | undefined {
    return (this.config_ as { token?: TokenSource<unknown> }).token;
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
      this.tokens_.cache.abandonOthers(uri);
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
        this.tokens_.prefetch({ keySystem, manifestUri: uri, keyIds: [] });
      })
      .catch(() => {});
  }

  private readonly onUnloading_ = (): void => {
    // Requests of the content being unloaded are aborted (their download events come right away).
    this.secrets_.unloaded();
    // Token fetches and Retry-After waits for the content being unloaded are not needed any more.
    this.tokens_.cache.abandonOthers(null);
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
      request.drmInfo?.keySystem ?? (kind === 'certificate' ? this.playerConfig_.configuredCertificateKeySystem(request.uris[0]) : null);
    if (!kind || !keySystem) return;
    const baseUrl = kind === 'license' ? this.playerConfig_.licenseUrlFor(keySystem, this.wantedServers_()) : request.uris[0];
    if (!baseUrl) return;
    return this.rewriteRequest_(kind, keySystem, baseUrl, request, !!context?.isPreload);
  };

  /** Starts following a request: its key IDs (from Shaka, else the init data) and the load it belongs to. */
  private openExchange_(kind: DrmRequestKind, keySystem: string, baseUrl: string, request: ShakaRequest, isPreload: boolean): Exchange {
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
    const manifestUri = isPreload ? this.preloadManifestUri_ : (this.assetUri_() ?? this.manifestUri_);
    return this.exchanges_.open(request, { kind, keySystem, baseUrl, manifestUri, keyIds });
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
    let exchange = this.exchanges_.of(request);
    if (!exchange) {
      exchange = this.openExchange_(kind, keySystem, baseUrl, request, isPreload);
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
      if (this.tokenSource_() !== undefined) token = await this.tokens_.tokenFor(exchange, attempt);
    } catch (error) {
      throw this.fail_(asKeyflowError(error, keySystem), exchange.secrets);
    }
    if (this.destroyed_) {
      throw new KeyflowError('DESTROYED', 'License request abandoned: keyflow was destroyed', { keySystem });
    }

    const body = bytesOf(request.body);
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
    const refusal = cleartextRefusal({
      kind,
      keySystem,
      url: rewritten.url,
      carriesSecrets: rewritten.secrets.length > 0,
      allowInsecureHttp: this.config_.allowInsecureHttp,
      forcesHttp: this.playerConfig_.forcesHttp(),
    });
    if (refusal) throw this.fail_(refusal, rewritten.secrets);
    request.uris = [rewritten.url];
    request.headers = rewritten.headers;
    if (rewritten.body !== body) {
      request.body = rewritten.body;
      exchange.originalBody = body;
    }
    exchange.secrets = rewritten.secrets;
    this.secrets_.remember(rewritten.secrets);
    // A preload's events go to its PreloadManager, not through the player keyflow guards.
    if (!isPreload) this.secrets_.sent(request);
    exchange.sentUrl = rewritten.url;
    exchange.sentAt = performance.now();
    this.exchanges_.sentTo(rewritten.url, exchange);
    this.telemetry_.requestSent(kind === 'certificate' || exchange.isCertificateChallenge, attempt);

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
        response.originalRequest?.drmInfo?.keySystem ?? this.playerConfig_.certificateKeySystem(response.originalUri ?? response.uri) ?? this.lastKeySystem_;
      if (!this.provider_.handlesCertificates(this.config_)) {
        const started = response.originalRequest ? this.certificateStarts_.get(response.originalRequest) : undefined;
        this.telemetry_.certificateSeen(keySystem, started !== undefined ? performance.now() - started : undefined);
        if (keySystem) this.playerConfig_.keepCertificate(keySystem, bytesOf(response.data));
        return;
      }
    }
    if (!this.kindOf_(type)) return;
    const exchange = this.exchanges_.forResponse(response);
    if (!exchange) return;
    const body = bytesOf(response.data);
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
    this.exchanges_.answered(exchange);
    exchange.respondedAt = performance.now();
    if (exchange.kind === 'certificate' || exchange.isCertificateChallenge) {
      this.playerConfig_.keepCertificate(exchange.keySystem, license);
      this.telemetry_.certificateFetched(exchange.keySystem, exchange.respondedAt - exchange.startedAt);
    } else {
      this.telemetry_.licenseDelivered(exchange, license.byteLength);
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

  // --- failures -----------------------------------------------------------------

  /** Redacts secrets from an error, emits it once, and returns it for throwing. */
  private fail_(error: KeyflowError, secrets: readonly string[]): KeyflowError {
    redactKeyflowError(error, [...secrets, ...this.secrets_.knownSecrets()]);
    // An abandoned request (new load, destroy) is not a failure the app needs to hear about.
    const abandoned = error.code === 'ABORTED' || error.code === 'DESTROYED';
    if (!abandoned && !this.emitted_.has(error) && !this.destroyed_) {
      this.emitted_.add(error);
      this.telemetry_.failed();
      this.emit('error', error);
    }
    return error;
  }

  private assertAlive_(method: string): void {
    if (this.destroyed_) throw new KeyflowError('DESTROYED', `keyflow: ${method}() called after destroy()`);
  }
}
