import { EventEmitter } from 'eventemitter3';
import { normalizeCommonOptions, type KeyflowConfig, type KeyflowConfigUpdate } from './config';
import { attachKeyflowError, findKeyflowError, KeyflowError } from './errors';
import type { KeyflowEvents } from './events';
import { isTransientStatus } from './providers/failures';
import { providerFor } from './providers/index';
import type { DrmRequestKind, Provider } from './providers/provider';
import { isShakaError, readFailedAttempt, redactShakaError } from './shaka-errors';
import {
  ShakaErrorCode,
  ShakaRequestType,
  type ShakaEvent,
  type ShakaNetworkingEngine,
  type ShakaPlayer,
  type ShakaRequest,
  type ShakaRequestFilter,
  type ShakaResponse,
  type ShakaResponseFilter,
} from './shaka-types';
import { resolveToken } from './token';
import { redact } from './url';

/** One license (or certificate) request as keyflow follows it across attempts. */
interface Exchange {
  kind: DrmRequestKind;
  keySystem: string;
  /** The token fetch for this request, shared by its retries. */
  token: Promise<unknown> | null;
  /** Secrets placed in the request, to redact. */
  secrets: string[];
  /** The URL the latest attempt was sent to. */
  sentUrl: string;
  /** `performance.now()` when the latest attempt was released. */
  sentAt: number;
  /** Index of the latest attempt. */
  attempt: number;
  /** Shaka's `retryParameters.maxAttempts` for this request. */
  maxAttempts: number;
  /** A failure decided in the `retry` event, thrown by the next attempt's filter. */
  pendingError: KeyflowError | null;
}

type NormalizedConfig = ReturnType<typeof normalizeCommonOptions<KeyflowConfig>>;

/** How many sent URLs keyflow remembers to match replies and failures. */
const MAX_TRACKED_URLS = 64;

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

/**
 * Runs the license workflow of one DRM provider for one Shaka player.
 *
 * It registers one request filter and one response filter on the player's
 * networking engine and acts only on license requests (and certificate
 * requests where the provider needs it): it points them at the provider's
 * URL, attaches the token, unwraps replies, and turns failures into typed
 * {@link KeyflowError}s. It also sets `drm.servers` for the provider's key
 * systems, except where the app has set one itself.
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
export class Keyflow extends EventEmitter<KeyflowEvents> {
  private player_: ShakaPlayer | null;
  private net_: ShakaNetworkingEngine | null;
  private config_: NormalizedConfig;
  private provider_: Provider<KeyflowConfig, unknown>;
  /** The `drm.servers` entries keyflow put into the player's configuration. */
  private appliedServers_: Record<string, string> = {};
  private readonly exchanges_ = new WeakMap<ShakaRequest, Exchange>();
  private readonly bySentUrl_ = new Map<string, Exchange>();
  private readonly emitted_ = new WeakSet<KeyflowError>();
  private readonly lifetime_ = new AbortController();
  private lastKeySystem_: string | null = null;
  private destroyed_ = false;

  /**
   * @param player a `shaka.Player` (4.9 or later), attached or not
   * @param config the provider and its options
   * @throws KeyflowError `INVALID_CONFIG` when the configuration is unusable
   */
  constructor(player: ShakaPlayer, config: KeyflowConfig) {
    super();
    if (!player || typeof player.getNetworkingEngine !== 'function') {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: the first argument must be a shaka.Player');
    }
    const net = player.getNetworkingEngine();
    if (!net) {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: the player has no networking engine (was it destroyed?)');
    }
    const provider = providerFor(config);
    const normalized = normalizeCommonOptions(config);
    provider.validate(normalized);

    this.player_ = player;
    this.net_ = net;
    this.config_ = normalized;
    this.provider_ = provider;

    net.registerRequestFilter(this.requestFilter_);
    net.registerResponseFilter(this.responseFilter_);
    net.addEventListener('retry', this.onRetry_);
    player.addEventListener('error', this.onPlayerError_);
    this.applyServers_();
  }

  /**
   * Updates the configuration. Only the given fields change; the change
   * applies from the next license request. `provider` cannot be changed.
   *
   * @throws KeyflowError `INVALID_CONFIG`; the previous configuration stays in force
   */
  configure(update: KeyflowConfigUpdate): void {
    this.assertAlive_('configure');
    if (!update || typeof update !== 'object') {
      throw new KeyflowError('INVALID_CONFIG', 'keyflow: configure() takes an object');
    }
    if (update.provider !== undefined && update.provider !== this.config_.provider) {
      throw new KeyflowError(
        'INVALID_CONFIG',
        'keyflow: the provider cannot be changed by configure(); destroy() and create a new Keyflow',
      );
    }
    const merged = { ...this.config_, ...update } as KeyflowConfig;
    const normalized = normalizeCommonOptions(merged);
    this.provider_.validate(normalized);
    this.config_ = normalized;
    this.applyServers_();
  }

  /** A copy of the configuration in force, defaults filled in. */
  getConfiguration(): KeyflowConfig {
    return { ...this.config_, servers: { ...this.config_.servers } };
  }

  /**
   * Unregisters the filters and listeners, removes the `drm.servers` entries
   * keyflow added, abandons pending token fetches and removes all keyflow
   * listeners. Safe to call more than once.
   */
  destroy(): void {
    if (this.destroyed_) return;
    this.destroyed_ = true;
    this.lifetime_.abort();
    const net = this.net_;
    if (net) {
      net.unregisterRequestFilter(this.requestFilter_);
      net.unregisterResponseFilter(this.responseFilter_);
      net.removeEventListener('retry', this.onRetry_);
    }
    const player = this.player_;
    if (player) {
      player.removeEventListener('error', this.onPlayerError_);
      this.removeServers_(player);
    }
    this.bySentUrl_.clear();
    this.player_ = null;
    this.net_ = null;
    this.removeAllListeners();
  }

  /** Whether {@link destroy} has been called. */
  isDestroyed(): boolean {
    return this.destroyed_;
  }

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
  }

  private removeServers_(player: ShakaPlayer): void {
    const current = player.getConfiguration().drm.servers;
    const update: Record<string, undefined> = {};
    for (const [keySystem, url] of Object.entries(this.appliedServers_)) {
      if (current[keySystem] === url) update[keySystem] = undefined;
    }
    this.appliedServers_ = {};
    if (Object.keys(update).length) player.configure({ drm: { servers: update } });
  }

  /**
   * The license URL for a key system keyflow routes, or null for one it
   * leaves alone. What the player is configured with wins (an app's explicit
   * `drm.servers` entry); a URL found only in the manifest never gets a token.
   */
  private licenseUrlFor_(keySystem: string): string | null {
    const wanted = this.wantedServers_();
    if (!(keySystem in wanted)) return null;
    const configured = this.player_?.getConfiguration().drm.servers[keySystem];
    return configured || wanted[keySystem] || null;
  }

  // --- filters ----------------------------------------------------------------

  private kindOf_(type: number): DrmRequestKind | null {
    if (type === ShakaRequestType.LICENSE) return 'license';
    if (type === ShakaRequestType.SERVER_CERTIFICATE && this.provider_.handlesCertificates) return 'certificate';
    return null;
  }

  private readonly requestFilter_: ShakaRequestFilter = (type, request) => {
    if (this.destroyed_) return;
    const kind = this.kindOf_(type);
    const keySystem = request.drmInfo?.keySystem;
    if (!kind || !keySystem) return;
    const baseUrl = kind === 'license' ? this.licenseUrlFor_(keySystem) : request.uris[0];
    if (!baseUrl) return;
    return this.rewriteRequest_(kind, keySystem, baseUrl, request);
  };

  private async rewriteRequest_(
    kind: DrmRequestKind,
    keySystem: string,
    baseUrl: string,
    request: ShakaRequest,
  ): Promise<void> {
    const attempt = typeof request.attempt === 'number' ? request.attempt : 0;
    let exchange = this.exchanges_.get(request);
    if (!exchange) {
      exchange = {
        kind,
        keySystem,
        token: null,
        secrets: [],
        sentUrl: baseUrl,
        sentAt: 0,
        attempt,
        maxAttempts: request.retryParameters?.maxAttempts ?? 1,
        pendingError: null,
      };
      this.exchanges_.set(request, exchange);
    }
    exchange.attempt = attempt;
    this.lastKeySystem_ = keySystem;
    if (exchange.pendingError) throw this.fail_(exchange.pendingError, exchange.secrets);

    const keyIds = request.drmInfo?.keyIds ? Array.from(request.drmInfo.keyIds).sort() : [];
    const source = (this.config_ as { token?: unknown }).token;
    let token: unknown = null;
    if (source !== undefined) {
      exchange.token ??= resolveToken(
        source,
        {
          keySystem,
          manifestUri: this.player_?.getAssetUri?.() ?? null,
          keyIds,
          attempt,
          signal: this.lifetime_.signal,
        },
        this.config_.tokenTimeoutMs,
      );
      try {
        token = await exchange.token;
      } catch (error) {
        exchange.token = null; // a later attempt may try the source again
        throw this.fail_(asKeyflowError(error, keySystem), exchange.secrets);
      }
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
          keyIds,
        },
        token,
        this.config_,
      );
    } catch (error) {
      throw this.fail_(asKeyflowError(error, keySystem), exchange.secrets);
    }
    request.uris = [rewritten.url];
    request.headers = rewritten.headers;
    if (rewritten.body !== body) request.body = rewritten.body;
    exchange.secrets = rewritten.secrets;
    exchange.sentUrl = rewritten.url;
    exchange.sentAt = performance.now();
    this.track_(rewritten.url, exchange);

    this.emit('licenserequest', {
      kind,
      keySystem,
      url: redact(rewritten.url, exchange.secrets),
      messageType: kind === 'license' ? (request.licenseRequestType ?? null) : null,
      attempt,
      keyIds,
    });
  }

  private readonly responseFilter_: ShakaResponseFilter = (type, response) => {
    if (this.destroyed_ || !this.kindOf_(type)) return;
    const exchange = this.exchangeForResponse_(response);
    if (!exchange) return;
    const body = toBytes(response.data);
    const status = response.status ?? 200;
    let license: Uint8Array;
    try {
      license = this.provider_.unwrapResponse(
        { kind: exchange.kind, keySystem: exchange.keySystem, url: exchange.sentUrl, status, headers: response.headers, body },
        this.config_,
      );
    } catch (error) {
      throw this.fail_(asKeyflowError(error, exchange.keySystem), exchange.secrets);
    }
    if (license !== body) response.data = license;
    this.bySentUrl_.delete(exchange.sentUrl);
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
   * request filters again before waiting. keyflow decides here: a transient
   * failure with attempts left is retried by Shaka; anything else is
   * recorded and thrown by the next filter run, so it reaches the app as
   * 6007 → 1006 → KeyflowError without another network request.
   */
  private readonly onRetry_ = (event: ShakaEvent): void => {
    const error = event.error;
    if (this.destroyed_ || !isShakaError(error)) return;
    const failed = readFailedAttempt(error);
    const exchange = failed ? this.bySentUrl_.get(failed.uri) : undefined;
    if (!failed || !exchange) return;
    redactShakaError(error, exchange.secrets);
    const keyflowError = this.errorForAttempt_(failed, exchange);
    const transient = failed.status === undefined || isTransientStatus(failed.status);
    const attemptsLeft = exchange.attempt + 1 < exchange.maxAttempts;
    if (!transient || !attemptsLeft) exchange.pendingError = keyflowError;
  };

  /**
   * The player's `error` event: translates license failures keyflow has not
   * typed yet (Shaka 4.x, where 401/403 are not retried; the CDM rejecting a
   * license) and emits every keyflow error exactly once.
   */
  private readonly onPlayerError_ = (event: ShakaEvent): void => {
    if (this.destroyed_) return;
    const error = event.detail;
    if (!isShakaError(error)) return;
    const known = findKeyflowError(error);
    if (known) {
      this.fail_(known, []);
      return;
    }
    let keyflowError: KeyflowError | null = null;
    const inner = error.data[0];
    if (error.code === ShakaErrorCode.LICENSE_REQUEST_FAILED && isShakaError(inner)) {
      const failed = readFailedAttempt(inner);
      const exchange = failed ? this.bySentUrl_.get(failed.uri) : undefined;
      if (failed && exchange) {
        redactShakaError(inner, exchange.secrets);
        keyflowError = this.fail_(this.errorForAttempt_(failed, exchange), exchange.secrets);
      }
    } else if (error.code === ShakaErrorCode.LICENSE_RESPONSE_REJECTED && this.lastKeySystem_) {
      const reason = typeof error.data[0] === 'string' ? `: ${error.data[0]}` : '';
      keyflowError = this.fail_(
        new KeyflowError('LICENSE_REJECTED', `The CDM rejected the license${reason}`, { keySystem: this.lastKeySystem_ }),
        [],
      );
    }
    if (keyflowError) attachKeyflowError(error, keyflowError);
  };

  private errorForAttempt_(
    failed: NonNullable<ReturnType<typeof readFailedAttempt>>,
    exchange: Exchange,
  ): KeyflowError {
    if (failed.status !== undefined) {
      return this.provider_.decodeFailure(
        {
          kind: exchange.kind,
          keySystem: exchange.keySystem,
          status: failed.status,
          headers: failed.headers ?? {},
          bodyText: failed.bodyText ?? '',
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
    const clean = redact(error.message, secrets);
    if (clean !== error.message) error.message = clean;
    if (!this.emitted_.has(error) && !this.destroyed_) {
      this.emitted_.add(error);
      this.emit('error', error);
    }
    return error;
  }

  private assertAlive_(method: string): void {
    if (this.destroyed_) throw new KeyflowError('DESTROYED', `keyflow: ${method}() called after destroy()`);
  }
}
