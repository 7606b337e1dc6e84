/**
 * An emulation of NAGRA SSP's OTT license servers, for the `nagra` preset's tests and the demo.
 * Mounted at `/vendors/nagra/`: `POST <tenant>/<ls>/contentlicenseservice/v1/licenses` with `<ls>`
 * one of `wvls` (Widevine), `prls` (PlayReady), and `GET _token` (what your backend would sign).
 *
 * What follows NAGRA's documentation (docs.nagra.com, NAGRA SSP Multi-DRM):
 * - "OTT License Servers API" (CLM for PurePlay MDRM): `POST https://{frontAddress}/{tenantId}/
 *   wvls/contentlicenseservice/v1/licenses` and `…/prls/…/licenses`, the CDM's challenge as the
 *   body; 400 and 500 the documented error statuses;
 * - "Authentication Management": the token in the `nv-authorizations` header;
 * - "Content Authorization Token (ContentAuthZ)" and "License Server integration": a JWT signed
 *   with HMAC-SHA256 by the tenant credential named by its `kid` header, claims `ver` ("1.0"),
 *   `typ` ("ContentAuthZ"), `exp`, `device`, `contentRights[]` (`contentId`, ...);
 * - the error codes (Connect Player SDK, "PlayReady licence server error codes", SSP 20.49):
 *   4001 token missing, 3005 unknown token, 4005 invalid expiration date, 4009 tenant id mismatch,
 *   4011 no keys found, 2001 invalid challenge format.
 *
 * Seen in NAGRA's own player samples, not in the documentation read: the `nv-tenant-id` header
 * (checked against the path when sent), `application/octet-stream` Widevine bodies, and the
 * `defaultKcIds` of a content right (the key IDs, as UUIDs, it entitles).
 *
 * Emulator choices (not documented): where the code goes in a reply (`{"errorCode", "description"}`
 * JSON), every refusal as HTTP 400, an expired token answered with 4005, PlayReady refusals as the
 * same JSON (no SOAP Fault), `_token`. The credential is the kit's test secret (no `kid`
 * header is checked). Licenses are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { wvls: 'wv', prls: 'pr' };

/** A refusal with one of the documented codes and its description. */
function refuse(drm: VendorDrm, errorCode: number, description: string, kids?: string[]): VendorReply {
  return {
    status: 400,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ errorCode, description }),
    errorCode,
    drm,
    ...(kids ? { kids } : {}),
  };
}

/** The key IDs (32 hex digits) the token's content rights entitle, or the refusal. */
function entitledKids(request: VendorRequest, drm: VendorDrm, tenant: string, kit: VendorKit): string[] | VendorReply {
  const token = request.headers['nv-authorizations'];
  if (!token) return refuse(drm, 4001, 'The Content Authorization token is missing in the request.');
  const sentTenant = request.headers['nv-tenant-id'];
  if (sentTenant !== undefined && sentTenant !== tenant) return refuse(drm, 4009, 'Tenant ID mismatch between request and tokens.');
  const verified = kit.verifyJwt(token.trim());
  if (!verified.ok) return refuse(drm, 3005, 'The token type is unknown.');
  const { claims } = verified;
  if (claims.ver !== '1.0' || claims.typ !== 'ContentAuthZ') return refuse(drm, 3005, 'The token type is unknown.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= kit.now()) return refuse(drm, 4005, 'Invalid expiration date.');
  const rights = Array.isArray(claims.contentRights) ? (claims.contentRights as Array<{ defaultKcIds?: unknown }>) : [];
  return rights.flatMap((right) =>
    Array.isArray(right?.defaultKcIds) ? right.defaultKcIds.map((id) => String(id).replace(/-/g, '').toLowerCase()) : [],
  );
}

function license(request: VendorRequest, drm: VendorDrm, tenant: string, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const entitled = entitledKids(request, drm, tenant, kit);
  if (!Array.isArray(entitled)) return entitled;
  const answer = kit.license(drm, request.body, {
    granted: entitled,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 2001, `Invalid challenge format: ${answer.message}`, answer.kids)
      : refuse(drm, 4011, `No valid key found for the key id (${answer.message}).`, answer.kids);
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET _token?kids=<hex>,<hex>&expiresInSeconds=<n>`: the ContentAuthZ token your backend would sign. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const jwt = kit.signJwt({
    ver: '1.0',
    typ: 'ContentAuthZ',
    exp: Math.floor(kit.now() / 1000) + seconds,
    device: { accountId: 'keyflow_account_0001' },
    contentRights: [{ contentId: 'keyflow-sample', usageRulesProfileId: 'Test', defaultKcIds: kids.map(uuid) }],
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The NAGRA SSP OTT license servers emulator. */
export const nagraEmulator: VendorEmulator = {
  name: 'nagra',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const match = /^([A-Za-z0-9_-]+)\/(wvls|prls)\/contentlicenseservice\/v1\/licenses$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, DRMS[match[2]!]!, match[1]!, kit);
  },
};
