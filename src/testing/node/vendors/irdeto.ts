/**
 * An emulation of Irdeto Control's license server, for the `irdeto` preset's tests and the demo.
 * Mounted at `/vendors/irdeto/`: `POST licenseServer/<drm>/v1/<tenant>/license` with `<drm>` one
 * of `widevine`, `playready`, and `GET _token` (what your backend would get for the user).
 *
 * Irdeto's license API is not publicly documented. What follows is what third-party code and
 * public issue threads show its servers doing (observed, not vendor documentation):
 * - the path `/licenseServer/{widevine,playready}/v1/<tenant>/license` on
 *   `<tenant>.live.ott.irdeto.com` (medvm/widevine_keys#81; public player configurations);
 * - the query parameters `contentId` (required: a request without it is refused with
 *   `{"code":100100,"message":"The request is invalid. Error while parsing: contentId. …"}`,
 *   medvm/widevine_keys#81) and `keyId` (a UUID);
 * - the session token, a JWT (HS256, `kid` header) with `aid` (the account), `sub`, `iat`, `exp`,
 *   `jti` and an `ent` entitlement list, as the `ls_session` query parameter (medvm/widevine_keys#81)
 *   or as `Authorization: Bearer` (xbmc/inputstream.adaptive#1077);
 * - error replies as JSON `{code, message}`.
 *
 * Emulator choices (nothing observed says them): the statuses (400 for a request without a
 * content id or with a malformed key id, 401 for a missing, forged, expired or other account's
 * token, 403 for content the token does not entitle), the codes other than 100100 and every
 * message text except that one; a token in both places is refused (400); `ent` entries as
 * `{ epid: 'default', bid: <contentId> }` entitling one content id, and that content id entitling
 * every key of the kit's store; PlayReady errors as the same JSON (no SOAP Fault); `_token`. The
 * signing key is the kit's test secret. Licenses are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { widevine: 'wv', playready: 'pr' };
/** The code the observed reply gives for an invalid request. */
const INVALID_REQUEST = 100100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refusal: `{code, message}` JSON. */
function refuse(drm: VendorDrm, status: number, code: number, message: string, kids?: string[]): VendorReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, message }),
    errorCode: code,
    drm,
    ...(kids ? { kids } : {}),
  };
}

/** The session token of a request (query or Bearer header), or the refusal. */
function sessionToken(request: VendorRequest, drm: VendorDrm): string | VendorReply {
  const query = request.query.get('ls_session');
  const header = request.headers.authorization;
  if (query !== null && header !== undefined)
    return refuse(drm, 400, INVALID_REQUEST, 'Give the session token once: ls_session or Authorization.');
  if (header !== undefined) {
    const bearer = /^Bearer ([^\s]+)$/.exec(header.trim());
    return bearer ? bearer[1]! : refuse(drm, 401, 130401, 'The Authorization header is not a Bearer token.');
  }
  return query ?? refuse(drm, 401, 130401, 'No session token (ls_session or Authorization: Bearer).');
}

/** Checks the session token for `tenant` and `contentId`: null when it entitles them, else the refusal. */
function checkSession(request: VendorRequest, drm: VendorDrm, tenant: string, contentId: string, kit: VendorKit): VendorReply | null {
  const token = sessionToken(request, drm);
  if (typeof token !== 'string') return token;
  const verified = kit.verifyJwt(token);
  if (!verified.ok) return refuse(drm, 401, 130401, `The session token is not valid (${verified.why}).`);
  const { claims } = verified;
  if (claims.aid !== tenant) return refuse(drm, 401, 130401, 'The session token is for another account.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= kit.now()) return refuse(drm, 401, 130402, 'The session token has expired.');
  const entitlements = Array.isArray(claims.ent) ? (claims.ent as Array<{ bid?: unknown }>) : [];
  if (!entitlements.some((entry) => entry?.bid === contentId))
    return refuse(drm, 403, 130403, `The session token does not entitle content ${contentId}.`);
  return null;
}

function license(request: VendorRequest, drm: VendorDrm, tenant: string, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const contentId = request.query.get('contentId');
  if (!contentId)
    return refuse(
      drm,
      400,
      INVALID_REQUEST,
      'The request is invalid. Error while parsing: contentId. Parameter null not expected as an array',
    );
  const keyId = request.query.get('keyId');
  if (keyId !== null && !UUID.test(keyId)) return refuse(drm, 400, INVALID_REQUEST, 'The request is invalid. Error while parsing: keyId.');
  const refusal = checkSession(request, drm, tenant, contentId, kit);
  if (refusal) return refusal;
  const answer = kit.license(drm, request.body, request.headers.soapaction ? { soapAction: request.headers.soapaction } : {});
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 400, INVALID_REQUEST, `The request is invalid. ${answer.message}`, answer.kids)
      : refuse(drm, 403, 130403, `No key for content ${contentId}: ${answer.message}`, answer.kids);
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET _token?tenant=<t>&contentId=<id>&expiresInSeconds=<n>`: the session token your backend would get. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const now = Math.floor(kit.now() / 1000);
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const jwt = kit.signJwt({
    aid: request.query.get('tenant') ?? 'keyflow',
    sub: 'keyflow-test-user',
    iat: now,
    exp: now + seconds,
    jti: `${now}-${Math.random().toString(36).slice(2)}`,
    ent: [{ epid: 'default', bid: request.query.get('contentId') ?? '' }],
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The Irdeto Control license server emulator (observed behaviour, see the module comment). */
export const irdetoEmulator: VendorEmulator = {
  name: 'irdeto',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const match = /^licenseServer\/(widevine|playready)\/v1\/([A-Za-z0-9_-]+)\/license$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return license(request, DRMS[match[1]!]!, match[2]!, kit);
  },
};
