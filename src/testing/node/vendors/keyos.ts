/**
 * An emulation of BuyDRM's KeyOS MultiKey license service, for the `keyos` preset's tests and the
 * demo. Mounted at `/vendors/keyos/`: `POST wv` (Widevine, `wv-keyos.licensekeyserver.com/` at
 * KeyOS), `POST pr/core/rightsmanager.asmx` (PlayReady, `pr-keyos.licensekeyserver.com`), and
 * `GET _token` (what your backend would generate).
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
 * Emulator choices (not documented): the header is read as `x-keyos-authorization` or
 * `customdata` (public integrations use either name); the signature is
 * `KeyOSAuthenticationXML/Signature`, base64 HMAC-SHA256 of the `<Data>…</Data>` text with the
 * kit's test secret (KeyOS signs with RSA, whose keys are not public); times are UTC
 * `YYYY-MM-DD hh:mm:ss[.fff]`; `KeyId` is a UUID or 32 hex digits. Refusals: a missing, forged or
 * expired XML, or keys it does not name, are 403 with a plain-text reason; an unreadable challenge
 * is 400; PlayReady answers every refusal with 500 and a SOAP `Client` fault (as PlayReady servers
 * do). FairPlay is not emulated (no FairPlay test CDM). Licenses are the test CDM's: see `kit.ts`.
 *
 * @module
 */

import { createHmac } from 'node:crypto';

import { buildSoapFault, PlayReadyServerStatus } from '../../playready-messages';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

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

function license(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const auth = request.headers['x-keyos-authorization'] ?? request.headers.customdata;
  if (!auth) return refuse(drm, 403, 'No Authentication XML');
  const granted = checkAuthXml(auth.trim(), kit);
  if (typeof granted === 'string') return refuse(drm, 403, granted);
  const answer = kit.license(drm, request.body, {
    granted,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) return refuse(drm, answer.reason === 'unreadable' ? 400 : 403, answer.message, answer.kids);
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
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
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
  },
};
