// Token prefetch: the token fetch starts with the load (the manifest request), not when the
// license request is due. Checked by the order of events, never by milliseconds.
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, mintToken } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast } from '../helpers/playback';

const CK = 'org.w3.clearkey';

describe('token prefetch', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;

  beforeEach(async () => ({ video, player, dispose } = await createAttachedPlayer()));
  afterEach(async () => {
    keyflow?.destroy();
    await dispose();
  });

  function start(prefetchToken: boolean, order: string[]): void {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      prefetchToken,
      // A token backend slower than the manifest fetch.
      token: async () => {
        order.push('token source called');
        await new Promise((resolve) => setTimeout(resolve, 400));
        const token = await mintToken({ drm: 'ck' });
        order.push('token ready');
        return token;
      },
      servers: { [CK]: at('hms/ck/rights/') },
    });
    keyflow.on('tokenrequest', (e) => order.push(`tokenrequest ${e.reason}`));
    keyflow.on('licenserequest', () => order.push('licenserequest'));
    player.addEventListener('manifestparsed', () => order.push('manifest parsed'));
  }

  it('starts the token fetch with the manifest request, before the manifest is parsed', async () => {
    const order: string[] = [];
    start(true, order);
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(order.filter((e) => e.startsWith('tokenrequest'))).toEqual(['tokenrequest prefetch']);
    expect(order.indexOf('tokenrequest prefetch')).toBeLessThan(order.indexOf('manifest parsed'));
    expect(order.indexOf('token source called')).toBeLessThan(order.indexOf('manifest parsed'));
    expect(order.indexOf('token ready')).toBeLessThan(order.indexOf('licenserequest'));
  });

  it('without prefetch, the token fetch starts only when the license request is due', async () => {
    const order: string[] = [];
    start(false, order);
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(order.filter((e) => e.startsWith('tokenrequest'))).toEqual(['tokenrequest license']);
    expect(order.indexOf('tokenrequest license')).toBeGreaterThan(order.indexOf('manifest parsed'));
  });
});
