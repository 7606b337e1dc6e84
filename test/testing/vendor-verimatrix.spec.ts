// The Verimatrix emulator against docs.verimatrix.com: a JWT in the request header ("Generate
// tokens for authorization"), kid in its header and iat / jti / iss / ver / aud / sub required,
// at most iat + 120 s with ±5 s skew ("Authorization Overview", "DRM Application Specific Token
// Authentication"), sub matching the content. Refusal statuses, single use of jti and the Bearer
// refusal are the emulator's choices, said so in its module comment. FairPlay ("DRM Specific
// Integration"): {"spc": base64} in, {"ckc": base64} out.
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { base64, ckcKeyIds, fairPlaySpc, fromBase64 } from '../helpers/fairplay-vendors';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('verimatrix', 'widevine');
const PR_URL = vendorUrl('verimatrix', 'playready');

async function jwt(query = ''): Promise<string> {
  return (await fetch(vendorUrl('verimatrix', `_token?${query}`))).text();
}

describe('Verimatrix emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for a fresh JWT in Authorization', async () => {
    const token = await jwt();
    expect(JSON.parse(atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))).kid).toBe('keyflow-test');
    const answer = await post(WV_URL, await widevineChallenge(), { Authorization: token });
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('verimatrix');
    expect(record).toEqual(jasmine.objectContaining({ path: 'widevine', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('authorization');
  });

  it('refuses a reused jti, a token past iat + 120 s, Bearer, a missing token, and other content', async () => {
    const challenge = await widevineChallenge();
    const token = await jwt();
    expect((await post(WV_URL, challenge, { Authorization: token })).status).toBe(200);
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      ['reused', { Authorization: token }, 401, /jti already used/],
      ['old', { Authorization: await jwt('ageSeconds=130') }, 401, /expired/],
      ['within skew', { Authorization: await jwt('ageSeconds=122') }, 200, /^/],
      ['Bearer', { Authorization: `Bearer ${await jwt()}` }, 401, /Invalid authorization token/],
      ['missing', {}, 401, /Missing/],
      ['other content', { Authorization: await jwt('sub=other') }, 403, /not valid for this content/],
    ];
    for (const [what, headers, status, reason] of cases) {
      const answer = await post(WV_URL, challenge, headers);
      expect(answer.status).withContext(what).toBe(status);
      if (status !== 200) expect(answer.text).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: refusals are HTTP 500 with a SOAP Client fault', async () => {
    const answer = await post(PR_URL, '<x/>', { Authorization: await jwt('sub=other') });
    expect(answer.status).toBe(500);
    expect(parseSoapFault(answer.text)).toEqual(
      jasmine.objectContaining({ faultCode: 'soap:Client', faultString: 'Token not valid for this content' }),
    );
  });

  describe('FairPlay at fairplay', () => {
    const FP_URL = vendorUrl('verimatrix', 'fairplay');
    const JSON_TYPE = { 'Content-Type': 'application/json' };

    it('answers {"spc": base64} with {"ckc": base64}, the JWT checked', async () => {
      const answer = await post(FP_URL, JSON.stringify({ spc: base64(fairPlaySpc()) }), { ...JSON_TYPE, Authorization: await jwt() });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      const { ckc } = JSON.parse(answer.text) as { ckc: string };
      expect(ckcKeyIds(fromBase64(ckc))).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
      const [record] = await vendorRequests('verimatrix');
      expect(record).toEqual(jasmine.objectContaining({ path: 'fairplay', status: 200, drm: 'fp', contentType: 'application/json' }));
      expect((await post(FP_URL, JSON.stringify({ spc: base64(fairPlaySpc()) }), JSON_TYPE)).status).toBe(401);
    });

    it('reads the URL-safe base64 alphabet too', async () => {
      const urlSafe = base64(fairPlaySpc()).replace(/\+/g, '-').replace(/\//g, '_');
      expect((await post(FP_URL, JSON.stringify({ spc: urlSafe }), { ...JSON_TYPE, Authorization: await jwt() })).status).toBe(200);
    });

    it('refuses the raw SPC or a form spc=… with 400 (an emulator choice)', async () => {
      const spc = fairPlaySpc();
      const raw = await post(FP_URL, spc, { 'Content-Type': 'application/octet-stream', Authorization: await jwt() });
      expect(raw.status).toBe(400);
      expect(raw.text).toMatch(/\{"spc"/);
      const form = await post(FP_URL, `spc=${encodeURIComponent(base64(spc))}`, {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: await jwt(),
      });
      expect(form.status).toBe(400);
    });
  });
});
