/**
 * When a preset's session hooks run (see `api/session-hooks.ts`): `started`
 * after the first license of the loaded title (not of a preload), then
 * `heartbeat` on a timer, and `stopped` when that title is unloaded or
 * keyflow destroyed. A hook that throws or rejects is reported once per call
 * as `SESSION_FAILED`, with what it threw as `cause`.
 *
 * @module
 */
import { KeyflowError } from '../api/errors';
import type { SessionContext, SessionHooks } from '../api/session-hooks';

/** The default heartbeat period. */
const DEFAULT_HEARTBEAT_MS = 60_000;
/** The shortest heartbeat period (a preset's shorter one is raised to it; `custom` refuses it). */
const MIN_HEARTBEAT_MS = 1000;

type HookName = 'started' | 'heartbeat' | 'stopped';

/** The session of the loaded title, while it has one. */
interface OpenSession {
  hooks: SessionHooks;
  context: SessionContext;
  controller: AbortController;
  timer: ReturnType<typeof setInterval> | undefined;
  /** A heartbeat is running (the next one waits for it). */
  beating: boolean;
}

/** The service session of one keyflow instance. */
export class ServiceSession {
  private open_: OpenSession | null = null;

  /** @param report_ reports a failed hook (keyflow's `error` event) */
  constructor(private readonly report_: (error: KeyflowError) => void) {}

  /**
   * A license reply of the loaded title was accepted by keyflow (the CDM
   * takes it next): the first one opens the session (when the preset has
   * hooks), the others change nothing. `hooksOf` is asked then; a preset
   * whose hooks throw is reported, never fails the license.
   */
  licensed(hooksOf: () => SessionHooks | null, keySystem: string, manifestUri: string | null): void {
    if (this.open_) return;
    let hooks: SessionHooks | null;
    try {
      hooks = hooksOf();
    } catch (error) {
      this.report_(new KeyflowError('SESSION_FAILED', 'keyflow: the session hooks could not be read', { cause: error }));
      return;
    }
    if (!hooks) return;
    const controller = new AbortController();
    const context: SessionContext = { keySystem, manifestUri, signal: controller.signal };
    const { heartbeat } = hooks;
    const timer = heartbeat
      ? setInterval(() => this.beat_(heartbeat, context), Math.max(MIN_HEARTBEAT_MS, hooks.heartbeatMs || DEFAULT_HEARTBEAT_MS))
      : undefined;
    this.open_ = { hooks, context, controller, timer, beating: false };
    void this.run_('started', hooks.started, context);
  }

  /** One heartbeat, skipped while the previous one is still running. */
  private beat_(heartbeat: NonNullable<SessionHooks['heartbeat']>, context: SessionContext): void {
    const open = this.open_;
    if (!open || open.beating) return;
    open.beating = true;
    const pending = this.run_('heartbeat', heartbeat, context);
    const done = () => {
      open.beating = false;
    };
    if (pending) void pending.then(done);
    else done();
  }

  /** The title is unloaded (or keyflow destroyed): the heartbeat stops and `stopped` runs. */
  ended(): void {
    const open = this.open_;
    if (!open) return;
    this.open_ = null;
    clearInterval(open.timer);
    open.controller.abort();
    void this.run_('stopped', open.hooks.stopped, { ...open.context, signal: new AbortController().signal });
  }

  /** Runs a hook: a promise that settles (never rejects) when an async hook is done, undefined when it finished at once. */
  private run_(
    name: HookName,
    hook: ((context: SessionContext) => void | Promise<void>) | undefined,
    context: SessionContext,
  ): Promise<void> | undefined {
    if (!hook) return undefined;
    const failed = (error: unknown) => {
      if (name !== 'stopped' && context.signal.aborted) return; // cut short by the unload: not a failure
      this.report_(new KeyflowError('SESSION_FAILED', `keyflow: the session hook \`${name}\` failed`, { cause: error }));
    };
    try {
      const result = hook(context);
      return result && typeof result.then === 'function' ? Promise.resolve(result).then(() => undefined, failed) : undefined;
    } catch (error) {
      failed(error);
      return undefined;
    }
  }
}
