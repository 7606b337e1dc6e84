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

type HookName = 'started' | 'heartbeat' | 'stopped';

/** The session of the loaded title, while it has one. */
interface OpenSession {
  hooks: SessionHooks;
  context: SessionContext;
  controller: AbortController;
  timer: ReturnType<typeof setInterval> | undefined;
}

/** The service session of one keyflow instance. */
export class ServiceSession {
  private open_: OpenSession | null = null;

  /** @param report_ reports a failed hook (keyflow's `error` event) */
  constructor(private readonly report_: (error: KeyflowError) => void) {}

  /**
   * A license of the loaded title was accepted: the first one opens the
   * session (when there are hooks), the others change nothing.
   */
  licensed(hooks: SessionHooks | null, keySystem: string, manifestUri: string | null): void {
    if (this.open_ || !hooks) return;
    const controller = new AbortController();
    const context: SessionContext = { keySystem, manifestUri, signal: controller.signal };
    const { heartbeat } = hooks;
    const timer = heartbeat
      ? setInterval(() => this.run_('heartbeat', heartbeat, context), hooks.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)
      : undefined;
    this.open_ = { hooks, context, controller, timer };
    this.run_('started', hooks.started, context);
  }

  /** The title is unloaded (or keyflow destroyed): the heartbeat stops and `stopped` runs. */
  ended(): void {
    const open = this.open_;
    if (!open) return;
    this.open_ = null;
    clearInterval(open.timer);
    open.controller.abort();
    this.run_('stopped', open.hooks.stopped, { ...open.context, signal: new AbortController().signal });
  }

  private run_(name: HookName, hook: ((context: SessionContext) => void | Promise<void>) | undefined, context: SessionContext): void {
    if (!hook) return;
    const failed = (error: unknown) => {
      if (name !== 'stopped' && context.signal.aborted) return; // cut short by the unload: not a failure
      this.report_(new KeyflowError('SESSION_FAILED', `keyflow: the session hook \`${name}\` failed`, { cause: error }));
    };
    try {
      Promise.resolve(hook(context)).catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
