/**
 * Text decoding helpers (TextDecoder only; no other platform APIs).
 */

let utf8Lenient: TextDecoder | undefined;
let utf8Strict: TextDecoder | undefined;
let utf16leStrict: TextDecoder | undefined;

/**
 * Decodes UTF-8, replacing invalid sequences with U+FFFD (protobuf `string`
 * fields are not validated by proto2 parsers either).
 */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  utf8Lenient ??= new TextDecoder('utf-8');
  return utf8Lenient.decode(bytes);
}

/**
 * Decodes UTF-8 strictly; returns `undefined` for invalid UTF-8. A leading
 * byte-order mark is removed.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  utf8Strict ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes UTF-16LE strictly (odd byte counts and unpaired surrogates are
 * errors); returns `undefined` when invalid. A leading byte-order mark is
 * removed.
 */
export function decodeUtf16LeStrict(bytes: Uint8Array): string | undefined {
  if (bytes.length % 2 !== 0) return undefined;
  utf16leStrict ??= new TextDecoder('utf-16le', { fatal: true });
  try {
    return utf16leStrict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * True if `text` is non-empty and has no control characters (C0, DEL, C1),
 * i.e. is safe and meaningful to show as text.
 */
export function isPrintableText(text: string): boolean {
  return text.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(text);
}
