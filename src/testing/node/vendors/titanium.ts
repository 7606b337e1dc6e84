/**
 * An emulation of a Titanium DRM license server, for the `titanium` preset's tests and the demo.
 * Mounted at `/vendors/titanium/`: `POST widevine`, `POST playready`, `POST fairplay`, and
 * `GET _token` (what the Titanium Secure Token Server would hand your app).
 *
 * Titanium's documentation is not public. What this follows is THEOplayer's Titanium connector
 * (THEOplayer/samples-drm-integration, `web/src/integration/titaniumdrm`), a client written
 * against the service: the auth token (a JWT from the Secure Token Server) as
 * `Authorization: Bearer <token>`, or the device registration as `X-TITANIUM-DRM-CDATA`, base64 of
 * `{"LatensRegistration":{CustomerName, AccountName, PortalId, FriendlyName, AppVersion,
 * DeviceInfo}}`; the challenge as the body, the license as the reply. FairPlay: the SPC as the body
 * with `Content-Type: application/octet-stream` (the connector sets it for every DRM), the CKC as
 * the reply (the connector reads no wrapper), the content id everything after `skd://`; the
 * certificate is the app's (the connector has no certificate request of its own).
 *
 * Emulator choices (all of the rest): the paths; the token's claims (`kids`, the key IDs it grants,
 * and `exp`), HS256 with the kit's secret; a registration of customer `keyflow`, account
 * `keyflow-test`, portal `1` is granted every key; the refusals (401 for a missing, unverifiable
 * or expired token or an unknown registration, 403 for keys not granted, 400 for an unreadable
 * challenge, each with a text body); `_token`; for FairPlay, a `Content-Type` other than
 * `application/octet-stream` or a body that is not an SPC is 400, the SPC's certificate is not
 * checked (no certificate endpoint) and a device registration's `DeviceInfo` is not read. It
 * cannot prove Titanium's real tokens, statuses or error bodies.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { widevine: 'wv', playready: 'pr', fairplay: 'fp' };

function refuse(drm: VendorDrm, status: 400 | 401 | 403, message: string, kids?: string[]): VendorReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message, drm, ...(kids ? { kids } : {}) };
}

/** The keys a Bearer token grants, or why not. */
function bearerGrant(header: string, kit: VendorKit): string[] | null | string {
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match) return 'not a Bearer token';
  const verified = kit.verifyJwt(match[1]!);
  if (!verified.ok) return `auth token not accepted (${verified.why})`;
  const { kids, exp } = verified.claims;
  if (typeof exp !== 'number' || exp * 1000 <= kit.now()) return 'auth token expired';
  return Array.isArray(kids) ? kids.map((kid) => String(kid).toLowerCase()) : 'auth token grants no keys';
}

/** A known device registration is granted every key (`undefined`), else why not. */
function deviceGrant(header: string): undefined | string {
  try {
    const data = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { LatensRegistration?: Record<string, unknown> };
    const r = data.LatensRegistration;
    return r?.CustomerName === 'keyflow' && r.AccountName === 'keyflow-test' && r.PortalId === '1' ? undefined : 'unknown registration';
  } catch {
    return 'X-TITANIUM-DRM-CDATA is not base64 JSON';
  }
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const bearer = request.headers.authorization;
  const device = request.headers['x-titanium-drm-cdata'];
  const granted = bearer !== undefined ? bearerGrant(bearer, kit) : device !== undefined ? deviceGrant(device) : 'no credentials';
  if (typeof granted === 'string') return refuse(drm, 401, granted);
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (drm === 'fp' && type !== 'application/octet-stream') return refuse(drm, 400, 'the SPC must be sent as application/octet-stream');
  const answer = kit.license(drm, request.body, {
    ...(granted ? { granted } : {}),
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET _token?kids=<hex>,<hex>&expiresInSeconds=<n>`: an auth token for those keys. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  const exp = Math.floor(kit.now() / 1000) + Number(request.query.get('expiresInSeconds') ?? 600);
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: kit.signJwt({ kids, exp }) };
}

/** The Titanium license server emulator. */
export const titaniumEmulator: VendorEmulator = {
  name: 'titanium',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const drm = DRMS[request.path];
    if (!drm) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, drm, kit);
  },
};
