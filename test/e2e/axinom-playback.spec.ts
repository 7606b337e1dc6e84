// The axinom preset end to end: Shaka + keyflow + the Axinom emulator (src/testing/node/vendors/
// axinom.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The app's backend is played by the emulator's _token.
// FairPlay plays the HLS sample: the app's own certificate from drm.advanced, the SPC and the CKC
// as they are.
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

describe('axinom preset, end to end (test CDM)', () => {
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

  function useAxinom(keySystem: string, kids = BOTH, expiresInSeconds = 600): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'axinom',
      // Your backend signs the License Service Message; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('axinom', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text(),
      servers: {
        [WV]: vendorUrl('axinom', 'widevine/AcquireLicense'),
        [PR]: vendorUrl('axinom', 'playready/AcquireLicense'),
        [FP]: vendorUrl('axinom', 'fairplay/AcquireLicense'),
      },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, the message in X-AxDRM-Message`, async () => {
      useAxinom(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('axinom')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.headerNames.includes('x-axdrm-message'))).toBe(true);
    });
  }

  it('Widevine: a message for other keys is NOT_ENTITLED, the reason from X-AxDRM-ErrorMessage', async () => {
    useAxinom(WV, [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(
      /^Axinom license server answered HTTP 403: License denied: the entitlement message does not grant /,
    );
    expect(video.currentTime).toBe(0);
  });

  it('PlayReady: an expired message is HTTP 500 with a Client fault: BAD_REQUEST, not retried, the header’s reason', async () => {
    useAxinom(PR, BOTH, -1);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('BAD_REQUEST');
    expect(keyflowError?.httpStatus).toBe(500);
    expect(keyflowError?.message).toBe('Axinom license server answered HTTP 500: The license service message has expired.');
  });

  it("FairPlay (HLS): plays; the SPC as the body with X-AxDRM-Message, the CKC as it is, the app's own certificate", async () => {
    // Axinom serves no certificate: the app's own, from drm.advanced.
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at('content/hls/fairplay-test.cer') } } } });
    useAxinom(FP);
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const licenses = (await vendorRequests('axinom')).filter((r) => r.path === 'fairplay/AcquireLicense');
    expect(licenses.length).toBeGreaterThan(0);
    expect(licenses.every((r) => r.status === 200 && r.drm === 'fp' && r.headerNames.includes('x-axdrm-message'))).toBe(true);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
