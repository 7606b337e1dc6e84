import type { KeyflowError } from '../api/errors';
import type { LicenseServers } from '../api/key-systems';
import type { SessionHooks } from '../api/session-hooks';

/** Which kind of DRM request a provider is asked to shape. */
export type DrmRequestKind = 'license' | 'certificate';

/**
 * A license or certificate request as Shaka is about to send it, described
 * without any Shaka types. Providers receive this and never see Shaka.
 */
export interface DrmRequest {
  /** `license` for CDM messages, `certificate` for Shaka's server-certificate request. */
  kind: DrmRequestKind;
  /** The EME key system, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The license (or certificate) URL configured for this key system. */
  url: string;
  /** Request headers, as Shaka prepared them (PlayReady: SOAPAction, Content-Type). */
  headers: Record<string, string>;
  /** The CDM's message (PlayReady: the raw SOAP challenge, already unpacked by Shaka). */
  body: Uint8Array;
  /** EME message type, e.g. `license-request`, `license-renewal`; null for certificates. */
  messageType: string | null;
  /** 0 for the first attempt; Shaka 5 re-runs filters on each retry. */
  attempt: number;
  /** The init data the session was created from, when known. */
  initData: Uint8Array | null;
  /** The init data type (`cenc`, `keyids`, `webm`, `sinf`, `skd`), when known. */
  initDataType: string | null;
  /** Key IDs (lower-case hex) Shaka knows for the content, possibly empty. */
  keyIds: string[];
  /**
   * The key system URIs the manifest signalled for this key system, where
   * Shaka reports them (HLS FairPlay: the `skd://` URI of the `#EXT-X-KEY`,
   * which modern EME init data does not carry).
   */
  keySystemUris?: string[];
}

/** What a provider wants sent instead of the original request. */
export interface RewrittenDrmRequest {
  /** The URL to send the request to (tokens included, as the provider placed them). */
  url: string;
  /** The complete request headers. */
  headers: Record<string, string>;
  /** The request body (the challenge, wrapped where the provider wraps it). */
  body: Uint8Array;
  /**
   * Secret strings placed in the request (tokens). keyflow redacts them from
   * every event, log line and error message.
   */
  secrets: string[];
}

/** A successful (2xx) license or certificate reply, described without Shaka types. */
export interface DrmResponse {
  /** `license` or `certificate`, as the request was. */
  kind: DrmRequestKind;
  /** The EME key system, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The URL that answered. */
  url: string;
  /** HTTP status (2xx). */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The reply body, as the server sent it. */
  body: Uint8Array;
  /**
   * The secrets keyflow placed in the request: a provider that quotes the
   * reply in an error message redacts them first (before cutting the quote).
   */
  secrets?: readonly string[];
}

/** A failed (non-2xx) reply from the license server. */
export interface DrmHttpFailure {
  /** `license` or `certificate`, as the request was. */
  kind: DrmRequestKind;
  /** The EME key system, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** HTTP status (not 2xx). */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The reply body decoded as text (may be empty). */
  bodyText: string;
}

/**
 * One DRM service preset: how to shape requests to it and read its replies.
 *
 * Providers are small and declarative, never touch Shaka, and are unit-tested
 * in isolation. All Shaka specifics live in `keyflow.ts`.
 *
 * @typeParam Options the provider's typed options (part of the keyflow config)
 * @typeParam Token what the provider's token source yields, or `never`
 */
export interface Provider<Options, Token> {
  /** The `provider` value that selects this preset. */
  readonly name: string;
  /**
   * The names of the options this provider takes, besides the common ones
   * (`servers`, `tokenTimeoutMs`, ...): keyflow answers any other name with
   * `INVALID_CONFIG`. Without it, option names are not checked.
   */
  readonly optionNames?: readonly string[];
  /** License URLs used when `servers` does not name a key system. */
  readonly defaultServers: LicenseServers;
  /** License URLs used when `servers` does not name a key system, for these options (defaults to {@link defaultServers}). */
  defaultServersFor?(options: Options): LicenseServers;
  /**
   * The service's server certificate URL per key system (e.g. its FairPlay
   * certificate endpoint), for these options: keyflow puts it into
   * `drm.advanced[keySystem].serverCertificateUri` unless the app set a
   * certificate itself.
   */
  defaultCertificatesFor?(options: Options): Record<string, string>;
  /**
   * FairPlay: how these options read the content id the CDM is given (where
   * it wants one: Safari's legacy WebKit keys) from the session's `skd://`
   * URI; null to leave it to Shaka's default.
   */
  fairPlayContentIdOf?(options: Options): ((skdUri: string) => string | null) | null;
  /** The calls the service wants around playback (open, keep alive, close a session), for these options; null for none. */
  sessionHooks?(options: Options): SessionHooks | null;
  /** `per-request` when this provider's tokens are single use (never reused or shared); `cached` by default. */
  tokenReuse?(options: Options): 'cached' | 'per-request';
  /** When `token` expires (ms since the epoch) as this provider reads it, or null to leave it to keyflow's generic reader. */
  tokenExpiry?(token: Token, options: Options): number | null;
  /** Whether this provider, so configured, shapes certificate requests too (and needs a token for them). */
  handlesCertificates(options: Options): boolean;
  /** Throws an `INVALID_CONFIG` {@link KeyflowError} when options are unusable. */
  validate(options: Options): void;
  /**
   * Rewrites a request. Must be idempotent: on Shaka 5 it may run again on
   * the already-rewritten URL for a retry.
   *
   * @param request the request as Shaka would send it
   * @param token what the token source returned, or `null` when no token is configured
   * @param options the provider's options
   */
  rewriteRequest(request: DrmRequest, token: Token | null, options: Options): RewrittenDrmRequest;
  /** Turns a 2xx reply into the bytes for the CDM, or throws a {@link KeyflowError}. */
  unwrapResponse(response: DrmResponse, options: Options): Uint8Array;
  /** Turns a non-2xx reply into a typed {@link KeyflowError}. */
  decodeFailure(failure: DrmHttpFailure, options: Options): KeyflowError;
}
