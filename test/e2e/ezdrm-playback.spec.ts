// The ezdrm preset end to end: Shaka + keyflow + the EZDRM emulator (src/testing/node/vendors/
// ezdrm.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The profile goes as pX on the license URL (the emulator's
// URLs named in `servers`, pX included, as an app would for its own proxy), the app's own
// parameter CustomData from the token; the emulator's _token plays the app's backend.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installTestCdm, resetShakaDrmCaches, type TestCdm } from '../../src/testing/index';
import { at, CONTENT_KEYS } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { shaka } from '../helpers/shaka-global';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

describe('ezdrm preset, end to end (test CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let cdm: TestCdm;
  let errors: KeyflowError[];

  beforeEach(async () => {
    cdm = installTestCdm();
    await resetShakaDrmCaches(shaka);
    ({ video, player, dispose } = await createAttachedPlayer());
    await clearVendorRequests();
    errors = [];
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
    cdm.uninstall();
    await resetShakaDrmCaches(shaka);
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
});
