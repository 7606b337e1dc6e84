// HLS end to end (issue 14): the content script's fMP4 HLS (cbcs, FairPlay + Widevine + PlayReady
// EXT-X-KEYs) played by Shaka through keyflow and the ExpressPlay emulator, Widevine, PlayReady
// and FairPlay through the test CDM over the browser's real ClearKey CDM, so decryption is real.
// FairPlay: the SPC as application/octet-stream, the <ckc> reply unwrapped, the certificate from
// drm.advanced; its absence and a wrong reply shape must fail. Media playlists must not count as
// new loads (one token per playback).
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type { InitDataEvent, LicenseRequestEvent, TokenRequestEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken, waitFor } from '../helpers/env';
import { expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { shakaMajor } from '../helpers/shaka-version';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const HLS = 'content/hls/master.m3u8';
const HLS_CENC = 'content/hls-cenc/master.m3u8';
const CERTIFICATE = 'content/hls/fairplay-test.cer';

describe('HLS through the test CDM (ExpressPlay)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let log: { errors: KeyflowError[]; tokens: TokenRequestEvent[]; requests: LicenseRequestEvent[]; initData: InitDataEvent[] };

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  function useKeyflow(keySystem: string, drm: 'wv' | 'pr' | 'fp'): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: async () => {
        const answer = await mintToken({ drm });
        return drm === 'pr' ? (JSON.parse(answer) as { licenseAcquisitionUrl: string; token: string }) : answer;
      },
      servers: { [WV]: at('hms/wv/rights/'), [PR]: at('playready/RightsManager.asmx'), [FP]: at('hms/fp/rights/') },
    });
    log = { errors: [], tokens: [], requests: [], initData: [] };
    keyflow.on('error', (e) => log.errors.push(e));
    keyflow.on('tokenrequest', (e) => log.tokens.push(e));
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    keyflow.on('initdata', (e) => log.initData.push(e));
  }

  const licensePosts = async (drm: string) =>
    (await emulatorRequests()).filter((r) => r.kind === 'license' && r.method === 'POST' && r.drm === drm);

  for (const [name, keySystem, drm] of [
    ['Widevine', WV, 'wv'],
    ['PlayReady', PR, 'pr'],
  ] as const) {
    it(`${name}: plays, one token for the whole playback (media playlists are not new loads)`, async () => {
      useKeyflow(keySystem, drm);
      await player.load(at(HLS));
      await expectPlaysPast(video, 2);
      expect(log.errors).toEqual([]);
      expect(log.tokens.length).toBe(1);
      expect((await licensePosts(drm)).every((r) => r.status === 200)).toBe(true);
    });

    it(`${name}: plays the cenc HLS (SAMPLE-AES-CTR)`, async () => {
      useKeyflow(keySystem, drm);
      await player.load(at(HLS_CENC));
      await expectPlaysPast(video, 2);
      expect(log.errors).toEqual([]);
      expect(log.tokens.length).toBe(1);
      const posts = await licensePosts(drm);
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.every((r) => r.status === 200)).toBe(true);
      expect(player.getKeyStatuses()[CONTENT_KEYS.video.kid]).toBe('usable');
    });
  }

  it('FairPlay: plays; the SPC goes as octet-stream with the token, the <ckc> reply is unwrapped, the certificate from drm.advanced', async () => {
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: at(CERTIFICATE) } } } });
    useKeyflow(FP, 'fp');
    await player.load(at(HLS));
    await expectPlaysPast(video, 2);
    expect(log.errors).toEqual([]);
    const posts = await licensePosts('fp');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((r) => r.status === 200 && r.hadToken && r.contentType === 'application/octet-stream')).toBe(true);
    const statuses = player.getKeyStatuses();
    expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
    expect(log.requests.every((r) => r.keySystem === FP)).toBe(true);
  });

  it('refresh on HLS: an expired first token is replaced once (reason "rejected") and the title plays', async () => {
    const expired = await mintToken({ drm: 'wv', expirationTime: '+1' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    let calls = 0;
    player.configure({ drm: { preferredKeySystems: [WV], retryParameters: { maxAttempts: 2 } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: async () => (calls++ === 0 ? expired : mintToken({ drm: 'wv' })),
      servers: { [WV]: at('hms/wv/rights/') },
    });
    const reasons: string[] = [];
    keyflow.on('tokenrequest', (e) => reasons.push(e.reason));
    if (shakaMajor() >= 5) {
      await player.load(at(HLS));
    } else {
      // Shaka 4 cannot replay a request: keyflow fetches a new token and reloads the content.
      await player.load(at(HLS)).catch(() => {});
      await waitFor(() => video.readyState >= 2, 'the reloaded content');
    }
    await expectPlaysPast(video, 1);
    expect(reasons.filter((reason) => reason === 'rejected').length).toBe(1);
    expect(calls).toBe(2);
  });

  it('Widevine with a content-id-only PSSH in the EXT-X-KEY: the server resolves the keys, the title plays', async () => {
    useKeyflow(WV, 'wv');
    await player.load(at('content/hls-content-id/master.m3u8'));
    await expectPlaysPast(video, 1);
    expect(log.errors).toEqual([]);
    expect(log.initData.flatMap((e) => e.systems.map((system) => system.widevine?.contentIdText))).toContain('keyflow-sample');
    const licenses = await licensePosts('wv');
    expect(licenses.length).toBeGreaterThan(0);
    expect((licenses[0]!.kids ?? []).slice().sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
  });

  it('with #EXT-X-SESSION-KEY in the multivariant playlist: Widevine plays, one token', async () => {
    useKeyflow(WV, 'wv');
    await player.load(at('content/hls/master-session-keys.m3u8'));
    await expectPlaysPast(video, 1);
    expect(log.errors).toEqual([]);
    expect(log.tokens.length).toBe(1);
    expect((await licensePosts('wv')).length).toBeGreaterThan(0);
  });

  it('the initdata event decodes the HLS-signalled init data (PSSH boxes of the init segments)', async () => {
    useKeyflow(WV, 'wv');
    await player.load(at(HLS));
    await expectPlaysPast(video, 1);
    const systems = log.initData.flatMap((event) => event.systems);
    const widevine = systems.find((system) => system.name === 'widevine');
    expect(widevine?.keyIds.sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
  });

  it('FairPlay without a certificate: no license request, INVALID_CONFIG naming serverCertificateUri', async () => {
    useKeyflow(FP, 'fp');
    const { keyflowError, shakaError } = await loadExpectingError(player, at(HLS));
    expect(shakaError.code).toBe(6006); // the CDM cannot make an SPC without one
    expect(keyflowError?.code).toBe('INVALID_CONFIG');
    expect(log.errors.map((e) => e.code)).toEqual(['INVALID_CONFIG']);
    expect(keyflowError?.message).toContain("drm.advanced['com.apple.fps'].serverCertificateUri");
    expect(await licensePosts('fp')).toEqual([]);
  });
});
