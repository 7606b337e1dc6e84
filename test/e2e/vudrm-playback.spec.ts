// The vudrm preset end to end: Shaka + keyflow + the VUDRM emulator (src/testing/node/vendors/
// vudrm.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The emulator refuses a token used twice, so playback
// proves a fresh token per license request; its _token plays the VUDRM token API your backend calls.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installTestCdm, resetShakaDrmCaches, type TestCdm } from '../../src/testing/index';
import { at } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { shaka } from '../helpers/shaka-global';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';

describe('vudrm preset, end to end (test CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let cdm: TestCdm;
  let errors: KeyflowError[];
  let tokensFetched: number;

  beforeEach(async () => {
    cdm = installTestCdm();
    await resetShakaDrmCaches(shaka);
    ({ video, player, dispose } = await createAttachedPlayer());
    await clearVendorRequests();
    errors = [];
    tokensFetched = 0;
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
    cdm.uninstall();
    await resetShakaDrmCaches(shaka);
  });

  function useVudrm(keySystem: string, ageSeconds = 0): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'vudrm',
      // Your backend calls the VUDRM token API; here the emulator plays it.
      token: async () => {
        tokensFetched++;
        return (await fetch(vendorUrl('vudrm', `_token?ageSeconds=${ageSeconds}`))).text();
      },
      servers: { [WV]: vendorUrl('vudrm', 'proxy'), [PR]: vendorUrl('vudrm', 'rightsmanager.asmx') },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, a fresh token in X-VUDRM-TOKEN for every license request`, async () => {
      useVudrm(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const posts = (await vendorRequests('vudrm')).filter((r) => r.method === 'POST');
      const licenses = posts.filter((r) => r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(posts.every((r) => r.status === 200 && r.drm === drm && r.headerNames.includes('x-vudrm-token'))).toBe(true);
      expect(tokensFetched).toBe(posts.length);
    });
  }

  it('Widevine: an expired token is refused with 403: NOT_ENTITLED', async () => {
    useVudrm(WV, 3600);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(/^VUDRM license server answered HTTP 403/);
    expect(video.currentTime).toBe(0);
  });
});
