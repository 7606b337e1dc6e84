/**
 * An emulation of BuyDRM's KeyOS MultiKey license service, for the `keyos` preset's tests and the
 * demo. Mounted at `/vendors/keyos/`: `POST wv` (Widevine, `wv-keyos.licensekeyserver.com/` at
 * KeyOS), `POST pr/core/rightsmanager.asmx` (PlayReady, `pr-keyos.licensekeyserver.com`), `POST
 * fp/getkey` and `GET fp/cert/<id>.der` (FairPlay license and certificate,
 * `fp-keyos.licensekeyserver.com`), and `GET _token` (what your backend would generate).
 *
 * What follows BuyDRM's public material (go.buydrm.com/thedrmblog: "The Anatomy of a Multi-DRM
 * License Request", "Advanced Techniques Authentication XML", "Deploying a Proxy for License
 * Acquisition"):
 * - the security token is the Authentication XML, sent base64-encoded "in a custom POST header" of
 *   the license request, the challenge as the body;
 * - its `KeyOSAuthenticationXML/Data` carries `GenerationTime`, `ExpirationTime`, `UniqueId`,
 *   `RSAPubKeyId` and the policy, with `License/KeyId` naming the keys; it is signed by your
 *   signing key registered at KeyOS.
 *
 * What follows THEOplayer's KeyOS FairPlay integration (BuyDRM publishes no FairPlay reference):
 * the SPC as the form `spc=<base64 SPC>&assetId=<skd:// host>`
 * (`application/x-www-form-urlencoded`) with the Authentication XML in the same header, the reply
 * `<ckc>base64 CKC</ckc>` (sent as `text/plain` here: the content type is the emulator's); the
 * certificate at `cert/<id>.der` on the FairPlay host.
 *
 * Emulator choices (not documented): the header is read as `x-keyos-authorization` or
 * `customdata` (public integrations use either name); the signature is
 * `KeyOSAuthenticationXML/Signature`, base64 HMAC-SHA256 of the `<Data>…</Data>` text with the
 * kit's test secret (KeyOS signs with RSA, whose keys are not public); times are UTC
 * `YYYY-MM-DD hh:mm:ss[.fff]`; `KeyId` is a UUID or 32 hex digits. Refusals: a missing, forged or
 * expired XML, or keys it does not name, are 403 with a plain-text reason; an unreadable challenge
 * is 400; PlayReady answers every refusal with 500 and a SOAP `Client` fault (as PlayReady servers
 * do). FairPlay: the known certificate id is {@link KEYOS_TEST_CERTIFICATE_ID} (served without a
 * header: nothing says KeyOS needs one there; another id is 404), its bytes the kit's
 * `FAIRPLAY_TEST_CERTIFICATE`; the known `assetId` is {@link KEYOS_TEST_ASSET} (another is 403); a
 * body that is not the form with `spc` and `assetId` is 400, an SPC made with another certificate
 * 403, each with a plain-text reason. Licenses and CKCs are the test CDM's: see `kit.ts`.
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

/** The FairPlay certificate id the emulator serves (`fp/cert/<id>.der`). */
const KEYOS_TEST_CERTIFICATE_ID = 'keyflow-test';
/** The FairPlay asset id the emulator knows (the sample's `skd://keyflow-sample` host). */
const KEYOS_TEST_ASSET = 'keyflow-sample';

function refuse(drm: VendorDrm, status: 400 | 403, reason: string, kids?: string[]): VendorReply {
  const extra = kids ? { kids } : {};
  if (drm !== 'pr') return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: reason, drm, ...extra };
  const statusCode = status === 400 ? PlayReadyServerStatus.INVALID_MESSAGE : PlayReadyServerStatus.SERVICE_SPECIFIC;
  const body = buildSoapFault({ faultCode: 'soap:Client', faultString: reason, statusCode });
  return { status: 500, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body, drm, ...extra };
}

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64');
}

function element(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim() ?? null;
}

/** The key IDs (32 hex digits) an Authentication XML grants, or why it is refused. */
function checkAuthXml(base64: string, kit: VendorKit): string[] | string {
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  const data = /<Data>[\s\S]*<\/Data>/.exec(xml)?.[0];
  const signature = element(xml, 'Signature');
  if (!xml.startsWith('<KeyOSAuthenticationXML>') || !data || !signature) return 'The Authentication XML is malformed';
  if (signature !== sign(data, kit.secret)) return 'The Authentication XML signature is invalid';
  const expires = Date.parse(`${(element(data, 'ExpirationTime') ?? '').replace(' ', 'T')}Z`);
  if (!Number.isFinite(expires) || expires <= kit.now()) return 'The Authentication XML has expired';
  return [...data.matchAll(/<KeyId>([^<]*)<\/KeyId>/g)].map((m) => m[1]!.replace(/-/g, '').toLowerCase());
}

/** The keys the request's Authentication XML grants, or the refusal. */
function authorize(request: VendorRequest, drm: VendorDrm, kit: VendorKit): string[] | VendorReply {
  const auth = request.headers['x-keyos-authorization'] ?? request.headers.customdata;
  if (!auth) return refuse(drm, 403, 'No Authentication XML');
  const granted = checkAuthXml(auth.trim(), kit);
  return typeof granted === 'string' ? refuse(drm, 403, granted) : granted;
}

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const granted = authorize(request, drm, kit);
  if (!Array.isArray(granted)) return granted;
  const answer = kit.license(drm, request.body, {
    granted,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** The SPC bytes of a `spc=<base64>&assetId=<id>` form, or why the body is refused. */
function readFairPlayForm(request: VendorRequest): Uint8Array | VendorReply {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const form = new URLSearchParams(Buffer.from(request.body).toString('utf8'));
  const spc = form.get('spc');
  if (type !== 'application/x-www-form-urlencoded' || !spc || !form.get('assetId')) {
    return refuse('fp', 400, 'Expected the form spc=<base64 SPC>&assetId=<asset id>');
  }
  if (form.get('assetId') !== KEYOS_TEST_ASSET) return refuse('fp', 403, 'Unknown assetId');
  return new Uint8Array(Buffer.from(spc, 'base64'));
}

/** Why an SPC was not made with the certificate the emulator serves, or null. */
function certificateProblem(spc: Uint8Array): string | null {
  try {
    return decodeSpc(spc).certificateSha256 === fairPlayCertificateSha256() ? null : 'The SPC was made with another certificate';
  } catch {
    return null; // unreadable: the kit says so
  }
}

/** `POST fp/getkey`: the form with the SPC in, `<ckc>base64</ckc>` out, the Authentication XML checked. */
function fairPlayLicense(request: VendorRequest, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const granted = authorize(request, 'fp', kit);
  if (!Array.isArray(granted)) return granted;
  const spc = readFairPlayForm(request);
  if (!(spc instanceof Uint8Array)) return spc;
  const wrongCertificate = certificateProblem(spc);
  if (wrongCertificate) return refuse('fp', 403, wrongCertificate);
  const answer = kit.license('fp', spc, { granted });
  if (!answer.ok) return refuse('fp', answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  const body = `<ckc>${Buffer.from(answer.body).toString('base64')}</ckc>`;
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body, drm: 'fp', kids: answer.kids };
}

/** `GET fp/cert/<id>.der`: the FairPlay certificate, for the known id. */
function certificate(request: VendorRequest): VendorReply {
  if (request.method !== 'GET') return { status: 405, headers: { Allow: 'GET, OPTIONS' } };
  if (request.path !== `fp/cert/${KEYOS_TEST_CERTIFICATE_ID}.der`) {
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  }
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: FAIRPLAY_TEST_CERTIFICATE };
}

/** `GET _token?kids=<hex>,<hex>&expiresInSeconds=<n>`: the base64 Authentication XML your backend would generate. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const data =
    `<Data><GenerationTime>${time(kit.now())}</GenerationTime><ExpirationTime>${time(kit.now() + seconds * 1000)}</ExpirationTime>` +
    `<UniqueId>${kit.now().toString(16)}</UniqueId><RSAPubKeyId>keyflow-test</RSAPubKeyId>` +
    `<WidevinePolicy fl_CanPlay="true" fl_CanPersist="false" />` +
    kids.map((kid) => `<License><KeyId>${kid}</KeyId></License>`).join('') +
    `</Data>`;
  const xml = `<KeyOSAuthenticationXML>${data}<Signature>${sign(data, kit.secret)}</Signature></KeyOSAuthenticationXML>`;
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(xml).toString('base64') };
}

/** The KeyOS MultiKey license service emulator. */
export const keyosEmulator: VendorEmulator = {
  name: 'keyos',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    if (request.path === 'wv') return license(request, 'wv', kit);
    if (request.path === 'pr/core/rightsmanager.asmx') return license(request, 'pr', kit);
    if (request.path === 'fp/getkey') return fairPlayLicense(request, kit);
    if (request.path.startsWith('fp/cert/')) return certificate(request);
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
