/**
 * An emulation of Vualto's VUDRM (JW Player Studio DRM) license servers, for the `vudrm` preset's
 * tests and the demo. Mounted at `/vendors/vudrm/`: `POST proxy` (Widevine,
 * `widevine-license.vudrm.tech` at Vualto), `POST rightsmanager.asmx` (PlayReady,
 * `playready-license.vudrm.tech`), `POST fairplay/v2/license/<content id>` (or
 * `fairplay/license/<content id>`) and `GET fairplay/certificate/<client>` (FairPlay,
 * `fairplay-license.vudrm.tech`), and `GET _token` (what the VUDRM token API would answer your
 * backend).
 *
 * What follows Vualto's documentation (Vualto/vudrm-public-docs):
 * - `PlayerIntegrations/shaka.md`: the license URLs, the token in the `X-VUDRM-TOKEN` header of
 *   the license request, the challenge as the body and the license as the reply;
 * - `VUDRM-token.md`: the token is `client|generation time (yyyy-MM-ddThh:mm:ssZ)|encrypted
 *   policy|signed hash`, has a limited lifetime, and is "designed to be single use";
 * - FairPlay (the Shaka guide, the packaging guides' `skd://fairplay-license.vudrm.tech/v2/license/
 *   <content id>` key URI, Vualto's video.js sample's `…/certificate/<client>`): the license URL is
 *   the `skd://` URI with `https`, the raw SPC the body (`Content-Type: ArrayBuffer`) with the
 *   token in `X-VUDRM-TOKEN`, the reply the CKC itself (the guide reads it as it is).
 *
 * Emulator choices (not documented): the lifetime is 300 s; a token is refused once used; the
 * policy is base64 JSON (VUDRM encrypts it) and the signed hash is HMAC-SHA1 hex of the first
 * three parts with the kit's test secret (the sample's hash has 40 hex digits); the client name
 * is `keyflow-test`; the policy does not name keys, so every key of the store is granted. A
 * missing, forged, expired or reused token is 403 with a plain-text reason; an unreadable
 * challenge is 400; PlayReady answers refusals with 500 and a SOAP `Client` fault. FairPlay: the
 * URL's content id must be the policy's `content_id` (else 403); the body's content type is not
 * checked, a body that is not a raw SPC is 400, an SPC made with another certificate than the one
 * served 403 (plain text); the CKC is sent as `application/octet-stream`; the certificate (the
 * kit's `FAIRPLAY_TEST_CERTIFICATE`, for the client {@link CLIENT}, another is 404) is served
 * without a token. Licenses and CKCs are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import { createHmac } from 'node:crypto';

import { buildSoapFault, PlayReadyServerStatus } from '../../playready-messages';
import { decodeSpc } from '../../fairplay-messages';
import {
  FAIRPLAY_TEST_CERTIFICATE,
  fairPlayCertificateSha256,
  type VendorDrm,
  type VendorEmulator,
  type VendorKit,
  type VendorReply,
  type VendorRequest,
} from './kit.js';

const CLIENT = 'keyflow-test';
const LIFETIME_MS = 300_000;
/** Tokens seen, so a second use is refused (cleared when it grows past a test run's needs). */
const usedTokens = new Set<string>();

function refuse(drm: VendorDrm, status: 400 | 403, reason: string, kids?: string[]): VendorReply {
  const extra = kids ? { kids } : {};
  if (drm !== 'pr') return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: reason, drm, ...extra };
  const statusCode = status === 400 ? PlayReadyServerStatus.INVALID_MESSAGE : PlayReadyServerStatus.SERVICE_SPECIFIC;
  const body = buildSoapFault({ faultCode: 'soap:Client', faultString: reason, statusCode });
  return { status: 500, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body, drm, ...extra };
}

function hash(signed: string, secret: string): string {
  return createHmac('sha1', secret).update(signed).digest('hex');
}

/** Why a VUDRM token is refused, or null when it may be used (it is then marked used). */
function tokenProblem(token: string | undefined, kit: VendorKit): string | null {
  if (!token) return 'No VUDRM token';
  const parts = token.split('|');
  if (parts.length !== 4 || parts[0] !== CLIENT) return 'Malformed VUDRM token';
  if (parts[3] !== hash(parts.slice(0, 3).join('|'), kit.secret)) return 'Invalid VUDRM token signature';
  const generated = Date.parse(parts[1]!);
  if (!Number.isFinite(generated) || kit.now() - generated > LIFETIME_MS) return 'VUDRM token expired';
  if (usedTokens.has(token)) return 'VUDRM token already used';
  if (usedTokens.size > 10_000) usedTokens.clear();
  usedTokens.add(token);
  return null;
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const problem = tokenProblem(request.headers['x-vudrm-token']?.trim(), kit);
  if (problem) return refuse(drm, 403, problem);
  const answer = kit.license(drm, request.body, request.headers.soapaction ? { soapAction: request.headers.soapaction } : {});
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** The FairPlay license path (both forms of Vualto's key URIs), the content id captured. */
const FAIRPLAY_LICENSE = /^fairplay\/(?:v2\/)?license\/([^/]+)$/;

/** The `content_id` of a (checked) token's policy, or null. */
function policyContentId(token: string): string | null {
  try {
    const policy = JSON.parse(Buffer.from(token.split('|')[2] ?? '', 'base64').toString('utf8')) as { content_id?: unknown };
    return typeof policy.content_id === 'string' ? policy.content_id : null;
  } catch {
    return null;
  }
}

/** Why an SPC is refused before the kit reads it (another certificate), or null. */
function certificateProblem(spc: Uint8Array): string | null {
  try {
    return decodeSpc(spc).certificateSha256 === fairPlayCertificateSha256() ? null : 'The SPC was made with another certificate';
  } catch {
    return null; // unreadable: the kit says so
  }
}

/** `POST fairplay/v2/license/<content id>`: the raw SPC in, the raw CKC out, the token checked. */
function fairPlayLicense(request: VendorRequest, contentId: string, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const token = request.headers['x-vudrm-token']?.trim();
  const problem = tokenProblem(token, kit);
  if (problem) return refuse('fp', 403, problem);
  if (policyContentId(token!) !== decodeURIComponent(contentId)) return refuse('fp', 403, 'VUDRM token not valid for this content');
  const wrongCertificate = certificateProblem(request.body);
  if (wrongCertificate) return refuse('fp', 403, wrongCertificate);
  const answer = kit.license('fp', request.body);
  if (!answer.ok) return refuse('fp', answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: answer.body, drm: 'fp', kids: answer.kids };
}

/** `GET fairplay/certificate/<client>`: the FairPlay certificate of the known client. */
function certificate(request: VendorRequest): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  if (request.path !== `fairplay/certificate/${CLIENT}`)
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: FAIRPLAY_TEST_CERTIFICATE };
}

/** `GET _token?ageSeconds=<n>`: a VUDRM token generated `n` seconds ago (default now). */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const age = Number(request.query.get('ageSeconds') ?? 0);
  const time = new Date(kit.now() - age * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const policy = Buffer.from(JSON.stringify({ content_id: 'keyflow-sample', nonce: Math.random() })).toString('base64');
  const signed = `${CLIENT}|${time}|${policy}`;
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${signed}|${hash(signed, kit.secret)}` };
}

/** The VUDRM license servers emulator. */
export const vudrmEmulator: VendorEmulator = {
  name: 'vudrm',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'proxy') return license(request, 'wv', kit);
    if (request.path === 'rightsmanager.asmx') return license(request, 'pr', kit);
    const fairPlay = FAIRPLAY_LICENSE.exec(request.path);
    if (fairPlay) return fairPlayLicense(request, fairPlay[1]!, kit);
    if (request.path.startsWith('fairplay/certificate/')) return certificate(request);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
