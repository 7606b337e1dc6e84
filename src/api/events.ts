import type { KeyflowError } from './errors';
import type { DecodedSystem } from '../pssh/init-data';
import type { TimingEvent } from '../telemetry/stats';

export type { TimingEvent };
import type { TokenFetchReason } from '../tokens/cache';

/** Payload of the `licenserequest` event: a license or certificate request is about to go out. */
export interface LicenseRequestEvent {
  /** `license` for CDM messages, `certificate` for service-certificate fetches. */
  kind: 'license' | 'certificate';
  /** The key system of the request, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The URL the request goes to, with every token replaced by `[redacted]`. */
  url: string;
  /** The EME message type (`license-request`, `license-renewal`, ...); null for certificates. */
  messageType: string | null;
  /** 0 for the first attempt, then 1, 2, ... when Shaka 5 retries. */
  attempt: number;
  /** Key IDs (lower-case hex) of the content, when known. */
  keyIds: string[];
}

/** Payload of the `licenseresponse` event: a 2xx reply arrived and was accepted by keyflow. */
export interface LicenseResponseEvent {
  /** `license` for CDM messages, `certificate` for service-certificate fetches. */
  kind: 'license' | 'certificate';
  /** The key system of the request, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The URL that answered, token redacted. */
  url: string;
  /** HTTP status (2xx). */
  status: number;
  /** From the moment keyflow released the request to the moment the reply reached keyflow. */
  durationMs: number;
  /** Size of the license (after unwrapping) in bytes. */
  byteLength: number;
}

/** Payload of the `tokenrequest` event: keyflow is calling the app's token source. */
export interface TokenRequestEvent {
  /**
   * Why: `prefetch` (a load started, or `prepare()`), `license` (a license request needs one
   * and none was cached), `expired` (the cached one is about to expire),
   * `rejected` (the license server rejected the previous one).
   */
  reason: TokenFetchReason;
  /** The key system the token is for (for a prefetch: the one this platform is expected to use). */
  keySystem: string;
}

/** Payload of the `token` event: a license request got its token. Never contains the token. */
export interface TokenEvent {
  /** The key system of the license request the token is for. */
  keySystem: string;
  /** How long the license request waited for the token (0 when it was ready). */
  durationMs: number;
  /** True when the token was fetched before this request needed it (prefetch or an earlier request). */
  cached: boolean;
  /** When the token expires (ms since the epoch): a JWT's `exp`, else keyflow's max age. */
  expiresAt?: number;
}

/** Payload of the `initdata` event: what the init data of a license request says. */
export interface InitDataEvent {
  /** The key system of the license request the init data belongs to. */
  keySystem: string;
  /** `cenc`, `keyids`, `webm`, ... as Shaka gave it to the CDM. */
  initDataType: string;
  /** One entry per protection system box (for `cenc`), with its decoded KIDs and system data. */
  systems: DecodedSystem[];
  /** Set when the init data could not be decoded; `systems` is then empty. */
  decodeError?: string;
}

/** Payload of the `keystatus` event: the key statuses after a change (Shaka's own event has none). */
export interface KeyStatusEvent {
  /** Every key the CDM reports, lower-case hex KID and EME status (`usable`, `expired`, `output-restricted`, ...). */
  keys: Array<{
    /** Key ID, lower-case hex. */
    keyId: string;
    /** EME key status: `usable`, `expired`, `released`, `output-restricted`, `output-downscaled`, `status-pending`, `internal-error`. */
    status: string;
    /** What the status means for playback, in plain words (absent for `usable`). */
    explanation?: string;
  }>;
  /** What keyflow did about the statuses (the `renewal.onExpired` / `renewal.onInternalError` options), if anything. */
  action?: 'renew' | 'reload';
}

/** Payload of the `renewal` event: the license server answered a license renewal (EME `license-renewal`). */
export interface RenewalEvent {
  /** The key system of the session renewed. */
  keySystem: string;
  /** Where the renewal went (secrets redacted). */
  url: string;
  /** True when the URL is the renewal server the license named (Widevine `renewal_server_url`). */
  toLicenseRenewalUrl: boolean;
  /** Attempts before the one answered (Shaka retries, token replays). */
  attempt: number;
  /** Request sent → reply, ms (the last attempt). */
  durationMs: number;
}

/** Payload of the `renewalfailed` event: a license renewal failed for good (after keyflow's retry rules). */
export interface RenewalFailedEvent {
  /** The key system of the session. */
  keySystem: string;
  /** `RENEWAL_FAILED`, its `cause` the typed failure (`explain(error)` says what to do). Secrets redacted. */
  error: KeyflowError;
}

/** Payload of the `expiring` event: a license or the token expires soon, with no renewal in sight. */
export interface ExpiringEvent {
  /** What expires: the licenses (session expiration) or the app's token (a static one keyflow cannot refresh). */
  what: 'license' | 'token';
  /** When, ms since the epoch. */
  expiresAt: number;
  /** How long from now, ms (never negative). */
  inMs: number;
}

/** Payload of the `expiration` event: when the licenses expire. */
export interface ExpirationEvent {
  /** The earliest expiration of the current sessions, ms since the epoch; null when they never expire. */
  expiration: number | null;
}

/**
 * The typed event map of a {@link Keyflow} instance: event name → listener
 * arguments. Token values never appear in any payload.
 */
export interface KeyflowEvents {
  /** A license or certificate request is about to go out (once per attempt); its URL has tokens redacted. */
  licenserequest: [event: LicenseRequestEvent];
  /** A 2xx license or certificate reply arrived and keyflow accepted it (unwrapped where the provider wraps). */
  licenseresponse: [event: LicenseResponseEvent];
  /** keyflow is calling the app's token source, and why. */
  tokenrequest: [event: TokenRequestEvent];
  /** A license request got its token (fetched or cached); never carries the token itself. */
  token: [event: TokenEvent];
  /** What the init data of a license request says: protection systems, KIDs, PlayReady header, Widevine content id. */
  initdata: [event: InitDataEvent];
  /** Where the time of one license exchange went: token wait, certificate, network, CDM, first frame. */
  timing: [event: TimingEvent];
  /** The key statuses after a change, as the CDM reports them. */
  keystatus: [event: KeyStatusEvent];
  /** When the current licenses expire. */
  expiration: [event: ExpirationEvent];
  /** A license renewal was answered (see `renewal` options). */
  renewal: [event: RenewalEvent];
  /** A license renewal failed for good; the keys expire unless a later renewal succeeds. */
  renewalfailed: [event: RenewalFailedEvent];
  /** A license or the token expires within `renewal.warnBeforeMs`, with no renewal in sight. */
  expiring: [event: ExpiringEvent];
  /** Every failure, as a typed {@link KeyflowError}; the same error also reaches Shaka's error chain. */
  error: [error: KeyflowError];
}
