// The Axinom emulator against Axinom's documentation (docs.axinom.com, services/drm): POST
// /AcquireLicense per DRM host, the License Service Message in exactly one of the X-AxDRM-Message
// header or the AxDrmMessage query, an HMAC-SHA256 JWT naming the entitled keys, 400 / 403 with
// X-AxDRM-ErrorMessage readable by the page (exposed to CORS), and PlayReady's errors as HTTP 500.
// FairPlay: the SPC as the body as it is, the CKC answered as it is.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('axinom', 'widevine/AcquireLicense');
const PR_URL = vendorUrl('axinom', 'playready/AcquireLicense');
const FP_URL = vendorUrl('axinom', 'fairplay/AcquireLicense');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function message(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('axinom', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

describe('Axinom emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the entitled keys, the message in X-AxDRM-Message', async () => {
    const answer = await post(WV_URL, await widevineChallenge(), { 'X-AxDRM-Message': await message() });
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('axinom');
    expect(record).toEqual(jasmine.objectContaining({ path: 'widevine/AcquireLicense', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('x-axdrm-message');
  });

  it('takes the message from the AxDrmMessage query parameter too, but not from both', async () => {
    const jwt = await message();
    expect((await post(`${WV_URL}?AxDrmMessage=${jwt}`, await widevineChallenge())).status).toBe(200);
    const both = await post(`${WV_URL}?AxDrmMessage=${jwt}`, await widevineChallenge(), { 'X-AxDRM-Message': jwt });
    expect(both.status).toBe(400);
  });

  it('refuses with the documented statuses, the reason in X-AxDRM-ErrorMessage (readable by the page)', async () => {
    const challenge = await widevineChallenge();
    const cases: Array<[string, Promise<{ status: number; headers: Headers }>, number, RegExp]> = [
      ['no message', post(WV_URL, challenge), 400, /No license service message/],
      ['forged', post(WV_URL, challenge, { 'X-AxDRM-Message': `${await message()}x` }), 400, /not a valid JWT/],
      ['expired', post(WV_URL, challenge, { 'X-AxDRM-Message': await message(BOTH, -1) }), 403, /has expired/],
      ['other keys', post(WV_URL, challenge, { 'X-AxDRM-Message': await message([CONTENT_KEYS.video.kid]) }), 403, /does not grant/],
      ['garbage', post(WV_URL, new Uint8Array([1, 2, 3]), { 'X-AxDRM-Message': await message() }), 400, /Invalid license request/],
    ];
    for (const [what, answer, status, reason] of cases) {
      const { status: got, headers } = await answer;
      expect(got).withContext(what).toBe(status);
      expect(headers.get('X-AxDRM-ErrorMessage')).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: every refusal is HTTP 500 with a SOAP Client fault and the header', async () => {
    const answer = await post(PR_URL, '<not-a-challenge/>', { 'X-AxDRM-Message': await message(), SOAPAction: '"x"' });
    expect(answer.status).toBe(500);
    expect(parseSoapFault(answer.text)?.faultCode).toBe('soap:Client');
    expect(answer.headers.get('X-AxDRM-ErrorMessage')).toMatch(/Invalid license request/);
    const unauthenticated = await post(PR_URL, '<x/>');
    expect(unauthenticated.status).toBe(500);
    expect(unauthenticated.headers.get('X-AxDRM-ErrorMessage')).toMatch(/No license service message/);
  });

  it('FairPlay: the SPC as the body, the CKC answered as it is; a base64 or form body is 400', async () => {
    const spc = await fairPlaySpc(new TextEncoder().encode("the app's own certificate"));
    const answer = await post(FP_URL, spc, { 'X-AxDRM-Message': await message() });
    expect(answer.status).toBe(200);
    expect(
      decodeCkc(answer.bytes)
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('axinom');
    expect(record).toEqual(jasmine.objectContaining({ path: 'fairplay/AcquireLicense', status: 200, drm: 'fp' }));
    const base64 = btoa(String.fromCharCode(...spc));
    for (const [what, body] of [
      ['base64', base64],
      ['form', `spc=${encodeURIComponent(base64)}`],
    ] as const) {
      const refused = await post(FP_URL, body, { 'X-AxDRM-Message': await message() });
      expect(refused.status).withContext(what).toBe(400);
      expect(refused.headers.get('X-AxDRM-ErrorMessage'))
        .withContext(what)
        .toMatch(/Invalid license request/);
    }
    const denied = await post(FP_URL, spc, { 'X-AxDRM-Message': await message([CONTENT_KEYS.video.kid]) });
    expect(denied.status).toBe(403);
  });
});
