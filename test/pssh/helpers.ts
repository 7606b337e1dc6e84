/**
 * Test-only helpers for the PSSH decoder specs. Deliberately independent of
 * the code under test (no src/pssh imports except the error class), so a bug
 * in src/pssh/bytes.ts cannot also corrupt the test vectors.
 */

import { PsshDecodeError, type PsshDecodeErrorCode } from '../../src/pssh/errors';

/** Bytes from hex strings; whitespace inside a string is ignored. */
export function hex(...parts: string[]): Uint8Array {
  const digits = parts.join('').replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) {
    throw new Error(`bad hex literal in test: ${digits}`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** UTF-16LE bytes of a string, one code unit at a time (no BOM). */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >> 8;
  }
  return out;
}

/** Bytes of an ASCII string (throws on non-ASCII, to keep vectors honest). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new Error('ascii() given non-ASCII text');
    out[i] = c;
  }
  return out;
}

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Standard base64 (padded) to bytes, written without the code under test. */
export function base64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`bad base64 literal in test: ${ch}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Runs `fn`, expecting it to throw a PsshDecodeError (optionally with the
 * given code), and returns the error.
 */
export function expectDecodeError(fn: () => unknown, code?: PsshDecodeErrorCode): PsshDecodeError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof PsshDecodeError)) {
    fail(`expected a PsshDecodeError${code ? ` (${code})` : ''}, got ${thrown === undefined ? 'no exception' : String(thrown)}`);
    throw new Error('unreachable');
  }
  if (code !== undefined) expect(thrown.code).withContext(thrown.message).toBe(code);
  return thrown;
}
