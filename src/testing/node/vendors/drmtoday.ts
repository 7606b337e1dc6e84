/**
 * An emulation of castLabs DRMtoday's license proxies, for the `drmtoday` preset's tests and the
 * demo. Mounted at `/vendors/drmtoday/`: `POST license-proxy-widevine/cenc/`,
 * `POST license-proxy-headerauth/drmtoday/RightsManager.asmx` (PlayReady),
 * `POST license-server-fairplay/` and `GET license-server-fairplay/cert/<merchant>` (FairPlay),
 * and `GET _token` (what your backend would hand the player).
 *
 * What follows DRMtoday's documentation ("License Delivery Authorization", fe.drmtoday.com, as
 * quoted in castLabs' samples; Bitmovin's "Playing DRMtoday protected content"):
 * - Token authorization: an upfront token in the `x-dt-auth-token` header, a JWT signed with a
 *   shared secret (HS256 here; DRMtoday also takes HS384/HS512), claims `jti` (required, replay
 *   protection: a `jti` seen before is refused), `iat` (required), `exp` (optional), `optData`
 *   (a JSON string with the `merchant`) and `crt` (a JSON string: the Customer Rights Token with
 *   its `assetId`).
 * - Fallback authorization: the token first; without one, the custom data.
 * - The `x-dt-custom-data` header: base64 of `{"userId","sessionId","merchant"}`; the "test dummy"
 *   mode takes the CRT serialized in the session id (`crtjson:<CRT JSON>`), the only custom-data
 *   authorization emulated (no callback to a merchant backend).
 * - Widevine: the license wrapped as JSON `{"license":"<base64>"}` unless the URL has
 *   `?specConform=true`, then the raw license (dash.js `DRMToday.js` reads `license`).
 * - FairPlay (castLabs' Safari FPS sample `vitaly-castLabs/mms`, a DRMtoday iOS integration's
 *   `DRMtoday.swift`, castLabs' WebRTC DRM SDK guide): the certificate of the merchant at
 *   `license-server-fairplay/cert/<merchant>`, the DER bytes as they are, fetched without
 *   authorization; the SPC to `license-server-fairplay/` as the form body `spc=<base64>`
 *   (`application/x-www-form-urlencoded`) with the same authorization headers as the other DRMs;
 *   the CKC answered as base64 text (both samples base64-decode the reply).
 *
 * Emulator choices (not documented where we could read it): the statuses (403 for refused
 * authorization and keys not granted, 400 for an unreadable challenge) and the `x-dt-resp-code`
 * values, taken from public client code that reads that header (3000 "General Request
 * Authentication Error", 10001 "Bad Request", 20101 "not_granted"); PlayReady errors answered
 * like Widevine's (no SOAP Fault); the JSON wrapper holds `license` only. FairPlay: a body that is not
 * a form with `spc`, or an `spc` that is not an SPC made with the served certificate
 * (`FAIRPLAY_TEST_CERTIFICATE`, not Apple-issued), is 400 / 10001; `offline`, `assetId` and
 * `variantId` form fields are ignored; another merchant's certificate is 404. DRMtoday maps an
 * `assetId` to keys at key ingest; the emulator has no ingest, so an asset id names its keys: key
 * IDs in hex joined by `,`. The merchant is `keyflow-test`; the shared secret the kit's. `_token`.
 *
 * @module
 */

import { decodeSpc } from '../../fairplay-messages';
import { FAIRPLAY_TEST_CERTIFICATE, fairPlayCertificateSha256 } from './kit.js';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

/** The merchant the emulator serves. */
const DRMTODAY_TEST_MERCHANT = 'keyflow-test';

const SEEN_JTI = new Set<string>();
const MAX_SEEN = 10_000;

/** A refusal: the status, the code in `x-dt-resp-code`, a text body. */
function refuse(drm: VendorDrm, status: 400 | 403, code: number, message: string, kids?: string[]): VendorReply {
  return {
    status,
    headers: { 'x-dt-resp-code': String(code), 'Content-Type': 'text/plain; charset=utf-8' },
    body: message,
    errorCode: code,
    drm,
    ...(kids ? { kids } : {}),
  };
}

function parseJson(text: unknown): Record<string, unknown> | null {
  if (typeof text !== 'string') return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The keys a CRT grants (its `assetId`: key IDs joined by `,`), or null. */
function grantedBy(crt: Record<string, unknown> | null): string[] | null {
  const asset = crt?.assetId;
  if (typeof asset !== 'string') return null;
  const kids = asset.split(',').map((kid) => kid.trim().toLowerCase());
  return kids.every((kid) => /^[0-9a-f]{32}$/.test(kid)) ? kids : null;
}

/** The upfront token's grant, or why not (code 3000). */
function checkAuthToken(token: string, kit: VendorKit): string[] | string {
  const verified = kit.verifyJwt(token.trim());
  if (!verified.ok) return `upfront token not accepted (${verified.why})`;
  const { jti, iat, exp, optData, crt } = verified.claims;
  if (typeof jti !== 'string' || !jti || typeof iat !== 'number') return 'upfront token lacks jti or iat';
  if (typeof exp === 'number' && exp * 1000 <= kit.now()) return 'upfront token expired';
  if (parseJson(optData)?.merchant !== DRMTODAY_TEST_MERCHANT) return 'unknown merchant';
  if (SEEN_JTI.has(jti)) return 'upfront token already used (jti)';
  if (SEEN_JTI.size >= MAX_SEEN) SEEN_JTI.clear();
  SEEN_JTI.add(jti);
  return grantedBy(parseJson(crt)) ?? 'no CRT with an asset id';
}

/** The custom data's grant (test dummy: `sessionId` is `crtjson:<CRT>`), or why not. */
function checkCustomData(header: string): string[] | string {
  const data = parseJson(Buffer.from(header.trim(), 'base64').toString('utf8'));
  if (!data) return 'x-dt-custom-data is not base64 of a JSON object';
  if (data.merchant !== DRMTODAY_TEST_MERCHANT) return 'unknown merchant';
  if (typeof data.userId !== 'string' || typeof data.sessionId !== 'string') return 'custom data lacks userId or sessionId';
  if (!data.sessionId.startsWith('crtjson:')) return 'no authorization for this session';
  return grantedBy(parseJson(data.sessionId.slice('crtjson:'.length))) ?? 'no CRT with an asset id';
}

function authorize(request: VendorRequest, kit: VendorKit): string[] | string {
  const token = request.headers['x-dt-auth-token'];
  if (token !== undefined) return checkAuthToken(token, kit);
  const customData = request.headers['x-dt-custom-data'];
  if (customData !== undefined) return checkCustomData(customData);
  return 'no x-dt-auth-token or x-dt-custom-data';
}

/** The SPC of a FairPlay request (form `spc=<base64>`, made with the served certificate), or why not. */
function fairPlaySpc(request: VendorRequest): Uint8Array | string {
  const form = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  const spc = form ? new URLSearchParams(Buffer.from(request.body).toString('utf8')).get('spc') : null;
  if (!spc) return 'no spc form parameter';
  const bytes = new Uint8Array(Buffer.from(spc, 'base64'));
  try {
    if (decodeSpc(bytes).certificateSha256 !== fairPlayCertificateSha256()) return 'SPC made with another certificate';
  } catch {
    return 'spc is not an SPC';
  }
  return bytes;
}

/** A granted license as DRMtoday answers it: Widevine maybe in `{license}`, FairPlay base64 text, else as it is. */
function licenseReply(
  request: VendorRequest,
  drm: VendorDrm,
  answer: { body: Uint8Array; contentType: string; kids: string[] },
): VendorReply {
  const reply = { status: 200, headers: { 'x-dt-resp-code': '0' }, drm, kids: answer.kids };
  const base64 = Buffer.from(answer.body).toString('base64');
  if (drm === 'fp') return { ...reply, headers: { ...reply.headers, 'Content-Type': 'text/plain; charset=utf-8' }, body: base64 };
  if (drm !== 'wv' || request.query.get('specConform') === 'true') {
    return { ...reply, headers: { ...reply.headers, 'Content-Type': answer.contentType }, body: answer.body };
  }
  return { ...reply, headers: { ...reply.headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ license: base64 }) };
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const granted = authorize(request, kit);
  if (typeof granted === 'string') return refuse(drm, 403, 3000, granted);
  const challenge = drm === 'fp' ? fairPlaySpc(request) : request.body;
  if (typeof challenge === 'string') return refuse(drm, 400, 10001, `Bad Request: ${challenge}`);
  const answer = kit.license(drm, challenge, {
    granted,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 400, 10001, `Bad Request: ${answer.message}`, answer.kids)
      : refuse(drm, 403, 20101, `not_granted: ${answer.message}`, answer.kids);
  }
  return licenseReply(request, drm, answer);
}

/** `GET license-server-fairplay/cert/<merchant>`: the merchant's FairPlay certificate, its bytes as they are. */
function fairPlayCertificate(request: VendorRequest): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  if (request.path !== `license-server-fairplay/cert/${DRMTODAY_TEST_MERCHANT}`) {
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  }
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: FAIRPLAY_TEST_CERTIFICATE };
}

/**
 * `GET _token?kids=<hex>,<hex>&expiresInSeconds=<n>[&authorization=custom-data]`: an upfront
 * token (a fresh `jti` each time), or the test dummy's `{ userId, sessionId }` as JSON.
 */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const crt = { assetId: request.query.get('kids') ?? '', profile: { purchase: {} } };
  if (request.query.get('authorization') === 'custom-data') {
    const body = JSON.stringify({ userId: 'keyflow-user', sessionId: `crtjson:${JSON.stringify(crt)}` });
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body };
  }
  const now = Math.floor(kit.now() / 1000);
  const jwt = kit.signJwt({
    jti: `${now}-${Math.random().toString(36).slice(2)}`,
    iat: now,
    exp: now + Number(request.query.get('expiresInSeconds') ?? 600),
    optData: JSON.stringify({ merchant: DRMTODAY_TEST_MERCHANT, userId: 'keyflow-user' }),
    crt: JSON.stringify(crt),
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The DRMtoday license proxy emulator. */
export const drmTodayEmulator: VendorEmulator = {
  name: 'drmtoday',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'license-proxy-widevine/cenc') return license(request, 'wv', kit);
    if (request.path === 'license-proxy-headerauth/drmtoday/RightsManager.asmx') return license(request, 'pr', kit);
    if (request.path === 'license-server-fairplay') return license(request, 'fp', kit);
    if (request.path.startsWith('license-server-fairplay/cert/')) return fairPlayCertificate(request);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
