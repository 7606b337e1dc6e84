/**
 * An emulation of EZDRM's license servers, for the `ezdrm` preset's tests and the demo. Mounted at
 * `/vendors/ezdrm/`: `POST proxy?pX=<profile>` (Widevine, `widevine-dash.ezdrm.com` at EZDRM),
 * `POST cency/preauth.aspx?pX=<profile>` (PlayReady, `playready.ezdrm.com`), and `GET _token`
 * (what your backend would hand the player for your own query parameters).
 *
 * What follows public sources (EZDRM publishes no license-server reference; these are what
 * EZDRM-made material and public integrations show):
 * - the paths and the `pX` profile query parameter (`widevine-dash.ezdrm.com/proxy?pX=…`, Shaka
 *   Player issue #6141 and public integrations; the PlayReady LA_URL
 *   `https://playready.ezdrm.com/cency/preauth.aspx` in the PlayReady header of EZDRM's CPIX
 *   answer quoted by Unified Streaming's EZDRM page);
 * - the CDM's challenge as the body, the license as the reply; other query parameters an
 *   integrator adds (`CustomData=…`, `user_id=…`) are passed through by EZDRM.
 *
 * Emulator choices (not documented): the known profile is {@link EZDRM_TEST_PROFILE}; a missing or
 * unknown `pX` is refused with 403 and a plain-text reason; a `CustomData` parameter plays your
 * authorization of the request: it must be an HS256 JWT from `_token` (the kit's test secret)
 * whose `kids` grant the requested keys, else 403; without it every key of the store is granted.
 * An unreadable challenge is 400. PlayReady refusals are plain text too (EZDRM's are not
 * documented). FairPlay (`fps.ezdrm.com/api/licenses/<asset id>`) is not emulated: there is no
 * FairPlay test CDM. Licenses are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

/** The profile id (`pX`) the emulator knows. */
const EZDRM_TEST_PROFILE = 'keyflow-test';

function refuse(drm: VendorDrm, status: 400 | 403, reason: string, kids?: string[]): VendorReply {
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
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
