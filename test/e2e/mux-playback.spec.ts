// The mux preset end to end: Shaka + keyflow + the Mux emulator (src/testing/node/vendors/mux.ts),
// Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM, so decryption
// and playback are real. The app's backend is played by the emulator's _token. FairPlay plays the
// HLS sample (cbcs): the certificate from the emulator's appcert endpoint with the token, the SPC
// raw as application/octet-stream, the CKC reply used as is.
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
const ID = 'keyflowPlayback01';
const HLS = 'content/hls/master.m3u8';

describe('mux preset, end to end (test CDM)', () => {
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

  function useMux(keySystem: string, tokenFor = ID): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'mux',
      playbackId: ID,
      // Your backend signs the DRM license token; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('mux', `_token?playbackId=${tokenFor}`))).text(),
      servers: {
        [WV]: vendorUrl('mux', `license/widevine/${ID}`),
        [PR]: vendorUrl('mux', `license/playready/${ID}`),
        [FP]: vendorUrl('mux', `license/fairplay/${ID}`),
      },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, the DRM license token in the query`, async () => {
      useMux(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('mux')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.queryNames.join() === 'token')).toBe(true);
    });
  }

  it('Widevine: a token for another playback ID is NOT_ENTITLED (HTTP 403), typed, no playback', async () => {
    useMux(WV, 'otherPlayback');
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toBe('Mux license server answered HTTP 403');
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay (HLS): plays; the certificate from appcert with the token, the SPC raw as octet-stream, the CKC as is', async () => {
    // The preset's default certificate URL is Mux's; the app-set one (the emulator's) wins, and keyflow adds the token.
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: vendorUrl('mux', `appcert/fairplay/${ID}`) } } } });
    useMux(FP);
    await player.load(at(HLS));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const records = await vendorRequests('mux');
    const certificates = records.filter((r) => r.path === `appcert/fairplay/${ID}`);
    expect(certificates.length).toBe(1);
    expect(certificates[0]).toEqual(jasmine.objectContaining({ method: 'GET', status: 200, queryNames: ['token'] }));
    const licenses = records.filter((r) => r.method === 'POST' && r.path === `license/fairplay/${ID}`);
    expect(licenses.length).toBeGreaterThan(0);
    for (const license of licenses) {
      expect(license).toEqual(
        jasmine.objectContaining({ status: 200, drm: 'fp', queryNames: ['token'], contentType: 'application/octet-stream' }),
      );
    }
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
