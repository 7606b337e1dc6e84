// Telemetry: `timing`, `keystatus`, `expiration` events and getStats() during real playback.
// Values are checked for sanity and order, never against milliseconds.
import type S from 'shaka-player';
import type { ExpirationEvent, InitDataEvent, KeyStatusEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import type { TimingEvent } from '../../src/telemetry/stats';
import { at, CONTENT_KEYS, mintToken, waitFor } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast } from '../helpers/playback';

const CK = 'org.w3.clearkey';

describe('telemetry', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow;
  let timings: TimingEvent[];
  let keyStatuses: KeyStatusEvent[];
  let expirations: ExpirationEvent[];

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: () => mintToken({ drm: 'ck' }),
      servers: { [CK]: at('hms/ck/rights/') },
    });
    timings = [];
    keyStatuses = [];
    expirations = [];
    keyflow.on('timing', (e) => timings.push(e));
    keyflow.on('keystatus', (e) => keyStatuses.push(e));
    keyflow.on('expiration', (e) => expirations.push(e));
  });

  afterEach(async () => {
    keyflow.destroy();
    await dispose();
  });

  it('reports one timing per license exchange, phases non-negative and within the whole', async () => {
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    await waitFor(() => timings.length > 0, 'the timing event');
    expect(timings.length).toBe(1);
    const t = timings[0]!;
    expect(t.keySystem).toBe(CK);
    for (const phase of [t.tokenWaitMs, t.networkMs, t.cdmMs, t.totalMs]) expect(phase).toBeGreaterThanOrEqual(0);
    expect(t.tokenWaitMs + t.networkMs + t.cdmMs).toBeLessThanOrEqual(t.totalMs + 1);
    expect(t.networkMs).toBeGreaterThan(0);
    // The first frame needs the keys: load start ≤ license start ≤ keys usable ≤ first frame.
    expect(t.firstFrameMs).toBeDefined();
    expect(t.firstFrameMs!).toBeGreaterThanOrEqual(t.totalMs);
    expect(t.certificateMs).toBeUndefined();
  });

  it('reports key statuses with their KIDs, and the expiration', async () => {
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    await waitFor(() => keyStatuses.some((e) => e.keys.length === 2), 'both key statuses');
    const last = keyStatuses[keyStatuses.length - 1]!;
    expect(last.keys.map((k) => k.keyId).sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
    expect(last.keys.every((k) => k.status === 'usable')).toBe(true);
    // ClearKey temporary sessions never expire: reported once as null.
    expect(expirations).toEqual([{ expiration: null }]);
  });

  it('reports the init data of the license request, decoded: the content’s own KIDs', async () => {
    const initData: InitDataEvent[] = [];
    keyflow.on('initdata', (e) => initData.push(e));
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(initData.length).toBe(1);
    const event = initData[0]!;
    expect(event.keySystem).toBe(CK);
    expect(event.initDataType).toBe('cenc');
    expect(event.decodeError).toBeUndefined();
    // Shaka hands ClearKey the W3C common-system pssh of the MPD: one v1 box with both KIDs.
    expect(event.systems.map((system) => system.name)).toEqual(['common']);
    expect(event.systems[0]!.systemId).toBe('1077efecc0b24d02ace33c1e52e2fb4b');
    expect([...event.systems[0]!.keyIds].sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
  });

  it('counts requests per load in getStats(), reset by the next load', async () => {
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    const first = keyflow.getStats();
    expect(first).toEqual(
      jasmine.objectContaining({ licenseRequests: 1, certificateRequests: 0, tokenRequests: 1, retries: 0, failures: 0 }),
    );
    expect(first.licenseBytes).toBeGreaterThan(0);
    expect(first.licenseNetworkMs).toBeGreaterThan(0);
    expect(first.tokenFetchMs).toBeGreaterThan(0);

    // The same content again: the token is cached, one license request, no token request.
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    const second = keyflow.getStats();
    expect(second).toEqual(jasmine.objectContaining({ licenseRequests: 1, tokenRequests: 0, failures: 0 }));
    await waitFor(() => timings.length === 2, 'the second timing');
    expect(timings[1]!.tokenWaitMs).toBeGreaterThanOrEqual(0);
  });
});
