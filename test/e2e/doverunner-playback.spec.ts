// The doverunner preset end to end: Shaka + keyflow + the DoveRunner emulator (src/testing/node/
// vendors/doverunner.ts), Widevine and PlayReady through the test CDM over the browser's real
// ClearKey CDM, so decryption and playback are real. The app's backend is played by the emulator's
// _token; errors arrive inside HTTP 200 replies, as DoveRunner sends them. FairPlay plays the HLS
// sample: the certificate (base64 text) from the emulator's fpsKeyManager.do, the SPC as the form
// body spc=<base64>, the base64 CKC decoded.
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
const DRM_TYPE: Record<string, string> = { [WV]: 'Widevine', [PR]: 'PlayReady', [FP]: 'FairPlay' };

describe('doverunner preset, end to end (test CDM)', () => {
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

  function useDoveRunner(provider: 'doverunner' | 'pallycon', keySystem: string, kids = BOTH, ageSeconds = 0): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    const url = vendorUrl('doverunner', 'ri/licenseManager.do');
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider,
      // Your backend builds the license token for the DRM asked; here the emulator plays it.
      token: async ({ keySystem: ks }) =>
        (await fetch(vendorUrl('doverunner', `_token?kids=${kids.join(',')}&drm=${DRM_TYPE[ks]}&ageSeconds=${ageSeconds}`))).text(),
      siteId: 'KFLW',
      servers: { [WV]: url, [PR]: url, [FP]: url },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, provider, keySystem, drm] of [
    ['Widevine', 'doverunner', WV, 'wv'],
    ['PlayReady (as pallycon)', 'pallycon', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, the token in pallycon-customdata-v2`, async () => {
      useDoveRunner(provider, keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('doverunner')).filter(
        (r) => r.status === 200 && (r.kids?.length ?? 0) > 0 && r.errorCode === undefined,
      );
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.headerNames.includes('pallycon-customdata-v2'))).toBe(true);
    });
  }

  it('Widevine: a token for other content is NOT_ENTITLED (7012 in a 200 reply)', async () => {
    useDoveRunner('doverunner', WV, [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(200);
    expect(keyflowError?.providerCode).toBe(7012);
    expect(keyflowError?.message).toBe("DoveRunner license server answered HTTP 200: Does not match with token's CID. [7012]");
    expect(video.currentTime).toBe(0);
  });

  it('PlayReady: an expired token (7011 in a 200 reply) is TOKEN_EXPIRED', async () => {
    useDoveRunner('doverunner', PR, BOTH, 601);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('TOKEN_EXPIRED');
    expect(keyflowError?.providerCode).toBe(7011);
    const refused = (await vendorRequests('doverunner')).filter((r) => r.errorCode === 7011);
    expect(refused.length).toBeGreaterThanOrEqual(1);
  });

  it('FairPlay (HLS): plays; certificate from fpsKeyManager.do without the token, the SPC as form spc=, the CKC from base64', async () => {
    // The preset's certificate URL is DoveRunner's fpsKeyManager.do?siteId=KFLW; the app points it at the emulator.
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: vendorUrl('doverunner', 'ri/fpsKeyManager.do?siteId=KFLW') } } } });
    useDoveRunner('doverunner', FP);
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const records = await vendorRequests('doverunner');
    const certificates = records.filter((r) => r.path === 'ri/fpsKeyManager.do');
    expect(certificates.length).toBeGreaterThan(0);
    expect(certificates.every((r) => r.status === 200 && !r.headerNames.includes('pallycon-customdata-v2'))).toBe(true);
    const licenses = records.filter((r) => r.path === 'ri/licenseManager.do');
    expect(licenses.length).toBeGreaterThan(0);
    expect(
      licenses.every(
        (r) =>
          r.status === 200 &&
          r.errorCode === undefined &&
          r.drm === 'fp' &&
          r.contentType === 'application/x-www-form-urlencoded' &&
          r.headerNames.includes('pallycon-customdata-v2'),
      ),
    ).toBe(true);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
