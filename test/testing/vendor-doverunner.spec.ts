// The DoveRunner emulator against DoveRunner's (PallyCon's) documentation: one licenseManager.do
// URL, the license token (base64 JSON, AES-256-CBC policy, SHA-256 hash, 600 s from its timestamp)
// in pallycon-customdata-v2 or doverunner-customdata-v2, errors as HTTP 200 {errorCode, message}
// with the documented codes.
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

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
});
