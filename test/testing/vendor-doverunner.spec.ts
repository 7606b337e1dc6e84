// The DoveRunner emulator against DoveRunner's (PallyCon's) documentation: one licenseManager.do
// URL, the license token (base64 JSON, AES-256-CBC policy, SHA-256 hash, 600 s from its timestamp)
// in pallycon-customdata-v2 or doverunner-customdata-v2, errors as HTTP 200 {errorCode, message}
// with the documented codes. FairPlay: the certificate as base64 text from fpsKeyManager.do, the
// SPC as the form body spc=<base64>, the CKC answered as base64 text.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const URL = vendorUrl('doverunner', 'ri/licenseManager.do');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function licenseToken(kids: string[] = BOTH, drm = 'Widevine', ageSeconds = 0): Promise<string> {
  return (await fetch(vendorUrl('doverunner', `_token?kids=${kids.join(',')}&drm=${drm}&ageSeconds=${ageSeconds}`))).text();
}

/** The token JSON with one field changed, re-encoded (the hash no longer matches unless it is the hash). */
function tampered(token: string, field: string, value: unknown): string {
  return btoa(JSON.stringify({ ...(JSON.parse(atob(token)) as object), [field]: value }));
}

describe('DoveRunner emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the token in pallycon-customdata-v2, and in doverunner-customdata-v2', async () => {
    for (const header of ['pallycon-customdata-v2', 'doverunner-customdata-v2']) {
      const answer = await post(URL, await widevineChallenge(), { [header]: await licenseToken() });
      expect(answer.status).withContext(header).toBe(200);
      const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
      expect(license.keys.map((k) => bytesToHex(k.keyId)).sort())
        .withContext(header)
        .toEqual([...BOTH].sort());
    }
    const [record] = await vendorRequests('doverunner');
    expect(record).toEqual(jasmine.objectContaining({ path: 'ri/licenseManager.do', status: 200, drm: 'wv' }));
  });

  it('answers errors as HTTP 200 {errorCode, message} with the documented codes', async () => {
    const challenge = await widevineChallenge();
    const token = await licenseToken();
    const cases: Array<[string, Promise<{ status: number; text: string }>, number]> = [
      ['no token', post(URL, challenge), 7010],
      ['not base64 JSON', post(URL, challenge, { 'pallycon-customdata-v2': 'not a token' }), 7009],
      ['other site', post(URL, challenge, { 'pallycon-customdata-v2': tampered(token, 'site_id', 'ZZZZ') }), 1003],
      ['DRM type', post(URL, challenge, { 'pallycon-customdata-v2': tampered(token, 'drm_type', 'Clearkey') }), 7018],
      ['hash', post(URL, challenge, { 'pallycon-customdata-v2': tampered(token, 'user_id', 'mallory') }), 7019],
      ['expired', post(URL, challenge, { 'pallycon-customdata-v2': await licenseToken(BOTH, 'Widevine', 601) }), 7011],
      ['other keys', post(URL, challenge, { 'pallycon-customdata-v2': await licenseToken([CONTENT_KEYS.video.kid]) }), 7012],
      ['garbage', post(URL, new Uint8Array([1, 2, 3]), { 'pallycon-customdata-v2': token }), 7107],
    ];
    for (const [what, answer, code] of cases) {
      const { status, text } = await answer;
      expect(status).withContext(what).toBe(200);
      expect((JSON.parse(text) as { errorCode: number }).errorCode)
        .withContext(what)
        .toBe(code);
    }
  });

  it('PlayReady: the token says the DRM; an unreadable challenge is 7205', async () => {
    const answer = await post(URL, '<not-a-challenge/>', {
      'pallycon-customdata-v2': await licenseToken(BOTH, 'PlayReady'),
      SOAPAction: '"x"',
    });
    expect((JSON.parse(answer.text) as { errorCode: number }).errorCode).toBe(7205);
  });

  describe('FairPlay', () => {
    const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

    async function certificate(siteId = 'KFLW'): Promise<{ status: number; text: string }> {
      const response = await fetch(vendorUrl('doverunner', `ri/fpsKeyManager.do?siteId=${siteId}`));
      return { status: response.status, text: await response.text() };
    }

    it('serves the certificate as base64 text at fpsKeyManager.do?siteId=', async () => {
      const { status, text } = await certificate();
      expect(status).toBe(200);
      expect(atob(text).length).toBeGreaterThan(0);
      expect(JSON.parse((await certificate('ZZZZ')).text)).toEqual(jasmine.objectContaining({ errorCode: 1003 }));
    });

    it('answers the form body spc=<base64> with the CKC as base64 text', async () => {
      const cert = Uint8Array.from(atob((await certificate()).text), (c) => c.charCodeAt(0));
      const spc = await fairPlaySpc(cert);
      const answer = await post(URL, `spc=${encodeURIComponent(base64(spc))}`, {
        ...FORM,
        'pallycon-customdata-v2': await licenseToken(BOTH, 'FairPlay'),
      });
      expect(answer.status).toBe(200);
      const ckc = decodeCkc(Uint8Array.from(atob(answer.text), (c) => c.charCodeAt(0)));
      expect(ckc.keys.map((k) => k.kid).sort()).toEqual([...BOTH].sort());
      const record = (await vendorRequests('doverunner')).find((r) => r.path === 'ri/licenseManager.do');
      expect(record).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/x-www-form-urlencoded' }));
    });

    it('refuses a raw SPC (7305), an SPC made with another certificate (7317), other keys (7012)', async () => {
      const cert = Uint8Array.from(atob((await certificate()).text), (c) => c.charCodeAt(0));
      const token = await licenseToken(BOTH, 'FairPlay');
      const cases: Array<[string, Promise<{ status: number; text: string }>, number]> = [
        ['raw SPC', post(URL, await fairPlaySpc(cert), { 'pallycon-customdata-v2': token }), 7305],
        ['no spc field', post(URL, 'ckc=AAAA', { ...FORM, 'pallycon-customdata-v2': token }), 7305],
        [
          'other certificate',
          post(URL, `spc=${encodeURIComponent(base64(await fairPlaySpc(new Uint8Array([1]))))}`, {
            ...FORM,
            'pallycon-customdata-v2': token,
          }),
          7317,
        ],
        [
          'other keys',
          post(URL, `spc=${encodeURIComponent(base64(await fairPlaySpc(cert)))}`, {
            ...FORM,
            'pallycon-customdata-v2': await licenseToken([CONTENT_KEYS.video.kid], 'FairPlay'),
          }),
          7012,
        ],
      ];
      for (const [what, answer, code] of cases) {
        const { status, text } = await answer;
        expect(status).withContext(what).toBe(200);
        expect((JSON.parse(text) as { errorCode: number }).errorCode)
          .withContext(what)
          .toBe(code);
      }
    });
  });
});
