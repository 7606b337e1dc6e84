/**
 * An emulation of NAGRA SSP's OTT license servers, for the `nagra` preset's tests and the demo.
 * Mounted at `/vendors/nagra/`: `POST <tenant>/<ls>/contentlicenseservice/v1/licenses` with `<ls>`
 * one of `wvls` (Widevine), `prls` (PlayReady), `fpls` (FairPlay); `GET <tenant>/fpls/
 * contentlicenseservice/v1/certificates` (the FairPlay certificate); and `GET _token` (what your
 * backend would sign).
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
 * (checked against the path when sent), `application/octet-stream` Widevine bodies, the
 * `defaultKcIds` of a content right (the key IDs, as UUIDs, it entitles), and FairPlay: the
 * certificate at `…/fpls/contentlicenseservice/v1/certificates` (fetched without the token), the
 * SPC raw (`application/octet-stream`) to `…/fpls/contentlicenseservice/v1/licenses` with the
 * token like the other DRMs, the reply JSON `{"CkcMessage": "<base64 CKC>"}`.
 *
 * Emulator choices (not documented): where the code goes in a reply (`{"errorCode", "description"}`
 * JSON), every refusal as HTTP 400, an expired token answered with 4005, PlayReady refusals as the
 * same JSON (no SOAP Fault), an SPC that is not raw (base64, a form field, JSON) or was made with
 * another certificate than the one served answered with 2001, the certificate's bytes (the kit's
 * `FAIRPLAY_TEST_CERTIFICATE`, served raw as `application/octet-stream`), `_token`. The
 * credential is the kit's test secret (no `kid` header is checked). Licenses are the test CDM's
 * (keys in clear, the emulated CKC): see `kit.ts`.
 *
 * @module
 */

import { FAIRPLAY_TEST_CERTIFICATE, fairPlayCertificateSha256, spcCertificateSha256 } from './kit.js';
import type { LicenseAnswer, VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { wvls: 'wv', prls: 'pr', fpls: 'fp' };

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

/** Null unless `body` is an emulated SPC made with another certificate than the one `certificates` serves. */
function wrongCertificate(drm: VendorDrm, body: Uint8Array): VendorReply | null {
  if (drm !== 'fp') return null;
  const sha256 = spcCertificateSha256(body);
  if (sha256 === null || sha256 === fairPlayCertificateSha256()) return null;
  return refuse(drm, 2001, "Invalid challenge format: the SPC was not made with the tenant's FairPlay certificate.");
}

/** A granted license: FairPlay's CKC as `{"CkcMessage": "<base64>"}`, the others as the kit writes them. */
function licenseReply(drm: VendorDrm, answer: LicenseAnswer & { ok: true }): VendorReply {
  if (drm !== 'fp') return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
  const body = JSON.stringify({ CkcMessage: Buffer.from(answer.body).toString('base64') });
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body, drm, kids: answer.kids };
}

function license(request: VendorRequest, drm: VendorDrm, tenant: string, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const entitled = entitledKids(request, drm, tenant, kit);
  if (!Array.isArray(entitled)) return entitled;
  const refusal = wrongCertificate(drm, request.body);
  if (refusal) return refusal;
  const answer = kit.license(drm, request.body, {
    granted: entitled,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 2001, `Invalid challenge format: ${answer.message}`, answer.kids)
      : refuse(drm, 4011, `No valid key found for the key id (${answer.message}).`, answer.kids);
  }
  return licenseReply(drm, answer);
}

/** `GET <tenant>/fpls/contentlicenseservice/v1/certificates`: the FairPlay certificate (no token, as NAGRA's samples fetch it). */
function certificate(request: VendorRequest): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: FAIRPLAY_TEST_CERTIFICATE };
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
    if (/^[A-Za-z0-9_-]+\/fpls\/contentlicenseservice\/v1\/certificates$/.test(request.path)) return certificate(request);
    const match = /^([A-Za-z0-9_-]+)\/(wvls|prls|fpls)\/contentlicenseservice\/v1\/licenses$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, DRMS[match[2]!]!, match[1]!, kit);
  },
};
