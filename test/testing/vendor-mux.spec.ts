// The Mux emulator against Mux's documentation (mux.com/docs, "Protect videos with DRM"): POST
// license/{widevine,playready}/<playbackId>?token=<DRM license token>, the token a JWT for the
// playback ID (sub) of the DRM license type (aud "d").
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const ID = 'keyflowPlayback01';
const WV_URL = vendorUrl('mux', `license/widevine/${ID}`);
const PR_URL = vendorUrl('mux', `license/playready/${ID}`);

async function drmToken(playbackId = ID, aud = 'd', expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('mux', `_token?playbackId=${playbackId}&aud=${aud}&expiresInSeconds=${expiresInSeconds}`))).text();
}

describe('Mux emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the playback ID, the token in the query', async () => {
    const answer = await post(`${WV_URL}?token=${await drmToken()}`, await widevineChallenge());
    expect(answer.status).toBe(200);
    const keys = decodeLicense(decodeSignedMessage(answer.bytes).msg!).keys.map((k) => bytesToHex(k.keyId));
    expect(keys.sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('mux');
    expect(record).toEqual(jasmine.objectContaining({ path: `license/widevine/${ID}`, status: 200, drm: 'wv', queryNames: ['token'] }));
  });

  it('refuses tokens that are missing, forged, expired, of another type or another playback ID', async () => {
    const challenge = await widevineChallenge();
    const cases: Array<[string, string, RegExp]> = [
      ['missing', WV_URL, /No token/],
      ['forged', `${WV_URL}?token=${await drmToken()}x`, /Invalid token/],
      ['expired', `${WV_URL}?token=${await drmToken(ID, 'd', -1)}`, /expired/],
      ['playback token', `${WV_URL}?token=${await drmToken(ID, 'v')}`, /Not a DRM license token/],
      ['other playback ID', `${WV_URL}?token=${await drmToken('other')}`, /another playback ID/],
    ];
    for (const [what, url, reason] of cases) {
      const answer = await post(url, challenge);
      expect(answer.status).withContext(what).toBe(403);
      expect(answer.text).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: an unreadable challenge is 400', async () => {
    expect((await post(`${PR_URL}?token=${await drmToken()}`, '<not-a-challenge/>', { SOAPAction: '"x"' })).status).toBe(400);
  });
});
