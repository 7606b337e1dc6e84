/**
 * What a support report needs that happened over time: the last license
 * exchanges (keyflow's `licenseresponse` events), their timings (`timing`),
 * the token fetches (`tokenrequest`) and the failures (`error`), kept as
 * keyflow emits them, at most 20 each.
 *
 * @module
 */
import type { KeyflowEvents } from '../api/events';
import type { KeySystemFacts } from '../api/key-system-errors';
import type {
  ProbedRobustness,
  RecordedError,
  ReportedExchange,
  ReportedTiming,
  ReportedTokenFetch,
  ReportInput,
} from '../diagnostics/report';
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
  readonly telemetry: { stats(): object };
}

/** Keeps the last exchanges and failures of one keyflow instance. */
export class ReportRecorder {
  private readonly exchanges_: ReportedExchange[] = [];
  private readonly errors_: RecordedError[] = [];
  private readonly timings_: ReportedTiming[] = [];
  private readonly tokenFetches_: ReportedTokenFetch[] = [];

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
    events.on('error', (error) => keep(this.errors_, { at: now(), error }));
    events.on('timing', ({ firstFrameMs: _, ...timing }) => keep(this.timings_, { at: now(), ...timing }));
    events.on('tokenrequest', ({ reason, keySystem }) => keep(this.tokenFetches_, { at: now(), reason, keySystem }));
  }

  /** What a support report is made of, now, with what EME answered (`diagnostics/report.ts` builds it). */
  data(eme: readonly ProbedRobustness[]): ReportInput {
    const player = this.source_.player();
    const shaka = (player?.constructor as { version?: unknown } | undefined)?.version;
    const drm = (player?.getConfiguration() as { drm?: { preferredKeySystems?: string[] } } | undefined)?.drm;
    return {
      shakaVersion: typeof shaka === 'string' ? shaka : null,
      keySystem: (player as { keySystem?: () => string } | null)?.keySystem?.() || null,
      keySystems: this.source_.keySystemFacts(),
      preferredKeySystems: drm?.preferredKeySystems ?? [],
      eme,
      configuration: { ...this.source_.config() },
      stats: { ...(this.source_.telemetry.stats() as Record<string, number>) },
      exchanges: this.exchanges_,
      timings: this.timings_,
      tokenFetches: this.tokenFetches_,
      errors: this.errors_,
      secrets: this.source_.secrets.knownSecrets(),
    };
  }
}

const now = (): string => new Date().toISOString();

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT) list.shift();
}
