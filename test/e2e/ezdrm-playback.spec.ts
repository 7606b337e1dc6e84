// The ezdrm preset end to end: Shaka + keyflow + the EZDRM emulator (src/testing/node/vendors/
// ezdrm.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The profile goes as pX on the license URL (the emulator's
// URLs named in `servers`, pX included, as an app would for its own proxy), the app's own
// parameter CustomData from the token; the emulator's _token plays the app's backend. FairPlay:
// the HLS sample (its skd:// URI rewritten to EZDRM's skd://fps.ezdrm.com/;<asset id> form), the
// license URL template {skdAssetId}, the raw SPC as octet-stream, the CKC itself in reply.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS } from '../helpers/env';
import { expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { rewriteSampleSkd } from '../helpers/fairplay-vendors';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

describe('ezdrm preset, end to end (test CDM)', () => {
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

  function useEzdrm(keySystem: string, profile = 'keyflow-test', kids = BOTH): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'ezdrm',
      params: { CustomData: '{token}' },
      // Your backend's authorization data; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('ezdrm', `_token?kids=${kids.join(',')}`))).text(),
      servers: {
        [WV]: vendorUrl('ezdrm', `proxy?pX=${profile}`),
        [PR]: vendorUrl('ezdrm', `cency/preauth.aspx?pX=${profile}`),
        // The preset's FairPlay template on the emulator's host (new URL() would escape the braces).
        [FP]: `${vendorUrl('ezdrm', 'api/licenses/')}{skdAssetId}`,
      },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, pX and CustomData on the license URL`, async () => {
      useEzdrm(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('ezdrm')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.queryNames.join() === 'CustomData,pX')).toBe(true);
    });
  }

  it('Widevine: an unknown profile is refused with 403: NOT_ENTITLED, the reply’s text in the message', async () => {
    useEzdrm(WV, 'someone-else');
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(/^EZDRM license server answered HTTP 403/);
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay: plays the HLS sample, the asset id from the skd:// URI in the URL, the raw SPC as octet-stream', async () => {
    rewriteSampleSkd(player, 'skd://fps.ezdrm.com/;keyflow-sample');
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at('content/hls/fairplay-test.cer') } } } });
    useEzdrm(FP);
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const posts = (await vendorRequests('ezdrm')).filter((r) => r.method === 'POST' && r.drm === 'fp');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) {
      expect(r).toEqual(
        jasmine.objectContaining({
          path: 'api/licenses/keyflow-sample',
          status: 200,
          contentType: 'application/octet-stream',
          queryNames: ['CustomData'],
        }),
      );
    }
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
