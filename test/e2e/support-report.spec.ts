// keyflow.report() on a real player (issue 15 §1): after a playback and a refusal, the report
// names Shaka's version and the key system, lists the exchanges without their tokens, explains the
// failure, and holds no token anywhere (the minted tokens are looked for in every form).
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS, mintToken } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';

const CK = 'org.w3.clearkey';

describe('keyflow.report()', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  it('after a playback and a refusal: versions, the exchanges without tokens, the failure explained, no token anywhere', async () => {
    const tokens: string[] = [];
    let otherKeys = false;
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      servers: { [CK]: at('hms/ck/rights/') },
      token: async () => {
        const url = await mintToken({
          drm: 'ck',
          ...(otherKeys ? { keys: [{ kid: '00112233445566778899aabbccddeeff', key: CONTENT_KEYS.video.key }] } : {}),
        });
        tokens.push(new URL(url).searchParams.get('ExpressPlayToken')!);
        return url;
      },
    });
    keyflow.on('error', () => {});
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    await player.unload();
    otherKeys = true;
    const { keyflowError } = await loadExpectingError(player, at('content/cbcs/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');

    const report = await keyflow.report();
    expect(report.shakaVersion).toMatch(/^v?\d+\.\d+/);
    expect(report.configuration.token).toBe('[token function]');
    expect(report.exchanges.length).toBeGreaterThan(0);
    expect(report.exchanges.every((e) => !e.url.includes('ExpressPlayToken=') && e.keySystem === CK)).toBe(true);
    expect(report.errors.map((e) => e.explanation.evidence.keyflowCode)).toEqual(['NOT_ENTITLED']);
    expect(report.text).toContain('[license-request]');
    // the first load's exchange: its timing; the token fetches: one per load (prefetch at each start)
    expect(report.timings.length).toBeGreaterThan(0);
    expect(report.timings.every((t) => t.keySystem === CK && t.networkMs >= 0 && t.totalMs >= t.networkMs)).toBe(true);
    expect(report.tokenFetches.map((f) => f.keySystem)).toEqual([CK, CK]);
    expect(report.keySystemChoice.chosen).toBe(report.keySystem);
    // the real ClearKey CDM, probed for the report
    expect(report.eme).toContain({ keySystem: CK, robustness: '', supported: true });
    const all = JSON.stringify(report) + report.text;
    expect(tokens.length).toBe(2);
    for (const token of tokens) {
      expect(all).not.toContain(token);
      expect(all).not.toContain(encodeURIComponent(token));
      expect(all).not.toContain(token.slice(0, 24));
    }
  });

  it('probes EME per robustness level: under the test CDM, software Widevine and PlayReady SL150/SL2000 yes, hardware levels no', async () => {
    await dispose();
    ({ player, dispose } = await createTestCdmPlayer());
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: 'expressplay', token: async () => 'unused' });
    const report = await keyflow.report();
    const answer = (keySystem: string, robustness: string) =>
      report.eme.find((p) => p.keySystem === keySystem && p.robustness === robustness);
    // what the test CDM documents: hardware robustness (HW_SECURE_*, PlayReady 3000) is refused with NotSupportedError
    for (const level of ['SW_SECURE_CRYPTO', 'SW_SECURE_DECODE']) expect(answer('com.widevine.alpha', level)?.supported).toBe(true);
    for (const level of ['HW_SECURE_CRYPTO', 'HW_SECURE_DECODE', 'HW_SECURE_ALL']) {
      expect(answer('com.widevine.alpha', level)).toEqual({
        keySystem: 'com.widevine.alpha',
        robustness: level,
        supported: false,
        reason: 'NotSupportedError',
      });
    }
    const PR = 'com.microsoft.playready.recommendation';
    expect([answer(PR, '150')?.supported, answer(PR, '2000')?.supported, answer(PR, '3000')?.supported]).toEqual([true, true, false]);
    expect(answer(CK, '')?.supported).toBe(true);
    expect(report.text).toContain('com.widevine.alpha HW_SECURE_ALL no (NotSupportedError)');
    expect(report.keySystemChoice).toEqual({ chosen: null, why: 'no load, or no key system could be used: see the errors' });
  });
});
