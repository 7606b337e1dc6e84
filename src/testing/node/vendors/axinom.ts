/**
 * An emulation of Axinom DRM's License Service, for the `axinom` preset's tests and the demo.
 * Mounted at `/vendors/axinom/`: `POST <drm>/AcquireLicense` with `<drm>` one of `widevine`,
 * `playready`, `fairplay` (each a host of its own at Axinom: `drm-<drm>-licensing.axprod.net`), and
 * `GET _token` (what your backend would sign).
 *
 * What follows Axinom's documentation (docs.axinom.com, services/drm):
 * - "License Acquisition API": one endpoint, `POST /AcquireLicense`, the CDM's license request
 *   as the body; no HTTP `Authorization`; the License Service Message in exactly one of the
 *   `X-AxDRM-Message` header or the `AxDrmMessage` query parameter (PlayReady's challenge
 *   CustomData is not emulated).
 * - "License Service Message": a JWT signed with HMAC-SHA256 by the tenant's communication key,
 *   claims `version` (1), `com_key_id`, `message` (the entitlement message), optional
 *   `begin_date` / `expiration_date`.
 * - "Entitlement Message" (v2: `content_keys_source.inline[].id`; v1: `keys[].id`): the key IDs
 *   (UUIDs) the license may carry; a request for any other key is denied.
 * - "Troubleshooting": 400 invalid license request, 403 license denied, 500 internal error, and
 *   PlayReady answers every error with 500 (its SOAP Fault carrying the reason); the reason is
 *   the human-readable `X-AxDRM-ErrorMessage` header ("License Service Management API").
 * - FairPlay: the same `/AcquireLicense` API on its own host ("License Acquisition API": the
 *   body is the CDM's license request, here the SPC as it is; the reply the CKC as it is, as
 *   Axinom's hls.js sample hands it to the CDM unread). The License Service has no certificate
 *   endpoint: the app brings its own Apple-issued certificate (Axinom's hls.js sample loads a test
 *   one from `tools.axinom.com`), so there is none here.
 *
 * Emulator choices (not documented): the error message texts; which documented status each
 * failure gets (a missing or unverifiable message: 400; an expired or not yet valid one, or keys
 * not entitled: 403); the SOAP Fault shape (`soap:Client` for request and policy errors, as
 * PlayReady servers do); `_token`. FairPlay: a body that is not an SPC (base64 text, a form, JSON)
 * is 400 "Invalid license request"; the SPC's certificate is not checked (the service never saw
 * the app's certificate), nor the key IV an entitlement message may carry (the test CDM needs none). The communication key is the kit's test secret, its id
 * `keyflow-test`. Licenses are the test CDM's (keys in clear): see `kit.ts`.
 *
 * @module
 */

import { buildSoapFault, PlayReadyServerStatus } from '../../playready-messages';
import type { VendorDrm, VendorEmulator, VendorKit, VendorReply, VendorRequest } from './kit.js';

const DRMS: Record<string, VendorDrm> = { widevine: 'wv', playready: 'pr', fairplay: 'fp' };
/** The communication key id the emulator's messages name. */
const AXINOM_TEST_COM_KEY_ID = 'keyflow-test';

/** A refusal: the documented status and the `X-AxDRM-ErrorMessage` text. */
function refuse(drm: VendorDrm, status: 400 | 403, message: string, kids?: string[]): VendorReply {
  const headers: Record<string, string> = { 'X-AxDRM-ErrorMessage': message };
  if (drm !== 'pr') {
    return { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, body: message, drm, ...(kids ? { kids } : {}) };
  }
  const body = buildSoapFault({
    faultCode: 'soap:Client',
    faultString: message,
    statusCode: status === 400 ? PlayReadyServerStatus.INVALID_MESSAGE : PlayReadyServerStatus.SERVICE_SPECIFIC,
  });
  return { status: 500, headers: { ...headers, 'Content-Type': 'text/xml; charset=utf-8' }, body, drm, ...(kids ? { kids } : {}) };
}

/** The key IDs (32 hex digits) an entitlement message (v1 or v2) grants, or null when it names none. */
function entitledKids(message: unknown): string[] | null {
  const m = message as { type?: unknown; keys?: unknown; content_keys_source?: { inline?: unknown } } | null;
  if (!m || m.type !== 'entitlement_message') return null;
  const entries = Array.isArray(m.content_keys_source?.inline) ? m.content_keys_source.inline : Array.isArray(m.keys) ? m.keys : null;
  if (!entries) return null;
  const kids = entries.map((entry) =>
    String((entry as { id?: unknown })?.id ?? '')
      .replace(/-/g, '')
      .toLowerCase(),
  );
  return kids.every((kid) => /^[0-9a-f]{32}$/.test(kid)) ? kids : null;
}

/** The entitled key IDs of a License Service Message, or the refusal. */
function checkMessage(request: VendorRequest, drm: VendorDrm, kit: VendorKit): string[] | VendorReply {
  const header = request.headers['x-axdrm-message'];
  const query = request.query.get('AxDrmMessage');
  if (header === undefined && query === null)
    return refuse(drm, 400, 'No license service message (X-AxDRM-Message header or AxDrmMessage query parameter).');
  if (header !== undefined && query !== null)
    return refuse(drm, 400, 'The license service message was given both as a header and in the query.');
  const verified = kit.verifyJwt((header ?? query ?? '').trim());
  if (!verified.ok)
    return refuse(drm, 400, `The license service message is not a valid JWT signed with the communication key (${verified.why}).`);
  const { claims } = verified;
  if (claims.version !== 1 || claims.com_key_id !== AXINOM_TEST_COM_KEY_ID)
    return refuse(drm, 400, 'Unknown license service message version or communication key.');
  const now = kit.now();
  if (typeof claims.expiration_date === 'string' && Date.parse(claims.expiration_date) <= now)
    return refuse(drm, 403, 'The license service message has expired.');
  if (typeof claims.begin_date === 'string' && Date.parse(claims.begin_date) > now)
    return refuse(drm, 403, 'The license service message is not valid yet.');
  const kids = entitledKids(claims.message);
  if (!kids) return refuse(drm, 400, 'The license service message carries no entitlement message with content keys.');
  return kids;
}

function acquireLicense(request: VendorRequest, drm: VendorDrm, kit: VendorKit): VendorReply {
  if (request.method !== 'POST') return { status: 405, headers: { Allow: 'POST, OPTIONS' } };
  const entitled = checkMessage(request, drm, kit);
  if (!Array.isArray(entitled)) return entitled;
  const answer = kit.license(drm, request.body, {
    granted: entitled,
    ...(request.headers.soapaction ? { soapAction: request.headers.soapaction } : {}),
  });
  if (!answer.ok) {
    return answer.reason === 'unreadable'
      ? refuse(drm, 400, `Invalid license request: ${answer.message}`, answer.kids)
      : refuse(
          drm,
          403,
          `License denied: the entitlement message does not grant ${answer.message.replace(/^keys not granted: /, '')}`,
          answer.kids,
        );
  }
  return { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body, drm, kids: answer.kids };
}

/** `GET _token?kids=<hex>,<hex>&expiresInSeconds=<n>`: the message your backend would sign. */
function token(request: VendorRequest, kit: VendorKit): VendorReply {
  const kids = (request.query.get('kids') ?? '').split(',').filter(Boolean);
  const seconds = Number(request.query.get('expiresInSeconds') ?? 600);
  const uuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const message = kit.signJwt({
    version: 1,
    com_key_id: AXINOM_TEST_COM_KEY_ID,
    expiration_date: new Date(kit.now() + seconds * 1000).toISOString(),
    message: { type: 'entitlement_message', version: 2, content_keys_source: { inline: kids.map((kid) => ({ id: uuid(kid) })) } },
  });
  return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message };
}

/** The Axinom DRM License Service emulator. */
export const axinomEmulator: VendorEmulator = {
  name: 'axinom',
  handle(request, kit) {
    if (request.path === '_token') return token(request, kit);
    const match = /^(widevine|playready|fairplay)\/AcquireLicense$/.exec(request.path);
    if (!match) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not found' };
    return acquireLicense(request, DRMS[match[1]!]!, kit);
  },
};
