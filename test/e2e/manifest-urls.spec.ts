// Manifest URLs as apps write them: relative to the page (what the demo and the examples do),
// absolute, with a query string, and redirected (to another origin, and on the same origin).
// Whatever the form, the token is prefetched at the manifest request and the license request
// uses it: one token request, reason 'prefetch', and the token source sees the resolved URL.
// (Relative URLs reach the demo server through the Karma page's /content/ proxy; /_redirect/
// answers 302: see karma.conf.cjs.)
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { TokenContext } from '../../src/tokens/source';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, mintToken, serverUrl } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast } from '../helpers/playback';

const CK = 'org.w3.clearkey';
const page = (path: string): string => new URL(path, location.href).href;

const FORMS: Array<{ name: string; manifest: () => string; tokenSeesUri: () => string }> = [
  { name: 'relative to the page', manifest: () => '/content/cenc/manifest.mpd', tokenSeesUri: () => page('/content/cenc/manifest.mpd') },
  { name: 'absolute', manifest: () => at('content/cenc/manifest.mpd'), tokenSeesUri: () => at('content/cenc/manifest.mpd') },
  {
    name: 'relative with a query string',
    manifest: () => '/content/cenc/manifest.mpd?session=a%20b&x=1',
    tokenSeesUri: () => page('/content/cenc/manifest.mpd?session=a%20b&x=1'),
  },
  {
    name: 'redirected to another origin',
    manifest: () => '/_redirect/content/cbcs/manifest.mpd',
    tokenSeesUri: () => page('/_redirect/content/cbcs/manifest.mpd'),
  },
  {
    name: 'redirected on the same origin',
    manifest: () => '/_redirect-here/content/cenc/manifest.mpd',
    tokenSeesUri: () => page('/_redirect-here/content/cenc/manifest.mpd'),
  },
];

describe('manifest URL forms', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;

  beforeEach(async () => ({ video, player, dispose } = await createAttachedPlayer()));
  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  it('the test page and the content server are different origins (so "relative" is really relative)', () => {
    expect(new URL(serverUrl).origin).not.toBe(location.origin);
  });

  for (const form of FORMS) {
    it(`prefetches the token and uses it for the license: ${form.name}`, async () => {
      const contexts: TokenContext[] = [];
      const reasons: string[] = [];
      const tokenEvents: Array<{ cached: boolean }> = [];
      keyflow = new Keyflow(player as unknown as ShakaPlayer, {
        provider: 'expressplay',
        token: async (ctx) => {
          contexts.push(ctx);
          return mintToken({ drm: 'ck' });
        },
        servers: { [CK]: at('hms/ck/rights/') },
      });
      keyflow.on('tokenrequest', (e) => reasons.push(e.reason));
      keyflow.on('token', (e) => tokenEvents.push({ cached: e.cached }));

      await player.load(form.manifest());
      await expectPlaysPast(video, 1);

      expect(reasons).toEqual(['prefetch']);
      expect(contexts.length).toBe(1);
      expect(contexts[0]!.manifestUri).toBe(form.tokenSeesUri());
      expect(tokenEvents.length).toBeGreaterThan(0);
      expect(tokenEvents.every((e) => e.cached)).toBe(true);
    });
  }

  it('a second load of the same content by another URL form reuses the cached token', async () => {
    const reasons: string[] = [];
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: () => mintToken({ drm: 'ck' }),
      servers: { [CK]: at('hms/ck/rights/') },
    });
    keyflow.on('tokenrequest', (e) => reasons.push(e.reason));
    await player.load('/content/cenc/manifest.mpd');
    await expectPlaysPast(video, 1);
    await player.load(page('/content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(reasons).toEqual(['prefetch']);
  });
});
