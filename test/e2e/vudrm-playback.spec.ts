// The vudrm preset end to end: Shaka + keyflow + the VUDRM emulator (src/testing/node/vendors/
// vudrm.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The emulator refuses a token used twice, so playback
// proves a fresh token per license request; its _token plays the VUDRM token API your backend calls.
// FairPlay: the HLS sample with its skd:// URI in Vualto's form (skd://fairplay-license.vudrm.tech/
// v2/license/<content id>); the preset turns it into the https license URL, which a request filter
// sends to the emulator; the raw SPC with Content-Type ArrayBuffer, the CKC itself in reply.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS } from '../helpers/env';
import { rewriteSampleSkd } from '../helpers/fairplay-vendors';
import { expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const VUDRM_FP_HOST = 'https://fairplay-license.vudrm.tech/';

describe('vudrm preset, end to end (test CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let errors: KeyflowError[];
  let tokensFetched: number;

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    await clearVendorRequests();
    errors = [];
    tokensFetched = 0;
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
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

  it('FairPlay: plays the HLS sample; the license URL from the skd:// URI, the raw SPC as "ArrayBuffer", a fresh token', async () => {
    rewriteSampleSkd(player, 'skd://fairplay-license.vudrm.tech/v2/license/keyflow-sample');
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: vendorUrl('vudrm', 'fairplay/certificate/keyflow-test') } } } });
    useVudrm(FP);
    // Vualto's FairPlay host is the emulator's here (after keyflow's filters, which set the license URL).
    player.getNetworkingEngine()!.registerRequestFilter((_type, request) => {
      request.uris = request.uris.map((uri) =>
        uri.startsWith(VUDRM_FP_HOST) ? vendorUrl('vudrm', `fairplay/${uri.slice(VUDRM_FP_HOST.length)}`) : uri,
      );
    });
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const posts = (await vendorRequests('vudrm')).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) {
      expect(r).toEqual(
        jasmine.objectContaining({ path: 'fairplay/v2/license/keyflow-sample', status: 200, drm: 'fp', contentType: 'ArrayBuffer' }),
      );
      expect(r.headerNames).toContain('x-vudrm-token');
    }
    expect(tokensFetched).toBe(posts.length);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
