/**
 * License renewals as keyflow follows them. The CDM's `license-renewal`
 * messages reach keyflow's filters as license requests (Shaka sets
 * `request.licenseRequestType`), so they are shaped like license requests
 * (route, token — refreshed first when it has expired —, preset); this part
 * adds what is renewal-specific:
 *
 * - where a session's renewals go: the renewal server its Widevine license
 *   named (`renewal_server_url`, read from the license reply), when the app
 *   allows it (`renewal.useLicenseRenewalUrl`) and the URL is https or on
 *   the license URL's origin; else the license URL;
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
import { isAllowedRenewalUrl, readWidevineRenewalPolicy } from './license-renewal-url';
import type { ShakaPlayer, ShakaRequest } from './types';

/** Where the tracker emits keyflow's `renewal`, `renewalfailed` and `expiring` events. */
type RenewalEmitter = Pick<EventEmitter<KeyflowEvents>, 'emit'>;

/** How many sessions' renewal URLs are kept (sessions of earlier loads are dropped first). */
const MAX_SESSIONS = 32;

/** Follows license renewals: their URL, their outcome. */
export class RenewalTracker {
  /** Session id → the renewal server its license named. */
  private readonly urls_ = new Map<string, string>();
  private readonly failed_ = new WeakSet<Exchange>();
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
    // Where urlFor() sent it (before this reply can name another renewal server).
    const toLicenseRenewalUrl =
      !!exchange.sessionId && this.keyflow_().config.renewal.useLicenseRenewalUrl && this.urls_.has(exchange.sessionId);
    if (exchange.keySystem.startsWith('com.widevine.') && exchange.sessionId) this.remember_(exchange, license);
    if (!exchange.renewal) return;
    this.expiry.renewable(true);
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

  /** keyflow is destroyed or the content unloaded: the sessions are gone, nothing expires. */
  clear(): void {
    this.urls_.clear();
    this.expiry.stop();
  }

  private remember_(exchange: Exchange, license: Uint8Array): void {
    const policy = readWidevineRenewalPolicy(license);
    if (policy && !exchange.renewal) this.expiry.renewable(policy.canRenew);
    const url = policy?.renewalServerUrl;
    const sessionId = exchange.sessionId!;
    if (!url || !isAllowedRenewalUrl(url, exchange.sentUrl)) return;
    this.urls_.delete(sessionId);
    this.urls_.set(sessionId, url);
    if (this.urls_.size > MAX_SESSIONS) this.urls_.delete(this.urls_.keys().next().value!);
  }
}
