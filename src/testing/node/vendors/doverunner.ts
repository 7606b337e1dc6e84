/**
 * An emulation of DoveRunner (formerly PallyCon) Multi-DRM's license server, for the
 * `doverunner` preset's tests and the demo. Mounted at `/vendors/doverunner/`:
 * `POST ri/licenseManager.do` (every DRM), `GET ri/fpsKeyManager.do` (the FairPlay certificate)
 * and `GET _token` (what your backend would build).
 *
 * What follows DoveRunner's documentation (PallyCon docs v3, `multidrm/license/license-token`,
 * `license-errorcode`, `clients/html5-player`):
 * - One license URL for every DRM; the license token (base64 of the token JSON) in the
 *   `pallycon-customdata-v2` header (HTML5 player guide); `doverunner-customdata-v2`, the name
 *   DoveRunner's own license proxy samples send, is read too.
 * - Token JSON `{drm_type, site_id, user_id, cid, policy, timestamp, hash, response_format}`:
 *   `drm_type` one of `Widevine`, `PlayReady` (the default), `FairPlay`, `NCG`; `policy` is
 *   base64 of the license policy JSON (v2, `policy_version: 2`) encrypted with AES-256-CBC, the site
 *   key as key, IV `0123456789abcdef`, PKCS#7; `hash` is base64(SHA-256(access key + drm_type +
 *   site_id + user_id + cid + policy + timestamp)); the token is valid for 600 seconds from its
 *   `timestamp` (`yyyy-mm-ddThh:mm:ssZ`, GMT), and not before it.
 * - Errors: HTTP 200 with JSON `{errorCode, message}` (HTML5 player guide, "Handling Error
 *   Response"), the codes and messages of "License Error Code": 1003 unknown Site ID, 7009 token
 *   cannot be parsed, 7010 no token data, 7011 token expired, 7012 CID mismatch, 7013 invalid
 *   JSON in the token, 7018 invalid DRM type, 7019 hash mismatch, 7107 invalid Widevine challenge,
 *   7205 unreadable PlayReady request.
 * - `response_format` `original` (the default): the license as the DRM answers it.
 * - FairPlay (HTML5 player guide): the certificate from `GET ri/fpsKeyManager.do?siteId=<Site ID>`,
 *   answered as base64 text; the SPC to `licenseManager.do` as the form body `spc=<base64>`
 *   (`Content-Type: application/x-www-form-urlencoded`) with the `FairPlay` token, the CKC
 *   answered as base64 text.
 *
 * Emulator choices (not documented): which code a failure gets where several could fit (no
 * header: 7010; keys not granted: 7012; a FairPlay body that is not a form with `spc`: 7305; an
 * `spc` that is not an SPC made with the served certificate: 7317; an unknown Site ID at
 * `fpsKeyManager.do`: 1003 as for licenses); the messages of 7305 and 7317 are the emulator's;
 * `errorCode` written as a JSON number; only `original` replies; no NCG, callback mode or
 * `external_key`; the certificate is `FAIRPLAY_TEST_CERTIFICATE` (not Apple-issued). DoveRunner maps a CID to keys at
 * packaging; the emulator has no packaging, so a CID names its keys: key IDs in hex joined by `,`.
 * The Site ID is `KFLW`, its site and access keys derived from the kit's secret. `_token`.
 *
 * @module
 */

import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

import { decodeSpc } from '../../fairplay-messages';
import { FAIRPLAY_TEST_CERTIFICATE, fairPlayCertificateSha256 } from './kit.js';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const SITE_ID = 'KFLW';
const AES_IV = Buffer.from('0123456789abcdef', 'utf8');
const TOKEN_VALIDITY_MS = 600_000;
const DRM_TYPES: Record<string, VendorDrm> = { Widevine: 'wv', PlayReady: 'pr', FairPlay: 'fp' };

/** The test site's keys (32 characters each), from the kit's secret. */
function siteKeys(kit: VendorKit): { siteKey: string; accessKey: string } {
  const derive = (what: string) => createHash('sha256').update(`${kit.secret}/${what}`).digest('hex').slice(0, 32);
  return { siteKey: derive('site key'), accessKey: derive('access key') };
}

/** An error as DoveRunner answers it: HTTP 200, `{errorCode, message}`. */
function refuse(code: number, message: string, drm?: VendorDrm, kids?: string[]): VendorReply {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ errorCode: code, message }),
    errorCode: code,
    ...(drm ? { drm } : {}),
    ...(kids ? { kids } : {}),
  };
}

function hashOf(accessKey: string, token: Record<string, unknown>): string {
  const fields = [token.drm_type, token.site_id, token.user_id, token.cid, token.policy, token.timestamp];
  return createHash('sha256')
    .update(accessKey + fields.map((field) => String(field ?? '')).join(''))
    .digest('base64');
}

function decryptPolicy(policy: unknown, siteKey: string): Record<string, unknown> | null {
  try {
    const decipher = createDecipheriv('aes-256-cbc', Buffer.from(siteKey, 'utf8'), AES_IV);
    const text = Buffer.concat([decipher.update(Buffer.from(String(policy), 'base64')), decipher.final()]).toString('utf8');
    const json = JSON.parse(text) as unknown;
    return json && typeof json === 'object' ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseToken(text: string): Record<string, unknown> | null {
  try {
    const json = JSON.parse(Buffer.from(text.trim(), 'base64').toString('utf8')) as unknown;
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The DRM and the granted key IDs of a license token, or the refusal. */
function checkToken(request: VendorRequest, kit: VendorKit): { drm: VendorDrm; kids: string[] } | VendorReply {
  const header = request.headers['pallycon-customdata-v2'] ?? request.headers['doverunner-customdata-v2'];
  if (!header) return refuse(7010, 'Cannot find token data.');
  const token = parseToken(header);
  if (!token) return refuse(7009, 'Failed to parse token.');
  if (token.site_id !== SITE_ID) return refuse(1003, 'Cannot find the Site ID.');
  const drm = DRM_TYPES[String(token.drm_type ?? 'PlayReady')];
  if (!drm) return refuse(7018, 'Invalid DRM type in token.');
  const { siteKey, accessKey } = siteKeys(kit);
  if (token.hash !== hashOf(accessKey, token)) return refuse(7019, 'The hash values do not match.', drm);
  const start = Date.parse(String(token.timestamp));
  if (!(start <= kit.now() && kit.now() < start + TOKEN_VALIDITY_MS)) return refuse(7011, 'Token is expired.', drm);
  if (decryptPolicy(token.policy, siteKey)?.policy_version !== 2) return refuse(7013, 'Invalid JSON data in token.', drm);
  const kids = String(token.cid ?? '')
    .split(',')
    .map((kid) => kid.trim().toLowerCase());
  if (!kids.every((kid) => /^[0-9a-f]{32}$/.test(kid))) return refuse(7012, "Does not match with token's CID.", drm);
  return { drm, kids };
}

/** The SPC of a FairPlay request (form `spc=<base64>`), or the refusal: 7305 no `spc`, 7317 not an SPC made with our certificate. */
function fairPlaySpc(request: VendorRequest): Uint8Array | VendorReply {
  const form = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  const spc = form ? new URLSearchParams(Buffer.from(request.body).toString('utf8')).get('spc') : null;
  if (!spc) return refuse(7305, 'Cannot find SPC data.', 'fp');
  const bytes = new Uint8Array(Buffer.from(spc, 'base64'));
  let certificate: string | null = null;
  try {
    certificate = decodeSpc(bytes).certificateSha256;
  } catch {
    // answered below
  }
  if (certificate !== fairPlayCertificateSha256()) return refuse(7317, 'Invalid SPC data.', 'fp');
  return bytes;
}

/** The challenge as the DRM's client sent it (FairPlay: the SPC out of its form), or the refusal. */
function challengeOf(request: VendorRequest, drm: VendorDrm): Uint8Array | VendorReply {
  return drm === 'fp' ? fairPlaySpc(request) : request.body;
}

/** A refused challenge: the DRM's "unreadable" code, or 7012 for keys the token does not grant. */
function refuseChallenge(drm: VendorDrm, reason: 'unreadable' | 'not-granted', kids: string[]): VendorReply {
  if (reason === 'not-granted') return refuse(7012, "Does not match with token's CID.", drm, kids);
  if (drm === 'fp') return refuse(7317, 'Invalid SPC data.', drm, kids);
  return drm === 'wv'
    ? refuse(7107, 'Invalid Widevine license challenge data.', drm, kids)
    : refuse(7205, 'Failed to parse PlayReady request data.', drm, kids);
}

function license(request: VendorRequest, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const checked = checkToken(request, kit);
  if ('status' in checked) return checked;
  const { drm, kids } = checked;
  const challenge = challengeOf(request, drm);
  if (!(challenge instanceof Uint8Array)) return challenge;
  const answer = kit.license(drm, challenge, {
    granted: kids,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) return refuseChallenge(drm, answer.reason, answer.kids);
  if (drm === 'fp') {
    const body = Buffer.from(answer.body).toString('base64');
    return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body, drm, kids: answer.kids };
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET ri/fpsKeyManager.do?siteId=<Site ID>`: the FairPlay certificate as base64 text. */
function fairPlayCertificate(request: VendorRequest): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  if (request.query.get('siteId') !== SITE_ID) return refuse(1003, 'Cannot find the Site ID.');
  return {
    status: 200,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: Buffer.from(FAIRPLAY_TEST_CERTIFICATE).toString('base64'),
  };
}

/**
 * `GET _token?kids=<hex>,<hex>&drm=Widevine|PlayReady|FairPlay[&ageSeconds=<n>]`: a license token as the
 * License Token Guide builds it (`ageSeconds` back-dates its timestamp).
 */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const { siteKey, accessKey } = siteKeys(kit);
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(siteKey, 'utf8'), AES_IV);
  const policyJson = JSON.stringify({ policy_version: 2, playback_policy: { persistent: false, license_duration: 0 } });
  const policy = Buffer.concat([cipher.update(policyJson, 'utf8'), cipher.final()]).toString('base64');
  const timestamp = new Date(kit.now() - Number(request.query.get('ageSeconds') ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const fields = {
    drm_type: request.query.get('drm') ?? 'Widevine',
    site_id: SITE_ID,
    user_id: 'keyflow-user',
    cid: request.query.get('kids') ?? '',
    policy,
    timestamp,
    response_format: 'original',
  };
  const body = Buffer.from(JSON.stringify({ ...fields, hash: hashOf(accessKey, fields) }), 'utf8').toString('base64');
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body };
}

/** The DoveRunner Multi-DRM license server emulator. */
export const doveRunnerEmulator: VendorEmulator = {
  name: 'doverunner',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'ri/licenseManager.do') return license(request, kit);
    if (request.path === 'ri/fpsKeyManager.do') return fairPlayCertificate(request);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
