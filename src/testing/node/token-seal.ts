/**
 * Token sealing for the ExpressPlay emulator.
 *
 * Real ExpressPlay tokens are opaque and their format is not published; they
 * do carry the content key, encrypted for the service, so the license server
 * needs no key lookup. The emulator mirrors that with its own (emulator-only)
 * format:
 *
 *     token = base64url( IV (12 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes) )
 *
 * where the plaintext is the UTF-8 JSON {@link TokenPayload} and the key is
 * the emulator instance's 32-byte secret. The additional authenticated data is
 * the fixed string {@link TOKEN_AAD}, so tokens cannot be confused with other
 * ciphertexts made under the same secret.
 *
 * A token is *authentic* when it is canonical unpadded base64url, long enough,
 * decrypts with a verifying tag, and its payload has the exact expected shape.
 * Anything else is *forged*. Expiry is not checked here (the caller owns the
 * clock).
 *
 * Tokens are secrets: nothing here logs them, and error results never include them.
 *
 * @module
 */

import { isLicensePolicy, type EmulatedLicensePolicy } from './license-policy.js';
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { decodeBase64UrlStrict, isNormalizedHex16 } from './encoding.js';

/** ExpressPlay DRM short names used in token API paths: Widevine, PlayReady, ClearKey (local extension). */
export type TokenDrm = 'wv' | 'pr' | 'ck' | 'fp';

/** One key granted by a token: key ID and content key, 32 lower-case hex digits each. */
export interface TokenKeyEntry {
  /** Key ID, 32 lower-case hex digits. */
  readonly kid: string;
  /** Content key, 32 lower-case hex digits. */
  readonly key: string;
}

/** The sealed content of an emulator token. */
export interface TokenPayload {
  /** Format version; always 1. */
  readonly v: 1;
  /** The DRM the token was minted for; license endpoints of other DRMs refuse it. */
  readonly drm: TokenDrm;
  /** The keys the token grants (non-empty). */
  readonly keys: readonly TokenKeyEntry[];
  /** Expiry, milliseconds since the Unix epoch. */
  readonly exp: number;
  /** Issue time, milliseconds since the Unix epoch. */
  readonly iat: number;
  /** The `cookie` correlation string given at minting (≤ 32 characters), if any. */
  readonly cookie?: string;
  /** The license's terms in time (duration, renewals), when the token request named them. */
  readonly policy?: EmulatedLicensePolicy;
}

/** Length of a token sealing secret in bytes (AES-256). */
export const TOKEN_SECRET_LENGTH = 32;
/** Longest token string {@link openToken} will look at; longer ones are forged without decoding. */
export const MAX_TOKEN_LENGTH = 32 * 1024;
/** Additional authenticated data bound into every token. */
export const TOKEN_AAD = 'shaka-keyflow/expressplay-emulator/token/v1';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_COOKIE_LENGTH = 32;
const DRMS: ReadonlySet<string> = new Set<TokenDrm>(['wv', 'pr', 'ck', 'fp']);
const AAD = Buffer.from(TOKEN_AAD, 'utf8');

/** Makes a fresh random sealing secret ({@link TOKEN_SECRET_LENGTH} bytes). */
export function createTokenSecret(): Uint8Array {
  return Uint8Array.from(randomBytes(TOKEN_SECRET_LENGTH));
}

function secretKey(secret: Uint8Array): Buffer {
  if (!(secret instanceof Uint8Array) || secret.byteLength !== TOKEN_SECRET_LENGTH) {
    throw new TypeError(`Token secret must be a Uint8Array of ${TOKEN_SECRET_LENGTH} bytes`);
  }
  return Buffer.from(secret);
}

function cookieLength(cookie: string): number {
  return Array.from(cookie).length;
}

/**
 * Checks that a value has exactly the {@link TokenPayload} shape (no extra
 * properties, normalised hex, finite integer times, non-empty keys).
 */
export function isTokenPayload(value: unknown): value is TokenPayload {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  const allowed = new Set(['v', 'drm', 'keys', 'exp', 'iat', 'cookie', 'policy']);
  if ('policy' in p && !isLicensePolicy(p['policy'])) return false;
  if (Object.keys(p).some((name) => !allowed.has(name))) return false;
  if (p['v'] !== 1) return false;
  if (typeof p['drm'] !== 'string' || !DRMS.has(p['drm'])) return false;
  if (!Number.isSafeInteger(p['exp']) || !Number.isSafeInteger(p['iat'])) return false;
  if ('cookie' in p) {
    const cookie = p['cookie'];
    if (typeof cookie !== 'string' || cookieLength(cookie) > MAX_COOKIE_LENGTH) return false;
  }
  const keys = p['keys'];
  if (!Array.isArray(keys) || keys.length === 0) return false;
  return keys.every((entry: unknown) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
    const e = entry as Record<string, unknown>;
    return (
      Object.keys(e).length === 2 &&
      typeof e['kid'] === 'string' &&
      typeof e['key'] === 'string' &&
      isNormalizedHex16(e['kid']) &&
      isNormalizedHex16(e['key'])
    );
  });
}

/**
 * Seals a payload into a token string (URL-safe; no percent-encoding needed).
 * A fresh random IV is used each time, so two tokens for the same payload differ.
 *
 * @param payload what the token carries
 * @param secret the emulator's {@link TOKEN_SECRET_LENGTH}-byte secret
 * @throws {TypeError} if the payload does not have the {@link TokenPayload} shape or the secret is not 32 bytes
 */
export function sealToken(payload: TokenPayload, secret: Uint8Array): string {
  const key = secretKey(secret);
  // Re-build in a fixed property order so only known fields are sealed.
  const canonical: TokenPayload = {
    v: 1,
    drm: payload.drm,
    keys: payload.keys.map(({ kid, key: contentKey }) => ({ kid, key: contentKey })),
    exp: payload.exp,
    iat: payload.iat,
    ...(payload.cookie !== undefined ? { cookie: payload.cookie } : {}),
    ...(payload.policy !== undefined ? { policy: { ...payload.policy } } : {}),
  };
  if (!isTokenPayload(canonical)) throw new TypeError('Invalid token payload');
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(canonical), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Result of {@link openToken}. `reason` distinguishes, for diagnostics only:
 * - `malformed`: not canonical base64url, too long, or too short to hold IV and tag;
 * - `forged`: the tag did not verify (edited, truncated, or sealed under another secret);
 * - `invalid-payload`: authentic ciphertext whose plaintext is not a {@link TokenPayload}.
 * All three mean "not an authentic token".
 */
export type OpenTokenResult =
  | {
      /** The token is authentic and well-formed. */
      readonly ok: true;
      /** What the token grants. */
      readonly payload: TokenPayload;
    }
  | {
      /** The token was refused. */
      readonly ok: false;
      /** Why: not a sealed token, a bad seal, or a payload of the wrong shape. */
      readonly reason: 'malformed' | 'forged' | 'invalid-payload';
    };

/**
 * Opens a token: checks authenticity and returns the payload. Never throws for
 * bad input; throws only if the secret itself is invalid.
 *
 * @param token the token string as received (already percent-decoded)
 * @param secret the secret the emulator sealed its tokens with
 */
export function openToken(token: string, secret: Uint8Array): OpenTokenResult {
  const key = secretKey(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const bytes = decodeBase64UrlStrict(token);
  if (bytes === null || bytes.byteLength < IV_LENGTH + 1 + TAG_LENGTH) return { ok: false, reason: 'malformed' };
  const iv = bytes.subarray(0, IV_LENGTH);
  const tag = bytes.subarray(bytes.byteLength - TAG_LENGTH);
  const ciphertext = bytes.subarray(IV_LENGTH, bytes.byteLength - TAG_LENGTH);
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return { ok: false, reason: 'forged' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext);
  } catch {
    return { ok: false, reason: 'invalid-payload' };
  }
  return isTokenPayload(payload) ? { ok: true, payload } : { ok: false, reason: 'invalid-payload' };
}
