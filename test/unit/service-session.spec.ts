// Session hooks (issue 12 §1.9): when keyflow runs a service's started / heartbeat / stopped calls,
// and how a failing hook is reported. The glue class on a fake clock; the end-to-end run on a real
// player is in test/e2e/session-hooks.spec.ts.
import type { KeyflowError } from '../../src/api/errors';
import { sessionHooksProblem, type SessionContext, type SessionHooks } from '../../src/api/session-hooks';
import { ServiceSession } from '../../src/shaka/service-session';

const CK = 'org.w3.clearkey';
const MANIFEST = 'https://cdn.test/title-1/manifest.mpd';

/** Lets promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ServiceSession', () => {
  let reported: KeyflowError[];
  let calls: Array<[string, SessionContext]>;
  let session: ServiceSession;
  const hooks = (extra: Partial<SessionHooks> = {}): SessionHooks => ({
    started: (context) => void calls.push(['started', context]),
    heartbeat: (context) => void calls.push(['heartbeat', context]),
    stopped: (context) => void calls.push(['stopped', context]),
    heartbeatMs: 5000,
    ...extra,
  });

  beforeEach(() => {
    reported = [];
    calls = [];
    session = new ServiceSession((error) => reported.push(error));
    jasmine.clock().install();
  });

  afterEach(() => {
    session.ended();
    jasmine.clock().uninstall();
  });

  it('starts once per title, beats every heartbeatMs, stops once on the end; the context names the title', () => {
    session.licensed(() => hooks(), CK, MANIFEST);
    session.licensed(() => hooks(), 'com.widevine.alpha', MANIFEST); // a second license of the same title
    expect(calls.map(([name]) => name)).toEqual(['started']);
    expect(calls[0]![1]).toEqual(jasmine.objectContaining({ keySystem: CK, manifestUri: MANIFEST }));
    jasmine.clock().tick(4999);
    expect(calls.length).toBe(1);
    jasmine.clock().tick(1);
    jasmine.clock().tick(5000);
    expect(calls.map(([name]) => name)).toEqual(['started', 'heartbeat', 'heartbeat']);
    const started = calls[0]![1];
    session.ended();
    session.ended();
    expect(started.signal.aborted).toBe(true);
    expect(calls.map(([name]) => name)).toEqual(['started', 'heartbeat', 'heartbeat', 'stopped']);
    expect(calls[3]![1].signal.aborted).toBe(false);
    jasmine.clock().tick(20000);
    expect(calls.length).toBe(4);
    expect(reported).toEqual([]);
  });

  it('the next title gets a session of its own; without hooks nothing runs; the heartbeat defaults to 60 s', () => {
    session.licensed(() => null, CK, MANIFEST);
    session.ended();
    expect(calls).toEqual([]);
    session.licensed(() => hooks({ heartbeatMs: undefined }), CK, MANIFEST);
    session.ended();
    session.licensed(() => hooks({ heartbeatMs: undefined }), CK, 'https://cdn.test/title-2/manifest.mpd');
    jasmine.clock().tick(59_999);
    expect(calls.map(([name, c]) => `${name} ${c.manifestUri}`)).toEqual([
      `started ${MANIFEST}`,
      `stopped ${MANIFEST}`,
      'started https://cdn.test/title-2/manifest.mpd',
    ]);
    jasmine.clock().tick(1);
    expect(calls[3]![0]).toBe('heartbeat');
  });

  it('a hook that throws or rejects is SESSION_FAILED with what it threw as cause; the session goes on', async () => {
    const thrown = new Error('stream limit reached');
    session.licensed(
      () =>
        hooks({
          started: () => {
            throw thrown;
          },
          heartbeat: () => Promise.reject(new Error('heartbeat refused')),
        }),
      CK,
      MANIFEST,
    );
    jasmine.clock().tick(5000);
    jasmine.clock().uninstall();
    await settle();
    expect(reported.map((e) => [e.code, e.message, (e.cause as Error).message])).toEqual([
      ['SESSION_FAILED', 'keyflow: the session hook `started` failed', 'stream limit reached'],
      ['SESSION_FAILED', 'keyflow: the session hook `heartbeat` failed', 'heartbeat refused'],
    ]);
    jasmine.clock().install();
  });

  it('a hook cut short by the end of its title (its signal aborted) is not a failure; a failing stopped is', async () => {
    let rejectStarted: (reason: unknown) => void = () => {};
    session.licensed(
      () =>
        hooks({
          started: () => new Promise<void>((_resolve, reject) => (rejectStarted = reject)),
          stopped: () => Promise.reject(new Error('close failed')),
        }),
      CK,
      MANIFEST,
    );
    session.ended();
    rejectStarted(new DOMException('aborted', 'AbortError'));
    jasmine.clock().uninstall();
    await settle();
    expect(reported.map((e) => e.message)).toEqual(['keyflow: the session hook `stopped` failed']);
    jasmine.clock().install();
  });
});

describe('ServiceSession with unusable or slow hooks', () => {
  it('hooks that cannot be read (the preset throws) are SESSION_FAILED, never thrown; a heartbeat under 1 s is raised to 1 s', () => {
    jasmine.clock().install();
    const reported: KeyflowError[] = [];
    const session = new ServiceSession((error) => reported.push(error));
    expect(() =>
      session.licensed(
        () => {
          throw new Error('preset bug');
        },
        CK,
        MANIFEST,
      ),
    ).not.toThrow();
    expect(reported.map((e) => [e.code, (e.cause as Error).message])).toEqual([['SESSION_FAILED', 'preset bug']]);
    let beats = 0;
    session.licensed(() => ({ heartbeat: () => void beats++, heartbeatMs: 10 }), CK, MANIFEST);
    jasmine.clock().tick(999);
    expect(beats).toBe(0);
    jasmine.clock().tick(1);
    expect(beats).toBe(1);
    session.ended();
    jasmine.clock().uninstall();
  });

  it('a slow heartbeat is not overlapped: the next beat waits until it settles', async () => {
    jasmine.clock().install();
    let running = 0;
    let calls = 0;
    let finish: () => void = () => {};
    const session = new ServiceSession(() => {});
    session.licensed(
      () => ({
        heartbeat: () => {
          calls++;
          running++;
          return new Promise<void>((resolve) => (finish = resolve)).then(() => void running--);
        },
        heartbeatMs: 1000,
      }),
      CK,
      MANIFEST,
    );
    jasmine.clock().tick(3500);
    expect([calls, running]).toEqual([1, 1]);
    finish();
    for (let i = 0; i < 5; i++) await Promise.resolve(); // the hook's promise settles (microtasks run under the mock clock)
    expect(running).toBe(0);
    jasmine.clock().tick(1000);
    expect(calls).toBe(2);
    session.ended();
    jasmine.clock().uninstall();
  });
});

describe('sessionHooksProblem()', () => {
  it('accepts hooks and a heartbeat of at least 1 s, refuses anything else by name', () => {
    expect(sessionHooksProblem({ started: () => {}, heartbeat: () => {}, heartbeatMs: 1000, stopped: () => {} })).toBeNull();
    expect(sessionHooksProblem({})).toBeNull();
    expect(sessionHooksProblem(null)).toBe('must be an object of hooks');
    expect(sessionHooksProblem({ heartbeatMs: 999 })).toBe('`heartbeatMs` must be a number of ms, at least 1000');
    expect(sessionHooksProblem({ heartbeatMs: Infinity })).toBe('`heartbeatMs` must be a number of ms, at least 1000');
    expect(sessionHooksProblem({ started: 'yes' })).toBe('`started` must be a function');
    expect(sessionHooksProblem({ start: () => {} })).toBe('has no hook `start` (started, heartbeat, heartbeatMs, stopped)');
  });
});
