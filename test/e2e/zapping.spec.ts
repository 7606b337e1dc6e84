// Zapping (issue 16 §2): five titles of one service played one after the other in one player,
// Widevine through the test CDM and the ExpressPlay emulator, the certificate from
// drm.advanced serverCertificateUri. Per title, the spec counts what went on the wire or to the
// platform: token source calls, certificate and license requests the emulator saw, and
// navigator.requestMediaKeySystemAccess calls (keyflow's probes and Shaka's). Counts, never
// milliseconds (timings are in `npm run bench`). The titles are one encrypted clip under five
// manifest URLs (`?title=N`): one token with its keys covers all five, as a service-wide token
// (a user or session token, a catalogue's keys) does.
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, clearEmulatorRequests, emulatorRequests, mintToken, waitFor } from '../helpers/env';
import { expectPlaysPast } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';

const WV = 'com.widevine.alpha';
const TITLES = [1, 2, 3, 4, 5].map((n) => `content/cenc/manifest.mpd?title=${n}`);

/** What one title cost. */
interface TitleCost {
  token: number;
  certificate: number;
  license: number;
  probe: number;
}

describe('zapping: five titles of one service in one player', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null;
  let probes: number;
  let tokenCalls: number;
  let restoreProbe: () => void;

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    keyflow = null;
    probes = 0;
    tokenCalls = 0;
    // Count every key-system probe (keyflow's and Shaka's) on top of the test CDM's.
    const original = navigator.requestMediaKeySystemAccess;
    navigator.requestMediaKeySystemAccess = function (this: Navigator, ...args) {
      probes++;
      return original.apply(this, args);
    };
    restoreProbe = () => (navigator.requestMediaKeySystemAccess = original);
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    restoreProbe();
    await dispose();
  });

  /** keyflow for ExpressPlay Widevine; `expiresAt(n)` is the expiry given with the n-th token (1-based). */
  function useKeyflow(tokenScope: 'title' | 'service' | undefined, expiresAt: (n: number) => number): void {
    player.configure({
      drm: { preferredKeySystems: [WV], advanced: { [WV]: { serverCertificateUri: at('hms/wv/certificate') } } },
    });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      ...(tokenScope ? { tokenScope } : {}),
      tokenRefreshMarginMs: 0,
      token: async () => {
        const n = ++tokenCalls;
        return { token: await mintToken({ drm: 'wv' }), expiresAt: expiresAt(n) };
      },
      servers: { [WV]: at('hms/wv/rights/') },
    });
  }

  /** Plays the five titles in turn; `between(i)` runs before title i+1 (0-based). */
  async function playPlaylist(between: (index: number) => Promise<void> = async () => {}): Promise<TitleCost[]> {
    const costs: TitleCost[] = [];
    let seen = { token: 0, certificate: 0, license: 0, probe: 0 };
    for (const [index, title] of TITLES.entries()) {
      await between(index);
      await player.load(at(title));
      await expectPlaysPast(video, 1);
      const wv = (await emulatorRequests()).filter((r) => r.drm === 'wv' && r.method !== 'OPTIONS');
      const now = {
        token: tokenCalls,
        certificate: wv.filter((r) => r.kind === 'certificate').length,
        license: wv.filter((r) => r.kind === 'license').length,
        probe: probes,
      };
      costs.push({
        token: now.token - seen.token,
        certificate: now.certificate - seen.certificate,
        license: now.license - seen.license,
        probe: now.probe - seen.probe,
      });
      seen = now;
    }
    return costs;
  }

  const column = (costs: TitleCost[], name: keyof TitleCost): number[] => costs.map((cost) => cost[name]);

  it("tokenScope 'service': titles 2–5 make no token, certificate or probe request; one license each", async () => {
    useKeyflow('service', () => Date.now() + 600_000);
    const costs = await playPlaylist();
    expect(column(costs, 'token')).toEqual([1, 0, 0, 0, 0]);
    expect(column(costs, 'certificate')).toEqual([1, 0, 0, 0, 0]);
    expect(costs[0]!.probe).toBeGreaterThan(0);
    expect(column(costs, 'probe').slice(1)).toEqual([0, 0, 0, 0]);
    // Shaka makes new MediaKeys (so new sessions) at every load: each title has its license request.
    expect(column(costs, 'license')).toEqual([1, 1, 1, 1, 1]);
  });

  it('per title (the default): each title fetches its own token, and still no certificate or probe request', async () => {
    useKeyflow(undefined, () => Date.now() + 600_000);
    const costs = await playPlaylist();
    expect(column(costs, 'token')).toEqual([1, 1, 1, 1, 1]);
    expect(column(costs, 'certificate')).toEqual([1, 0, 0, 0, 0]);
    expect(column(costs, 'probe').slice(1)).toEqual([0, 0, 0, 0]);
  });

  it("tokenScope 'service': a token that expired before the next title costs exactly one token fetch there", async () => {
    // The first token expires a few seconds after it was minted; the next ones live ten minutes.
    let firstExpiry = 0;
    useKeyflow('service', (n) => (n === 1 ? (firstExpiry = Date.now() + 3_000) : Date.now() + 600_000));
    const costs = await playPlaylist(async (index) => {
      if (index === 1) await waitFor(() => firstExpiry > 0 && Date.now() > firstExpiry, 'the first token to expire', 10_000);
    });
    expect(column(costs, 'token')).toEqual([1, 1, 0, 0, 0]);
    expect(column(costs, 'certificate')).toEqual([1, 0, 0, 0, 0]);
    expect(column(costs, 'license')).toEqual([1, 1, 1, 1, 1]);
  });
});
