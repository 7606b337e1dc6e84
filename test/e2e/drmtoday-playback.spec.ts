// The drmtoday preset end to end: Shaka + keyflow + the DRMtoday emulator (src/testing/node/vendors/
// drmtoday.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The app's backend is played by the emulator's _token.
// FairPlay plays the HLS sample: the merchant's certificate from the emulator, the SPC as the form
// body spc=<base64>, the CKC decoded from base64 text.
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
  [WV]: vendorUrl('drmtoday', 'license-proxy-widevine/cenc/'), // without specConform: the {license} JSON
  [PR]: vendorUrl('drmtoday', 'license-proxy-headerauth/drmtoday/RightsManager.asmx'),
  [FP]: vendorUrl('drmtoday', 'license-server-fairplay/'),
};

describe('drmtoday preset, end to end (test CDM)', () => {
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

  function useDrmToday(keySystem: string, authorization: 'upfront-token' | 'custom-data', kids = BOTH): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    const query = `_token?kids=${kids.join(',')}${authorization === 'custom-data' ? '&authorization=custom-data' : ''}`;
    const config = { provider: 'drmtoday', merchant: 'keyflow-test', servers: SERVERS } as const;
    keyflow =
      authorization === 'custom-data'
        ? new Keyflow(player as unknown as ShakaPlayer, {
            ...config,
            authorization,
            token: async () => (await (await fetch(vendorUrl('drmtoday', query))).json()) as { userId: string; sessionId: string },
          })
        : new Keyflow(player as unknown as ShakaPlayer, {
            ...config,
            token: async () => (await fetch(vendorUrl('drmtoday', query))).text(),
          });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm, authorization, header] of [
    ['Widevine, upfront token', WV, 'wv', 'upfront-token', 'x-dt-auth-token'],
    ['PlayReady, custom data', PR, 'pr', 'custom-data', 'x-dt-custom-data'],
  ] as const) {
    it(`${name}: plays, ${header} on every license request`, async () => {
      useDrmToday(keySystem, authorization);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('drmtoday')).filter(
        (r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0,
      );
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.headerNames.includes(header))).toBe(true);
    });
  }

  it('Widevine: a token for other keys is NOT_ENTITLED, x-dt-resp-code as providerCode', async () => {
    useDrmToday(WV, 'upfront-token', [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.providerCode).toBe('20101');
    expect(keyflowError?.message).toBe('DRMtoday license server answered HTTP 403: [20101]');
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay (HLS): plays; the SPC as form spc= with x-dt-auth-token, the base64 CKC decoded', async () => {
    // The preset's certificate URL is DRMtoday's license-server-fairplay/cert/<merchant>; the app points it at the emulator.
    player.configure({
      drm: { advanced: { [FP]: { serverCertificateUri: vendorUrl('drmtoday', 'license-server-fairplay/cert/keyflow-test') } } },
    });
    useDrmToday(FP, 'upfront-token');
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const records = await vendorRequests('drmtoday');
    expect(records.some((r) => r.path === 'license-server-fairplay/cert/keyflow-test' && r.status === 200)).toBe(true);
    const licenses = records.filter((r) => r.path === 'license-server-fairplay');
    expect(licenses.length).toBeGreaterThan(0);
    expect(
      licenses.every(
        (r) =>
          r.status === 200 &&
          r.drm === 'fp' &&
          r.contentType === 'application/x-www-form-urlencoded' &&
          r.headerNames.includes('x-dt-auth-token'),
      ),
    ).toBe(true);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
