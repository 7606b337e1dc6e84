// Session hooks end to end (issue 12 §1.9): a real shaka.Player playing real encrypted DASH through
// the browser's ClearKey CDM, licensed by the ExpressPlay emulator through the custom preset. The
// hooks run when the title is licensed (not before), beat while it plays, and stop on unload; a
// failing hook is a SESSION_FAILED error event and playback goes on.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type { SessionContext } from '../../src/api/session-hooks';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, mintToken, waitFor } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast } from '../helpers/playback';

const CK = 'org.w3.clearkey';
const MANIFEST = 'content/cenc/manifest.mpd';

describe('Session hooks, end to end (ClearKey CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let calls: Array<[string, SessionContext]>;
  let licensed: number;
  let errors: KeyflowError[];

  const useKeyflow = (started?: () => void) => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: at('hms/ck/rights/') },
      query: { ExpressPlayToken: '{token}' },
      token: async () => new URL(await mintToken({ drm: 'ck' })).searchParams.get('ExpressPlayToken')!,
      session: {
        started: (context) => {
          calls.push(['started', context]);
          expect(licensed).withContext('started runs after the license').toBe(1);
          started?.();
        },
        heartbeat: (context) => void calls.push(['heartbeat', context]),
        heartbeatMs: 1000,
        stopped: (context) => void calls.push(['stopped', context]),
      },
    });
    keyflow.on('licenseresponse', () => licensed++);
    keyflow.on('error', (error) => errors.push(error));
  };

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    calls = [];
    licensed = 0;
    errors = [];
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  it('started after the license, heartbeats while it plays, stopped on unload, with the title in the context', async () => {
    useKeyflow();
    await player.load(at(MANIFEST));
    await expectPlaysPast(video, 1);
    await waitFor(() => calls.some(([name]) => name === 'heartbeat'), 'a heartbeat');
    expect(calls[0]![0]).toBe('started');
    expect(calls[0]![1].keySystem).toBe(CK);
    expect(calls[0]![1].manifestUri).toBe(new URL(at(MANIFEST), location.href).href);
    await player.unload();
    const names = calls.map(([name]) => name);
    expect(names[names.length - 1]).toBe('stopped');
    expect(names.filter((name) => name === 'started' || name === 'stopped')).toEqual(['started', 'stopped']);
    expect(calls[0]![1].signal.aborted).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a started hook that throws is SESSION_FAILED (cause kept), and playback goes on', async () => {
    useKeyflow(() => {
      throw new Error('stream limit reached');
    });
    await player.load(at(MANIFEST));
    await expectPlaysPast(video, 1);
    expect(errors.map((e) => [e.code, (e.cause as Error).message])).toEqual([['SESSION_FAILED', 'stream limit reached']]);
    keyflow!.destroy();
    expect(calls.map(([name]) => name).pop()).toBe('stopped');
  });
});
