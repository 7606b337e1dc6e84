/**
 * The content keys the wrapping proxy and the DASH-IF ClearKey server answer with: validated and
 * normalised once, looked up by key ID.
 *
 * @module
 */

import type { ClearKeyKeyPair } from './clearkey.js';
import { hexToBytes, normalizeHex16 } from './encoding.js';

/** A content key: key ID and key, each 32 hex digits or UUID form (as in `content/keys.json`). */
export interface EmulatorContentKey {
  /** Key ID, 32 hex digits (or a UUID). */
  kid: string;
  /** The content key, 32 hex digits. */
  key: string;
}

/**
 * Validates and normalises content keys into a map from 32 lower-case hex
 * digits (KID) to the key bytes.
 *
 * @throws TypeError on a malformed entry
 */
export function keyStore(keys: readonly EmulatorContentKey[] | undefined): Map<string, Uint8Array> {
  const store = new Map<string, Uint8Array>();
  (keys ?? []).forEach((entry, index) => {
    const kid = typeof entry?.kid === 'string' ? normalizeHex16(entry.kid) : null;
    const key = typeof entry?.key === 'string' ? normalizeHex16(entry.key) : null;
    if (!kid || !key) throw new TypeError(`keys[${index}] must be { kid, key } with 32 hex digits (or UUID form) each`);
    store.set(kid, hexToBytes(key));
  });
  return store;
}

/** The key pairs for `kids` (hex) that the store has, in the given order, without duplicates. */
export function keyPairs(store: Map<string, Uint8Array>, kids: readonly string[]): ClearKeyKeyPair[] {
  const out: ClearKeyKeyPair[] = [];
  for (const kid of new Set(kids)) {
    const key = store.get(kid);
    if (key) out.push({ kid: hexToBytes(kid), key });
  }
  return out;
}
