/**
 * Small byte helpers shared by the PSSH / init-data decoders: hex, base64,
 * base64url, UUID text forms, GUID byte order, and a bounds-checked reader.
 *
 * The base64 codecs are written by hand on purpose: this package ships to
 * browsers, where a base64 dependency (or Node's Buffer polyfill) would cost
 * more bundle bytes than these few lines, and `atob`/`btoa` are DOM APIs that
 * are lenient (whitespace, missing padding) and work on "binary strings".
 */

import { PsshDecodeError } from './errors';

const HEX_DIGITS = '0123456789abcdef';

/**
 * Lower-case hex of `bytes`, two digits per byte, no separators.
 */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 0x0f]!;
  }
  return out;
}

/**
 * Parses hex text (either case, even length, no separators) into bytes.
 *
 * @throws PsshDecodeError `BAD_HEX` on odd length or a non-hex character
 */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) {
    throw new PsshDecodeError('BAD_HEX', 'hex text has an odd number of digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(hex.charCodeAt(2 * i));
    const lo = hexDigitValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new PsshDecodeError('BAD_HEX', 'hex text contains a non-hex character', 2 * i);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10; // a-f
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10; // A-F
  return -1;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function reverseTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const BASE64_VALUES = reverseTable(BASE64_ALPHABET);
const BASE64URL_VALUES = reverseTable(BASE64URL_ALPHABET);

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * Decodes the unpadded body of base64 / base64url text (no `=`), 4 characters
 * to 3 bytes. A final group of 1 character is invalid; leftover low bits of a
 * final 2- or 3-character group are ignored (RFC 4648 §3.5 lets decoders
 * accept non-zero pad bits; rejecting them would refuse input that other
 * decoders take).
 */
function decodeBody(body: string, values: Int8Array, what: string): Uint8Array {
  if (body.length % 4 === 1) {
    throw new PsshDecodeError('BAD_BASE64', `${what} has an impossible length`);
  }
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? values[c]! : -1;
    if (v < 0) {
      throw new PsshDecodeError('BAD_BASE64', `${what} contains an invalid character`, i);
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Standard base64 (RFC 4648 §4, `+` and `/`), padded.
 */
export function encodeBase64(bytes: Uint8Array): string {
  return encodeWith(bytes, BASE64_ALPHABET, true);
}

/**
 * base64url (RFC 4648 §5, `-` and `_`) without `=` padding, as used by the
 * W3C Clear Key and "keyids" formats.
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeWith(bytes, BASE64URL_ALPHABET, false);
}

/**
 * Decodes standard base64 (`+`, `/`). Padding is optional, but when present it
 * must be correct (total length a multiple of 4, at most two `=`, only at the
 * end). Whitespace and the base64url characters `-`/`_` are rejected.
 *
 * @throws PsshDecodeError `BAD_BASE64`
 */
export function decodeBase64(text: string): Uint8Array {
  let body = text;
  const firstPad = text.indexOf('=');
  if (firstPad >= 0) {
    const padding = text.length - firstPad;
    if (padding > 2 || text.length % 4 !== 0 || !/^=+$/.test(text.slice(firstPad))) {
      throw new PsshDecodeError('BAD_BASE64', 'base64 text has invalid padding', firstPad);
    }
    body = text.slice(0, firstPad);
  }
  return decodeBody(body, BASE64_VALUES, 'base64 text');
}

/**
 * Decodes strict base64url: alphabet `A-Z a-z 0-9 - _` only, no `=` padding
 * (so `=`, `+` and `/` are all rejected), as EME requires for Clear Key.
 *
 * @throws PsshDecodeError `BAD_BASE64`
 */
export function decodeBase64Url(text: string): Uint8Array {
  return decodeBody(text, BASE64URL_VALUES, 'base64url text');
}

/**
 * Formats 32 hex digits as a UUID string `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 * (lower case).
 *
 * @throws PsshDecodeError `BAD_HEX` unless given exactly 32 hex digits
 */
export function formatUuid(hex: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new PsshDecodeError('BAD_HEX', 'a UUID needs exactly 32 hex digits');
  }
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Normalises a UUID written in any common way (`urn:uuid:` prefix, braces,
 * dashes, either case) to 32 lower-case hex digits.
 *
 * @throws PsshDecodeError `BAD_HEX` when the text is not a UUID
 */
export function normalizeUuid(text: string): string {
  let t = text.trim();
  if (/^urn:uuid:/i.test(t)) t = t.slice(9);
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(t)) {
    t = t.replace(/-/g, '');
  }
  if (!/^[0-9a-fA-F]{32}$/.test(t)) {
    throw new PsshDecodeError('BAD_HEX', 'not a UUID');
  }
  return t.toLowerCase();
}

/**
 * Converts a 16-byte GUID between Windows/PlayReady little-endian GUID order
 * and the big-endian UUID order used everywhere else in CENC: bytes 0-3 are
 * reversed, 4-5 swapped, 6-7 swapped, 8-15 unchanged. The operation is its own
 * inverse. Returns a new array.
 *
 * @throws PsshDecodeError `BAD_SIZE` unless `guid` is 16 bytes long
 */
export function swapGuidByteOrder(guid: Uint8Array): Uint8Array {
  if (guid.length !== 16) {
    throw new PsshDecodeError('BAD_SIZE', `a GUID is 16 bytes, got ${guid.length}`);
  }
  const out = guid.slice();
  out[0] = guid[3]!;
  out[1] = guid[2]!;
  out[2] = guid[1]!;
  out[3] = guid[0]!;
  out[4] = guid[5]!;
  out[5] = guid[4]!;
  out[6] = guid[7]!;
  out[7] = guid[6]!;
  return out;
}

/**
 * Bounds-checked sequential reader over a window `[start, end)` of a byte
 * array. Multi-byte integers are big-endian unless the method name ends in
 * `Le`. Offsets (`offset`, and those in errors) are absolute indexes into the
 * underlying array, so nested readers report positions in the caller's input.
 *
 * Every read that would pass `end` throws `PsshDecodeError('TRUNCATED')`.
 */
export class ByteReader {
  private pos: number;

  /**
   * @param bytes the underlying array
   * @param start first readable index (default 0)
   * @param end one past the last readable index (default `bytes.length`)
   */
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new PsshDecodeError('TRUNCATED', 'reader window lies outside the data', start);
    }
    this.pos = start;
  }

  /** Absolute index of the next byte to be read. */
  get offset(): number {
    return this.pos;
  }

  /** Number of bytes left before the end of the window. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /**
   * Throws `TRUNCATED` unless `n` more bytes are available.
   *
   * @param n byte count needed
   * @param what name of the field being read, for the message
   */
  require(n: number, what: string): void {
    if (n < 0 || n > this.end - this.pos) {
      throw new PsshDecodeError('TRUNCATED', `${what} needs ${n} bytes but only ${this.end - this.pos} remain`, this.pos);
    }
  }

  /** Reads an unsigned 8-bit integer. */
  u8(what = 'u8'): number {
    this.require(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads an unsigned big-endian 16-bit integer. */
  u16(what = 'u16'): number {
    this.require(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** Reads an unsigned big-endian 24-bit integer. */
  u24(what = 'u24'): number {
    this.require(3, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  /** Reads an unsigned big-endian 32-bit integer. */
  u32(what = 'u32'): number {
    this.require(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /**
   * Reads an unsigned big-endian 64-bit integer as a number. Exact up to
   * 2^53 - 1; larger values lose precision but stay larger than any array.
   */
  u64(what = 'u64'): number {
    this.require(8, what);
    const hi = this.u32(what);
    const lo = this.u32(what);
    return hi * 0x100000000 + lo;
  }

  /** Reads an unsigned little-endian 16-bit integer. */
  u16Le(what = 'u16le'): number {
    this.require(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  /** Reads an unsigned little-endian 32-bit integer. */
  u32Le(what = 'u32le'): number {
    this.require(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** Reads four bytes as an ASCII four-character code (e.g. `pssh`). */
  fourcc(what = 'fourcc'): string {
    this.require(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
  }

  /** Returns a view (not a copy) of the next `n` bytes and advances past them. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.require(n, what);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** Advances past `n` bytes. */
  skip(n: number, what = 'skipped bytes'): void {
    this.require(n, what);
    this.pos += n;
  }
}
