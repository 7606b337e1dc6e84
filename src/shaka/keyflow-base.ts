import { EventEmitter } from 'eventemitter3';
import { KeyflowError, redactKeyflowError } from '../api/errors';
import type { KeyflowEvents } from '../api/events';
import type { Provider } from '../providers/preset';
import type { TelemetryCollector } from '../telemetry/collector';
import type { KeyflowStats } from '../telemetry/stats';
import type { TokenBroker } from '../tokens/broker';
import type { TokenSource } from '../tokens/source';
import { routedServers, type AnyProvider, type BaseConfig, type InitDataDecoder, type NormalizedConfig } from './config-types';
import { ExchangeBook, type Exchange } from './exchanges';
import { FailureHandler, type FailureContext } from './failures';
import { shakaLineFor } from './shaka-line';
import { PlayerConfig } from './player-config';
import { LicenseFilters, type FilterContext } from './license-filters';
import { LoadTracker, type LoadContext } from './load-tracker';
import { SecretGuard } from './secret-guard';
import { ServiceSession } from './service-session';
import { ReportRecorder } from './report-recorder';
import { RenewalTracker } from './renewals';
import type { ProbedRobustness, ReportInput } from '../diagnostics/report';
import { createTelemetry } from './telemetry-glue';
import { createTokenBroker } from './token-glue';
import { checkPlayer, checkUpdate, markAttached, staticTokenSecrets, validateConfig } from './validate';
import { ShakaRequestType, type ShakaNetworkingEngine, type ShakaPlayer, type ShakaRequestFilter, type ShakaResponseFilter } from './types';

export type { AnyProvider, BaseConfig, InitDataDecoder } from './config-types';
export { MAX_REPLY_BYTES } from './failures';

/**
 * The Shaka glue shared by {@link Keyflow} (provider presets by name) and the
 * tree-shakeable `shaka-keyflow/core` entry (provider preset objects): one
 * request and one response filter on the player's networking engine, the
 * player's configuration, tokens, telemetry, failures and the secrets kept
 * out of Shaka's objects, composed from the parts in `src/shaka/`,
 * `src/tokens/` and `src/telemetry/`. Apps use `Keyflow`; this class takes
 * the resolved provider preset.
 */
export class KeyflowBase<Config extends BaseConfig = BaseConfig, Update = Partial<Config>> extends EventEmitter<KeyflowEvents> {
  private player_: ShakaPlayer | null;
  private net_: ShakaNetworkingEngine | null;
  private config_: NormalizedConfig;
  private provider_: Provider<NormalizedConfig, unknown>;
  private readonly exchanges_: ExchangeBook;
  private readonly emitted_ = new WeakSet<KeyflowError>();
  private readonly lifetime_ = new AbortController();
  /** Aborted when the current content is unloaded (Retry-After waits). */
  private loadLifetime_ = new AbortController();
  private readonly tokens_: TokenBroker;
  private readonly failures_: FailureHandler;
  private readonly loads_: LoadTracker;
  private readonly filters_: LicenseFilters;
  private destroyed_ = false;
  private readonly telemetry_: TelemetryCollector;
  private readonly playerConfig_: PlayerConfig;
  private readonly secrets_: SecretGuard<Exchange>;
  private readonly decodeInitData_: InitDataDecoder | null;
  private readonly session_ = new ServiceSession((error) => this.fail_(error, []));
  private readonly reports_: ReportRecorder;
  private readonly renewals_ = new RenewalTracker(this, () => ({ config: this.config_, telemetry: this.telemetry_, player: this.player_ }));

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
    const net = checkPlayer(player);
    const normalized = validateConfig(config, provider);

    const line = shakaLineFor(player);
    this.exchanges_ = new ExchangeBook(line.perAttemptFilters);
    this.player_ = player;
    this.net_ = net;
    this.playerConfig_ = new PlayerConfig(player);
    this.telemetry_ = createTelemetry(() => this.player_, {
      timing: (event) => this.emit('timing', event),
      keystatus: (event) => this.emit('keystatus', this.renewals_.keys.handle(event)),
      expiration: (event) => this.emit('expiration', this.renewals_.expiry.licenseExpiration(event)),
    });
    this.config_ = normalized;
    this.provider_ = provider;
    this.tokens_ = createTokenBroker(normalized, this.lifetime_.signal, {
      config: () => this.config_,
      provider: () => this.provider_,
      telemetry: this.telemetry_,
      tokenrequest: (event) => this.emit('tokenrequest', event),
      token: (event) => this.emit('token', this.renewals_.expiry.tokenUsed(this.tokenSource_(), event)),
      remember: (secrets) => this.secrets_.remember(secrets),
    });
    markAttached(player, this);
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
    const context = this.context_();
    this.failures_ = new FailureHandler(context, line);
    this.loads_ = new LoadTracker(context);
    this.filters_ = new LicenseFilters(context);
    this.reports_ = new ReportRecorder(this, context);
    this.secrets_.remember(staticTokenSecrets(normalized));
    for (const [type, listener] of this.playerListeners_) player.addEventListener(type, listener);
    this.playerConfig_.applyPreset(this.wantedServers_(), this.provider_, this.config_);
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
    checkUpdate(update, this.config_.provider);
    const merged = { ...this.config_, ...update } as NormalizedConfig;
    this.config_ = validateConfig(merged, this.provider_);
    this.secrets_.remember(staticTokenSecrets(this.config_));
    // Tokens are kept per token source, scope and license server: a change of any forgets them.
    if (['token', 'servers', 'tokenScope'].some((name) => name in (update as object))) this.tokens_.cache.forget();
    this.playerConfig_.applyPreset(this.wantedServers_(), this.provider_, this.config_);
  }

  /**
   * What the parts (load tracker, license filters, failure handler) read and
   * use of keyflow: one narrow view, parts reached lazily (they are created
   * one after the other, each may call the others later).
   */
  private context_(): LoadContext & FilterContext & FailureContext {
    return {
      player: () => this.player_,
      exchanges: this.exchanges_,
      secrets: this.secrets_,
      tokens: this.tokens_,
      telemetry: this.telemetry_,
      playerConfig: this.playerConfig_,
      decodeInitData: this.decodeInitData_,
      renewals: this.renewals_,
      rejectedRenewal: () => this.renewals_.rejectedRenewal(),
      emit: {
        licenserequest: (event) => this.emit('licenserequest', event),
        licenseresponse: (event) => this.emit('licenseresponse', event),
        initdata: (event) => this.emit('initdata', event),
      },
      isDestroyed: () => this.destroyed_,
      provider: () => this.provider_,
      config: () => this.config_,
      wantedServers: () => this.wantedServers_(),
      hasTokenSource: () => this.tokenSource_() !== undefined,
      prefetches: () => this.config_.prefetchToken && typeof this.tokenSource_() === 'function',
      canRefreshToken: () => this.config_.refreshRejectedToken && typeof this.tokenSource_() === 'function',
      loadSignal: () => this.loadLifetime_.signal,
      manifestOf: (isPreload) => this.loads_.manifestOf(isPreload),
      manifestChanged: () => this.filters_.newLoad(),
      wantsInitData: () => this.listenerCount('initdata') > 0,
      licensed: (exchange, license) => {
        this.renewals_.answered(exchange, license);
        const { keySystem, manifestUri } = exchange;
        const isPreload = manifestUri !== null && manifestUri !== this.loads_.manifestOf(false);
        if (!isPreload) this.session_.licensed(() => this.provider_.sessionHooks?.(this.config_) ?? null, keySystem, manifestUri);
      },
      lastKeySystem: () => this.filters_.lastKeySystem,
      keySystemFacts: () => this.loads_.keySystemFacts(),
      fail: (error, secrets, exchange) => this.renewals_.failed(exchange, this.fail_(error, secrets)),
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
    this.net_?.unregisterRequestFilter(this.requestFilter_);
    this.net_?.unregisterResponseFilter(this.responseFilter_);
    this.secrets_.release();
    this.renewals_.clear();
    this.session_.ended();
    const player = this.player_;
    if (player) {
      markAttached(player, null, this);
      for (const [type, listener] of this.playerListeners_) player.removeEventListener(type, listener);
      this.playerConfig_.removeAll();
    }
    this.playerConfig_.release();
    this.loads_.release();
    this.exchanges_.clear();
    this.filters_.newLoad();
    this.telemetry_.stop();
    this.player_ = null;
    this.net_ = null;
    this.removeAllListeners();
  }

  /** Whether {@link destroy} has been called. */
  isDestroyed(): boolean {
    return this.destroyed_;
  }

  /** What a support report is made of, with what EME answered (see `supportReport()`, or `report()` on the main entry's Keyflow). */
  reportData(eme: readonly ProbedRobustness[]): ReportInput {
    return this.reports_.data(eme);
  }

  /** Warms the license connections before a load; with `tokenScope: 'service'` fetches the token now, settling as it does. */
  async prepare(): Promise<void> {
    this.assertAlive_('prepare');
    return this.loads_.prepare();
  }

  /** Counts and sums since the current load started (a copy). */
  getStats(): KeyflowStats {
    return this.telemetry_.stats();
  }

  private readonly onLoading_ = (): void => {
    this.playerConfig_.forgetSnapshot();
    this.filters_.newLoad();
    this.loads_.loading();
    this.telemetry_.loadStarted((this.player_ as { getMediaElement?: () => HTMLMediaElement | null } | null)?.getMediaElement?.() ?? null);
  };

  /** The player events keyflow follows (added in the constructor, removed by destroy()). */
  private readonly playerListeners_: ReadonlyArray<[string, () => void]> = [
    ['unloading', () => this.onUnloading_()],
    ['loading', this.onLoading_],
    ['drmsessionupdate', () => this.destroyed_ || (this.renewals_.sessionUpdated(), this.telemetry_.sessionUpdated())],
    ['keystatuschanged', () => this.telemetry_.keyStatusesChanged()],
    ['expirationupdated', () => this.telemetry_.expirationChanged()],
  ];

  /** The license URL per key system keyflow routes: provider defaults, then `servers`. */
  private wantedServers_(): Record<string, string> {
    return routedServers(this.provider_.defaultServersFor?.(this.config_) ?? this.provider_.defaultServers, this.config_.servers);
  }

  private tokenSource_(): TokenSource<unknown> | undefined {
    return (this.config_ as { token?: TokenSource<unknown> }).token;
  }

  private readonly onUnloading_ = (): void => {
    // Requests of the content being unloaded are aborted (their download events come right away).
    this.secrets_.unloaded();
    this.session_.ended();
    this.renewals_.clear();
    // Token fetches and Retry-After waits for the content being unloaded are not needed any more.
    this.tokens_.cache.abandonOthers(null);
    this.loadLifetime_.abort(new KeyflowError('ABORTED', 'Abandoned: the content was unloaded'));
    this.loadLifetime_ = new AbortController();
  };

  private readonly requestFilter_: ShakaRequestFilter = (type, request, context) => {
    if (this.destroyed_) return;
    if (type === ShakaRequestType.MANIFEST) return this.loads_.manifestRequested(request, context);
    return this.filters_.filterRequest(type, request, context);
  };

  private readonly responseFilter_: ShakaResponseFilter = (type, response) => {
    if (this.destroyed_) return;
    if (type === ShakaRequestType.MANIFEST) return this.loads_.manifestAnswered(response);
    return this.filters_.filterResponse(type, response);
  };

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
