// The titanium preset end to end: Shaka + keyflow + the Titanium emulator (src/testing/node/
// vendors/titanium.ts), Widevine and PlayReady through the test CDM over the browser's real
// ClearKey CDM, so decryption and playback are real. The Secure Token Server is played by the
// emulator's _token. FairPlay plays the HLS sample: the SPC as application/octet-stream, the CKC as
// the reply, the app's certificate from drm.advanced.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS } from '../helpers/env';
import { expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];
const SERVERS = {
  [WV]: vendorUrl('titanium', 'widevine'),
  [PR]: vendorUrl('titanium', 'playready'),
  [FP]: vendorUrl('titanium', 'fairplay'),
};

describe('titanium preset, end to end (test CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let errors: KeyflowError[];

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    await clearVendorRequests();
    errors = [];
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  function configure(keySystem: string): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
  }

  function useToken(keySystem: string, kids = BOTH): void {
    configure(keySystem);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'titanium',
      servers: SERVERS,
      token: async () => (await fetch(vendorUrl('titanium', `_token?kids=${kids.join(',')}`))).text(),
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  async function expectPlayed(drm: 'wv' | 'pr', header: string): Promise<void> {
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(errors).toEqual([]);
    const licenses = (await vendorRequests('titanium')).filter((r) => r.status === 200 && (r.kids?.length ?? 0) > 0);
    expect(licenses.length).toBeGreaterThan(0);
    expect(licenses.every((r) => r.drm === drm && r.headerNames.includes(header))).toBe(true);
  }

  it('Widevine: plays, the auth token as Authorization: Bearer', async () => {
    useToken(WV);
    await expectPlayed('wv', 'authorization');
  });

  it('PlayReady: plays with the device registration in X-TITANIUM-DRM-CDATA', async () => {
    configure(PR);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'titanium',
      authorization: 'device',
      servers: SERVERS,
      token: { LatensRegistration: { CustomerName: 'keyflow', AccountName: 'keyflow-test', PortalId: '1' } },
    });
    keyflow.on('error', (e) => errors.push(e));
    await expectPlayed('pr', 'x-titanium-drm-cdata');
  });

  it('Widevine: a token for other keys is NOT_ENTITLED (HTTP 403)', async () => {
    useToken(WV, [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toBe('Titanium license server answered HTTP 403');
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay (HLS): plays; the SPC as application/octet-stream with the Bearer token, the CKC as the reply', async () => {
    // Titanium publishes no certificate endpoint: the app's own, from drm.advanced.
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at('content/hls/fairplay-test.cer') } } } });
    useToken(FP);
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const licenses = (await vendorRequests('titanium')).filter((r) => r.path === 'fairplay');
    expect(licenses.length).toBeGreaterThan(0);
    expect(
      licenses.every(
        (r) =>
          r.status === 200 && r.drm === 'fp' && r.contentType === 'application/octet-stream' && r.headerNames.includes('authorization'),
      ),
    ).toBe(true);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
