/**
 * An emulation of Verimatrix Multi-DRM (Streamkeeper) license servers, for the `verimatrix`
 * preset's tests and the demo. Mounted at `/vendors/verimatrix/`: `POST widevine`, `POST
 * playready`, `POST fairplay`, and `GET _token` (what your backend would sign).
 *
 * What follows Verimatrix's documentation (docs.verimatrix.com):
 * - "Generate tokens for authorization": every request to a Multi-DRM service carries a JWT
 *   authorization token in a header, or it is denied;
 * - "Authorization Overview": `kid` in the JWT header; `iat`, `jti`, `iss`, `ver` required in the
 *   payload; `exp` / `nbf` honoured with ±5 s of clock skew; a license token lives at most
 *   `iat` + 120 s (±5 s), and `iat` must not be in the future;
 * - "DRM Application Specific Token Authentication": `aud` (the purpose) and `sub` (the content
 *   id the keys were requested for, which must match) required;
 * - "DRM Specific Integration": FairPlay's license request is JSON `{"spc": "<base64 SPC>"}`
 *   (standard or URL-safe base64), the reply JSON `{"ckc": "<base64 CKC>"}`.
 *
 * Emulator choices (not documented): the header is `Authorization` with the bare JWT (as
 * THEOplayer's integration sends it; `Bearer …` is refused); HS256 with the kit's test secret
 * (Verimatrix's algorithms are given by your representative); a `jti` is refused once used; the
 * content id is {@link CONTENT_ID}, `aud` must be `license`; the token names no keys, so every key
 * of the store is granted. A missing, malformed, expired or reused token is 401, a token for other
 * content 403, an unreadable challenge 400, each with a plain-text reason; PlayReady answers
 * refusals with 500 and a SOAP `Client` fault. FairPlay: the path `fairplay` (THEOplayer's); a body
 * that is not JSON with a string `spc` is 400 (plain text), whatever its `Content-Type`; the `ckc`
 * is written in standard base64; there is no certificate endpoint (your own Apple certificate).
 * Licenses and CKCs are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import { createHmac } from 'node:crypto';

import { buildSoapFault, PlayReadyServerStatus } from '../../playready-messages';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

/** The content id the sample's keys were requested for (the `sub` a token must carry). */
const CONTENT_ID = 'keyflow-sample';
const SKEW_S = 5;
const MAX_AGE_S = 120;
const usedJtis = new Set<string>();

function refuse(drm: VendorDrm, status: 400 | 401 | 403, reason: string, kids?: string[]): VendorReply {
  const extra = kids ? { kids } : {};
  if (drm !== 'pr') return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: reason, drm, ...extra };
  const statusCode = status === 400 ? PlayReadyServerStatus.INVALID_MESSAGE : PlayReadyServerStatus.SERVICE_SPECIFIC;
  const body = buildSoapFault({ faultCode: 'soap:Client', faultString: reason, statusCode });
  return { status: 500, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body, drm, ...extra };
}

function headerOf(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Why the claims' times are refused, or null. */
function timeProblem(claims: Record<string, unknown>, nowS: number): string | null {
  const { iat, exp, nbf } = claims;
  if (typeof iat !== 'number') return 'iat is required';
  if (iat > nowS + SKEW_S) return 'iat is in the future';
  const expires = Math.min(typeof exp === 'number' ? exp : Infinity, iat + MAX_AGE_S);
  if (nowS > expires + SKEW_S) return 'token expired';
  if (typeof nbf === 'number' && nowS < nbf - SKEW_S) return 'token not yet valid';
  return null;
}

/** The refusal of a request's token, or null when it may be used (its jti then marked used). */
function tokenRefusal(authorization: string | undefined, drm: VendorDrm, kit: VendorKit): VendorReply | null {
  if (!authorization) return refuse(drm, 401, 'Missing authorization token');
  const verified = kit.verifyJwt(authorization);
  if (!verified.ok || typeof headerOf(authorization).kid !== 'string') return refuse(drm, 401, 'Invalid authorization token');
  const { claims } = verified;
  const missing = ['jti', 'iss', 'ver', 'aud', 'sub'].find((name) => claims[name] === undefined);
  if (missing) return refuse(drm, 401, `Invalid authorization token: ${missing} is required`);
  const time = timeProblem(claims, Math.floor(kit.now() / 1000));
  if (time) return refuse(drm, 401, `Invalid authorization token: ${time}`);
  if (usedJtis.has(String(claims.jti))) return refuse(drm, 401, 'Invalid authorization token: jti already used');
  if (claims.aud !== 'license' || claims.sub !== CONTENT_ID) return refuse(drm, 403, 'Token not valid for this content');
  if (usedJtis.size > 10_000) usedJtis.clear();
  usedJtis.add(String(claims.jti));
  return null;
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const refusal = tokenRefusal(request.headers.authorization?.trim(), drm, kit);
  if (refusal) return refusal;
  const answer = kit.license(drm, request.body, request.headers.soapaction ? { soapAction: request.headers.soapaction } : {});
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** The SPC of a `{"spc": "<base64>"}` body (either base64 alphabet), or null when the body is not that. */
function spcOf(body: Uint8Array): Uint8Array | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return null;
  }
  const spc = (json as { spc?: unknown } | null)?.spc;
  if (typeof spc !== 'string' || !/^[A-Za-z0-9+/_-]+=*$/.test(spc)) return null;
  return new Uint8Array(Buffer.from(spc.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

/** `POST fairplay`: `{"spc": base64}` in, `{"ckc": base64}` out, the JWT checked as for the other DRMs. */
function fairPlayLicense(request: VendorRequest, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const refusal = tokenRefusal(request.headers.authorization?.trim(), 'fp', kit);
  if (refusal) return refusal;
  const spc = spcOf(request.body);
  if (!spc) return refuse('fp', 400, 'Expected a JSON body {"spc": "<base64 SPC>"}');
  const answer = kit.license('fp', spc);
  if (!answer.ok) return refuse('fp', answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  const body = JSON.stringify({ ckc: Buffer.from(answer.body).toString('base64') });
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body, drm: 'fp', kids: answer.kids };
}

/** An HS256 JWT with `kid` in its header (the kit's has none). */
function signWithKid(claims: Record<string, unknown>, secret: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT', kid: 'keyflow-test' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** `GET _token?ageSeconds=<n>&sub=<content id>`: a license JWT issued `n` seconds ago. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const iat = Math.floor(kit.now() / 1000) - Number(request.query.get('ageSeconds') ?? 0);
  const claims = {
    iat,
    jti: `${iat}-${Math.random().toString(36).slice(2)}`,
    iss: 'keyflow-backend',
    ver: 1,
    aud: 'license',
    sub: request.query.get('sub') ?? CONTENT_ID,
  };
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: signWithKid(claims, kit.secret) };
}

/** The Verimatrix Multi-DRM license servers emulator. */
export const verimatrixEmulator: VendorEmulator = {
  name: 'verimatrix',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'widevine') return license(request, 'wv', kit);
    if (request.path === 'playready') return license(request, 'pr', kit);
    if (request.path === 'fairplay') return fairPlayLicense(request, kit);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
