/**
 * What a support report needs that happened over time: the last license
 * exchanges (keyflow's `licenseresponse` events) and the failures (its
 * `error` events), kept as keyflow emits them, at most 20 each.
 *
 * @module
 */
import type { KeyflowEvents } from '../api/events';
import type { KeySystemFacts } from '../api/key-system-errors';
import type { RecordedError, ReportedExchange, ReportInput } from '../diagnostics/report';
import type { ShakaPlayer } from './types';

const KEPT = 20;

/** What keyflow lets the recorder listen to. */
interface EventSource {
  on<E extends keyof KeyflowEvents>(event: E, listener: (...args: KeyflowEvents[E]) => void): unknown;
}

/** What a report reads of keyflow when it is made. */
export interface ReportSource {
  player(): ShakaPlayer | null;
  config(): object;
  keySystemFacts(): KeySystemFacts;
  readonly secrets: { knownSecrets(): readonly string[] };
}

/** Keeps the last exchanges and failures of one keyflow instance. */
export class ReportRecorder {
  private readonly exchanges_: ReportedExchange[] = [];
  private readonly errors_: RecordedError[] = [];

  /**
   * @param events keyflow (its events are recorded)
   * @param source_ what the report reads when it is made
   */
  constructor(
    events: EventSource,
    private readonly source_: ReportSource,
  ) {
    events.on('licenseresponse', (e) =>
      keep(this.exchanges_, {
        at: new Date().toISOString(),
        kind: e.kind,
        keySystem: e.keySystem,
        url: e.url,
        status: e.status,
        durationMs: e.durationMs,
      }),
    );
    events.on('error', (error) => keep(this.errors_, { at: new Date().toISOString(), error }));
  }

  /** What a support report is made of, now (`diagnostics/report.ts` builds it). */
  data(): ReportInput {
    const player = this.source_.player();
    const shaka = (player?.constructor as { version?: unknown } | undefined)?.version;
    return {
      shakaVersion: typeof shaka === 'string' ? shaka : null,
      keySystem: (player as { keySystem?: () => string } | null)?.keySystem?.() || null,
      keySystems: this.source_.keySystemFacts(),
      configuration: { ...this.source_.config() },
      exchanges: this.exchanges_,
      errors: this.errors_,
      secrets: this.source_.secrets.knownSecrets(),
    };
  }
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT) list.shift();
}
