// The VUDRM emulator against Vualto's documentation (Vualto/vudrm-public-docs): POST proxy /
// rightsmanager.asmx with the token in X-VUDRM-TOKEN (PlayerIntegrations/shaka.md), tokens of the
// form client|time|policy|hash with a limited lifetime and single use (VUDRM-token.md). The
// refusal statuses and the 300 s lifetime are the emulator's choices, said so in its module comment.
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('vudrm', 'proxy');
const PR_URL = vendorUrl('vudrm', 'rightsmanager.asmx');

async function vudrmToken(ageSeconds = 0): Promise<string> {
  return (await fetch(vendorUrl('vudrm', `_token?ageSeconds=${ageSeconds}`))).text();
}

describe('VUDRM emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for a fresh token in X-VUDRM-TOKEN', async () => {
    const token = await vudrmToken();
    expect(token.split('|').length).toBe(4);
    const answer = await post(WV_URL, await widevineChallenge(), { 'X-VUDRM-TOKEN': token });
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('vudrm');
    expect(record).toEqual(jasmine.objectContaining({ path: 'proxy', status: 200, drm: 'wv' }));
    expect(record!.headerNames).toContain('x-vudrm-token');
  });

  it('refuses a token used twice, an expired, a forged or a missing one', async () => {
    const challenge = await widevineChallenge();
    const token = await vudrmToken();
    expect((await post(WV_URL, challenge, { 'X-VUDRM-TOKEN': token })).status).toBe(200);
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['reused', { 'X-VUDRM-TOKEN': token }, /already used/],
      ['expired', { 'X-VUDRM-TOKEN': await vudrmToken(3600) }, /expired/],
      ['forged', { 'X-VUDRM-TOKEN': (await vudrmToken()).replace('keyflow-test', 'other') }, /Malformed/],
      ['missing', {}, /No VUDRM token/],
    ];
    for (const [what, headers, reason] of cases) {
      const answer = await post(WV_URL, challenge, headers);
      expect(answer.status).withContext(what).toBe(403);
      expect(answer.text).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: refusals are HTTP 500 with a SOAP Client fault', async () => {
    const answer = await post(PR_URL, '<x/>', { 'X-VUDRM-TOKEN': await vudrmToken(3600) });
    expect(answer.status).toBe(500);
    expect(parseSoapFault(answer.text)).toEqual(jasmine.objectContaining({ faultCode: 'soap:Client', faultString: 'VUDRM token expired' }));
  });
});
