// The Titanium emulator against THEOplayer's Titanium connector (Titanium's documentation is not
// public): Authorization: Bearer <auth token> or X-TITANIUM-DRM-CDATA (base64 JSON registration),
// the challenge as the body, the license as the reply; the refusals are the emulator's choices.
// FairPlay: the SPC as application/octet-stream, the CKC as the reply.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('titanium', 'widevine');
const FP_URL = vendorUrl('titanium', 'fairplay');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];
const REGISTRATION = btoa(JSON.stringify({ LatensRegistration: { CustomerName: 'keyflow', AccountName: 'keyflow-test', PortalId: '1' } }));

async function authToken(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('titanium', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

const keyIdsOf = (bytes: Uint8Array) =>
  decodeLicense(decodeSignedMessage(bytes).msg!)
    .keys.map((k) => bytesToHex(k.keyId))
    .sort();

describe('Titanium emulator', () => {
  beforeEach(clearVendorRequests);

  it('licenses the keys of a Bearer auth token, and every key for a known device registration', async () => {
    const byToken = await post(WV_URL, await widevineChallenge(), { Authorization: `Bearer ${await authToken()}` });
    expect(byToken.status).toBe(200);
    expect(keyIdsOf(byToken.bytes)).toEqual([...BOTH].sort());
    const byDevice = await post(WV_URL, await widevineChallenge(), { 'X-TITANIUM-DRM-CDATA': REGISTRATION });
    expect(byDevice.status).toBe(200);
    const [record] = await vendorRequests('titanium');
    expect(record).toEqual(jasmine.objectContaining({ path: 'widevine', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('authorization');
  });

  it('refuses: no credentials, expired or forged token, unknown registration 401; other keys 403; garbage 400', async () => {
    const challenge = await widevineChallenge();
    const unknown = btoa(JSON.stringify({ LatensRegistration: { CustomerName: 'x', AccountName: 'y', PortalId: '1' } }));
    const cases: Array<[string, Promise<{ status: number }>, number]> = [
      ['none', post(WV_URL, challenge), 401],
      ['expired', post(WV_URL, challenge, { Authorization: `Bearer ${await authToken(BOTH, -1)}` }), 401],
      ['forged', post(WV_URL, challenge, { Authorization: `Bearer ${await authToken()}x` }), 401],
      ['unknown device', post(WV_URL, challenge, { 'X-TITANIUM-DRM-CDATA': unknown }), 401],
      ['other keys', post(WV_URL, challenge, { Authorization: `Bearer ${await authToken([CONTENT_KEYS.video.kid])}` }), 403],
      ['garbage', post(WV_URL, new Uint8Array([1, 2, 3]), { Authorization: `Bearer ${await authToken()}` }), 400],
    ];
    for (const [what, answer, status] of cases)
      expect((await answer).status)
        .withContext(what)
        .toBe(status);
  });

  it('FairPlay: the SPC as application/octet-stream, the CKC as the reply; another content type or a base64 body is 400', async () => {
    const spc = await fairPlaySpc(new TextEncoder().encode("the app's own certificate"));
    const auth = { Authorization: `Bearer ${await authToken()}` };
    const answer = await post(FP_URL, spc, { ...auth, 'Content-Type': 'application/octet-stream' });
    expect(answer.status).toBe(200);
    expect(
      decodeCkc(answer.bytes)
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('titanium');
    expect(record).toEqual(jasmine.objectContaining({ path: 'fairplay', status: 200, drm: 'fp', contentType: 'application/octet-stream' }));
    const base64 = btoa(String.fromCharCode(...spc));
    expect((await post(FP_URL, base64, { ...auth, 'Content-Type': 'application/octet-stream' })).status).toBe(400);
    expect((await post(FP_URL, spc, auth)).status).toBe(400);
    expect((await post(FP_URL, spc, { 'Content-Type': 'application/octet-stream' })).status).toBe(401);
  });
});
