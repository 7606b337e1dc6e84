/**
 * An emulation of Insys drm.cloud (Cloud DRM) license acquisition, for the `drmcloud` preset's
 * tests and the demo. Mounted at `/vendors/drmcloud/`: `POST acquire-license/widevine`,
 * `POST acquire-license/playready` (on `<tenant>.la.drm.cloud` at Insys), and `GET _token`
 * (what your backend would sign).
 *
 * What follows drm.cloud's documentation (developers.drm.cloud, "Licence acquisition": "How to
 * issue license", "Token", "License acquisition error codes"):
 * - The challenge as the POST body; BrandGuid as the `BrandGuid` query parameter or the
 *   `X-Drm-BrandGuid` header, the UserToken as the `UserToken` query parameter or the
 *   `X-Drm-UserToken` header.
 * - The UserToken: an HS256 JWT with `exp` (unix time) and `kid` (the key IDs it grants, or `"*"`
 *   for all).
 * - Errors: the status and a JSON body `{code, status, message, requestId}`: 403 `drm_4002`
 *   payload missing, `drm_4003` payload unparseable, `drm_4005` BrandGuid invalid, `drm_3031` token
 *   invalid or expired, `drm_3032` signature invalid, `drm_3033` KeyID not matched, `drm_3036`
 *   UserToken not valid.
 *
 * Emulator choices (not documented): query parameter names read case-insensitively (Insys'
 * examples write both `BrandGuid` and `brandGuid`); a missing UserToken is `drm_3036`; the
 * message texts; `requestId` a random UUID; no FairPlay, no `duration` or security options, no
 * nonce. The signing key is the kit's secret (drm.cloud's is base64 in the console), the
 * BrandGuid `00000000-0000-4000-8000-00000000cafe`. `_token`.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const BRAND_GUID = '00000000-0000-4000-8000-00000000cafe';
const DRMS: Record<string, VendorDrm> = { widevine: 'wv', playready: 'pr' };

/** A refusal as drm.cloud answers it. */
function refuse(drm: VendorDrm, status: 403 | 500, code: string, message: string, kids?: string[]): VendorReply {
  const body = JSON.stringify({ code, status, message, requestId: randomUUID() });
  return { status, headers: { 'Content-Type': 'application/json' }, body, errorCode: code, drm, ...(kids ? { kids } : {}) };
}

/** A query parameter by name, any case. */
function queryParam(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/** The key IDs the UserToken grants (`undefined`: all), or the refusal. */
function checkUserToken(request: VendorRequest, drm: VendorDrm, kit: VendorKit): string[] | undefined | VendorReply {
  const token = request.headers['x-drm-usertoken'] ?? queryParam(request.query, 'UserToken');
  if (!token) return refuse(drm, 403, 'drm_3036', 'UserToken not valid');
  const verified = kit.verifyJwt(token.trim());
  if (!verified.ok) {
    return verified.why === 'signature'
      ? refuse(drm, 403, 'drm_3032', 'Signature of DRM token is invalid')
      : refuse(drm, 403, 'drm_3036', 'UserToken not valid');
  }
  const { exp, kid } = verified.claims;
  if (typeof exp !== 'number' || exp * 1000 <= kit.now()) return refuse(drm, 403, 'drm_3031', 'JWT token is not valid or it has expired');
  if (!Array.isArray(kid)) return refuse(drm, 403, 'drm_3036', 'UserToken not valid');
  return kid.includes('*') ? undefined : kid.map((id) => String(id).replace(/-/g, '').toLowerCase());
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const brandGuid = request.headers['x-drm-brandguid'] ?? queryParam(request.query, 'BrandGuid');
  if (brandGuid?.toLowerCase() !== BRAND_GUID) return refuse(drm, 403, 'drm_4005', 'BrandGuid is invalid or configuration is missing');
  if (request.body.byteLength === 0) return refuse(drm, 403, 'drm_4002', 'The payload of the license request is missing');
  const granted = checkUserToken(request, drm, kit);
  if (granted && !Array.isArray(granted)) return granted;
  const answer = kit.license(drm, request.body, {
    ...(granted ? { granted } : {}),
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 403, 'drm_4003', 'The payload of the license could not be parsed', answer.kids)
      : refuse(drm, 403, 'drm_3033', 'KeyID in DRM token could not be matched', answer.kids);
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET _token?kids=<hex>,<hex>|*&expiresInSeconds=<n>`: a UserToken for those keys (UUIDs in `kid`). */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  const exp = Math.floor(kit.now() / 1000) + Number(request.query.get('expiresInSeconds') ?? 600);
  const jwt = kit.signJwt({ exp, kid: kids.map((kid) => (kid === '*' ? kid : uuid(kid))), duration: 3600 });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The drm.cloud license acquisition emulator. */
export const drmCloudEmulator: VendorEmulator = {
  name: 'drmcloud',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const match = /^acquire-license\/(widevine|playready)$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, DRMS[match[1]!]!, kit);
  },
};
