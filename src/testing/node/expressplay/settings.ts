/**
 * The ExpressPlay emulator's options, checked once: accepted customer authenticators, key
 * storage, the token secret, the clock, and the base of the URLs the token API returns.
 *
 * Emulator choices (ExpressPlay documents none of these): authenticators are compared by SHA-256
 * digest in constant time; returned URLs use `publicBaseUrl`, else the standalone server's
 * `http://host:port`, else (handler use, or a wildcard bind address) `http(s)://<Host header>`,
 * falling back to the socket's local address.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { URL } from 'node:url';

import { normalizeHex16 } from '../encoding.js';
import { createTokenSecret, TOKEN_SECRET_LENGTH } from '../token-seal.js';
import { DEFAULT_CUSTOMER_AUTHENTICATOR, type EmulatorKey, type ExpressPlayEmulatorOptions } from './types.js';

const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The checked options and what the endpoints derive from them. */
export interface EmulatorSettings {
  /** The token sealing key. */
  readonly secret: Uint8Array;
  /** Key storage: KID → content key, both 32 lower-case hex digits. */
  readonly storage: ReadonlyMap<string, string>;
  /** The emulator's time in whole ms; throws when the `now` option gives no finite number. */
  clock(): number;
  /** Whether a `customerAuthenticator` is accepted (constant time). */
  isAcceptedAuthenticator(candidate: string): boolean;
  /** The base (`scheme://host[:port]`) of URLs returned to this request. */
  baseFor(req: IncomingMessage): string;
  /** Sets the standalone server's own base (undefined: derive it from each request). */
  setServerBase(base: string | undefined): void;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Shows an IPv6 address in brackets, as in a URL. */
function formatHostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function normalizeBaseUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`publicBaseUrl is not a valid URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('publicBaseUrl must be http(s)');
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError('publicBaseUrl must not contain credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function normalizeKeys(keys: readonly EmulatorKey[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (keys === undefined) return map;
  if (!Array.isArray(keys)) throw new TypeError('keys must be an array of { kid, key }');
  keys.forEach((entry, index) => {
    const kid = typeof entry?.kid === 'string' ? normalizeHex16(entry.kid) : null;
    const key = typeof entry?.key === 'string' ? normalizeHex16(entry.key) : null;
    if (kid === null) throw new TypeError(`keys[${index}].kid must be 32 hex digits (or UUID form)`);
    if (key === null) throw new TypeError(`keys[${index}].key must be 32 hex digits`);
    const existing = map.get(kid);
    if (existing !== undefined && existing !== key) throw new TypeError(`keys[${index}]: kid ${kid} is listed twice with different keys`);
    map.set(kid, key);
  });
  return map;
}

function authenticatorCheck(authenticators: unknown): (candidate: string) => boolean {
  if (!Array.isArray(authenticators) || authenticators.some((a) => typeof a !== 'string' || a === '')) {
    throw new TypeError('customerAuthenticators must be an array of non-empty strings');
  }
  const digests = (authenticators as string[]).map(sha256);
  return (candidate) => {
    const digest = sha256(candidate);
    let ok = false;
    for (const accepted of digests) ok = timingSafeEqual(digest, accepted) || ok;
    return ok;
  };
}

/**
 * Checks the options (in the order authenticators, keys, secret, now, publicBaseUrl).
 *
 * @throws {TypeError} on an invalid option
 */
export function emulatorSettings(options: ExpressPlayEmulatorOptions): EmulatorSettings {
  const isAcceptedAuthenticator = authenticatorCheck(options.customerAuthenticators ?? [DEFAULT_CUSTOMER_AUTHENTICATOR]);
  const storage = normalizeKeys(options.keys);
  if (options.secret !== undefined && (!(options.secret instanceof Uint8Array) || options.secret.byteLength !== TOKEN_SECRET_LENGTH)) {
    throw new TypeError(`secret must be a Uint8Array of ${TOKEN_SECRET_LENGTH} bytes`);
  }
  const secret = options.secret !== undefined ? Uint8Array.from(options.secret) : createTokenSecret();
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now must be a function');
  const publicBase = options.publicBaseUrl !== undefined ? normalizeBaseUrl(options.publicBaseUrl) : undefined;
  let serverBase: string | undefined;
  return {
    secret,
    storage,
    isAcceptedAuthenticator,
    clock() {
      const t = now();
      if (typeof t !== 'number' || !Number.isFinite(t)) throw new TypeError('now() must return a finite number');
      return Math.floor(t);
    },
    baseFor(req) {
      if (publicBase !== undefined) return publicBase;
      if (serverBase !== undefined) return serverBase;
      const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const host = req.headers.host;
      if (typeof host === 'string' && HOST_HEADER.test(host)) return `${scheme}://${host}`;
      const address = req.socket.localAddress ?? '127.0.0.1';
      return `${scheme}://${formatHostForUrl(address)}:${req.socket.localPort ?? 80}`;
    },
    setServerBase(base) {
      serverBase = base;
    },
  };
}
