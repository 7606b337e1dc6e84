/**
 * The small part of Shaka Player's API that keyflow touches, typed
 * structurally so that a `shaka.Player` of any supported version (4.9 to 5.x)
 * fits without keyflow importing Shaka at all (no second Shaka copy in a
 * bundle, no dependency on Shaka's generated type declarations).
 *
 * Field names and enum values follow `externs/shaka/net.js` and
 * `lib/net/networking_engine.js` of shaka-player.
 */

/** `shaka.net.NetworkingEngine.RequestType` values keyflow acts on. */
export const ShakaRequestType = {
  MANIFEST: 0,
  LICENSE: 2,
  SERVER_CERTIFICATE: 5,
} as const;

/** Shaka error codes keyflow reads (`lib/util/error.js`). */
export const ShakaErrorCode = {
  BAD_HTTP_STATUS: 1001,
  HTTP_ERROR: 1002,
  TIMEOUT: 1003,
  REQUEST_FILTER_ERROR: 1006,
  RESPONSE_FILTER_ERROR: 1007,
  OPERATION_ABORTED: 7001,
  LICENSE_REQUEST_FAILED: 6007,
  LICENSE_RESPONSE_REJECTED: 6008,
  /** The CDM could not make a license request (`generateRequest()` failed). */
  FAILED_TO_GENERATE_LICENSE_REQUEST: 6006,
  SERVER_CERTIFICATE_REQUIRED: 6015,
} as const;

/** `shaka.extern.DrmInfo`, the fields keyflow reads. */
export interface ShakaDrmInfo {
  /** The key system, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The license URL Shaka will use. */
  licenseServerUri?: string;
  /** Default KIDs from the manifest, lower-case hex. */
  keyIds?: Set<string> | null;
  /** The key system URIs the manifest signalled (HLS FairPlay: the `skd://` URI of `#EXT-X-KEY`). */
  keySystemUris?: Set<string> | null;
  [key: string]: unknown;
}

/** `shaka.extern.Request`, the fields keyflow reads or writes. */
export interface ShakaRequest {
  /** Candidate URIs; attempt n uses `uris[n % uris.length]`. */
  uris: string[];
  /** HTTP method. */
  method: string;
  /** Request body (the CDM message for licenses). */
  body: ArrayBuffer | ArrayBufferView | null;
  /** Request headers. */
  headers: Record<string, string>;
  /** Send cookies cross-site. */
  allowCrossSiteCredentials?: boolean;
  /** EME message type of a license request. */
  licenseRequestType?: string | null;
  /** EME session id of a license request. */
  sessionId?: string | null;
  /** The DRM info of a license request. */
  drmInfo?: ShakaDrmInfo | null;
  /** The init data the session was created from. */
  initData?: Uint8Array | null;
  /** The type of `initData`. */
  initDataType?: string | null;
  /** Present from Shaka 5.0: 0 for the first attempt, then 1, 2, ... */
  attempt?: number;
  /** Shaka's retry parameters for this request. */
  retryParameters?: {
    /** Attempts in all, the first included. */
    maxAttempts: number;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `shaka.extern.Response`, the fields keyflow reads or writes. */
export interface ShakaResponse {
  /** The final URI (after redirects). */
  uri: string;
  /** The URI requested. */
  originalUri?: string;
  /** The response body. */
  data: ArrayBuffer | ArrayBufferView;
  /** HTTP status. */
  status?: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** How long the request took, ms. */
  timeMs?: number;
  /** Present from Shaka 4.13. */
  originalRequest?: ShakaRequest;
  [key: string]: unknown;
}

/** `shaka.extern.RequestContext`. */
export interface ShakaRequestContext {
  /** Shaka's advanced request type (segment, MPD, ...). */
  type?: unknown;
  /** True for requests made by `player.preload()`. */
  isPreload?: boolean;
  [key: string]: unknown;
}

/** `shaka.extern.RequestFilter`. */
export type ShakaRequestFilter = (type: number, request: ShakaRequest, context?: ShakaRequestContext) => Promise<unknown> | void;

/** `shaka.extern.ResponseFilter`. */
export type ShakaResponseFilter = (type: number, response: ShakaResponse, context?: ShakaRequestContext) => Promise<unknown> | void;

/** A Shaka event as dispatched by `shaka.util.FakeEventTarget`. */
export interface ShakaEvent {
  /** The event name, e.g. `error`, `retry`. */
  type: string;
  /** The player's `error` event: the `shaka.util.Error`. */
  detail?: unknown;
  /** The networking engine's `retry` event: the error that caused the retry. */
  error?: unknown;
  /** Present on cancelable events such as the networking engine's `retry`. */
  preventDefault?: () => void;
  // No index signature: a DOM `Event` must stay assignable to this type, or a real `shaka.Player`
  // (whose listeners take `Event`) would not fit `ShakaPlayer` in a strict consumer project.
}

/** A Shaka event listener. */
export type ShakaListener = (event: ShakaEvent) => void;

/** `shaka.util.Error`, the fields keyflow reads. */
export interface ShakaErrorLike {
  severity?: number;
  category?: number;
  code: number;
  data: unknown[];
  handled?: boolean;
}

/** `shaka.net.NetworkingEngine`, the methods keyflow calls. */
export interface ShakaNetworkingEngine {
  /** Adds a filter run on every request before it is sent. */
  registerRequestFilter(filter: ShakaRequestFilter): void;
  /** Removes a request filter. */
  unregisterRequestFilter(filter: ShakaRequestFilter): void;
  /** Adds a filter run on every response before Shaka uses it. */
  registerResponseFilter(filter: ShakaResponseFilter): void;
  /** Removes a response filter. */
  unregisterResponseFilter(filter: ShakaResponseFilter): void;
  /** Listens for networking events (`retry`). */
  addEventListener(type: string, listener: ShakaListener): void;
  /** Removes a networking event listener. */
  removeEventListener(type: string, listener: ShakaListener): void;
}

/** `shaka.Player`, the methods keyflow calls. */
export interface ShakaPlayer {
  /** Where keyflow registers its request and response filters and listens for `retry`. */
  getNetworkingEngine(): ShakaNetworkingEngine | null;
  /** keyflow sets `drm.servers` for the provider's key systems through it. */
  configure(config: object): boolean;
  /** keyflow reads the license servers the app configured. */
  getConfiguration(): {
    /** The player's DRM configuration. */
    drm: {
      /** License server URL per key system. */
      servers: Record<string, string>;
    };
  };
  /** keyflow listens for the player's `error`, `loading`, `unloading`, DRM session, key status and expiration events. */
  addEventListener(type: string, listener: ShakaListener): void;
  /** Removes a listener keyflow added (on `destroy()`). */
  removeEventListener(type: string, listener: ShakaListener): void;
  /** The URI of the asset being loaded (token cache key; Shaka 4.x reload after a token rejection). */
  getAssetUri?(): string | null;
}
