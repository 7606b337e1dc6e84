// The keyos preset end to end: Shaka + keyflow + the KeyOS emulator (src/testing/node/vendors/
// keyos.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM,
// so decryption and playback are real. The app's backend (generating the Authentication XML) is
// played by the emulator's _token. FairPlay: the HLS sample with the preset's default FairPlay
// URLs (license and fairPlayCertificateId's certificate) redirected to the emulator by a request
// filter, the form spc=…&assetId=<skd host> sent and <ckc>…</ckc> read.
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
const KEYOS_FP_HOST = 'https://fp-keyos.licensekeyserver.com/';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

describe('keyos preset, end to end (test CDM)', () => {
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

  function useKeyos(keySystem: string, expiresInSeconds = 600, header?: string): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'keyos',
      fairPlayCertificateId: 'keyflow-test',
      ...(header ? { header } : {}),
      // Your backend generates and signs the Authentication XML; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('keyos', `_token?kids=${BOTH.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text(),
      servers: { [WV]: vendorUrl('keyos', 'wv'), [PR]: vendorUrl('keyos', 'pr/core/rightsmanager.asmx') },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm, header] of [
    ['Widevine', WV, 'wv', 'x-keyos-authorization'],
    ['PlayReady', PR, 'pr', 'customdata'],
  ] as const) {
    it(`${name}: plays, the Authentication XML in ${header}`, async () => {
      useKeyos(keySystem, 600, header === 'customdata' ? header : undefined);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('keyos')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(licenses.every((r) => r.drm === drm && r.headerNames.includes(header))).toBe(true);
    });
  }

  it('Widevine: an expired Authentication XML is refused with 403: NOT_ENTITLED', async () => {
    useKeyos(WV, -1);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(/^KeyOS license server answered HTTP 403/);
    expect(video.currentTime).toBe(0);
  });

  it('PlayReady: an expired Authentication XML is a SOAP Client fault: BAD_REQUEST with its faultstring', async () => {
    useKeyos(PR, -1);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('BAD_REQUEST');
    expect(keyflowError?.httpStatus).toBe(500);
    expect(keyflowError?.message).toBe('KeyOS license server answered HTTP 500: The Authentication XML has expired');
  });

  it('FairPlay: plays the HLS sample; the default certificate and license URLs, the form spc=…&assetId=…, <ckc> read', async () => {
    useKeyos(FP);
    // KeyOS's FairPlay host is the emulator's here (after keyflow's filters, which set the license URL).
    player.getNetworkingEngine()!.registerRequestFilter((_type, request) => {
      request.uris = request.uris.map((uri) =>
        uri.startsWith(KEYOS_FP_HOST) ? vendorUrl('keyos', `fp/${uri.slice(KEYOS_FP_HOST.length)}`) : uri,
      );
    });
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const log = await vendorRequests('keyos');
    expect(log.filter((r) => r.path === 'fp/cert/keyflow-test.der').map((r) => r.status)).toEqual([200]);
    const posts = log.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) {
      expect(r).toEqual(
        jasmine.objectContaining({ path: 'fp/getkey', status: 200, drm: 'fp', contentType: 'application/x-www-form-urlencoded' }),
      );
      expect(r.headerNames).toContain('x-keyos-authorization');
    }
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
