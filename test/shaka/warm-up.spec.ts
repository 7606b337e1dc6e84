// Connection warm-up (issue 16 §1): at load start keyflow preconnects to the origins the license
// exchange will need (the expected key system's license and certificate URLs, and the app's token
// backend), with <link rel="preconnect" crossorigin="anonymous">: origins only, never a token, the
// page's own origin skipped, nothing when warmUp is false, the links taken out by destroy(). A
// real shaka.Player loads the sample; the license hosts are unreachable on purpose (only the
// links are checked, and the prefetch's token request is the moment they must be there).
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, waitFor } from '../helpers/env';
import { keyflowErrorOf } from '../helpers/errors';
import { shaka } from '../helpers/shaka-global';

const CK = 'org.w3.clearkey';

/** The preconnect links in the page, as origin + crossorigin mode. */
const preconnects = () =>
  Array.from(document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')).map((link) => `${link.href} ${link.crossOrigin}`);

describe('Connection warm-up', () => {
  let player: S.Player;
  let keyflow: Keyflow | null = null;
  let video: HTMLVideoElement;
  let tokenRequests = 0;

  beforeEach(async () => {
    video = document.createElement('video');
    document.body.appendChild(video);
    player = new shaka.Player();
    await player.attach(video);
    player.configure({ drm: { retryParameters: { maxAttempts: 1, timeout: 2000 } } });
    tokenRequests = 0;
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await player.destroy();
    video.remove();
    for (const link of Array.from(document.head.querySelectorAll('link[data-app-preconnect]'))) link.remove();
  });

  function useKeyflow(extra: Record<string, unknown> = {}): void {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: 'https://lic.warm.test/acquire?tenant=t1' },
      headers: { Authorization: 'Bearer {token}' },
      token: () => 'SECRET-TOKEN-123',
      tokenOrigin: 'https://api.warm.test/drm/token?user=u1',
      ...extra,
    });
    keyflow.on('tokenrequest', () => tokenRequests++);
    keyflow.on('error', () => {});
  }

  it('preconnects to the token backend and the license origin at load start: origins only, anonymous', async () => {
    useKeyflow();
    player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => tokenRequests > 0, 'the token prefetch');
    expect(preconnects().sort()).toEqual(['https://api.warm.test/ anonymous', 'https://lic.warm.test/ anonymous']);
    expect(preconnects().join(' ')).not.toContain('SECRET');
    expect(preconnects().join(' ')).not.toContain('tenant');
  });

  it('warms the certificate origin of the expected key system too, and none of the page’s own', async () => {
    useKeyflow({ servers: { [CK]: at('hms/ck/rights/') } });
    player.configure({ drm: { advanced: { [CK]: { serverCertificateUri: 'https://cert.warm.test/c.bin' } } } });
    player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => tokenRequests > 0, 'the token prefetch');
    const origin = new URL(at('')).origin;
    expect(preconnects().sort()).toEqual(
      [`${origin}/ anonymous`, 'https://api.warm.test/ anonymous', 'https://cert.warm.test/ anonymous'].sort(),
    );
  });

  it('does nothing with warmUp: false, and takes its links out on destroy(), never an app’s own', async () => {
    useKeyflow({ warmUp: false });
    player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => tokenRequests > 0, 'the token prefetch');
    expect(preconnects()).toEqual([]);
    keyflow!.destroy();
    await player.unload();

    const own = document.createElement('link');
    own.rel = 'preconnect';
    own.href = 'https://lic.warm.test';
    own.dataset.appPreconnect = '';
    document.head.appendChild(own);
    tokenRequests = 0;
    useKeyflow();
    player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => tokenRequests > 0, 'the token prefetch');
    expect(preconnects().sort()).toEqual(['https://api.warm.test/ anonymous', 'https://lic.warm.test/ null']);
    keyflow!.destroy();
    expect(preconnects()).toEqual(['https://lic.warm.test/ null']);
  });

  it('prepare() warms the same origins before any load, and fetches no title-scoped token', async () => {
    useKeyflow();
    await keyflow!.prepare();
    expect(preconnects().sort()).toEqual(['https://api.warm.test/ anonymous', 'https://lic.warm.test/ anonymous']);
    expect(tokenRequests).toBe(0);
  });

  it('each load puts keyflow’s own links in again (a connection nobody used is closed), one per origin', async () => {
    useKeyflow();
    await keyflow!.prepare();
    const before = Array.from(document.head.querySelectorAll('link[rel="preconnect"]'));
    player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => tokenRequests > 0, 'the token prefetch');
    await waitFor(() => preconnects().length === 2 && !before.some((link) => link.isConnected), 'the links put in again');
    expect(preconnects().sort()).toEqual(['https://api.warm.test/ anonymous', 'https://lic.warm.test/ anonymous']);
  });

  it('a manifest request of the same load (a live update) does not put the links in again', async () => {
    useKeyflow();
    const uri = at('content/cenc/manifest.mpd');
    player.load(uri).catch(() => {});
    await waitFor(() => tokenRequests > 0 && preconnects().length === 2, 'the token prefetch and both links');
    const links = Array.from(document.head.querySelectorAll('link[rel="preconnect"]'));
    const net = player.getNetworkingEngine()!;
    const manifestType = shaka.net.NetworkingEngine.RequestType.MANIFEST;
    const update = shaka.net.NetworkingEngine.makeRequest([uri], shaka.net.NetworkingEngine.defaultRetryParameters());
    await net.request(manifestType, update).promise;
    expect(links.every((link) => link.isConnected)).toBe(true);
    expect(preconnects().length).toBe(2);
  });

  it('prepare() with warmUp: false and per-title tokens does nothing; with drm.clearKeys no link and no token', async () => {
    useKeyflow({ warmUp: false });
    await keyflow!.prepare();
    expect(preconnects()).toEqual([]);
    expect(tokenRequests).toBe(0);
    keyflow!.destroy();
    useKeyflow({ tokenScope: 'service' });
    player.configure({ drm: { clearKeys: { '00112233445566778899aabbccddeeff': '00112233445566778899aabbccddeeff' } } });
    await keyflow!.prepare();
    expect(preconnects()).toEqual([]);
    expect(tokenRequests).toBe(0);
  });

  it('prepare() after destroy(), or destroyed while it runs, rejects with DESTROYED', async () => {
    const codeOf = (promise: Promise<void>) =>
      promise.then(
        () => null,
        (e: unknown) => (e as { code?: string }).code,
      );
    useKeyflow();
    keyflow!.destroy();
    expect(await codeOf(keyflow!.prepare())).toBe('DESTROYED');
    useKeyflow();
    const running = codeOf(keyflow!.prepare());
    keyflow!.destroy();
    expect(await running).toBe('DESTROYED');
  });

  it('refuses a tokenOrigin that is not an http(s) URL', () => {
    const error = keyflowErrorOf(
      () =>
        new Keyflow(player as unknown as ShakaPlayer, {
          provider: 'custom',
          servers: { [CK]: 'https://lic.warm.test/' },
          tokenOrigin: 'api.warm.test',
        }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('`tokenOrigin` must be an http(s) URL');
  });
});
