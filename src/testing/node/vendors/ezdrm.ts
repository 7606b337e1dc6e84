/**
 * An emulation of EZDRM's license servers, for the `ezdrm` preset's tests and the demo. Mounted at
 * `/vendors/ezdrm/`: `POST proxy?pX=<profile>` (Widevine, `widevine-dash.ezdrm.com` at EZDRM),
 * `POST cency/preauth.aspx?pX=<profile>` (PlayReady, `playready.ezdrm.com`), `POST
 * api/licenses/<asset id>` (FairPlay, `fps.ezdrm.com`), and `GET _token` (what your backend would
 * hand the player for your own query parameters).
 *
 * What follows public sources (EZDRM publishes no license-server reference; these are what
 * EZDRM-made material and public integrations show):
 * - the paths and the `pX` profile query parameter (`widevine-dash.ezdrm.com/proxy?pX=…`, Shaka
 *   Player issue #6141 and public integrations; the PlayReady LA_URL
 *   `https://playready.ezdrm.com/cency/preauth.aspx` in the PlayReady header of EZDRM's CPIX
 *   answer quoted by Unified Streaming's EZDRM page);
 * - the CDM's challenge as the body, the license as the reply; other query parameters an
 *   integrator adds (`CustomData=…`, `user_id=…`) are passed through by EZDRM;
 * - FairPlay (EZDRM's demo integrations, Shaka Player's `ezdrmFairPlayRequest`): the license URL
 *   `fps.ezdrm.com/api/licenses/<asset id>`, the asset id being the `skd://` URI's part after its
 *   `;` (`skd://fps.ezdrm.com/;<asset id>`, EZDRM's CPIX answer); the raw SPC as the body with
 *   `Content-Type: application/octet-stream`, the CKC itself (raw bytes) as the reply; no pX, and no
 *   certificate endpoint (your own Apple certificate).
 *
 * Emulator choices (not documented): the known profile is {@link EZDRM_TEST_PROFILE}; a missing or
 * unknown `pX` is refused with 403 and a plain-text reason; a `CustomData` parameter plays your
 * authorization of the request: it must be an HS256 JWT from `_token` (the kit's test secret)
 * whose `kids` grant the requested keys, else 403; without it every key of the store is granted.
 * An unreadable challenge is 400. PlayReady refusals are plain text too (EZDRM's are not
 * documented). FairPlay: the known asset id is {@link EZDRM_TEST_ASSET} (another is 403); a body
 * that is not `application/octet-stream` is refused with 415, an unreadable SPC with 400, both
 * plain text (EZDRM documents no FairPlay errors); `CustomData` is checked as for the other DRMs.
 * Licenses and CKCs are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

/** The profile id (`pX`) the emulator knows. */
const EZDRM_TEST_PROFILE = 'keyflow-test';
/** The FairPlay asset id the emulator knows (the sample's, `skd://fps.ezdrm.com/;keyflow-sample`). */
const EZDRM_TEST_ASSET = 'keyflow-sample';
/** The FairPlay license path, the asset id after it. */
const FAIRPLAY_PATH = 'api/licenses/';

function refuse(drm: VendorDrm, status: 400 | 403 | 415, reason: string, kids?: string[]): VendorReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: reason, drm, ...(kids ? { kids } : {}) };
}

/** The key IDs a `CustomData` JWT grants, undefined when there is none (all granted), or the refusal. */
function grantedBy(request: VendorRequest, drm: VendorDrm, kit: VendorKit): string[] | undefined | VendorReply {
  const customData = request.query.get('CustomData');
  if (customData === null) return undefined;
  const verified = kit.verifyJwt(customData);
  if (!verified.ok) return refuse(drm, 403, `CustomData refused by the authorization (${verified.why})`);
  const kids = verified.claims.kids;
  return Array.isArray(kids) ? kids.map(String) : [];
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  if (request.query.get('pX') !== EZDRM_TEST_PROFILE) return refuse(drm, 403, 'Unknown or missing profile (pX)');
  const granted = grantedBy(request, drm, kit);
  if (granted && !Array.isArray(granted)) return granted;
  const answer = kit.license(drm, request.body, {
    ...(granted ? { granted } : {}),
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/**
 * `POST api/licenses/<asset id>`: the raw SPC (`application/octet-stream`) in, the raw CKC out, for
 * the known asset, `CustomData` checked as for the other DRMs.
 */
function fairPlayLicense(request: VendorRequest, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  if (request.path.slice(FAIRPLAY_PATH.length) !== EZDRM_TEST_ASSET) return refuse('fp', 403, 'Unknown asset id');
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/octet-stream') return refuse('fp', 415, 'The SPC must be sent as application/octet-stream');
  const granted = grantedBy(request, 'fp', kit);
  if (granted && !Array.isArray(granted)) return granted;
  const answer = kit.license('fp', request.body, granted ? { granted } : {});
  if (!answer.ok) return refuse('fp', answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: answer.body, drm: 'fp', kids: answer.kids };
}

/** `GET _token?kids=<hex>,<hex>`: a `CustomData` value granting those keys. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: kit.signJwt({ kids }) };
}

/** The EZDRM license servers emulator. */
export const ezdrmEmulator: VendorEmulator = {
  name: 'ezdrm',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'proxy') return license(request, 'wv', kit);
    if (request.path === 'cency/preauth.aspx') return license(request, 'pr', kit);
    if (request.path.startsWith(FAIRPLAY_PATH)) return fairPlayLicense(request, kit);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
