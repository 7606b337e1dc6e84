/**
 * Parser for W3C "keyids" init data (EME initialization data format registry,
 * https://www.w3.org/TR/eme-initdata-keyids/; license-services.md §1.4):
 * UTF-8 JSON `{"kids":["<base64url KID>", ...]}`, each KID unpadded base64url
 * of the raw key ID bytes. Other members (e.g. `"type"`) are ignored.
 */

import { PsshDecodeError, guardDecode } from './errors';
import { bytesToHex, decodeBase64Url } from './bytes';
import { checkedBytes } from './limits';
import { decodeUtf8Strict } from './text';

/** Shortest key ID accepted, in bytes (Chromium `media/base/limits.h`). */
export const MIN_KEY_ID_BYTES = 1;
/** Longest key ID accepted, in bytes (Chromium `media/base/limits.h`). */
export const MAX_KEY_ID_BYTES = 512;

/**
 * Parses "keyids" init data into KIDs as lower-case hex, in the order given
 * (duplicates kept, as written).
 *
 * Strict like Chromium: the body must be valid UTF-8 JSON whose top level is
 * an object with a non-empty `kids` array of strings; each string must be
 * base64url without padding (`=`, `+`, `/` rejected) decoding to 1..512 bytes.
 *
 * @param data the UTF-8 JSON bytes (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `BAD_KEYIDS_JSON` (the message names the index of
 *   a bad KID), `TOO_LARGE`, `BAD_INPUT`
 */
export function parseKeyIdsInitData(data: Uint8Array): string[] {
  return guardDecode('parseKeyIdsInitData', () => {
    const bytes = checkedBytes(data, 'parseKeyIdsInitData');
    const text = decodeUtf8Strict(bytes);
    if (text === undefined) throw new PsshDecodeError('BAD_KEYIDS_JSON', 'keyids init data is not valid UTF-8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PsshDecodeError('BAD_KEYIDS_JSON', 'keyids init data is not valid JSON');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new PsshDecodeError('BAD_KEYIDS_JSON', 'keyids init data is not a JSON object');
    }
    const kids: unknown = (json as Record<string, unknown>)['kids'];
    if (!Array.isArray(kids)) {
      throw new PsshDecodeError('BAD_KEYIDS_JSON', "keyids init data has no 'kids' array");
    }
    if (kids.length === 0) {
      throw new PsshDecodeError('BAD_KEYIDS_JSON', "keyids init data has an empty 'kids' array");
    }
    return kids.map((kid: unknown, index: number) => keyIdFromBase64Url(kid, index));
  });
}

function keyIdFromBase64Url(kid: unknown, index: number): string {
  if (typeof kid !== 'string') {
    throw new PsshDecodeError('BAD_KEYIDS_JSON', `'kids'[${index}] is not a string`);
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64Url(kid);
  } catch (e) {
    if (e instanceof PsshDecodeError) {
      throw new PsshDecodeError('BAD_KEYIDS_JSON', `'kids'[${index}] is not valid unpadded base64url`);
    }
    throw e;
  }
  if (bytes.length < MIN_KEY_ID_BYTES || bytes.length > MAX_KEY_ID_BYTES) {
    throw new PsshDecodeError(
      'BAD_KEYIDS_JSON',
      `'kids'[${index}] is ${bytes.length} bytes, expected ${MIN_KEY_ID_BYTES}..${MAX_KEY_ID_BYTES}`,
    );
  }
  return bytesToHex(bytes);
}
