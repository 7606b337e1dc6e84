/**
 * What a license request says about the content it is for: its key IDs and
 * the Widevine content id, gathered from the challenge, the init data and
 * what Shaka knows from the manifest.
 *
 * @module
 */

import { KeySystem } from '../../api/key-systems';
import { decodeInitData, summarizeKeyIds } from '../../pssh/init-data';
import type { DrmRequest } from '../preset';
import type { RequestFacts } from './spec';
import { skdUriOf } from './skd';
import { clearKeyChallengeKeyIds } from './clearkey';

/**
 * Lower-case, sorted, without duplicates; anything that is not even-length hex is dropped.
 * The hex test is linear: anchored, one fixed-width group repeated, no
 * alternatives (KIDs from init data: test/unit/worst-case-inputs.spec.ts).
 */
function normalized(keyIds: readonly string[]): string[] {
  const hex = keyIds.map((id) => id.toLowerCase()).filter((id) => /^(?:[0-9a-f]{2})+$/.test(id));
  return [...new Set(hex)].sort();
}

function decodedInitData(request: Pick<DrmRequest, 'initData' | 'initDataType'>) {
  if (!request.initData || !request.initDataType || request.initData.byteLength === 0) return null;
  try {
    return decodeInitData(request.initDataType, request.initData);
  } catch {
    return null; // unknown or damaged init data: fall back to what Shaka knows
  }
}

/**
 * The key IDs of a request, lower-case hex, sorted, without duplicates, from
 * the first source that has any:
 * 1. the `kids` of a Clear Key challenge (exactly what the CDM asks for);
 * 2. the KIDs in the session's init data (`cenc` PSSH boxes, `keyids`, `webm`);
 * 3. the KIDs Shaka knows from the manifest (`request.keyIds`).
 *
 * @param challenge the raw CDM challenge (not a wrapped body)
 */
export function requestKeyIds(request: DrmRequest, challenge: Uint8Array): string[] {
  if (request.keySystem === KeySystem.CLEARKEY && request.kind === 'license') {
    const kids = clearKeyChallengeKeyIds(challenge);
    if (kids) return normalized(kids);
  }
  const decoded = decodedInitData(request);
  const fromInitData = decoded ? summarizeKeyIds(decoded) : [];
  if (fromInitData.length) return normalized(fromInitData);
  return normalized(request.keyIds);
}

/**
 * The `content_id` of the first Widevine PSSH in the session's init data,
 * as text when it is printable UTF-8, else as lower-case hex; `null` when
 * there is none.
 */
export function psshContentId(request: DrmRequest): string | null {
  const decoded = decodedInitData(request);
  for (const system of decoded?.systems ?? []) {
    const wv = system.widevine;
    if (wv?.contentIdText) return wv.contentIdText;
    if (wv?.contentId) return wv.contentId;
  }
  return null;
}

/**
 * The key IDs, Widevine content id and FairPlay `skd://` URI of a request, read from its
 * challenge and init data (see {@link requestKeyIds}); the `skd://` URI from the manifest's key
 * system URIs when the init data has none (modern EME: `sinf` / `cenc` init data).
 */
export function readRequestFacts(request: DrmRequest, challenge: Uint8Array): RequestFacts {
  const skdUri =
    skdUriOf(request.initData) ?? request.keySystemUris?.find((uri) => /^skd:\/\/\S+$/i.test(uri) && uri.length <= 4096) ?? null;
  return { keyIds: requestKeyIds(request, challenge), psshContentId: psshContentId(request), skdUri };
}
