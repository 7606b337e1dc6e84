// Fault injection through the emulator: each case asserts the outcome, the error code and the
// request counts. Runs on Shaka 5 and 4.x (the suite is run once per line); where the lines
// differ by design the expectation says so.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type { LicenseRequestEvent, TokenRequestEvent } from '../../src/api/events';
import { explain } from '../../src/diagnostics/explain';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import type { TokenContext } from '../../src/tokens/source';
import { at, clearEmulatorRequests, clearFaults, emulatorRequests, licenseLog, mintToken, queueFaults, waitFor } from '../helpers/env';
import { LeakSweep } from '../helpers/leak-sweep';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';
const CENC = 'content/cenc/manifest.mpd';
const CBCS = 'content/cbcs/manifest.mpd';

describe('fault injection (license server and token source)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null;
  let log: { requests: LicenseRequestEvent[]; responses: number; tokenRequests: TokenRequestEvent[]; errors: KeyflowError[] };
  const unhandled: unknown[] = [];
  // The leak sweep of every case: app listeners added before and after keyflow's.
  let sweep: LeakSweep;
  const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);

  beforeAll(() => window.addEventListener('unhandledrejection', onUnhandled));
  afterAll(() => window.removeEventListener('unhandledrejection', onUnhandled));

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    // Fast, bounded retries: 3 attempts, 100 ms apart, 1.5 s per attempt.
    player.configure({
      drm: {
        retryParameters: {
          maxAttempts: 3,
          baseDelay: 100,
          backoffFactor: 1,
          fuzzFactor: 0,
          timeout: 1500,
          connectionTimeout: 1500,
          stallTimeout: 1500,
        },
      },
    });
    keyflow = null;
    sweep = new LeakSweep();
    sweep.watchShaka(player, 'listener added before keyflow:');
    unhandled.length = 0;
    await clearFaults();
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    // the support report of what happened (exchanges, failures explained, configuration) is swept too
    if (keyflow) sweep.observe('the support report', await keyflow.report());
    keyflow?.destroy();
    await dispose();
    await clearFaults();
    expect(unhandled).toEqual([]);
    expect(sweep.leaks().join('\n')).toBe('');
  });

  function useKeyflow(
    token: (ctx: TokenContext) => Promise<string> = () => mintToken({ drm: 'ck' }),
    extra: Record<string, unknown> = {},
  ): Keyflow {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: async (ctx) => {
        const answer = await token(ctx);
        sweep.addExpressPlayToken(answer);
        return answer;
      },
      servers: { [CK]: at('hms/ck/rights/') },
      ...extra,
    });
    sweep.watchShaka(player, 'listener added after keyflow:');
    sweep.watchKeyflow(keyflow);
    log = { requests: [], responses: 0, tokenRequests: [], errors: [] };
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    keyflow.on('licenseresponse', () => log.responses++);
    keyflow.on('tokenrequest', (e) => log.tokenRequests.push(e));
    keyflow.on('error', (e) => log.errors.push(e));
    return keyflow;
  }

  async function licenseStatuses(): Promise<number[]> {
    return (await emulatorRequests()).filter((r) => r.kind === 'license').map((r) => r.status);
  }

  it('500, then 200: plays after one retry', async () => {
    await queueFaults({ status: 500, body: '{"errorCode":-7008,"errorMessage":"busy"}' });
    useKeyflow();
    await player.load(at(CENC));
    await expectPlaysPast(video, 1);
    expect((await licenseLog()).length).toBe(2);
    expect(await licenseStatuses()).toEqual([200]);
    expect(log.errors).toEqual([]);
    // Shaka 5 runs the filter again for the retry; Shaka 4 runs it once.
    expect(log.requests.map((r) => r.attempt)).toEqual(shakaMajor() >= 5 ? [0, 1] : [0]);
    expect(log.tokenRequests.length).toBe(1);
  });

  it('a timeout, then 200: plays after one retry', async () => {
    await queueFaults({ delayMs: 4000 });
    useKeyflow();
    await player.load(at(CENC));
    await expectPlaysPast(video, 1);
    expect((await licenseLog()).length).toBe(2);
    expect(log.errors).toEqual([]);
  });

  it('no answer on any attempt (three timeouts): LICENSE_REQUEST_FAILED, explained as the license request failing', async () => {
    await queueFaults({ delayMs: 4000 }, { delayMs: 4000 }, { delayMs: 4000 });
    useKeyflow();
    const { shakaError, keyflowError } = await loadExpectingError(player, at(CENC));
    expect(shakaError.code).toBe(6007);
    expect(keyflowError?.code).toBe('LICENSE_REQUEST_FAILED');
    expect(keyflowError?.httpStatus).toBeUndefined();
    const explanation = explain(keyflowError!);
    expect(explanation.phase).toBe('license-request');
    expect(explanation.evidence.keyflowCode).toBe('LICENSE_REQUEST_FAILED');
    expect(log.errors.map((e) => e.code)).toEqual(['LICENSE_REQUEST_FAILED']);
    expect(video.currentTime).toBe(0);
  });

  it('401 "expired token", then a fresh token: plays after exactly one refresh', async () => {
    await queueFaults({ status: 401, body: '{"errorCode":-4010,"errorMessage":"Invalid token: the token has expired"}' });
    let calls = 0;
    useKeyflow(() => {
      calls++;
      return mintToken({ drm: 'ck' });
    });
    if (shakaMajor() >= 5) {
      await player.load(at(CENC));
    } else {
      // Shaka 4 does not retry a 401: keyflow fetches a new token and reloads the content.
      await player.load(at(CENC)).catch(() => {});
      await waitFor(() => log.responses > 0, 'the license after the reload');
      await waitFor(() => video.readyState >= 2, 'the reloaded content');
    }
    await expectPlaysPast(video, 1);
    expect(log.tokenRequests.filter((r) => r.reason === 'rejected').length).toBe(1);
    expect(calls).toBe(2);
    expect((await licenseLog()).length).toBe(2);
    expect(await licenseStatuses()).toEqual([200]);
  });

  it('403 not entitled: one typed error, no retries', async () => {
    await queueFaults({ status: 403, body: '{"errorCode":-4012,"errorMessage":"Token does not grant the requested key IDs"}' });
    useKeyflow();
    const { keyflowError } = await loadExpectingError(player, at(CENC));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.providerCode).toBe(-4012);
    expect(log.errors.map((e) => e.code)).toEqual(['NOT_ENTITLED']);
    expect((await licenseLog()).length).toBe(1);
    expect(log.tokenRequests.length).toBe(1);
  });

  it('429 with Retry-After, then 200: waits as asked, then plays', async () => {
    await queueFaults({ status: 429, headers: { 'Retry-After': '1' }, body: '{"errorCode":-9429,"errorMessage":"slow down"}' });
    useKeyflow();
    await player.load(at(CENC));
    await expectPlaysPast(video, 1);
    const seen = await licenseLog();
    expect(seen.length).toBe(2);
    if (shakaMajor() >= 5) {
      // Shaka's own backoff here is 100 ms: only honouring Retry-After explains a gap of a second.
      expect(seen[1]!.time - seen[0]!.time).toBeGreaterThanOrEqual(900);
    }
  });

  it('a garbage 200 body: MALFORMED_RESPONSE, not a bare CDM error', async () => {
    await queueFaults({ garbage: true });
    useKeyflow();
    const { shakaError, keyflowError } = await loadExpectingError(player, at(CENC));
    expect(shakaError.code).toBe(6007);
    expect(keyflowError?.code).toBe('MALFORMED_RESPONSE');
    expect(log.errors.map((e) => e.code)).toEqual(['MALFORMED_RESPONSE']);
  });

  it('a token source that throws: TOKEN_SOURCE_FAILED, no license request', async () => {
    useKeyflow(() => Promise.reject(new Error('entitlement service down')));
    const { keyflowError } = await loadExpectingError(player, at(CENC));
    expect(keyflowError?.code).toBe('TOKEN_SOURCE_FAILED');
    expect(keyflowError?.message).toContain('entitlement service down');
    expect((await licenseLog()).length).toBe(0);
  });

  it('a token source that hangs past its timeout: TOKEN_TIMEOUT, no license request', async () => {
    useKeyflow(() => new Promise<string>(() => {}), { tokenTimeoutMs: 300 });
    const { keyflowError } = await loadExpectingError(player, at(CENC));
    expect(keyflowError?.code).toBe('TOKEN_TIMEOUT');
    expect((await licenseLog()).length).toBe(0);
  });

  it('loading B during A’s token fetch never sends A’s token with B’s license request', async () => {
    let releaseA: () => void = () => {};
    const signals: Record<string, AbortSignal> = {};
    useKeyflow(async (ctx) => {
      const manifest = ctx.manifestUri ?? '';
      if (manifest.includes('/cenc/')) {
        signals.a = ctx.signal;
        await new Promise<void>((resolve) => (releaseA = resolve));
        // A's token is forged: if it ever reached B's license server, B would get a 403.
        const url = await mintToken({ drm: 'ck' });
        return url.replace('ExpressPlayToken=', 'ExpressPlayToken=AAAA');
      }
      return mintToken({ drm: 'ck' });
    });
    // load(A) may resolve (Shaka does not wait for licenses) or be interrupted by load(B).
    const loadA = player.load(at(CENC)).catch(() => {});
    await waitFor(() => !!signals.a, 'A’s token fetch to start');
    await player.load(at(CBCS));
    releaseA();
    await loadA;
    await expectPlaysPast(video, 1);
    expect(signals.a!.aborted).toBe(true);
    expect(await licenseStatuses()).toEqual([200]);
    expect(log.errors).toEqual([]);
  });

  it('destroy() during a license request leaves nothing behind', async () => {
    await queueFaults({ delayMs: 800 });
    const kf = useKeyflow();
    const load = player.load(at(CENC)).catch(() => {});
    await waitFor(() => log.requests.length > 0, 'the license request');
    kf.destroy();
    expect(kf.listenerCount('error')).toBe(0);
    await load;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(log.errors).toEqual([]);
    expect(player.getConfiguration().drm.servers[CK]).toBeUndefined();
  });

  it('200 load/destroy cycles: no unhandled rejections, no growing listener or filter counts', async () => {
    // Track every listener and filter function registered on the player and its networking engine,
    // and which of them keyflow registered, so Shaka's own bookkeeping does not blur the count.
    const live = new Set<unknown>();
    const net = player.getNetworkingEngine()!;
    const track = <T extends object>(target: T, add: keyof T, remove: keyof T, fnIndex: number) => {
      const originalAdd = target[add] as unknown as (...a: unknown[]) => unknown;
      const originalRemove = target[remove] as unknown as (...a: unknown[]) => unknown;
      (target as Record<keyof T, unknown>)[add] = (...args: unknown[]) => {
        live.add(args[fnIndex]);
        return originalAdd.apply(target, args);
      };
      (target as Record<keyof T, unknown>)[remove] = (...args: unknown[]) => {
        live.delete(args[fnIndex]);
        return originalRemove.apply(target, args);
      };
    };
    track(player, 'addEventListener', 'removeEventListener', 1);
    track(net, 'addEventListener', 'removeEventListener', 1);
    track(net, 'registerRequestFilter', 'unregisterRequestFilter', 0);
    track(net, 'registerResponseFilter', 'unregisterResponseFilter', 0);
    const token = await mintToken({ drm: 'ck' });
    let leftBehind = 0;
    for (let i = 0; i < 200; i++) {
      const before = new Set(live);
      const kf = new Keyflow(player as unknown as ShakaPlayer, {
        provider: 'expressplay',
        token: () => Promise.resolve(token),
        servers: { [CK]: at('hms/ck/rights/') },
      });
      const mine = [...live].filter((fn) => !before.has(fn));
      expect(mine.length).toBeGreaterThan(4); // filters, retry, and the player events keyflow follows
      kf.on('error', () => {});
      const load = player.load(at(CENC)).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, i % 7 === 0 ? 40 : i % 3));
      kf.destroy();
      await player.unload();
      await load;
      leftBehind += mine.filter((fn) => live.has(fn)).length;
      // The dispatch and load guards are gone too (the prototypes' methods show again), at the
      // latest once the requests the unload aborted have reported their end (a macrotask later).
      const guarded = () =>
        (
          [
            [player, 'dispatchEvent'],
            [player, 'load'],
            [net, 'dispatchEvent'],
          ] as const
        ).filter(([target, method]) => Object.prototype.hasOwnProperty.call(target, method)).length;
      if (guarded()) await waitFor(() => guarded() === 0, 'the guards to go', 3000).catch(() => undefined);
      leftBehind += guarded();
    }
    expect(leftBehind).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
  }, 180_000); // 200 real loads: room for a loaded CI machine (a cycle takes about 0.1 s when idle)
});
