/**
 * Per-key-system wires: one service often wraps Widevine in JSON, sends
 * PlayReady's SOAP as it is and posts FairPlay as a form. A {@link WireSpec}'s
 * `keySystems` entry for a key system is laid over the rest of the spec for
 * that key system's requests.
 *
 * @module
 */

import type { KeySystemWire, WireSpec } from './spec';

/**
 * The `keySystems` entry that applies to `keySystem`: its own name, else the
 * longest entry it extends (`com.microsoft.playready` applies to
 * `com.microsoft.playready.recommendation`, `com.apple.fps` to
 * `com.apple.fps.1_0`); undefined when none does.
 */
function keySystemEntry(wire: WireSpec, keySystem: string): KeySystemWire | undefined {
  const entries = wire.keySystems;
  if (!entries) return undefined;
  if (Object.prototype.hasOwnProperty.call(entries, keySystem)) return entries[keySystem];
  let best: string | undefined;
  for (const name of Object.keys(entries)) {
    if (keySystem.startsWith(`${name}.`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : entries[best];
}

/**
 * The wire of `keySystem`'s requests: the spec with its `keySystems` entry
 * laid over it. `headers` and `query` are merged by name (the entry wins; a
 * `null` header removes one); `wrapRequest`, `unwrapResponse` and `errors`
 * are replaced, and `null` turns the spec's off for this key system.
 */
export function wireForKeySystem(wire: WireSpec, keySystem: string): WireSpec {
  const entry = keySystemEntry(wire, keySystem);
  if (!entry) return wire;
  const merged: WireSpec = { ...wire };
  if (entry.headers) merged.headers = { ...wire.headers, ...entry.headers };
  if (entry.query) merged.query = { ...wire.query, ...entry.query };
  for (const key of ['wrapRequest', 'unwrapResponse', 'errors'] as const) {
    const value = entry[key];
    if (value === null) delete merged[key];
    else if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
