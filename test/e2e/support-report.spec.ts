// keyflow.report() on a real player (issue 15 §1): after a playback and a refusal, the report
// names Shaka's version and the key system, lists the exchanges without their tokens, explains the
// failure, and holds no token anywhere (the minted tokens are looked for in every form).
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS, mintToken } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';

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

    const report = keyflow.report();
    expect(report.shakaVersion).toMatch(/^v?\d+\.\d+/);
    expect(report.configuration.token).toBe('[token function]');
    expect(report.exchanges.length).toBeGreaterThan(0);
    expect(report.exchanges.every((e) => !e.url.includes('ExpressPlayToken=') && e.keySystem === CK)).toBe(true);
    expect(report.errors.map((e) => e.explanation.evidence.keyflowCode)).toEqual(['NOT_ENTITLED']);
    expect(report.text).toContain('[license-request]');
    const all = JSON.stringify(report) + report.text;
    expect(tokens.length).toBe(2);
    for (const token of tokens) {
      expect(all).not.toContain(token);
      expect(all).not.toContain(encodeURIComponent(token));
      expect(all).not.toContain(token.slice(0, 24));
    }
  });
});
