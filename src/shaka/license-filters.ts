/**
 * keyflow's request and response filters for license (and certificate)
 * requests: route the request to the provider's URL, wait for Retry-After
 * and the token, let the preset shape it, refuse a token in clear, keep the
 * exchange's clock and secrets; unwrap and check the reply, keep service
 * certificates, and report each exchange as `licenserequest` /
 * `licenseresponse` (and the init data as `initdata`). Manifests are the
 * load tracker's; failures the failure handler's.
 *
 * @module
 */
import { KeyflowError, toKeyflowError } from '../api/errors';
import type { InitDataEvent, LicenseRequestEvent, LicenseResponseEvent } from '../api/events';
import type { DrmRequestKind, RewrittenDrmRequest } from '../providers/preset';
import type { TelemetryCollector } from '../telemetry/collector';
import type { TokenBroker } from '../tokens/broker';
import { cleartextRefusal } from '../tokens/transport';
import { sleep } from '../util/abort';
import { redact } from '../util/redact';
import type { AnyProvider, InitDataDecoder, NormalizedConfig } from './config-types';
import { bytesOf, type Exchange, type ExchangeBook } from './exchanges';
import { checkReplySize } from './failures';
import type { PlayerConfig } from './player-config';
import type { RenewalTracker } from './renewals';
import type { SecretGuard } from './secret-guard';
import { ShakaRequestType, type ShakaRequest, type ShakaRequestContext, type ShakaResponse } from './types';

/** What the filters read and use of keyflow. */
export interface FilterContext {
  readonly exchanges: ExchangeBook;
  readonly secrets: SecretGuard<Exchange>;
  readonly tokens: TokenBroker;
  readonly telemetry: TelemetryCollector;
  readonly playerConfig: PlayerConfig;
  readonly decodeInitData: InitDataDecoder | null;
  readonly renewals: RenewalTracker;
  /** Where the filters' events go. */
  readonly emit: {
    licenserequest(event: LicenseRequestEvent): void;
    licenseresponse(event: LicenseResponseEvent): void;
    initdata(event: InitDataEvent): void;
  };
  isDestroyed(): boolean;
  provider(): AnyProvider;
  config(): NormalizedConfig;
  /** The license URL per key system keyflow routes. */
  wantedServers(): Record<string, string>;
  /** A token (or token function) is configured. */
  hasTokenSource(): boolean;
  /** Aborted when the current content is unloaded (Retry-After waits). */
  loadSignal(): AbortSignal;
  /** The manifest (resolved) of the load, or of the preload, a request belongs to. */
  manifestOf(isPreload: boolean): string | null;
  /** Whether the app listens for `initdata`. */
  wantsInitData(): boolean;
  /** A license (or renewal) reached the CDM: the service session may start (`exchange.manifestUri`: resolved, or null), renewals are followed. */
  licensed(exchange: Exchange, license: Uint8Array): void;
  /** Redacts, emits once (keyflow's `error` event) and returns the error; a renewal's failure is reported as one. */
  fail(error: KeyflowError, secrets: readonly string[], exchange?: Exchange): KeyflowError;
}

function bytesKey(bytes: Uint8Array): string {
  let key = `${bytes.byteLength}:`;
  for (let i = 0; i < bytes.byteLength; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

/** The license (and certificate) side of keyflow's Shaka filters. */
export class LicenseFilters {
  /** The key system of the latest license request (a certificate reply without DRM info is for it). */
  lastKeySystem: string | null = null;
  private readonly seenInitData_ = new Set<string>();
  private readonly certificateStarts_ = new WeakMap<ShakaRequest, number>();

  /** @param ctx_ what the filters read and use of keyflow */
  constructor(private readonly ctx_: FilterContext) {}

  /** A new load (or manifest): its init data is reported again. */
  newLoad(): void {
    this.seenInitData_.clear();
  }

  private kindOf_(type: number): DrmRequestKind | null {
    if (type === ShakaRequestType.LICENSE) return 'license';
    if (type === ShakaRequestType.SERVER_CERTIFICATE && this.ctx_.provider().handlesCertificates(this.ctx_.config())) return 'certificate';
    return null;
  }

  /** Shaka's request filter, for everything but manifests: shapes license (and certificate) requests. */
  readonly filterRequest = (type: number, request: ShakaRequest, context?: ShakaRequestContext): Promise<void> | void => {
    const kind = this.kindOf_(type);
    if (type === ShakaRequestType.SERVER_CERTIFICATE && !kind && !this.certificateStarts_.has(request)) {
      this.certificateStarts_.set(request, performance.now());
    }
    // Shaka's certificate requests carry no DRM info: the configured certificate URI names the key system.
    const keySystem =
      request.drmInfo?.keySystem ??
      (kind === 'certificate' ? this.ctx_.playerConfig.configuredCertificateKeySystem(request.uris[0]) : null);
    // A `data:` license is one Shaka made itself from keys it already holds (`drm.clearKeys`, HLS
    // `KEYFORMAT="identity"`): no license server, nothing to route or attach a token to.
    if (!kind || !keySystem || /^data:/i.test(request.uris[0] ?? '')) return;
    const licenseUrl = kind === 'license' ? this.ctx_.playerConfig.licenseUrlFor(keySystem, this.ctx_.wantedServers()) : request.uris[0];
    const baseUrl = licenseUrl && kind === 'license' ? this.ctx_.renewals.urlFor(request, licenseUrl) : licenseUrl;
    if (!baseUrl) return;
    return this.rewriteRequest_(kind, keySystem, baseUrl, request, !!context?.isPreload);
  };

  /** Starts following a request: its key IDs (from Shaka, else the init data) and the load it belongs to. */
  private openExchange_(kind: DrmRequestKind, keySystem: string, baseUrl: string, request: ShakaRequest, isPreload: boolean): Exchange {
    const keyIds = request.drmInfo?.keyIds
      ? Array.from(request.drmInfo.keyIds)
          .map((id) => id.toLowerCase())
          .sort()
      : [];
    if (!keyIds.length && request.initData && request.initDataType && this.ctx_.decodeInitData) {
      try {
        const decoded = this.ctx_.decodeInitData(request.initDataType, request.initData);
        for (const system of decoded.systems) for (const id of system.keyIds) if (!keyIds.includes(id)) keyIds.push(id);
        keyIds.sort();
      } catch {
        // undecodable init data: the KIDs stay unknown
      }
    }
    const manifestUri = this.ctx_.manifestOf(isPreload);
    return this.ctx_.exchanges.open(request, { kind, keySystem, baseUrl, manifestUri, keyIds });
  }

  private emitInitData_(keySystem: string, request: ShakaRequest): void {
    const { initData, initDataType } = request;
    const decode = this.ctx_.decodeInitData;
    if (!initData || !initDataType || !decode || !this.ctx_.wantsInitData()) return;
    const seenKey = `${keySystem}|${initDataType}|${bytesKey(initData)}`;
    if (this.seenInitData_.has(seenKey)) return;
    this.seenInitData_.add(seenKey);
    try {
      const decoded = decode(initDataType, initData);
      this.ctx_.emit.initdata({ keySystem, initDataType, systems: decoded.systems });
    } catch (error) {
      this.ctx_.emit.initdata({
        keySystem,
        initDataType,
        systems: [],
        decodeError: error instanceof Error ? error.message : String(error),
      });
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
    let exchange = this.ctx_.exchanges.of(request);
    if (!exchange) {
      exchange = this.openExchange_(kind, keySystem, baseUrl, request, isPreload);
      if (kind === 'license') this.emitInitData_(keySystem, request);
    }
    exchange.attempt = attempt;
    this.lastKeySystem = keySystem;
    if (exchange.pendingError) throw this.ctx_.fail(exchange.pendingError, exchange.secrets, exchange);
    const token = await this.tokenAfterWaiting_(exchange, attempt);
    const body = bytesOf(request.body);
    let rewritten: RewrittenDrmRequest;
    try {
      rewritten = this.ctx_.provider().rewriteRequest(
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
          keySystemUris: [...(request.drmInfo?.keySystemUris ?? [])],
        },
        token,
        this.ctx_.config(),
      );
    } catch (error) {
      throw this.ctx_.fail(toKeyflowError(error, keySystem), exchange.secrets, exchange);
    }
    this.send_(exchange, request, rewritten, body, isPreload);
  }

  /** Waits for any Retry-After, then for the token (null without a token source). */
  private async tokenAfterWaiting_(exchange: Exchange, attempt: number): Promise<unknown> {
    let token: unknown = null;
    try {
      const waitUntil = exchange.notBefore - performance.now();
      if (waitUntil > 0) await sleep(waitUntil, this.ctx_.loadSignal());
      if (this.ctx_.hasTokenSource()) token = await this.ctx_.tokens.tokenFor(exchange, attempt);
    } catch (error) {
      throw this.ctx_.fail(toKeyflowError(error, exchange.keySystem), exchange.secrets, exchange);
    }
    if (this.ctx_.isDestroyed()) {
      throw new KeyflowError('DESTROYED', 'License request abandoned: keyflow was destroyed', { keySystem: exchange.keySystem });
    }
    return token;
  }

  /** Puts the preset's request into Shaka's (unless it would carry a token in clear), and reports it. */
  private send_(exchange: Exchange, request: ShakaRequest, rewritten: RewrittenDrmRequest, body: Uint8Array, isPreload: boolean): void {
    const { kind, keySystem, attempt } = exchange;
    const refusal = cleartextRefusal({
      kind,
      keySystem,
      url: rewritten.url,
      carriesSecrets: rewritten.secrets.length > 0,
      allowInsecureHttp: this.ctx_.config().allowInsecureHttp,
      forcesHttp: this.ctx_.playerConfig.forcesHttp(),
    });
    if (refusal) throw this.ctx_.fail(refusal, rewritten.secrets, exchange);
    request.uris = [rewritten.url];
    request.headers = rewritten.headers;
    if (rewritten.body !== body) {
      request.body = rewritten.body;
      // The CDM's challenge, from the first attempt: on a Shaka 5 retry `body` is the wrapped one.
      if (!exchange.originalBody) exchange.originalBody = body;
    }
    exchange.secrets = rewritten.secrets;
    this.ctx_.secrets.remember(rewritten.secrets);
    // A preload's events go to its PreloadManager, not through the player keyflow guards.
    if (!isPreload) this.ctx_.secrets.sent(request);
    exchange.sentUrl = rewritten.url;
    exchange.sentAt = performance.now();
    this.ctx_.exchanges.sentTo(rewritten.url, exchange);
    this.ctx_.telemetry.requestSent(kind === 'certificate' || exchange.isCertificateChallenge, attempt);
    this.ctx_.emit.licenserequest({
      kind,
      keySystem,
      url: redact(rewritten.url, exchange.secrets),
      messageType: kind === 'license' ? (request.licenseRequestType ?? null) : null,
      attempt,
      keyIds: exchange.keyIds,
    });
  }

  /** Shaka's response filter, for everything but manifests: unwraps and checks license (and certificate) replies. */
  readonly filterResponse = (type: number, response: ShakaResponse): void => {
    if (type === ShakaRequestType.SERVER_CERTIFICATE) {
      const keySystem =
        response.originalRequest?.drmInfo?.keySystem ??
        this.ctx_.playerConfig.certificateKeySystem(response.originalUri ?? response.uri) ??
        this.lastKeySystem;
      if (!this.ctx_.provider().handlesCertificates(this.ctx_.config())) {
        const started = response.originalRequest ? this.certificateStarts_.get(response.originalRequest) : undefined;
        this.ctx_.telemetry.certificateSeen(keySystem, started !== undefined ? performance.now() - started : undefined);
        if (keySystem) this.ctx_.playerConfig.keepCertificate(keySystem, bytesOf(response.data));
        return;
      }
    }
    if (!this.kindOf_(type)) return;
    const exchange = this.ctx_.exchanges.forResponse(response);
    if (!exchange) return;
    const body = bytesOf(response.data);
    const status = response.status ?? 200;
    let license: Uint8Array;
    try {
      checkReplySize(body.byteLength, exchange, status);
      license = this.ctx_.provider().unwrapResponse(
        {
          kind: exchange.kind,
          keySystem: exchange.keySystem,
          url: exchange.sentUrl,
          status,
          headers: response.headers,
          body,
          secrets: exchange.secrets,
        },
        this.ctx_.config(),
      );
    } catch (error) {
      throw this.ctx_.fail(toKeyflowError(error, exchange.keySystem), exchange.secrets, exchange);
    }
    if (license !== body) response.data = license;
    this.ctx_.exchanges.answered(exchange);
    exchange.respondedAt = performance.now();
    if (exchange.kind === 'certificate' || exchange.isCertificateChallenge) {
      this.ctx_.playerConfig.keepCertificate(exchange.keySystem, license);
      this.ctx_.telemetry.certificateFetched(exchange.keySystem, exchange.respondedAt - exchange.startedAt);
    } else if (!exchange.renewal) {
      this.ctx_.telemetry.licenseDelivered(exchange, license.byteLength); // renewals: counted as renewals, no load timing
    }
    this.ctx_.emit.licenseresponse({
      kind: exchange.kind,
      keySystem: exchange.keySystem,
      url: redact(exchange.sentUrl, exchange.secrets),
      status,
      durationMs: Math.max(0, performance.now() - exchange.sentAt),
      byteLength: license.byteLength,
    });
    if (exchange.kind === 'license' && !exchange.isCertificateChallenge) this.ctx_.licensed(exchange, license);
  };
}
