// The EZDRM emulator against what EZDRM-made material and public integrations show: POST
// /proxy?pX=<profile> (Widevine) and /cency/preauth.aspx?pX=<profile> (PlayReady), the challenge
// as the body and the license as the reply, the integrator's own query parameters passed through;
// FairPlay at /api/licenses/<asset id> (EZDRM's demo integrations): the raw SPC as
// application/octet-stream in, the CKC itself out.
// The refusals (403 for an unknown profile or a refused CustomData) are the emulator's choices,
// said so in its module comment.
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { ckcKeyIds, fairPlaySpc } from '../helpers/fairplay-vendors';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const WV_URL = vendorUrl('ezdrm', 'proxy?pX=keyflow-test');
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function customData(kids: string[] = BOTH): Promise<string> {
  return (await fetch(vendorUrl('ezdrm', `_token?kids=${kids.join(',')}`))).text();
}

describe('EZDRM emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the profile in pX, the challenge as the body', async () => {
    const answer = await post(WV_URL, await widevineChallenge());
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('ezdrm');
    expect(record).toEqual(jasmine.objectContaining({ path: 'proxy', status: 200, drm: 'wv', queryNames: ['pX'] }));
  });

  it('refuses a missing or unknown profile with 403 (an emulator choice)', async () => {
    const challenge = await widevineChallenge();
    expect((await post(vendorUrl('ezdrm', 'proxy'), challenge)).status).toBe(403);
    const other = await post(vendorUrl('ezdrm', 'proxy?pX=someone-else'), challenge);
    expect(other.status).toBe(403);
    expect(other.text).toMatch(/profile \(pX\)/);
  });

  it('passes CustomData to the emulated authorization: granted keys only, a forged one refused', async () => {
    const challenge = await widevineChallenge();
    expect((await post(`${WV_URL}&CustomData=${await customData()}`, challenge)).status).toBe(200);
    const partial = await post(`${WV_URL}&CustomData=${await customData([CONTENT_KEYS.video.kid])}`, challenge);
    expect(partial.status).toBe(403);
    expect((await post(`${WV_URL}&CustomData=${await customData()}x`, challenge)).status).toBe(403);
  });

  it('PlayReady at cency/preauth.aspx: an unreadable challenge is 400', async () => {
    const answer = await post(vendorUrl('ezdrm', 'cency/preauth.aspx?pX=keyflow-test'), '<not-a-challenge/>', { SOAPAction: '"x"' });
    expect(answer.status).toBe(400);
  });

  describe('FairPlay at api/licenses/<asset id>', () => {
    const FP_URL = vendorUrl('ezdrm', 'api/licenses/keyflow-sample');
    const OCTETS = { 'Content-Type': 'application/octet-stream' };

    it('answers the raw SPC (application/octet-stream) with the CKC itself', async () => {
      const answer = await post(FP_URL, fairPlaySpc(), OCTETS);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/octet-stream');
      expect(ckcKeyIds(answer.bytes)).toEqual([...BOTH].sort());
      const [record] = await vendorRequests('ezdrm');
      expect(record).toEqual(
        jasmine.objectContaining({ path: 'api/licenses/keyflow-sample', status: 200, drm: 'fp', contentType: 'application/octet-stream' }),
      );
    });

    it('refuses a body that is not octet-stream (415), an unreadable SPC (400), an unknown asset (403): emulator choices', async () => {
      const base64 = btoa(String.fromCharCode(...fairPlaySpc()));
      expect(
        (await post(FP_URL, `spc=${encodeURIComponent(base64)}`, { 'Content-Type': 'application/x-www-form-urlencoded' })).status,
      ).toBe(415);
      expect((await post(FP_URL, base64, OCTETS)).status).toBe(400);
      expect((await post(vendorUrl('ezdrm', 'api/licenses/other-asset'), fairPlaySpc(), OCTETS)).status).toBe(403);
    });

    it('checks CustomData as for the other DRMs', async () => {
      const partial = await post(`${FP_URL}?CustomData=${await customData([CONTENT_KEYS.video.kid])}`, fairPlaySpc(), OCTETS);
      expect(partial.status).toBe(403);
      expect((await post(`${FP_URL}?CustomData=${await customData()}`, fairPlaySpc(), OCTETS)).status).toBe(200);
    });
  });
});
