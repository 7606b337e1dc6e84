/**
 * An emulation of DoveRunner (formerly PallyCon) Multi-DRM's license server, for the
 * `doverunner` preset's tests and the demo. Mounted at `/vendors/doverunner/`:
 * `POST ri/licenseManager.do` (every DRM) and `GET _token` (what your backend would build).
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
 *
 * Emulator choices (not documented): which code a failure gets where several could fit (no
 * header: 7010; keys not granted: 7012); `errorCode` written as a JSON number; only `original`
 * replies; no FairPlay, NCG, callback mode or `external_key`. DoveRunner maps a CID to keys at
 * packaging; the emulator has no packaging, so a CID names its keys: key IDs in hex joined by `,`.
 * The Site ID is `KFLW`, its site and access keys derived from the kit's secret. `_token`.
 *
 * @module
 */

import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const SITE_ID = 'KFLW';
const AES_IV = Buffer.from('0123456789abcdef', 'utf8');
const TOKEN_VALIDITY_MS = 600_000;
const DRM_TYPES: Record<string, VendorDrm> = { Widevine: 'wv', PlayReady: 'pr' };

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

function license(request: VendorRequest, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const checked = checkToken(request, kit);
  if ('status' in checked) return checked;
  const { drm, kids } = checked;
  const answer = kit.license(drm, request.body, {
    granted: kids,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(
          drm === 'wv' ? 7107 : 7205,
          drm === 'wv' ? 'Invalid Widevine license challenge data.' : 'Failed to parse PlayReady request data.',
          drm,
          answer.kids,
        )
      : refuse(7012, "Does not match with token's CID.", drm, answer.kids);
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/**
 * `GET _token?kids=<hex>,<hex>&drm=Widevine|PlayReady[&ageSeconds=<n>]`: a license token as the
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
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
