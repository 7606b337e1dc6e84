/**
 * An emulation of Mux Video's DRM license endpoints, for the `mux` preset's tests and the demo.
 * Mounted at `/vendors/mux/`: `POST license/<drm>/<playbackId>?token=…` with `<drm>` one of
 * `widevine`, `playready`, `fairplay`; `GET appcert/fairplay/<playbackId>?token=…` (the FairPlay
 * application certificate); and `GET _token` (what your backend would sign).
 *
 * What follows Mux's documentation (mux.com/docs, "Protect videos with DRM", "Creating license
 * URLs", the native EME example; "Secure video playback" for the tokens):
 * - the license URL `https://license.mux.com/license/{widevine,playready,fairplay}/{playback-id}
 *   ?token={drm-license-token}`, the CDM's challenge as the body, the license as the reply;
 * - FairPlay: the certificate at `https://license.mux.com/appcert/fairplay/{playback-id}
 *   ?token={drm-license-token}` (the same token), the SPC raw as the body of the license request
 *   (`application/octet-stream` in the native EME example), the reply the CKC itself (raw bytes);
 * - the DRM license token: a JWT for the playback ID (`sub`), of the DRM license type
 *   (`aud: "d"`, as Mux's Node SDK `jwt.signDrmLicense` writes it), with an expiry (`exp`).
 *
 * Emulator choices (not documented): the refusals (403 for a missing, forged or expired token, one
 * of another type or playback ID, or keys the store lacks; 400 for an unreadable challenge, e.g. an
 * SPC sent base64 or as a form field, or an SPC made with another certificate than the one
 * `appcert` serves) and their plain-text bodies, the certificate's bytes (the kit's
 * `FAIRPLAY_TEST_CERTIFICATE`), the token's signature (the kit's HS256 with its test secret; Mux
 * signs with RS256 and your signing key, which no emulator can check), and `_token`. Licenses are
 * the test CDM's (keys in clear, the emulated CKC): see `kit.ts`.
 *
 * @module
 */

import { FAIRPLAY_TEST_CERTIFICATE, fairPlayCertificateSha256, spcCertificateSha256 } from './kit.js';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { widevine: 'wv', playready: 'pr', fairplay: 'fp' };

function refuse(drm: VendorDrm, status: 400 | 403, message: string, kids?: string[]): VendorReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message, drm, ...(kids ? { kids } : {}) };
}

/** Null when the `token` query parameter is a DRM license token for `playbackId`, else the refusal. */
function checkToken(request: VendorRequest, drm: VendorDrm, playbackId: string, kit: VendorKit): VendorReply | null {
  const token = request.query.get('token');
  if (!token) return refuse(drm, 403, 'No token.');
  const verified = kit.verifyJwt(token);
  if (!verified.ok) return refuse(drm, 403, `Invalid token (${verified.why}).`);
  const { claims } = verified;
  if (claims.aud !== 'd') return refuse(drm, 403, 'Not a DRM license token.');
  if (claims.sub !== playbackId) return refuse(drm, 403, 'The token is for another playback ID.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= kit.now()) return refuse(drm, 403, 'The token has expired.');
  return null;
}

/** Null unless `body` is an emulated SPC made with another certificate than the one `appcert` serves. */
function wrongCertificate(drm: VendorDrm, body: Uint8Array): VendorReply | null {
  if (drm !== 'fp') return null;
  const sha256 = spcCertificateSha256(body);
  if (sha256 === null || sha256 === fairPlayCertificateSha256()) return null;
  return refuse(drm, 400, 'The SPC was not made with the FairPlay certificate of this playback ID.');
}

function license(request: VendorRequest, drm: VendorDrm, playbackId: string, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const refusal = checkToken(request, drm, playbackId, kit) ?? wrongCertificate(drm, request.body);
  if (refusal) return refusal;
  const answer = kit.license(drm, request.body, request.headers.soapaction ? { soapAction: request.headers.soapaction } : {});
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET appcert/fairplay/<playbackId>?token=…`: the FairPlay application certificate, for a DRM license token of the playback ID. */
function certificate(request: VendorRequest, playbackId: string, kit: VendorKit): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  const refusal = checkToken(request, 'fp', playbackId, kit);
  if (refusal) return { ...refusal, drm: undefined };
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: FAIRPLAY_TEST_CERTIFICATE };
}

/** `GET _token?playbackId=<id>&aud=<d>&expiresInSeconds=<n>`: the DRM license token your backend would sign. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const jwt = kit.signJwt({
    sub: request.query.get('playbackId') ?? '',
    aud: request.query.get('aud') ?? 'd',
    exp: Math.floor(kit.now() / 1000) + seconds,
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The Mux DRM license endpoints emulator. */
export const muxEmulator: VendorEmulator = {
  name: 'mux',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const appcert = /^appcert\/fairplay\/([A-Za-z0-9]+)$/.exec(request.path);
    if (appcert) return certificate(request, appcert[1]!, kit);
    const match = /^license\/(widevine|playready|fairplay)\/([A-Za-z0-9]+)$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, DRMS[match[1]!]!, match[2]!, kit);
  },
};
