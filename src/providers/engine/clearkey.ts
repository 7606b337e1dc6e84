/**
 * W3C Clear Key (`org.w3.clearkey`) message shapes, as a client sees them
 * (EME editor's draft, "Clear Key"; license-services.md §1):
 * - the challenge is UTF-8 JSON `{"kids":["<base64url>",...],"type":"temporary"}`;
 * - the license is a JWK set `{"keys":[{"kty":"oct","k":"…","kid":"…"}],"type":"…"}`.
 *
 * @module
 */

import { bytesToHex, decodeBase64Url } from '../../pssh/bytes';
import { parseJsonOrUndefined } from './failures';
import { utf8Text } from './encoding';

/**
 * The key IDs (lower-case hex) a Clear Key challenge asks for, or `null` when
 * `challenge` is not a Clear Key license request.
 */
export function clearKeyChallengeKeyIds(challenge: Uint8Array): string[] | null {
  const text = utf8Text(challenge);
  const json = text === null ? undefined : parseJsonOrUndefined(text);
  const kids = json && typeof json === 'object' ? (json as { kids?: unknown }).kids : undefined;
  if (!Array.isArray(kids) || kids.length === 0) return null;
  const out: string[] = [];
  for (const kid of kids) {
    if (typeof kid !== 'string') return null;
    try {
      out.push(bytesToHex(decodeBase64Url(kid)));
    } catch {
      return null;
    }
  }
  return out;
}

/**
 * Why `license` is not a Clear Key license the CDM will take, or `null` when
 * it looks like one: UTF-8 JSON with a non-empty `keys` array whose entries
 * each have `kty: "oct"` and string `k` and `kid` (Chromium rejects the
 * whole license otherwise, with nothing but "Invalid response").
 */
export function clearKeyLicenseProblem(license: Uint8Array): string | null {
  const text = utf8Text(license);
  if (text === null) return 'it is not UTF-8 text';
  const json = parseJsonOrUndefined(text);
  if (json === undefined) return 'it is not JSON';
  const keys = json && typeof json === 'object' ? (json as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) return 'it has no "keys" array';
  if (keys.length === 0) return 'its "keys" array is empty';
  const bad = keys.findIndex((key: unknown) => {
    const jwk = (key ?? {}) as { kty?: unknown; k?: unknown; kid?: unknown };
    return jwk.kty !== 'oct' || typeof jwk.k !== 'string' || typeof jwk.kid !== 'string' || !jwk.k || !jwk.kid;
  });
  return bad >= 0 ? `keys[${bad}] is not a {"kty":"oct","k":…,"kid":…} key` : null;
}
