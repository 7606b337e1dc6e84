/**
 * Calls some services want around playback, besides the license request:
 * open a session once a title is licensed, keep it alive while it plays,
 * close it when it ends (concurrent-stream limits, usage reporting). A
 * preset names them in its spec (`session`), an app through the `custom`
 * preset's `session` option. keyflow only decides when they run; what they
 * send is theirs. A hook that throws (or rejects) is reported as a
 * `SESSION_FAILED` error event; playback goes on (the app decides, e.g.
 * unloads when the service says the stream limit is reached).
 *
 * @module
 */

/** What a session hook is told. */
export interface SessionContext {
  /** The key system of the first license of the title. */
  keySystem: string;
  /** The manifest being played, resolved, or null when keyflow could not tell. */
  manifestUri: string | null;
  /** Aborted when the title is unloaded or keyflow destroyed (`stopped` gets one that is not). */
  signal: AbortSignal;
}

/** The session calls of a service; every hook is optional. */
export interface SessionHooks {
  /** Once keyflow accepted the first license reply of a title (the CDM takes it next): open the service's session. */
  started?(context: SessionContext): void | Promise<void>;
  /** Every {@link heartbeatMs} after `started`, while the title is loaded (skipped while the previous beat runs): keep the session alive. */
  heartbeat?(context: SessionContext): void | Promise<void>;
  /** How often `heartbeat` runs, in ms (at least 1000). Default 60 000. */
  heartbeatMs?: number;
  /** When a title that had `started` is unloaded, replaced, or keyflow destroyed: close the session. */
  stopped?(context: SessionContext): void | Promise<void>;
}

/** Why a {@link SessionHooks} value is unusable, or null when it is fine. */
export function sessionHooksProblem(hooks: unknown): string | null {
  if (!hooks || typeof hooks !== 'object') return 'must be an object of hooks';
  const record = hooks as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (name === 'heartbeatMs') {
      const ms = record[name];
      if (ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 1000))
        return '`heartbeatMs` must be a number of ms, at least 1000';
    } else if (name !== 'started' && name !== 'heartbeat' && name !== 'stopped') {
      return `has no hook \`${name}\` (started, heartbeat, heartbeatMs, stopped)`;
    } else if (record[name] !== undefined && typeof record[name] !== 'function') {
      return `\`${name}\` must be a function`;
    }
  }
  return null;
}
