// The VUDRM emulator against Vualto's documentation (Vualto/vudrm-public-docs): POST proxy /
// rightsmanager.asmx with the token in X-VUDRM-TOKEN (PlayerIntegrations/shaka.md), tokens of the
// form client|time|policy|hash with a limited lifetime and single use (VUDRM-token.md). The
// refusal statuses and the 300 s lifetime are the emulator's choices, said so in its module comment.
// FairPlay: POST fairplay/v2/license/<content id> (the skd:// key URI with https), the raw SPC in
// and the CKC itself out; the certificate at fairplay/certificate/<client>.
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { ckcKeyIds, fairPlaySpc, sha256Hex } from '../helpers/fairplay-vendors';
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

  describe('FairPlay', () => {
    const FP_URL = vendorUrl('vudrm', 'fairplay/v2/license/keyflow-sample');
    const ARRAY_BUFFER = { 'Content-Type': 'ArrayBuffer' };

    async function certificateSha256(): Promise<string> {
      const response = await fetch(vendorUrl('vudrm', 'fairplay/certificate/keyflow-test'));
      expect(response.status).toBe(200);
      return sha256Hex(new Uint8Array(await response.arrayBuffer()));
    }

    it('serves the client certificate (another client is 404)', async () => {
      expect((await certificateSha256()).length).toBe(64);
      expect((await fetch(vendorUrl('vudrm', 'fairplay/certificate/someone-else'))).status).toBe(404);
    });

    it('answers the raw SPC at v2/license/<content id> (and license/<content id>) with the CKC itself', async () => {
      const spc = fairPlaySpc(await certificateSha256());
      for (const url of [FP_URL, vendorUrl('vudrm', 'fairplay/license/keyflow-sample')]) {
        const answer = await post(url, spc, { ...ARRAY_BUFFER, 'X-VUDRM-TOKEN': await vudrmToken() });
        expect(answer.status).withContext(url).toBe(200);
        expect(ckcKeyIds(answer.bytes)).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
      }
      const record = (await vendorRequests('vudrm')).find((r) => r.method === 'POST');
      expect(record).toEqual(
        jasmine.objectContaining({ path: 'fairplay/v2/license/keyflow-sample', status: 200, drm: 'fp', contentType: 'ArrayBuffer' }),
      );
    });

    it('refuses a token for other content, a wrapped SPC, another certificate, a reused token (emulator choices)', async () => {
      const spc = fairPlaySpc(await certificateSha256());
      const other = await post(vendorUrl('vudrm', 'fairplay/v2/license/other'), spc, { 'X-VUDRM-TOKEN': await vudrmToken() });
      expect(other.status).toBe(403);
      expect(other.text).toMatch(/not valid for this content/);
      const wrapped = await post(FP_URL, JSON.stringify({ spc: btoa(String.fromCharCode(...spc)) }), {
        'X-VUDRM-TOKEN': await vudrmToken(),
      });
      expect(wrapped.status).toBe(400);
      const otherCertificate = await post(FP_URL, fairPlaySpc(), { 'X-VUDRM-TOKEN': await vudrmToken() });
      expect(otherCertificate.status).toBe(403);
      expect(otherCertificate.text).toMatch(/another certificate/);
      const token = await vudrmToken();
      expect((await post(FP_URL, spc, { 'X-VUDRM-TOKEN': token })).status).toBe(200);
      expect((await post(FP_URL, spc, { 'X-VUDRM-TOKEN': token })).text).toMatch(/already used/);
    });
  });
});
