import { redact, redactDeep } from '../util/redact';

/**
 * Stable error codes carried by every {@link KeyflowError}.
 *
 * The codes are part of the public API: apps may switch on them, so a code is
 * never renamed or reused for another meaning.
 */
export type KeyflowErrorCode =
  /** The configuration passed to `new Keyflow()` or `configure()` is invalid. */
  | 'INVALID_CONFIG'
  /** The app's token source threw or rejected. `cause` holds what it threw. */
  | 'TOKEN_SOURCE_FAILED'
  /** The app's token source did not settle within `tokenTimeoutMs`. */
  | 'TOKEN_TIMEOUT'
  /** The token source returned something that is not a token. */
  | 'TOKEN_MALFORMED'
  /** The license server says the token is missing, forged or otherwise invalid. */
  | 'TOKEN_INVALID'
  /** The license server says the token has expired. */
  | 'TOKEN_EXPIRED'
  /** The token is valid but does not grant the requested keys. */
  | 'NOT_ENTITLED'
  /** The license server rejected the request as malformed (HTTP 400). */
  | 'BAD_REQUEST'
  /** The license server failed (HTTP 5xx) or answered with an unexpected status. */
  | 'LICENSE_SERVER_ERROR'
  /** The license request failed without an HTTP answer (network error, timeout). */
  | 'LICENSE_REQUEST_FAILED'
  /** The license server answered 2xx but the body is not a license keyflow can pass on. */
  | 'MALFORMED_RESPONSE'
  /** The CDM rejected the license (Shaka error 6008). */
  | 'LICENSE_REJECTED'
  /** The request was abandoned because `destroy()` was called. */
  | 'DESTROYED'
  /** The token fetch was abandoned because another load started (its token is not needed any more). */
  | 'ABORTED'
  /** The license server rejected the token, and rejected the refreshed one too. */
  | 'TOKEN_REJECTED'
  /** A license renewal failed for good (`cause`: the typed failure); the keys expire unless a later renewal succeeds. */
  | 'RENEWAL_FAILED'
  /**
   * Shaka chose a key system for which no license URL is configured (Shaka
   * 6012). The message names what the content signals, what keyflow routes
   * and what this browser supports.
   */
  | 'NO_LICENSE_SERVER'
  /**
   * None of the key systems the content signals and keyflow routes is
   * supported by this browser (Shaka 6001). The message names what the
   * content signals, what is configured and what this browser supports.
   */
  | 'NO_KEY_SYSTEM'
  /**
   * keyflow refused to send a token in clear: the license or certificate URL
   * is `http:` on a host that is not loopback (set `allowInsecureHttp` to
   * allow it, e.g. on a closed test network).
   */
  | 'INSECURE_TRANSPORT'
  /**
   * A session hook of the preset (or of the `custom` preset's `session`
   * option) threw or rejected: `started`, `heartbeat` or `stopped`. `cause`
   * holds what it threw; playback goes on.
   */
  | 'SESSION_FAILED';

/** Everything a {@link KeyflowError} can carry besides its code and message. */
export interface KeyflowErrorDetails {
  /** The EME key system of the license exchange, e.g. `com.widevine.alpha`. */
  keySystem?: string;
  /**
   * The HTTP status of the license server's reply, when there was one; for
   * `TOKEN_SOURCE_FAILED`, the token backend's status when the token source
   * threw the fetch `Response`.
   */
  httpStatus?: number;
  /** The provider's own error code from the reply body, e.g. ExpressPlay's `-4010`. */
  providerCode?: number | string;
  /** The preset that read the reply (its name, e.g. `expressplay`), for a license server's error. */
  provider?: string;
  /** The underlying error, if any (never contains a token). */
  cause?: unknown;
}

/**
 * The one error type keyflow produces. It reaches the app as a keyflow `error`
 * event and, where Shaka allows it, inside Shaka's own error chain
 * (6007 LICENSE_REQUEST_FAILED → 1006 REQUEST_FILTER_ERROR → KeyflowError).
 *
 * Messages never contain a token: keyflow redacts them before building one.
 */
export class KeyflowError extends Error {
  /** Stable machine-readable code. */
  readonly code: KeyflowErrorCode;
  /** The key system of the failed exchange, when known. */
  readonly keySystem?: string;
  /** HTTP status of the license server's reply (or of the token backend's, for `TOKEN_SOURCE_FAILED`), when there was one. */
  readonly httpStatus?: number;
  /** The provider's own error code, when the reply carried one. */
  readonly providerCode?: number | string;
  /** The preset that read the reply (its name), for a license server's error: `explain()` looks its code up. */
  readonly provider?: string;
  /** The underlying error, if any. */
  override readonly cause?: unknown;

  /**
   * @param code a stable {@link KeyflowErrorCode}
   * @param message a human-readable explanation (must not contain secrets)
   * @param details optional key system, HTTP status, provider code and cause
   */
  constructor(code: KeyflowErrorCode, message: string, details: KeyflowErrorDetails = {}) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'KeyflowError';
    this.code = code;
    if (details.keySystem !== undefined) this.keySystem = details.keySystem;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.providerCode !== undefined) this.providerCode = details.providerCode;
    if (details.provider !== undefined) this.provider = details.provider;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** KeyflowErrors keyflow derived from Shaka errors it could not put in the chain itself. */
const attachedErrors = new WeakMap<object, KeyflowError>();

/**
 * Records that `shakaError` (e.g. a 6007 whose chain ends in Shaka's own
 * 1001 on Shaka 4.x) corresponds to `keyflowError`, so
 * {@link findKeyflowError} finds it. Internal to keyflow.
 */
export function attachKeyflowError(shakaError: object, keyflowError: KeyflowError): void {
  attachedErrors.set(shakaError, keyflowError);
}

/**
 * Walks a Shaka error chain (`error.data[0]` nesting, as in 6007 → 1006 → x)
 * and returns the first {@link KeyflowError} in it, or `null`. Also finds the
 * KeyflowError keyflow derived from a Shaka error whose chain ends in Shaka's
 * own HTTP error (Shaka 4.x, where a 401/403 is never retried).
 *
 * @param error anything an app received from Shaka's `error` event or a rejected `load()`
 */
export function findKeyflowError(error: unknown): KeyflowError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof KeyflowError) return current;
    const attached = typeof current === 'object' ? attachedErrors.get(current) : undefined;
    if (attached) return attached;
    const data = (current as { data?: unknown[] }).data;
    current = Array.isArray(data) ? data[0] : undefined;
  }
  return null;
}

/**
 * The error for a token the license server rejected after keyflow had
 * already fetched a new one: `TOKEN_REJECTED`, carrying the last rejection's
 * key system, status and provider code, with the rejection as `cause`.
 */
export function tokenRejectedError(rejection: KeyflowError): KeyflowError {
  return new KeyflowError('TOKEN_REJECTED', `The license server rejected a freshly fetched token too (${rejection.message})`, {
    ...(rejection.keySystem !== undefined ? { keySystem: rejection.keySystem } : {}),
    ...(rejection.httpStatus !== undefined ? { httpStatus: rejection.httpStatus } : {}),
    ...(rejection.providerCode !== undefined ? { providerCode: rejection.providerCode } : {}),
    ...(rejection.provider !== undefined ? { provider: rejection.provider } : {}),
    cause: rejection,
  });
}

/**
 * Redacts every string reachable from a KeyflowError in place: its message,
 * a string `providerCode`, and its `cause` (and theirs), which error
 * reporters serialise. Internal to keyflow.
 */
export function redactKeyflowError(error: KeyflowError, secrets: readonly string[]): void {
  if (!secrets.length) return;
  const clean = redact(error.message, secrets);
  if (clean !== error.message) error.message = clean;
  if (typeof error.providerCode === 'string') {
    const code = redact(error.providerCode, secrets);
    if (code !== error.providerCode) Object.defineProperty(error, 'providerCode', { value: code, enumerable: true, configurable: true });
  }
  if (error.cause === undefined) return;
  if (error.cause instanceof KeyflowError) {
    redactKeyflowError(error.cause, secrets);
    return;
  }
  const cause = redactDeep(error.cause, secrets);
  if (cause !== error.cause) Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
}

/**
 * `error` as a KeyflowError: itself when it is one, else
 * `LICENSE_REQUEST_FAILED` with it as `cause` (a preset or keyflow itself
 * threw something unexpected). Internal to keyflow.
 */
export function toKeyflowError(error: unknown, keySystem: string): KeyflowError {
  if (error instanceof KeyflowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError('LICENSE_REQUEST_FAILED', `keyflow failed: ${reason}`, { keySystem, cause: error });
}
