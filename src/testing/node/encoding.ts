/**
 * The byte/text codec of the Node-side test tools (one module for all of them):
 *
 * - strict unpadded base64url (RFC 4648 §5), for tokens and JWKs: Node's own
 *   decoder is lenient (`Buffer.from(s, 'base64url')` accepts padding, the
 *   `+` `/` alphabet and silently drops invalid characters), so these decoders
 *   validate first and also reject non-canonical encodings (unused trailing
 *   bits set): one string maps to exactly one byte sequence and any edited
 *   character is detected;
 * - 16-byte hex identifiers (key IDs, keys), 32 hex digits or UUID form;
 * - the wire encodings a license proxy writes bytes in (`base64`,
 *   `base64url`, `hex`), checked as such proxies write them (padding optional,
 *   any hex case), and base64url JSON segments of signed tokens.
 *
 * @module
 */

import { Buffer } from 'node:buffer';

const BASE64URL_ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * True when `text` is canonical unpadded base64url: only `A-Z a-z 0-9 - _`,
 * no `=`, a length that is not 1 mod 4, and no bits set after the last
 * encoded byte. The empty string is valid (it encodes zero bytes).
 */
export function isStrictBase64Url(text: string): boolean {
  if (!BASE64URL_ALPHABET.test(text) || text.length % 4 === 1) return false;
  return Buffer.from(text, 'base64url').toString('base64url') === text;
}

/** Decodes canonical unpadded base64url; `null` for anything else (see {@link isStrictBase64Url}). */
export function decodeBase64UrlStrict(text: string): Uint8Array | null {
  if (!isStrictBase64Url(text)) return null;
  return Uint8Array.from(Buffer.from(text, 'base64url'));
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Normalises a 16-byte identifier or key written as 32 hex digits, or in
 * UUID form (8-4-4-4-12 with dashes), in any letter case, to 32 lower-case
 * hex digits without dashes. Returns `null` for anything else (other dash
 * placements, braces, whitespace, wrong length).
 */
export function normalizeHex16(text: string): string | null {
  const lower = text.toLowerCase();
  if (HEX32.test(lower)) return lower;
  if (UUID.test(lower)) return lower.replace(/-/g, '');
  return null;
}

/** True for 32 lower-case hex digits (the normalised form of {@link normalizeHex16}). */
export function isNormalizedHex16(text: string): boolean {
  return HEX32.test(text);
}

/** Converts an even-length hex string to bytes (no validation beyond Node's; callers validate first). */
export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Converts bytes to lower-case hex. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** How bytes are written as text on the wire (the wrapping proxy's routes name one). */
export type ProxyEncoding = 'base64' | 'base64url' | 'hex';

/** Encodes bytes in a wire encoding (base64 padded, base64url unpadded, hex lower-case). */
export function encodeText(bytes: Uint8Array, encoding: ProxyEncoding): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === 'hex' ? buffer.toString('hex') : encoding === 'base64url' ? buffer.toString('base64url') : buffer.toString('base64');
}

/**
 * Decodes non-empty text in a wire encoding; `null` when it is not valid: hex is an even number of
 * hex digits (any case); base64url its alphabet with up to two `=`; base64 its alphabet, with `=`
 * padding only to a multiple of four characters.
 */
export function decodeText(text: string, encoding: ProxyEncoding): Uint8Array | null {
  if (!text) return null;
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Uint8Array.from(Buffer.from(text, 'hex')) : null;
  if (encoding === 'base64url') {
    return /^[A-Za-z0-9_-]+={0,2}$/.test(text) ? Uint8Array.from(Buffer.from(text, 'base64url')) : null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || (text.includes('=') && text.length % 4 !== 0)) return null;
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** A value as a base64url JSON segment (UTF-8, unpadded), as in signed tokens. */
export function encodeJsonSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Reads a base64url JSON segment (callers check its alphabet first).
 *
 * @throws SyntaxError when it is not JSON
 */
export function decodeJsonSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}
