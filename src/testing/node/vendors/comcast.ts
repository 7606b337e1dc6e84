/**
 * An emulation of Comcast Technology Solutions mpx (thePlatform) license endpoints, for the
 * `comcast` preset's tests and the demo. Mounted at `/vendors/comcast/`: `POST wv/web/ModularDrm`
 * (Widevine, JSON), `POST playready/rightsmanager.asmx` (PlayReady, SOAP), `POST fpls/web/FairPlay`
 * (FairPlay, JSON), and `GET _token` (what mpx Identity would give your backend).
 *
 * mpx's license API documentation is not in the sources read. What follows is what public player
 * code sends and reads (observed, not vendor documentation; THEOplayer/samples-drm-integration
 * `web/src/integration/comcastdrm` and `web/test/comcastdrm`, other public player code):
 * - Widevine: `?schema=1.0&form=json&token=<token>&account=<account URI>`, body
 *   `{"getWidevineLicense":{"releasePid":…,"widevineChallenge":<base64>}}`, reply
 *   `{"getWidevineLicenseResponse":{"license":<base64>}}`; the service-certificate request goes
 *   the same way;
 * - PlayReady: the SOAP challenge as it is, `?schema=1.0&auth=<token>&account=…&releasePid=…`;
 * - FairPlay: `?schema=1.0&form=json&token=<token>&account=<account URI>` like Widevine, body
 *   `{"getFairplayLicense":{"releasePid":…,"spcMessage":<base64 SPC>}}` (`application/json`),
 *   reply `{"getFairplayLicenseResponse":{"ckcResponse":<base64 CKC>}}`; no certificate endpoint
 *   is seen (the app brings its certificate), so none is emulated and the SPC's certificate is not
 *   checked;
 * - a malformed license URL answers 422 (THEOplayer's sample says so).
 *
 * Emulator choices (nothing read says them): the token (an HS256 JWT with `account`, `exp` and the
 * `releasePids` it may play; real mpx tokens are opaque), the statuses other than 422 (401 for a
 * missing, forged or expired token or another account's, 403 for a release the token does not
 * cover or keys it lacks, 400 for an unreadable challenge), 422 for a body that is not the JSON
 * wrapper (e.g. a raw SPC or an `spc=` form), the plain-text error bodies, and `_token`. Licenses
 * are the test CDM's (keys in clear, the emulated CKC): see `kit.ts`.
 *
 * @module
 */

import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

function refuse(drm: VendorDrm, status: number, message: string, kids?: string[]): VendorReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message, drm, ...(kids ? { kids } : {}) };
}

/**
 * The release PID and challenge of a JSON-wrapped request (`{"<method>":{"releasePid","<field>":
 * <base64>}}`), or null when the body is not that shape.
 */
function readJsonBody(body: Uint8Array, method: string, field: string): { releasePid: string; challenge: Uint8Array } | null {
  try {
    const json = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, Record<string, unknown> | undefined>;
    const wrapped = json?.[method] ?? {};
    const { releasePid } = wrapped;
    const challenge = wrapped[field];
    if (typeof releasePid !== 'string' || typeof challenge !== 'string') return null;
    return { releasePid, challenge: new Uint8Array(Buffer.from(challenge, 'base64')) };
  } catch {
    return null;
  }
}

/** Null when `token` may play `releasePid` on `account`, else the refusal. */
function checkToken(drm: VendorDrm, token: string | null, account: string | null, releasePid: string, kit: VendorKit): VendorReply | null {
  if (!token) return refuse(drm, 401, 'No token.');
  const verified = kit.verifyJwt(token);
  if (!verified.ok) return refuse(drm, 401, `Invalid token (${verified.why}).`);
  const { claims } = verified;
  if (claims.account !== account) return refuse(drm, 401, 'The token is not valid for this account.');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= kit.now()) return refuse(drm, 401, 'The token has expired.');
  const pids = Array.isArray(claims.releasePids) ? claims.releasePids : [];
  return pids.includes(releasePid) ? null : refuse(drm, 403, `The token does not entitle release ${releasePid}.`);
}

/** A JSON-wrapped DRM (Widevine, FairPlay): the request's method and challenge field, the reply's field. */
interface JsonMethod {
  drm: VendorDrm;
  method: string;
  challenge: string;
  reply: string;
}

const WIDEVINE: JsonMethod = { drm: 'wv', method: 'getWidevineLicense', challenge: 'widevineChallenge', reply: 'license' };
const FAIRPLAY: JsonMethod = { drm: 'fp', method: 'getFairplayLicense', challenge: 'spcMessage', reply: 'ckcResponse' };

/** A JSON-wrapped license request (`form=json`, `token` in the query), answered `{"<method>Response":{"<reply>":<base64>}}`. */
function jsonLicense(request: VendorRequest, kit: VendorKit, { drm, method, challenge, reply }: JsonMethod): VendorReply {
  const { query } = request;
  if (query.get('schema') !== '1.0' || query.get('form') !== 'json' || !query.get('account'))
    return refuse(drm, 422, 'Malformed request URL (schema=1.0, form=json and account are required).');
  const body = readJsonBody(request.body, method, challenge);
  if (!body) return refuse(drm, 422, `The body is not {"${method}":{"releasePid","${challenge}"}}.`);
  const refusal = checkToken(drm, query.get('token'), query.get('account'), body.releasePid, kit);
  if (refusal) return refusal;
  const answer = kit.license(drm, body.challenge);
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ [`${method}Response`]: { [reply]: Buffer.from(answer.body).toString('base64') } }),
    drm,
    kids: answer.kids,
  };
}

function playReady(request: VendorRequest, kit: VendorKit): VendorReply {
  const { query } = request;
  const releasePid = query.get('releasePid');
  if (query.get('schema') !== '1.0' || !query.get('account') || !releasePid)
    return refuse('pr', 422, 'Malformed request URL (schema=1.0, account and releasePid are required).');
  const refusal = checkToken('pr', query.get('auth'), query.get('account'), releasePid, kit);
  if (refusal) return refusal;
  const answer = kit.license('pr', request.body, request.headers.soapaction ? { soapAction: request.headers.soapaction } : {});
  if (!answer.ok) return refuse('pr', answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm: 'pr', kids: answer.kids };
}

/** `GET _token?account=<uri>&releasePids=<pid>,<pid>&expiresInSeconds=<n>`: the user's token. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const jwt = kit.signJwt({
    account: request.query.get('account') ?? '',
    releasePids: (request.query.get('releasePids') ?? '').split(',').filter(Boolean),
    exp: Math.floor(kit.now() / 1000) + seconds,
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: jwt };
}

/** The Comcast mpx license endpoints emulator (observed behaviour, see the module comment). */
export const comcastEmulator: VendorEmulator = {
  name: 'comcast',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
    if (request.path === 'wv/web/ModularDrm') return jsonLicense(request, kit, WIDEVINE);
    if (request.path === 'fpls/web/FairPlay') return jsonLicense(request, kit, FAIRPLAY);
    if (request.path === 'playready/rightsmanager.asmx') return playReady(request, kit);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
