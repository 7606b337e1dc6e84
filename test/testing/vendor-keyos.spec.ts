// The KeyOS emulator against BuyDRM's public material (go.buydrm.com/thedrmblog): the base64
// Authentication XML in a custom header of the license request (x-keyos-authorization or
// customdata, the names public integrations use), its ExpirationTime and License/KeyId honoured,
// the challenge as the body; PlayReady refusals as SOAP Client faults with HTTP 500. Statuses
// and texts of refusals are the emulator's choices, said so in its module comment. FairPlay as
// THEOplayer's KeyOS integration sends it: the form spc=<base64>&assetId=<skd host> to fp/getkey,
// <ckc>base64</ckc> back; the certificate at fp/cert/<id>.der.
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { base64, ckcKeyIds, fairPlaySpc, fromBase64, sha256Hex } from '../helpers/fairplay-vendors';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('keyos', 'wv');
const PR_URL = vendorUrl('keyos', 'pr/core/rightsmanager.asmx');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function authXml(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('keyos', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

describe('KeyOS emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the keys the Authentication XML names (x-keyos-authorization)', async () => {
    const xml = await authXml();
    expect(atob(xml)).toMatch(/^<KeyOSAuthenticationXML><Data><GenerationTime>.*<ExpirationTime>.*<License><KeyId>/);
    const answer = await post(WV_URL, await widevineChallenge(), { 'x-keyos-authorization': xml });
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('keyos');
    expect(record).toEqual(jasmine.objectContaining({ path: 'wv', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('x-keyos-authorization');
  });

  it('reads the customdata header too', async () => {
    expect((await post(WV_URL, await widevineChallenge(), { customdata: await authXml() })).status).toBe(200);
  });

  it('refuses a missing, forged or expired XML and keys it does not name', async () => {
    const challenge = await widevineChallenge();
    const forged = btoa(atob(await authXml()).replace('<RSAPubKeyId>', '<RSAPubKeyId>x'));
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      ['none', {}, 403, /No Authentication XML/],
      ['forged', { 'x-keyos-authorization': forged }, 403, /signature is invalid/],
      ['expired', { 'x-keyos-authorization': await authXml(BOTH, -1) }, 403, /has expired/],
      ['other keys', { 'x-keyos-authorization': await authXml([CONTENT_KEYS.video.kid]) }, 403, /not granted/],
    ];
    for (const [what, headers, status, reason] of cases) {
      const answer = await post(WV_URL, challenge, headers);
      expect(answer.status).withContext(what).toBe(status);
      expect(answer.text).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: refusals are HTTP 500 with a SOAP Client fault', async () => {
    const answer = await post(PR_URL, '<not-a-challenge/>', { 'x-keyos-authorization': await authXml(), SOAPAction: '"x"' });
    expect(answer.status).toBe(500);
    expect(parseSoapFault(answer.text)?.faultCode).toBe('soap:Client');
    const expired = await post(PR_URL, '<x/>', { 'x-keyos-authorization': await authXml(BOTH, -1) });
    expect(parseSoapFault(expired.text)?.faultString).toBe('The Authentication XML has expired');
  });

  describe('FairPlay', () => {
    const FP_URL = vendorUrl('keyos', 'fp/getkey');
    const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

    async function certificateSha256(): Promise<string> {
      const response = await fetch(vendorUrl('keyos', 'fp/cert/keyflow-test.der'));
      expect(response.status).toBe(200);
      return sha256Hex(new Uint8Array(await response.arrayBuffer()));
    }

    const form = (spc: Uint8Array, assetId = 'keyflow-sample') => `spc=${encodeURIComponent(base64(spc))}&assetId=${assetId}`;

    it('serves the certificate at fp/cert/<id>.der (another id is 404)', async () => {
      expect((await certificateSha256()).length).toBe(64);
      expect((await fetch(vendorUrl('keyos', 'fp/cert/someone-else.der'))).status).toBe(404);
    });

    it('answers the form spc=<base64>&assetId=<id> with <ckc>base64</ckc>, the Authentication XML checked', async () => {
      const spc = fairPlaySpc(await certificateSha256());
      const answer = await post(FP_URL, form(spc), { ...FORM, 'x-keyos-authorization': await authXml() });
      expect(answer.status).toBe(200);
      const ckc = /^<ckc>([A-Za-z0-9+/=]+)<\/ckc>$/.exec(answer.text);
      expect(ckcKeyIds(fromBase64(ckc![1]!))).toEqual([...BOTH].sort());
      const record = (await vendorRequests('keyos')).find((r) => r.path === 'fp/getkey');
      expect(record).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/x-www-form-urlencoded' }));
      const noXml = await post(FP_URL, form(spc), FORM);
      expect(noXml.status).toBe(403);
    });

    it('refuses the raw SPC or a form without assetId (400), another asset or certificate (403): emulator choices', async () => {
      const spc = fairPlaySpc(await certificateSha256());
      const headers = { 'x-keyos-authorization': await authXml() };
      const cases: Array<[string, Uint8Array | string, Record<string, string>, number, RegExp]> = [
        ['raw SPC', spc, { ...headers, 'Content-Type': 'application/octet-stream' }, 400, /spc=<base64 SPC>&assetId/],
        ['no assetId', `spc=${encodeURIComponent(base64(spc))}`, { ...headers, ...FORM }, 400, /spc=<base64 SPC>&assetId/],
        ['other asset', form(spc, 'other'), { ...headers, ...FORM }, 403, /Unknown assetId/],
        ['other certificate', form(fairPlaySpc()), { ...headers, ...FORM }, 403, /another certificate/],
      ];
      for (const [what, body, hdrs, status, reason] of cases) {
        const answer = await post(FP_URL, body, hdrs);
        expect(answer.status).withContext(what).toBe(status);
        expect(answer.text).withContext(what).toMatch(reason);
      }
    });
  });
});
