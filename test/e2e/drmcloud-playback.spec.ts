// The drmcloud preset end to end: Shaka + keyflow + the drm.cloud emulator (src/testing/node/
// vendors/drmcloud.ts), Widevine and PlayReady through the test CDM over the browser's real
// ClearKey CDM, so decryption and playback are real. The app's backend is played by _token.
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
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

describe('drmcloud preset, end to end (test CDM)', () => {
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

  function useDrmCloud(keySystem: string, placement: 'headers' | 'query', kids = BOTH): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'drmcloud',
      tenant: 'keyflow',
      brandGuid: '00000000-0000-4000-8000-00000000cafe',
      placement,
      token: async () => (await fetch(vendorUrl('drmcloud', `_token?kids=${kids.join(',')}`))).text(),
      servers: { [WV]: vendorUrl('drmcloud', 'acquire-license/widevine'), [PR]: vendorUrl('drmcloud', 'acquire-license/playready') },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm, placement] of [
    ['Widevine, headers', WV, 'wv', 'headers'],
    ['PlayReady, query', PR, 'pr', 'query'],
  ] as const) {
    it(`${name}: plays, BrandGuid and UserToken on every license request`, async () => {
      useDrmCloud(keySystem, placement);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('drmcloud')).filter((r) => r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      const carries = (r: (typeof licenses)[number]) =>
        placement === 'headers'
          ? r.headerNames.includes('x-drm-usertoken') && r.headerNames.includes('x-drm-brandguid')
          : r.queryNames.includes('UserToken') && r.queryNames.includes('BrandGuid');
      expect(licenses.every((r) => r.drm === drm && carries(r))).toBe(true);
    });
  }

  it('Widevine: a UserToken for other keys is NOT_ENTITLED with drm_3033', async () => {
    useDrmCloud(WV, 'headers', [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.providerCode).toBe('drm_3033');
    expect(keyflowError?.message).toBe('drm.cloud license server answered HTTP 403: KeyID in DRM token could not be matched [drm_3033]');
    expect(video.currentTime).toBe(0);
  });
});
