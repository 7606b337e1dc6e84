// The drm.cloud emulator against drm.cloud's documentation (developers.drm.cloud): BrandGuid and
// UserToken as query parameters or X-Drm-* headers, the UserToken an HS256 JWT with exp and kid
// (UUIDs or "*"), refusals as JSON {code, status, message, requestId} with the documented codes.
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('drmcloud', 'acquire-license/widevine');
const PR_URL = vendorUrl('drmcloud', 'acquire-license/playready');
const BRAND = '00000000-0000-4000-8000-00000000cafe';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function userToken(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('drmcloud', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

const codeOf = (text: string) => (JSON.parse(text) as { code: string }).code;

describe('drm.cloud emulator', () => {
  beforeEach(clearVendorRequests);

  it('licenses the keys of the UserToken, BrandGuid and UserToken as headers or query parameters', async () => {
    const byHeaders = await post(WV_URL, await widevineChallenge(), { 'X-Drm-BrandGuid': BRAND, 'X-Drm-UserToken': await userToken() });
    expect(byHeaders.status).toBe(200);
    const keys = decodeLicense(decodeSignedMessage(byHeaders.bytes).msg!).keys.map((k) => bytesToHex(k.keyId));
    expect(keys.sort()).toEqual([...BOTH].sort());
    const byQuery = await post(`${WV_URL}?BrandGuid=${BRAND}&UserToken=${await userToken(['*'])}`, await widevineChallenge());
    expect(byQuery.status).toBe(200);
    const [record] = await vendorRequests('drmcloud');
    expect(record).toEqual(jasmine.objectContaining({ path: 'acquire-license/widevine', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('x-drm-usertoken');
  });

  it('refuses with 403 and the documented codes', async () => {
    const challenge = await widevineChallenge();
    const auth = async (token: Promise<string> | string) => ({ 'X-Drm-BrandGuid': BRAND, 'X-Drm-UserToken': await token });
    const cases: Array<[string, Promise<{ status: number; text: string }>, string]> = [
      ['other brand', post(WV_URL, challenge, { 'X-Drm-BrandGuid': 'nope', 'X-Drm-UserToken': await userToken() }), 'drm_4005'],
      ['no payload', post(WV_URL, new Uint8Array(), await auth(userToken())), 'drm_4002'],
      ['no token', post(WV_URL, challenge, { 'X-Drm-BrandGuid': BRAND }), 'drm_3036'],
      ['forged', post(WV_URL, challenge, await auth(`${await userToken()}x`)), 'drm_3032'],
      ['expired', post(WV_URL, challenge, await auth(userToken(BOTH, -1))), 'drm_3031'],
      ['other keys', post(WV_URL, challenge, await auth(userToken([CONTENT_KEYS.video.kid]))), 'drm_3033'],
      ['garbage', post(WV_URL, new Uint8Array([1, 2, 3]), await auth(userToken())), 'drm_4003'],
    ];
    for (const [what, answer, code] of cases) {
      const { status, text } = await answer;
      expect(status).withContext(what).toBe(403);
      expect(codeOf(text)).withContext(what).toBe(code);
      expect(JSON.parse(text))
        .withContext(what)
        .toEqual(jasmine.objectContaining({ status: 403, requestId: jasmine.any(String) }));
    }
  });

  it('PlayReady: an unreadable challenge is drm_4003', async () => {
    const answer = await post(PR_URL, '<x/>', { 'X-Drm-BrandGuid': BRAND, 'X-Drm-UserToken': await userToken(), SOAPAction: '"x"' });
    expect(codeOf(answer.text)).toBe('drm_4003');
  });
});
