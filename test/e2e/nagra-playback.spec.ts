// The nagra preset end to end: Shaka + keyflow + the NAGRA emulator (src/testing/node/vendors/
// nagra.ts), Widevine and PlayReady through the test CDM over the browser's real ClearKey CDM, so
// decryption and playback are real. The app's backend is played by the emulator's _token.
// FairPlay plays the HLS sample (cbcs): the certificate from the emulator's fpls certificates
// endpoint (no token), the SPC raw as application/octet-stream with the token, the CKC taken out
// of the {"CkcMessage"} reply.
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
const HLS = 'content/hls/master.m3u8';
const TENANT = 'KEYFLOW1';
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

describe('nagra preset, end to end (test CDM)', () => {
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

  function useNagra(keySystem: string, kids = BOTH): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    const license = (ls: string) => vendorUrl('nagra', `${TENANT}/${ls}/contentlicenseservice/v1/licenses`);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'nagra',
      tenant: TENANT,
      // Your backend signs the Content Authorization Token; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('nagra', `_token?kids=${kids.join(',')}`))).text(),
      servers: { [WV]: license('wvls'), [PR]: license('prls'), [FP]: license('fpls') },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, the token in nv-authorizations, the tenant in nv-tenant-id`, async () => {
      useNagra(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('nagra')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      for (const record of licenses) {
        expect(record.drm).toBe(drm);
        expect(record.headerNames).toEqual(jasmine.arrayContaining(['nv-authorizations', 'nv-tenant-id']));
      }
    });
  }

  it('Widevine: a token without the keys is refused with HTTP 400: BAD_REQUEST, typed, no playback', async () => {
    useNagra(WV, [CONTENT_KEYS.video.kid]);
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('BAD_REQUEST');
    expect(keyflowError?.httpStatus).toBe(400);
    expect(keyflowError?.message).toBe('NAGRA license server answered HTTP 400');
    expect((await vendorRequests('nagra')).some((r) => r.errorCode === 4011)).toBe(true);
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay (HLS): plays; the certificate without the token, the SPC raw with it, the CkcMessage reply unwrapped', async () => {
    // The preset's default certificate URL is NAGRA's; the app-set one (the emulator's) wins.
    const certificate = vendorUrl('nagra', `${TENANT}/fpls/contentlicenseservice/v1/certificates`);
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: certificate } } } });
    useNagra(FP);
    await player.load(at(HLS));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const records = await vendorRequests('nagra');
    const certificates = records.filter((r) => r.path.endsWith('/fpls/contentlicenseservice/v1/certificates'));
    expect(certificates.length).toBe(1);
    expect(certificates[0]).toEqual(jasmine.objectContaining({ method: 'GET', status: 200 }));
    expect(certificates[0]!.headerNames).not.toContain('nv-authorizations');
    const licenses = records.filter((r) => r.method === 'POST' && r.path.endsWith('/fpls/contentlicenseservice/v1/licenses'));
    expect(licenses.length).toBeGreaterThan(0);
    for (const record of licenses) {
      expect(record).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/octet-stream' }));
      expect(record.headerNames).toEqual(jasmine.arrayContaining(['nv-authorizations', 'nv-tenant-id']));
    }
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
