/**
 * The ExpressPlay emulator's public types and constants: options, request records, the running
 * emulator and the mountable handler. See `docs/emulators.md`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

import { MAX_BODY_BYTES } from '../http-kit.js';

/** The customer authenticator accepted when none are configured. Not a secret: test-only. */
export const DEFAULT_CUSTOMER_AUTHENTICATOR = 'keyflow-test-authenticator';

/** Maximum (and default) token lifetime: 30 days, in milliseconds (Adobe Primetime token reference). */
export const MAX_TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Largest request body any endpoint accepts (bytes); larger ones get 413. The test tools' one cap, `MAX_BODY_BYTES`. */
export const MAX_REQUEST_BODY_BYTES = MAX_BODY_BYTES;

/** A content key in the emulator's key storage. */
export interface EmulatorKey {
  /** Key ID: 32 hex digits or UUID form, any case (normalised to 32 lower-case hex digits). */
  kid: string;
  /** Content key: 32 hex digits (dashes/upper case accepted as for `kid`). */
  key: string;
}

/** Options of {@link createExpressPlayHandler} and {@link startExpressPlayEmulator}. */
export interface ExpressPlayEmulatorOptions {
  /** Port to listen on (standalone server only). Default 0 = an ephemeral port. */
  port?: number;
  /** Address to listen on (standalone server only). Default `'127.0.0.1'`. */
  host?: string;
  /** Accepted customer authenticators. Default `[DEFAULT_CUSTOMER_AUTHENTICATOR]`. An empty list rejects every token request. */
  customerAuthenticators?: string[];
  /** Key storage: token requests may give a `kid` without `contentKey`; the key is then taken from here. */
  keys?: EmulatorKey[];
  /**
   * Base (scheme://host[:port]) of the URLs the token API returns. Default:
   * the standalone server's `http://host:port`; in handler use (or when
   * listening on a wildcard address) derived from each request's Host header.
   */
  publicBaseUrl?: string;
  /** Token sealing key, 32 bytes. Default: random per handler/emulator instance. */
  secret?: Uint8Array;
  /** Clock in milliseconds since the epoch (for expiry tests). Default `Date.now`. */
  now?: () => number;
}

/** The DRM an endpoint belongs to. */
export type EmulatorDrm = 'wv' | 'pr' | 'ck' | 'fp';

/**
 * What the emulator remembers about one handled request. Never holds token
 * values, authenticators or keys; `path` excludes the query string.
 */
export interface EmulatorRequestRecord {
  /** When the request arrived, by the emulator's clock (ms since epoch). */
  time: number;
  /** HTTP method. */
  method: string;
  /** URL path without query string. */
  path: string;
  /** DRM of the endpoint, or null for other paths. */
  drm: EmulatorDrm | null;
  /**
   * Token API, license endpoint, a Widevine renewal answered (a RENEWAL request at a license path),
   * Widevine service certificate (the endpoint, or `08 04` at the license URL), or anything else
   * (unknown paths).
   */
  kind: 'token' | 'license' | 'renewal' | 'certificate' | 'other';
  /** HTTP status answered. */
  status: number;
  /**
   * Key IDs (32 lower-case hex digits for 16-byte KIDs; hex of any length at
   * the license endpoint): the token's kids for the token API (once they
   * parsed), the requested kids for a license request (when the body parsed).
   */
  kids?: string[];
  /** Whether an `ExpressPlayToken` query parameter was present (always false at the token API). */
  hadToken: boolean;
  /** The emulator's error code when the answer was an error (addition to the brief's shape). */
  errorCode?: number;
  /** The request's `Content-Type`, when it had one. */
  contentType?: string;
}

/** A running standalone emulator. */
export interface ExpressPlayEmulator {
  /** Where it listens, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Snapshot of the request records, oldest first. */
  readonly requests: readonly EmulatorRequestRecord[];
  /** Forgets all request records. */
  clearRequests(): void;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A request handler for mounting the emulator in another `node:http` server.
 * Returns `true` if it took the request (it then always answers it, possibly
 * asynchronously), `false` if the path is not the emulator's (the response is
 * untouched).
 */
export interface ExpressPlayRequestHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Snapshot of the request records, oldest first. */
  readonly requests: readonly EmulatorRequestRecord[];
  /** Forgets all request records. */
  clearRequests(): void;
}
