// The comcast preset end to end: Shaka + keyflow + the Comcast mpx emulator (src/testing/node/
// vendors/comcast.ts, observed behaviour), Widevine (JSON-wrapped) and PlayReady (raw) through the
// test CDM over the browser's real ClearKey CDM, so decryption and playback are real. The app's
// backend is played by the emulator's _token. FairPlay plays the HLS sample (cbcs): the app's
// certificate from drm.advanced (mpx serves none), the SPC base64 in {"getFairplayLicense"}, the
// CKC taken out of {"getFairplayLicenseResponse":{"ckcResponse"}}.
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
const CERTIFICATE = 'content/hls/fairplay-test.cer';
const ACCOUNT = 'http://access.auth.theplatform.com/data/Account/1234567890';
const PID = 'keyflowPid01';

describe('comcast preset, end to end (test CDM)', () => {
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

  function useComcast(keySystem: string, entitled = PID): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'comcast',
      account: ACCOUNT,
      releasePid: PID,
      // Your backend signs the user in with mpx Identity; here the emulator plays it.
      token: async () =>
        (await fetch(vendorUrl('comcast', `_token?account=${encodeURIComponent(ACCOUNT)}&releasePids=${entitled}`))).text(),
      servers: {
        [WV]: vendorUrl('comcast', 'wv/web/ModularDrm'),
        [PR]: vendorUrl('comcast', 'playready/rightsmanager.asmx'),
        [FP]: vendorUrl('comcast', 'fpls/web/FairPlay'),
      },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm, queryNames] of [
    ['Widevine', WV, 'wv', ['schema', 'account', 'form', 'token']],
    ['PlayReady', PR, 'pr', ['schema', 'account', 'auth', 'releasePid']],
  ] as const) {
    it(`${name}: plays, the query ${queryNames.join(', ')}`, async () => {
      useComcast(keySystem);
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('comcast')).filter(
        (r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0,
      );
      expect(licenses.length).toBeGreaterThan(0);
      for (const record of licenses) {
        expect(record.drm).toBe(drm);
        expect([...record.queryNames].sort()).toEqual([...queryNames].sort());
      }
    });
  }

  it('Widevine: a token for another release is NOT_ENTITLED (HTTP 403), typed, no playback', async () => {
    useComcast(WV, 'otherPid');
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toBe('Comcast mpx license server answered HTTP 403');
    expect(video.currentTime).toBe(0);
  });

  it('FairPlay (HLS): plays; the SPC JSON-wrapped with the release PID, token and account in the query, ckcResponse unwrapped', async () => {
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at(CERTIFICATE) } } } });
    useComcast(FP);
    await player.load(at(HLS));
    await expectPlaysPast(video, 2);
    expect(errors).toEqual([]);
    const licenses = (await vendorRequests('comcast')).filter((r) => r.method === 'POST' && r.path === 'fpls/web/FairPlay');
    expect(licenses.length).toBeGreaterThan(0);
    for (const record of licenses) {
      expect(record).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/json' }));
      expect([...record.queryNames].sort()).toEqual(['account', 'form', 'schema', 'token']);
    }
    expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
  });
});
