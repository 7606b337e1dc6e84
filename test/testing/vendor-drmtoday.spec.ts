// The DRMtoday emulator against DRMtoday's documentation ("License Delivery Authorization"): the
// upfront token in x-dt-auth-token (HS256 JWT, jti single use, optData's merchant, crt), else the
// custom data in x-dt-custom-data (base64 JSON; the test dummy's crtjson: session id); Widevine
// wrapped as {"license"} unless ?specConform=true; refusals with x-dt-resp-code readable by the page.
// FairPlay: the merchant's certificate as its bytes, the SPC as the form body spc=<base64>, the CKC
// as base64 text.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('drmtoday', 'license-proxy-widevine/cenc/');
const PR_URL = vendorUrl('drmtoday', 'license-proxy-headerauth/drmtoday/RightsManager.asmx');
const FP_URL = vendorUrl('drmtoday', 'license-server-fairplay/');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function upfrontToken(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('drmtoday', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

async function customData(kids: string[] = BOTH, merchant = 'keyflow-test'): Promise<string> {
  const session = (await (await fetch(vendorUrl('drmtoday', `_token?kids=${kids.join(',')}&authorization=custom-data`))).json()) as {
    userId: string;
    sessionId: string;
  };
  return btoa(JSON.stringify({ ...session, merchant }));
}

const keyIdsOf = (bytes: Uint8Array) =>
  decodeLicense(decodeSignedMessage(bytes).msg!)
    .keys.map((k) => bytesToHex(k.keyId))
    .sort();

describe('DRMtoday emulator', () => {
  beforeEach(clearVendorRequests);

  it('answers raw with ?specConform=true, else {"license": base64}, for an upfront token', async () => {
    const raw = await post(`${WV_URL}?specConform=true`, await widevineChallenge(), { 'x-dt-auth-token': await upfrontToken() });
    expect(raw.status).toBe(200);
    expect(keyIdsOf(raw.bytes)).toEqual([...BOTH].sort());
    const wrapped = await post(WV_URL, await widevineChallenge(), { 'x-dt-auth-token': await upfrontToken() });
    expect(wrapped.headers.get('Content-Type')).toMatch(/application\/json/);
    const { license } = JSON.parse(wrapped.text) as { license: string };
    expect(keyIdsOf(Uint8Array.from(atob(license), (c) => c.charCodeAt(0)))).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('drmtoday');
    expect(record).toEqual(jasmine.objectContaining({ path: 'license-proxy-widevine/cenc', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('x-dt-auth-token');
  });

  it('refuses an upfront token used twice (jti), as DRMtoday does', async () => {
    const token = await upfrontToken();
    expect((await post(WV_URL, await widevineChallenge(), { 'x-dt-auth-token': token })).status).toBe(200);
    const again = await post(WV_URL, await widevineChallenge(), { 'x-dt-auth-token': token });
    expect(again.status).toBe(403);
    expect(again.headers.get('x-dt-resp-code')).toBe('3000');
  });

  it('takes the test dummy custom data (base64 JSON, crtjson: session id) and checks the merchant', async () => {
    expect((await post(WV_URL, await widevineChallenge(), { 'x-dt-custom-data': await customData() })).status).toBe(200);
    const other = await post(WV_URL, await widevineChallenge(), { 'x-dt-custom-data': await customData(BOTH, 'someone-else') });
    expect(other.status).toBe(403);
  });

  it('refuses with x-dt-resp-code (readable by the page): no auth, forged, expired, keys not granted, garbage', async () => {
    const challenge = await widevineChallenge();
    const cases: Array<[string, Promise<{ status: number; headers: Headers }>, number, string]> = [
      ['no auth', post(WV_URL, challenge), 403, '3000'],
      ['forged', post(WV_URL, challenge, { 'x-dt-auth-token': `${await upfrontToken()}x` }), 403, '3000'],
      ['expired', post(WV_URL, challenge, { 'x-dt-auth-token': await upfrontToken(BOTH, -1) }), 403, '3000'],
      ['other keys', post(WV_URL, challenge, { 'x-dt-auth-token': await upfrontToken([CONTENT_KEYS.video.kid]) }), 403, '20101'],
      ['garbage', post(WV_URL, new Uint8Array([1, 2, 3]), { 'x-dt-auth-token': await upfrontToken() }), 400, '10001'],
    ];
    for (const [what, answer, status, code] of cases) {
      const { status: got, headers } = await answer;
      expect(got).withContext(what).toBe(status);
      expect(headers.get('x-dt-resp-code')).withContext(what).toBe(code);
    }
  });

  it('PlayReady: SOAP in, the license SOAP out', async () => {
    const unreadable = await post(PR_URL, '<not-a-challenge/>', { 'x-dt-auth-token': await upfrontToken(), SOAPAction: '"x"' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get('x-dt-resp-code')).toBe('10001');
  });

  describe('FairPlay', () => {
    const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const form = (spc: Uint8Array) => `spc=${encodeURIComponent(btoa(String.fromCharCode(...spc)))}`;
    const certificate = async (merchant = 'keyflow-test') => fetch(vendorUrl('drmtoday', `license-server-fairplay/cert/${merchant}`));

    it("serves the merchant's certificate as its bytes, without authorization", async () => {
      const response = await certificate();
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
      expect((await certificate('someone-else')).status).toBe(404);
    });

    it('answers the form body spc=<base64> with the CKC as base64 text', async () => {
      const spc = await fairPlaySpc(new Uint8Array(await (await certificate()).arrayBuffer()));
      const answer = await post(FP_URL, form(spc), { ...FORM, 'x-dt-auth-token': await upfrontToken() });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-dt-resp-code')).toBe('0');
      const ckc = decodeCkc(Uint8Array.from(atob(answer.text), (c) => c.charCodeAt(0)));
      expect(ckc.keys.map((k) => k.kid).sort()).toEqual([...BOTH].sort());
      const record = (await vendorRequests('drmtoday')).find((r) => r.path === 'license-server-fairplay');
      expect(record).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/x-www-form-urlencoded' }));
    });

    it('refuses a raw SPC or another certificate (400 / 10001), other keys (403 / 20101)', async () => {
      const cert = new Uint8Array(await (await certificate()).arrayBuffer());
      const cases: Array<[string, Promise<{ status: number; headers: Headers }>, number, string]> = [
        ['raw SPC', post(FP_URL, await fairPlaySpc(cert), { 'x-dt-auth-token': await upfrontToken() }), 400, '10001'],
        [
          'other certificate',
          post(FP_URL, form(await fairPlaySpc(new Uint8Array([1]))), { ...FORM, 'x-dt-auth-token': await upfrontToken() }),
          400,
          '10001',
        ],
        [
          'other keys',
          post(FP_URL, form(await fairPlaySpc(cert)), { ...FORM, 'x-dt-auth-token': await upfrontToken([CONTENT_KEYS.video.kid]) }),
          403,
          '20101',
        ],
        ['no authorization', post(FP_URL, form(await fairPlaySpc(cert)), FORM), 403, '3000'],
      ];
      for (const [what, answer, status, code] of cases) {
        const { status: got, headers } = await answer;
        expect(got).withContext(what).toBe(status);
        expect(headers.get('x-dt-resp-code')).withContext(what).toBe(code);
      }
    });
  });
});
