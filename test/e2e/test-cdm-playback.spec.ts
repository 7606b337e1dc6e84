// Widevine and PlayReady end to end in headless Chromium, which has only the ClearKey CDM:
// Shaka + keyflow + the ExpressPlay emulator's Widevine/PlayReady endpoints, with the test CDM
// (shaka-keyflow/testing) emulating the CDM messages over the real ClearKey CDM, so decryption
// and playback are real. The test CDM is installed and uninstalled around every spec, with
// Shaka's page-wide DRM caches reset, so the ClearKey specs elsewhere are unaffected.
import type S from 'shaka-player';
import type { KeyflowError, KeyflowErrorCode } from '../../src/api/errors';
import type { LicenseRequestEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installTestCdm, resetShakaDrmCaches } from '../../src/testing/index';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken, waitFor, type EmulatorRecord } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { shaka } from '../helpers/shaka-global';
import { shakaMajor } from '../helpers/shaka-version';
import { isFirefox } from '../helpers/browser';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const CK = 'org.w3.clearkey';
const BOTH_KIDS = [CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort();

/** The emulator's POSTs for one DRM, oldest first (CORS preflights left out). */
async function posts(drm: 'wv' | 'pr' | 'ck'): Promise<EmulatorRecord[]> {
  return (await emulatorRequests()).filter((r) => r.drm === drm && r.method !== 'OPTIONS' && r.kind !== 'token');
}

describe('Widevine and PlayReady through the test CDM, end to end', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null;
  let log: { requests: LicenseRequestEvent[]; errors: KeyflowError[] };

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    keyflow = null;
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    await dispose();
  });

  function useKeyflow(keySystem: string, drm: 'wv' | 'pr', mint: () => Promise<string> = () => mintToken({ drm })): void {
    player.configure({ drm: { preferredKeySystems: [keySystem] } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      // Widevine: the token API's tokenized URL; PlayReady: its { licenseAcquisitionUrl, token } JSON.
      token: async () => {
        const answer = await mint();
        return drm === 'pr' ? (JSON.parse(answer) as { licenseAcquisitionUrl: string; token: string }) : answer;
      },
      servers: { [WV]: at('hms/wv/rights/'), [PR]: at('playready/RightsManager.asmx') },
    });
    log = { requests: [], errors: [] };
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    keyflow.on('error', (e) => log.errors.push(e));
  }

  /**
   * A PlayReady SOAP Fault (HTTP 500) as the app sees it: Shaka's 6007 whose chain leads to
   * keyflow's typed error with the fault's code (`findKeyflowError`), and the same error on
   * keyflow's `error` event. The sample's PlayReady headers give one session per track, so two
   * sessions may fail; each gets its own typed error.
   */
  async function expectFault(
    failure: Awaited<ReturnType<typeof loadExpectingError>>,
    expected: { code: KeyflowErrorCode; providerCode: number; message: string },
  ): Promise<void> {
    expect(failure.shakaError.code).toBe(6007);
    const error = failure.keyflowError;
    expect(error?.code).toBe(expected.code);
    expect(error?.httpStatus).toBe(500);
    expect(error?.providerCode).toBe(expected.providerCode);
    expect(error?.keySystem).toBe(PR);
    expect(error?.message).toContain(expected.message);
    await waitFor(() => log.errors.length > 0, 'a keyflow error event');
    expect(log.errors).toContain(error!);
    expect(log.errors.every((e) => e.code === expected.code && e.providerCode === expected.providerCode)).toBe(true);
  }

  for (const scheme of ['cenc', 'cbcs']) {
    it(`Widevine (${scheme}): the 08 04 certificate exchange, then one license request; real playback`, async () => {
      useKeyflow(WV, 'wv');
      await player.load(at(`content/${scheme}/manifest.mpd`));
      await expectPlaysPast(video, 2);

      expect(player.keySystem()).toBe(WV);
      expect(log.errors).toEqual([]);
      const wv = await posts('wv');
      expect(wv.map((r) => `${r.kind} ${r.path} ${r.status}`)).toEqual([
        'certificate /hms/wv/rights/ 200', // 08 04 POSTed to the license URL, answered with the certificate
        'license /hms/wv/rights/ 200',
      ]);
      expect(wv[1]!.hadToken).toBe(true);
      expect((wv[1]!.kids ?? []).slice().sort()).toEqual(BOTH_KIDS);
      expect(log.requests.map((r) => r.keySystem)).toEqual([WV, WV]);
      const statuses = player.getKeyStatuses();
      expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
      expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
      expect(await posts('ck')).toEqual([]);
    });
  }

  it('Widevine with a content-id-only PSSH (no key IDs): the license server resolves the keys, real playback', async () => {
    useKeyflow(WV, 'wv');
    const initData: string[] = [];
    keyflow!.on('initdata', (e) => initData.push(...e.systems.map((system) => system.widevine?.contentIdText ?? '')));
    await player.load(at('content/cenc-content-id/manifest.mpd'));
    await expectPlaysPast(video, 2);
    expect(log.errors).toEqual([]);
    expect(initData).toContain('keyflow-sample'); // what the license request carried
    const licenses = (await posts('wv')).filter((r) => r.kind === 'license');
    expect(licenses.length).toBeGreaterThan(0);
    expect(licenses.every((r) => r.status === 200)).toBe(true);
    // the emulator resolved the content id to the token's keys
    expect((licenses[0]!.kids ?? []).slice().sort()).toEqual(BOTH_KIDS);
    const statuses = player.getKeyStatuses();
    expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
    expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
  });

  it('Widevine with drm.advanced serverCertificateUri: one certificate GET, no 08 04, one license request', async () => {
    useKeyflow(WV, 'wv');
    player.configure({ drm: { advanced: { [WV]: { serverCertificateUri: at('hms/wv/certificate') } } } });
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);

    const wv = await posts('wv');
    expect(wv.map((r) => `${r.method} ${r.kind} ${r.path} ${r.status}`)).toEqual([
      'GET certificate /hms/wv/certificate 200',
      'POST license /hms/wv/rights/ 200',
    ]);
  });

  it('Widevine: a second load in the same page makes no certificate request (keyflow keeps the certificate)', async () => {
    useKeyflow(WV, 'wv');
    player.configure({ drm: { advanced: { [WV]: { serverCertificateUri: at('hms/wv/certificate') } } } });
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    await player.load(at('content/cbcs/manifest.mpd'));
    await expectPlaysPast(video, 1);
    const wv = await posts('wv');
    expect(wv.filter((r) => r.kind === 'certificate').length).toBe(1);
    expect(wv.filter((r) => r.kind === 'license').map((r) => r.status)).toEqual([200, 200]);
  });

  it('Widevine without serverCertificateUri: the certificate from the 08 04 reply is kept for the next load', async () => {
    useKeyflow(WV, 'wv');
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    await player.load(at('content/cbcs/manifest.mpd'));
    await expectPlaysPast(video, 1);

    const wv = await posts('wv');
    expect(wv.map((r) => r.kind)).toEqual(['certificate', 'license', 'license']);
  });

  for (const scheme of ['cenc', 'cbcs']) {
    it(`PlayReady (${scheme}): SOAP challenges unwrapped by Shaka, one license request per track; real playback`, async () => {
      useKeyflow(PR, 'pr');
      await player.load(at(`content/${scheme}/manifest.mpd`));
      await expectPlaysPast(video, 2);

      expect(player.keySystem()).toBe(PR);
      expect(log.errors).toEqual([]);
      const pr = await posts('pr');
      // The sample's PlayReady headers name one KID each (audio, video): two sessions, two requests.
      // Firefox: Shaka 5 waits for `encrypted` events for every PlayReady key system on Gecko
      // (shaka.device.DefaultBrowser#needWaitForEncryptedEvent; 4.16 only for
      // `com.microsoft.playready.recommendation`), so each init segment's PSSH opens a second
      // session per track besides the manifest's: two requests per track there.
      const perTrack = isFirefox && shakaMajor() >= 5 ? 2 : 1;
      expect(pr.map((r) => `${r.kind} ${r.path} ${r.status}`)).toEqual(
        Array<string>(2 * perTrack).fill('license /playready/RightsManager.asmx 200'),
      );
      expect(pr.flatMap((r) => r.kids ?? []).sort()).toEqual(BOTH_KIDS.flatMap((kid) => Array<string>(perTrack).fill(kid)));
      expect(pr.every((r) => r.hadToken)).toBe(true);
      const statuses = player.getKeyStatuses();
      expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
      expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
    });
  }

  it('PlayReady: the token API’s JSON answer returned as text (a string) is read as the object it is; real playback', async () => {
    player.configure({ drm: { preferredKeySystems: [PR] } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      // The text as the token API answered it: {"licenseAcquisitionUrl":"…/playready/RightsManager.asmx","token":"…"}
      token: () => mintToken({ drm: 'pr' }),
      // Not a license endpoint: only the licenseAcquisitionUrl inside the text can license this.
      servers: { [PR]: at('hms/pr/not-a-license-endpoint/') },
    });
    const errors: KeyflowError[] = [];
    keyflow.on('error', (e) => errors.push(e));
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 2);
    expect(player.keySystem()).toBe(PR);
    expect(errors).toEqual([]);
    const pr = await posts('pr');
    expect(pr.length).toBeGreaterThan(0);
    expect(pr.every((r) => r.path === '/playready/RightsManager.asmx' && r.status === 200 && r.hadToken)).toBe(true);
  });

  it('PlayReady: a SOAP Fault (forged token) surfaces as TOKEN_INVALID with the fault’s code', async () => {
    player.configure({ drm: { retryParameters: { maxAttempts: 1 } } });
    useKeyflow(PR, 'pr', async () => {
      const answer = JSON.parse(await mintToken({ drm: 'pr' })) as { licenseAcquisitionUrl: string; token: string };
      const token = answer.token;
      return JSON.stringify({ ...answer, token: token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6) });
    });
    keyflow!.configure({ refreshRejectedToken: false }); // the first rejection is the error (no refresh and replay)
    const failure = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    await expectFault(failure, { code: 'TOKEN_INVALID', providerCode: -4010, message: 'Invalid token' });
    expect(video.currentTime).toBe(0);
    const pr = await posts('pr');
    expect(pr.length).toBeGreaterThan(0);
    expect(pr.every((r) => r.status === 500 && (r as EmulatorRecord & { errorCode?: number }).errorCode === -4010)).toBe(true);
  });

  it('PlayReady: a token for other keys is a Client fault with the undocumented -4012: BAD_REQUEST, the code passed through', async () => {
    player.configure({ drm: { retryParameters: { maxAttempts: 1 } } });
    useKeyflow(PR, 'pr', () =>
      mintToken({ drm: 'pr', keys: [{ kid: '00112233445566778899aabbccddeeff', key: '00112233445566778899aabbccddeeff' }] }),
    );
    keyflow!.configure({ refreshRejectedToken: false }); // the first rejection is the error (no refresh and replay)
    await expectFault(await loadExpectingError(player, at('content/cenc/manifest.mpd')), {
      code: 'BAD_REQUEST',
      providerCode: -4012,
      message: 'does not grant',
    });
  });

  it('Widevine: a Widevine token at the PlayReady endpoint is refused (token bound to its DRM)', async () => {
    player.configure({ drm: { retryParameters: { maxAttempts: 1 } } });
    useKeyflow(PR, 'pr', async () => {
      const wvUrl = new URL(await mintToken({ drm: 'wv' }));
      return JSON.stringify({
        licenseAcquisitionUrl: at('playready/RightsManager.asmx'),
        token: wvUrl.searchParams.get('ExpressPlayToken'),
      });
    });
    keyflow!.configure({ refreshRejectedToken: false }); // the first rejection is the error (no refresh and replay)
    await expectFault(await loadExpectingError(player, at('content/cenc/manifest.mpd')), {
      code: 'TOKEN_INVALID',
      providerCode: -4010,
      message: 'not valid for this DRM',
    });
  });

  it('ClearKey still uses the real CDM while the test CDM is installed', async () => {
    player.configure({ drm: { preferredKeySystems: [CK] } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: () => mintToken({ drm: 'ck' }),
      servers: { [CK]: at('hms/ck/rights/') },
    });
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(player.keySystem()).toBe(CK);
    expect((await posts('ck')).map((r) => r.status)).toEqual([200]);
  });
});

describe('after the test CDM is uninstalled', () => {
  it('Widevine is not offered any more (Shaka falls back to ClearKey)', async () => {
    const cdm = installTestCdm();
    cdm.uninstall();
    await resetShakaDrmCaches(shaka);
    const { video, player, dispose } = await createAttachedPlayer();
    const keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: () => mintToken({ drm: 'ck' }),
      servers: { [CK]: at('hms/ck/rights/') },
    });
    player.configure({ drm: { preferredKeySystems: [WV] } });
    try {
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(player.keySystem()).toBe(CK);
    } finally {
      keyflow.destroy();
      await dispose();
    }
  });
});
