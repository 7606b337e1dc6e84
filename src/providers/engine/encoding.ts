/**
 * Text encodings of binary data as license services put them on the wire:
 * a CDM challenge inside a JSON request, a license inside a JSON reply or a
 * plain-text body. Built on the hand-written codecs in `src/pssh/bytes.ts`
 * (no `atob`/`btoa`, no Buffer).
 *
 * @module
 */

import { bytesToHex, decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url, hexToBytes } from '../../pssh/bytes';

/**
 * How bytes are written as text:
 * - `base64`: RFC 4648 §4 (`+` `/`), written padded; when reading, padding is
 *   optional but must be correct if present;
 * - `base64url`: RFC 4648 §5 (`-` `_`), written without padding; when
 *   reading, `=` padding is tolerated;
 * - `hex`: two digits per byte, written lower case; read in either case.
 *
 * When reading, ASCII whitespace anywhere in the text (line breaks of a
 * wrapped base64 body, a trailing newline) is ignored.
 */
export type WireEncoding = 'base64' | 'base64url' | 'hex';

/** Every {@link WireEncoding}, for validation and messages. */
const WIRE_ENCODINGS: readonly WireEncoding[] = ['base64', 'base64url', 'hex'];

/** True for a valid {@link WireEncoding} name. */
export function isWireEncoding(value: unknown): value is WireEncoding {
  return typeof value === 'string' && (WIRE_ENCODINGS as readonly string[]).includes(value);
}

/** Writes `bytes` as text in `encoding`. */
export function encodeBytes(bytes: Uint8Array, encoding: WireEncoding): string {
  if (encoding === 'hex') return bytesToHex(bytes);
  if (encoding === 'base64url') return encodeBase64Url(bytes);
  return encodeBase64(bytes);
}

/**
 * Reads text written in `encoding`; `null` when it is not valid in that
 * encoding (wrong alphabet, impossible length, bad padding, odd hex).
 * Whitespace is ignored (see {@link WireEncoding}).
 *
 * Linear in the length of the text (it is a license server's reply): the
 * whitespace pattern is one character class repeated; the padding test is
 * anchored with a single `[^=]*` that can only give back non-`=` characters,
 * so each step back fails at once; `/=+$/` only runs on text that test
 * passed (at most two `=`); the codecs are single loops. Worst cases
 * (1 MiB of `=`, of spaces, of `A=`…) in test/unit/worst-case-inputs.spec.ts.
 */
export function decodeText(text: string, encoding: WireEncoding): Uint8Array | null {
  const compact = text.replace(/[\t\n\f\r ]+/g, '');
  try {
    if (encoding === 'hex') return hexToBytes(compact);
    if (encoding === 'base64url') {
      const unpadded = /^[^=]*={1,2}$/.test(compact) && compact.length % 4 === 0 ? compact.replace(/=+$/, '') : compact;
      return decodeBase64Url(unpadded);
    }
    return decodeBase64(compact);
  } catch {
    return null;
  }
}

/** Lower-case hex → UUID text form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (16-byte IDs; others unchanged). */
export function hexToUuid(hex: string): string {
  if (!/^[0-9a-f]{32}$/.test(hex)) return hex;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let utf8: TextEncoder | undefined;
let utf8Strict: TextDecoder | undefined;

/** UTF-8 bytes of `text`, in a buffer of their own (no shared or oversized `ArrayBuffer`). */
export function utf8Bytes(text: string): Uint8Array {
  utf8 ??= new TextEncoder();
  const bytes = utf8.encode(text);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Strict UTF-8 decoding (a leading BOM is dropped); `null` for bytes that are not UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  utf8Strict ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return null;
  }
}
