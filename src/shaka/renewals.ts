/**
 * License renewals as keyflow follows them. The CDM's `license-renewal`
 * messages reach keyflow's filters as license requests (Shaka sets
 * `request.licenseRequestType`), so they are shaped like license requests
 * (route, token — refreshed first when it has expired —, preset); this part
 * adds what is renewal-specific:
 *
 * - where a session's renewals go: the renewal server its Widevine license
 *   named (`renewal_server_url`, read from the license reply), when the app
 *   allows it (`renewal.useLicenseRenewalUrl`) and the URL is on the origin
 *   of the session's configured license URL or one of `renewalOrigins`
 *   (never judged against an earlier renewal server), sent as a literal URL;
 *   else the license URL;
 * - the `renewal` event and count when one is answered, the
 *   `renewalfailed` event (a `RENEWAL_FAILED` error, its cause the typed
 *   failure) and count when one fails for good, once per renewal.
 *
 * @module
 */
import type { EventEmitter } from 'eventemitter3';
import { KeyflowError } from '../api/errors';
import type { KeyflowEvents } from '../api/events';
import type { TelemetryCollector } from '../telemetry/collector';
import { redact } from '../util/redact';
import type { NormalizedConfig } from './config-types';
import type { Exchange } from './exchanges';
import { ExpiryWatch } from './expiry-watch';
import { KeyStatusActions } from './key-status-actions';
import { isAllowedRenewalUrl, literalUrl, readWidevineRenewalPolicy } from './license-renewal-url';
import type { ShakaPlayer, ShakaRequest } from './types';

/** Where the tracker emits keyflow's `renewal`, `renewalfailed` and `expiring` events. */
type RenewalEmitter = Pick<EventEmitter<KeyflowEvents>, 'emit'>;

/** How many sessions' renewal URLs are kept (sessions of earlier loads are dropped first). */
const MAX_SESSIONS = 32;

/** Follows license renewals: their URL, their outcome. */
export class RenewalTracker {
  /** Session id → the renewal server its license named. */
  private readonly urls_ = new Map<string, string>();
  /** Session id → the origin of its (configured) license URL, which a renewal server is judged against. */
  private readonly licenseOrigins_ = new Map<string, string>();
  private readonly failed_ = new WeakSet<Exchange>();
  /** The last renewal answered whose license the CDM has not taken yet (no session update since). */
  private unconfirmed_: Exchange | null = null;
  /** The `expiring` warnings (told whether a renewal is in sight). */
  readonly expiry: ExpiryWatch;
  /** Key status explanations and actions. */
  readonly keys: KeyStatusActions;

  /**
   * @param emitter_ keyflow (its events)
   * @param keyflow_ the configuration in force, the stats and the player
   */
  constructor(
    private readonly emitter_: RenewalEmitter,
    private readonly keyflow_: () => { config: NormalizedConfig; telemetry: TelemetryCollector; player: ShakaPlayer | null },
  ) {
    this.expiry = new ExpiryWatch({
      warnBeforeMs: () => keyflow_().config.renewal.warnBeforeMs,
      emit: (event) => emitter_.emit('expiring', event),
    });
    this.keys = new KeyStatusActions(keyflow_);
  }

  /** Where a license request goes: for a renewal, its license's renewal server when allowed; else `licenseUrl`. */
  urlFor(request: ShakaRequest, licenseUrl: string): string {
    if (request.licenseRequestType !== 'license-renewal' || !request.sessionId) return licenseUrl;
    if (!this.keyflow_().config.renewal.useLicenseRenewalUrl) return licenseUrl;
    return this.urls_.get(request.sessionId) ?? licenseUrl;
  }

  /** A license (or renewal) reply reached the CDM: remember the renewal server it names; report a renewal. */
  answered(exchange: Exchange, license: Uint8Array): void {
    if (exchange.kind !== 'license' || exchange.isCertificateChallenge) return;
    // Where it went (judged before this reply can name another renewal server).
    const remembered = exchange.sessionId ? this.urls_.get(exchange.sessionId) : undefined;
    const toLicenseRenewalUrl = !!remembered && sameEndpoint(exchange.sentUrl, remembered);
    const policy = exchange.keySystem.startsWith('com.widevine.') && exchange.sessionId ? this.remember_(exchange, license) : null;
    if (!exchange.renewal) return;
    this.unconfirmed_ = exchange;
    // A renewal license may say it is the last (can_renew false): then an expiry warning is due.
    this.expiry.renewable(policy ? policy.canRenew : true);
    this.keys.renewed();
    this.keyflow_().telemetry.renewal(true);
    this.emitter_.emit('renewal', {
      keySystem: exchange.keySystem,
      url: redact(exchange.sentUrl, exchange.secrets),
      toLicenseRenewalUrl,
      attempt: exchange.attempt,
      durationMs: Math.max(0, performance.now() - exchange.sentAt),
    });
  }

  /** `error` (already redacted) ended `exchange`: a renewal's failure is reported once. Returns `error`. */
  failed(exchange: Exchange | undefined, error: KeyflowError): KeyflowError {
    if (!exchange?.renewal || this.failed_.has(exchange)) return error;
    if (error.code === 'ABORTED' || error.code === 'DESTROYED') return error;
    this.failed_.add(exchange);
    this.keyflow_().telemetry.renewal(false);
    const failure = new KeyflowError('RENEWAL_FAILED', `The license renewal failed: ${error.message}`, {
      keySystem: exchange.keySystem,
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
      cause: error,
    });
    this.emitter_.emit('renewalfailed', { keySystem: exchange.keySystem, error: failure });
    this.expiry.renewalFailed();
    return error;
  }

  /** The CDM took a license (Shaka's `drmsessionupdate`): the last renewal is confirmed. */
  sessionUpdated(): void {
    this.unconfirmed_ = null;
  }

  /** The renewal whose license the CDM just rejected (Shaka 6008), if the last license answered was one. */
  rejectedRenewal(): Exchange | undefined {
    const exchange = this.unconfirmed_ ?? undefined;
    this.unconfirmed_ = null;
    return exchange;
  }

  /** keyflow is destroyed or the content unloaded: the sessions are gone, nothing expires. */
  clear(): void {
    this.urls_.clear();
    this.licenseOrigins_.clear();
    this.unconfirmed_ = null;
    this.expiry.stop();
    this.keys.renewed();
  }

  /** Reads the license's policy; keeps the renewal server it names when allowed. */
  private remember_(exchange: Exchange, license: Uint8Array): { canRenew: boolean } | null {
    const policy = readWidevineRenewalPolicy(license);
    if (policy && !exchange.renewal) this.expiry.renewable(policy.canRenew);
    const sessionId = exchange.sessionId!;
    if (!exchange.renewal && exchange.licenseOrigin) keep(this.licenseOrigins_, sessionId, exchange.licenseOrigin);
    const url = policy?.renewalServerUrl;
    const allowed = this.keyflow_().config.renewal.renewalOrigins;
    if (url && isAllowedRenewalUrl(url, this.licenseOrigins_.get(sessionId) ?? null, allowed)) keep(this.urls_, sessionId, literalUrl(url));
    return policy;
  }
}

/** Sets `key` as the newest entry; the oldest go past {@link MAX_SESSIONS}. */
function keep(map: Map<string, string>, key: string, value: string): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_SESSIONS) map.delete(map.keys().next().value!);
}

/** The same scheme, host, port and path (queries carry tokens and differ). */
function sameEndpoint(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return x.origin === y.origin && x.pathname === y.pathname;
  } catch {
    return false;
  }
}
