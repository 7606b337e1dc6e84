// Which failures reject player.load() and which arrive later as Shaka's `error` event, on the
// Shaka line under test (the matrix runs 5.x and 4.x): a license exchange starts after load()
// has resolved, so its failures are events; a key system choice is part of load(), so it
// rejects. Either way findKeyflowError() finds a typed KeyflowError and keyflow emits it once.
import type S from 'shaka-player';
import { Keyflow } from '../../src/keyflow';
import { findKeyflowError, type KeyflowError } from '../../src/api/errors';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, clearFaults, mintToken, queueFaults, waitFor } from '../helpers/env';
import { createAttachedPlayer } from '../helpers/playback';

const CK = 'org.w3.clearkey';
const MANIFEST = (): string => at('content/cenc/manifest.mpd');

interface Outcome {
  /** 'resolved', or the code load() rejected with. */
  load: 'resolved' | number;
  /** Codes of Shaka `error` events, each with the KeyflowError code found in its chain. */
  shakaEvents: Array<{ code: number; keyflow: string | null }>;
  /** keyflow `error` events. */
  keyflowErrors: KeyflowError[];
  /** What findKeyflowError() found in load()'s rejection. */
  rejectionKeyflow: string | null;
}

async function loadAndWatch(player: S.Player, keyflow: Keyflow): Promise<Outcome> {
  const outcome: Outcome = { load: 'resolved', shakaEvents: [], keyflowErrors: [], rejectionKeyflow: null };
  keyflow.on('error', (e) => outcome.keyflowErrors.push(e));
  player.addEventListener('error', (event) => {
    const detail = (event as unknown as { detail: S.util.Error }).detail;
    outcome.shakaEvents.push({ code: detail.code, keyflow: findKeyflowError(detail)?.code ?? null });
  });
  try {
    await player.load(MANIFEST());
  } catch (error) {
    outcome.load = (error as S.util.Error).code;
    outcome.rejectionKeyflow = findKeyflowError(error)?.code ?? null;
  }
  await waitFor(() => outcome.keyflowErrors.length > 0, 'a keyflow error event');
  return outcome;
}

describe('load() and license failures', () => {
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;

  beforeEach(async () => ({ player, dispose } = await createAttachedPlayer()));
  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await clearFaults();
    await dispose();
  });

  function expressPlay(token: () => Promise<string> | string): Keyflow {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: 'expressplay', token, servers: { [CK]: at('hms/ck/rights/') } });
    return keyflow;
  }

  it('a license server refusal (403): load() resolves, the failure is a Shaka error event 6007 → NOT_ENTITLED', async () => {
    await queueFaults({ status: 403, body: 'not entitled' });
    const outcome = await loadAndWatch(
      player,
      expressPlay(() => mintToken({ drm: 'ck' })),
    );
    expect(outcome.load).toBe('resolved');
    expect(outcome.shakaEvents).toEqual([{ code: 6007, keyflow: 'NOT_ENTITLED' }]);
    expect(outcome.keyflowErrors.map((e) => e.code)).toEqual(['NOT_ENTITLED']);
  });

  it('a failing token backend: load() resolves, the failure is a Shaka error event 6007 → TOKEN_SOURCE_FAILED with the status', async () => {
    const outcome = await loadAndWatch(
      player,
      expressPlay(async () => {
        const res = await fetch(at('no-such-token-backend'));
        if (!res.ok) throw res;
        return res.text();
      }),
    );
    expect(outcome.load).toBe('resolved');
    expect(outcome.shakaEvents).toEqual([{ code: 6007, keyflow: 'TOKEN_SOURCE_FAILED' }]);
    expect(outcome.keyflowErrors[0]!.httpStatus).toBe(404);
    expect(outcome.keyflowErrors[0]!.message).toContain('HTTP 404');
  });

  it('a malformed license reply: load() resolves, the failure is a Shaka error event 6007 → MALFORMED_RESPONSE', async () => {
    await queueFaults({ garbage: true });
    const outcome = await loadAndWatch(
      player,
      expressPlay(() => mintToken({ drm: 'ck' })),
    );
    expect(outcome.load).toBe('resolved');
    expect(outcome.shakaEvents).toEqual([{ code: 6007, keyflow: 'MALFORMED_RESPONSE' }]);
  });

  it('no license URL for the key system Shaka chose (the README example in a browser without Widevine): load() rejects 6012 → NO_LICENSE_SERVER', async () => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: 'expressplay', token: 'a-token' });
    const outcome = await loadAndWatch(player, keyflow);
    expect(outcome.load).toBe(6012);
    expect(outcome.rejectionKeyflow).toBe('NO_LICENSE_SERVER');
    expect(outcome.shakaEvents).toEqual([]);
    const [error] = outcome.keyflowErrors;
    expect(error!.code).toBe('NO_LICENSE_SERVER');
    expect(error!.keySystem).toBe(CK);
    // What the content signals (the sample's MPD: Widevine, PlayReady and the common system ID).
    expect(error!.message).toContain('the content signals com.widevine.alpha, com.microsoft.playready, org.w3.clearkey');
    // What is configured (ExpressPlay's defaults).
    expect(error!.message).toContain('license URLs are configured for com.widevine.alpha, com.microsoft.playready');
    // What this browser supports: ClearKey only, in Chromium and Firefox here.
    expect(error!.message).toMatch(/this browser supports org\.w3\.clearkey \(not [^)]*com\.widevine\.alpha/);
    expect(error!.message).toContain("servers['org.w3.clearkey']");
  });

  it('no key system the content signals is usable here: load() rejects 6001 → NO_KEY_SYSTEM', async () => {
    // ClearKey is the only key system here, and no CDM offers hardware robustness for it.
    player.configure({ drm: { advanced: { [CK]: { videoRobustness: ['HW_SECURE_ALL'], audioRobustness: ['HW_SECURE_ALL'] } } } });
    const outcome = await loadAndWatch(
      player,
      expressPlay(() => mintToken({ drm: 'ck' })),
    );
    expect(outcome.load).toBe(6001);
    expect(outcome.rejectionKeyflow).toBe('NO_KEY_SYSTEM');
    expect(outcome.keyflowErrors[0]!.message).toContain('license URLs are configured for');
    expect(outcome.keyflowErrors[0]!.message).toContain('the content signals com.widevine.alpha');
  });

  it('an app listener added before new Keyflow() finds the KeyflowError in the Shaka error too', async () => {
    const found: Array<string | null> = [];
    player.addEventListener('error', (event) =>
      found.push(findKeyflowError((event as unknown as { detail: S.util.Error }).detail)?.code ?? null),
    );
    await queueFaults({ status: 403, body: 'not entitled' });
    const outcome = await loadAndWatch(
      player,
      expressPlay(() => mintToken({ drm: 'ck' })),
    );
    await waitFor(() => found.length > 0, 'the early listener to see the error');
    expect(found).toEqual(['NOT_ENTITLED']);
    expect(outcome.shakaEvents).toEqual([{ code: 6007, keyflow: 'NOT_ENTITLED' }]);
  });
});
