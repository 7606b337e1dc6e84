// ClearKey that Shaka licenses itself, with keyflow attached (issue 14: "HLS under ClearKey, real
// CDM"). Shaka's HLS parser knows ClearKey only as KEYFORMAT="identity": it fetches the raw key from
// the playlist's key URI (a KEY request) and hands the CDM a license it builds itself, as a `data:`
// URI. The app's `drm.clearKeys` does the same for DASH. No license server takes part, so keyflow
// must not route that `data:` license to its provider (it did: the load then failed with 6007
// wrapping 1004) nor attach a token to anything. Real ClearKey CDM, real decryption, the
// content script's HLS segments (cbcs) under content/hls/*-identity.m3u8.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type { LicenseRequestEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { KeyflowConfig } from '../../src/providers/registry';
import { ShakaRequestType, type ShakaPlayer, type ShakaRequest } from '../../src/shaka/types';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast } from '../helpers/playback';
import { shaka } from '../helpers/shaka-global';

const CK = 'org.w3.clearkey';
const HLS_IDENTITY = 'content/hls/master-identity.m3u8';

interface SeenRequest {
  type: number;
  uri: string;
  headers: Record<string, string>;
}

async function dashIfLicensePosts(): Promise<unknown[]> {
  const log = (await (await fetch(at('dashif/_requests'))).json()) as Array<{ kind: string }>;
  return log.filter((r) => r.kind === 'license');
}

describe('ClearKey licensed by Shaka itself (HLS identity keys, drm.clearKeys), keyflow attached', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let token: string;
  let log: { errors: KeyflowError[]; requests: LicenseRequestEvent[]; seen: SeenRequest[] };

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    await clearEmulatorRequests();
    await fetch(at('dashif/_requests'), { method: 'DELETE' });
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  /** keyflow as the app configured it for its license service; a later filter sees what went out. */
  function useKeyflow(config: KeyflowConfig): void {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, config);
    log = { errors: [], requests: [], seen: [] };
    keyflow.on('error', (e) => log.errors.push(e));
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    player.getNetworkingEngine()!.registerRequestFilter((type, request) => {
      const { uris, headers } = request as unknown as ShakaRequest;
      log.seen.push({ type, uri: uris[0] ?? '', headers: { ...headers } });
    });
  }

  function expectKeysUsable(): void {
    const statuses = player.getKeyStatuses();
    expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
    expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
  }

  /** Nothing keyflow did: no exchange, no error, the token on no request at all. */
  function expectKeyflowStayedOut(): void {
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([]);
    const licenses = log.seen.filter((r) => r.type === ShakaRequestType.LICENSE);
    expect(licenses.length).toBeGreaterThan(0);
    expect(licenses.every((r) => r.uri.startsWith('data:application/json;base64,'))).toBe(true);
    for (const request of log.seen) {
      expect(JSON.stringify(request)).not.toContain(token);
      expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
    }
  }

  const configs: Array<[string, () => Promise<KeyflowConfig>]> = [
    [
      'clearkey (DASH-IF server)',
      async () => {
        token = await (await fetch(at(`dashif/authorize?kids=${CONTENT_KEYS.video.kid},${CONTENT_KEYS.audio.kid}`))).text();
        return { provider: 'clearkey', servers: { [CK]: at('dashif/license') }, token: async () => token };
      },
    ],
    [
      'expressplay',
      async () => {
        token = await mintToken();
        return { provider: 'expressplay', servers: { [CK]: at('hms/ck/rights/') }, token: async () => token };
      },
    ],
  ];

  for (const [name, configFor] of configs) {
    it(`HLS KEYFORMAT="identity" plays under the real ClearKey CDM with ${name}; the keys come from the key URIs, the license is Shaka's`, async () => {
      useKeyflow(await configFor());
      await player.load(at(HLS_IDENTITY));
      await expectPlaysPast(video, 2);
      expectKeysUsable();
      expectKeyflowStayedOut();
      const keyRequests = log.seen.filter((r) => r.type === shaka.net.NetworkingEngine.RequestType.KEY).map((r) => r.uri);
      expect(keyRequests.sort()).toEqual([at('content/hls/identity-keys/audio.key'), at('content/hls/identity-keys/video.key')]);
      expect(await dashIfLicensePosts()).toEqual([]);
      expect((await emulatorRequests()).filter((r) => r.kind === 'license')).toEqual([]);
    });
  }

  it('DASH with the app’s drm.clearKeys plays with keyflow attached (expressplay); nothing reaches the license server', async () => {
    const [, configFor] = configs[1]!;
    player.configure({
      drm: { clearKeys: { [CONTENT_KEYS.video.kid]: CONTENT_KEYS.video.key, [CONTENT_KEYS.audio.kid]: CONTENT_KEYS.audio.key } },
    });
    useKeyflow(await configFor());
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 2);
    expectKeysUsable();
    expectKeyflowStayedOut();
    expect((await emulatorRequests()).filter((r) => r.kind === 'license')).toEqual([]);
  });
});
