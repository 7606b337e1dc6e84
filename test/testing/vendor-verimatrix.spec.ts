// The Verimatrix emulator against docs.verimatrix.com: a JWT in the request header ("Generate
// tokens for authorization"), kid in its header and iat / jti / iss / ver / aud / sub required,
// at most iat + 120 s with ±5 s skew ("Authorization Overview", "DRM Application Specific Token
// Authentication"), sub matching the content. Refusal statuses, single use of jti and the Bearer
// refusal are the emulator's choices, said so in its module comment.
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
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
});
