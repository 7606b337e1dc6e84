// The verimatrix preset end to end: Shaka + keyflow + the Verimatrix emulator (src/testing/node/
// vendors/verimatrix.ts), Widevine and PlayReady through the test CDM over the browser's real
// ClearKey CDM, so decryption and playback are real. The emulator refuses a jti used twice, so
// playback proves a fresh JWT per license request; its _token plays your backend signing JWTs.
// FairPlay: the HLS sample, {"spc": base64} as application/json, the CKC read from {"ckc": base64},
// the certificate from drm.advanced (Verimatrix has no certificate URL of its own).
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

describe('verimatrix preset, end to end (test CDM)', () => {
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

  function useVerimatrix(keySystem: string, query = ''): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'verimatrix',
      // Your backend signs a license JWT for each request; here the emulator plays it.
      token: async () => {
        tokensFetched++;
        return (await fetch(vendorUrl('verimatrix', `_token?${query}`))).text();
      },
      servers: {
        [WV]: vendorUrl('verimatrix', 'widevine'),
        [PR]: vendorUrl('verimatrix', 'playready'),
        [FP]: vendorUrl('verimatrix', 'fairplay'),
      },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, a fresh JWT in Authorization for every license request`, async () => {
      useVerimatrix(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const posts = (await vendorRequests('verimatrix')).filter((r) => r.method === 'POST');
      const licenses = posts.filter((r) => r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      expect(posts.every((r) => r.status === 200 && r.drm === drm && r.headerNames.includes('authorization'))).toBe(true);
      expect(tokensFetched).toBe(posts.length);
    });
  }

  it('Widevine: a JWT for other content is refused with 403: NOT_ENTITLED', async () => {
    useVerimatrix(WV, 'sub=other');
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(/^Verimatrix license server answered HTTP 403/);
    expect(video.currentTime).toBe(0);
  });

  // Every token sent is a new one (a reused jti is refused too, so the playback specs above prove
  // it); Shaka 4 may fetch a token for an attempt it then drops, hence "at least".
  it('Widevine: a JWT past iat + 120 s is 401: TOKEN_INVALID after a fresh token, one token per attempt', async () => {
    useVerimatrix(WV, 'ageSeconds=200');
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('TOKEN_INVALID');
    expect(keyflowError?.httpStatus).toBe(401);
    const refused = (await vendorRequests('verimatrix')).filter((r) => r.method === 'POST' && r.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(tokensFetched).toBeGreaterThanOrEqual(refused.length);
  });

  it('FairPlay: plays the HLS sample, {"spc"} as JSON with a fresh JWT, the CKC read from {"ckc"}', async () => {
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at('content/hls/fairplay-test.cer') } } } });
    useVerimatrix(FP);
    await player.load(at('content/hls/master.m3u8'));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const posts = (await vendorRequests('verimatrix')).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) {
      expect(r).toEqual(jasmine.objectContaining({ path: 'fairplay', status: 200, drm: 'fp', contentType: 'application/json' }));
      expect(r.headerNames).toContain('authorization');
    }
    expect(tokensFetched).toBe(posts.length);
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
