/**
 * The support report: what a support ticket needs about one keyflow
 * instance, as JSON and as text. Built from what the glue gathered (`shaka/
 * report-recorder.ts`); nothing in it may be a secret: the configuration's
 * token becomes its kind, URLs lose their query (where tokens travel), and
 * the whole report is redacted against every secret keyflow knows.
 *
 * @module
 */
import type { KeyflowError } from '../api/errors';
import type { TimingEvent } from '../api/events';
import type { KeySystemFacts } from '../api/key-system-errors';
import { KEYFLOW_VERSION } from '../api/version';
import { redactDeep } from '../util/redact';
import { explain, type FailureExplanation } from './explain';

/** One license (or certificate) exchange, as keyflow reported it. */
export interface ReportedExchange {
  /** When the reply arrived (ISO 8601). */
  at: string;
  /** `license` or `certificate`. */
  kind: string;
  /** The key system. */
  keySystem: string;
  /** The URL that answered, without its query. */
  url: string;
  /** The HTTP status. */
  status: number;
  /** Request sent to reply received, ms. */
  durationMs: number;
}

/** Where the time of one license exchange went (keyflow's `timing` event, without the load's first frame), ms. */
export interface ReportedTiming extends Omit<TimingEvent, 'firstFrameMs'> {
  /** When the keys became usable (ISO 8601). */
  at: string;
}

/** One call to the app's token source (keyflow's `tokenrequest` event). */
export interface ReportedTokenFetch {
  /** When (ISO 8601). */
  at: string;
  /** Why: `prefetch`, `license`, `expired` (a refresh), `rejected` (the server refused the last one). */
  reason: string;
  /** The key system it was for. */
  keySystem: string;
}

/** What EME answered for one key system at one robustness level. */
export interface ProbedRobustness {
  /** The key system asked for. */
  keySystem: string;
  /** The robustness asked for (`''`: none). */
  robustness: string;
  /** Whether the browser granted it. */
  supported: boolean;
  /** Why not (the DOMException's name, `no answer`, `no EME`). */
  reason?: string;
}

/** The key system of the current load and why it is that one. */
export interface KeySystemChoice {
  /** The key system chosen, or null. */
  chosen: string | null;
  /** Why, in words. */
  why: string;
}

/** One failure, with its explanation. */
export interface ReportedError {
  /** When it happened (ISO 8601). */
  at: string;
  /** The failure explained (see `explain`). */
  explanation: FailureExplanation;
}

/** A failure as keyflow recorded it. */
export interface RecordedError {
  /** When it happened (ISO 8601). */
  at: string;
  /** The error. */
  error: KeyflowError;
}

/** What the glue gathers for a report. */
export interface ReportInput {
  /** Shaka Player's version, if the player says. */
  shakaVersion: string | null;
  /** The key system of the current load, if one was chosen. */
  keySystem: string | null;
  /** What the content signals, what is routed, what this browser supports. */
  keySystems: KeySystemFacts;
  /** keyflow's configuration in force. */
  configuration: Record<string, unknown>;
  /** The last exchanges, oldest first. */
  exchanges: readonly ReportedExchange[];
  /** The last failures, oldest first. */
  errors: readonly RecordedError[];
  /** The last exchanges' timings, oldest first. */
  timings: readonly ReportedTiming[];
  /** The last calls to the token source, oldest first. */
  tokenFetches: readonly ReportedTokenFetch[];
  /** keyflow's counters (`getStats()`) for the current load. */
  stats: Readonly<Record<string, number>>;
  /** The player's `drm.preferredKeySystems`. */
  preferredKeySystems: readonly string[];
  /** EME support per key system and robustness level, probed for this report. */
  eme: readonly ProbedRobustness[];
  /** Every secret keyflow knows (tokens in every form): none may appear in the report. */
  secrets: readonly string[];
}

/** A support report (JSON-serializable), with its text rendering. */
export interface SupportReport {
  /** When it was made (ISO 8601). */
  generatedAt: string;
  /** shaka-keyflow's version. */
  keyflowVersion: string;
  /** Shaka Player's version. */
  shakaVersion: string | null;
  /** The browser's user agent. */
  userAgent: string | null;
  /** The key system of the current load. */
  keySystem: string | null;
  /** Key systems: signalled by the content, routed by keyflow and the app, supported here. */
  keySystems: KeySystemFacts;
  /** The key system of the current load and why it is that one. */
  keySystemChoice: KeySystemChoice;
  /** EME support per key system and robustness level, probed for this report. */
  eme: ProbedRobustness[];
  /** keyflow's counters for the current load (`getStats()`). */
  stats: Record<string, number>;
  /** The configuration, secrets redacted (the token becomes its kind, URLs lose their query). */
  configuration: Record<string, unknown>;
  /** The last 20 exchanges. */
  exchanges: ReportedExchange[];
  /** The last 20 exchanges' phase timings. */
  timings: ReportedTiming[];
  /** The last 20 calls to the token source (refreshes show as `expired` / `rejected`). */
  tokenFetches: ReportedTokenFetch[];
  /** The failures, explained. */
  errors: ReportedError[];
  /** The report as plain text, for a ticket. */
  text: string;
}

/** `url` without query and fragment (where tokens travel); not a URL: as it is. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : `${url.slice(0, cut)}?…`;
}

/** A configuration value as a report shows it: functions and the token by kind, URLs without query. */
function reportedValue(name: string, value: unknown): unknown {
  if (name === 'token') return value === undefined ? undefined : typeof value === 'function' ? '[token function]' : '[token]';
  if (typeof value === 'function') return '[function]';
  if (name === 'servers' && value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, string>).map(([ks, url]) => [ks, typeof url === 'string' ? withoutQuery(url) : url]),
    );
  }
  if (name === 'session' && value) return '[hooks]';
  return value;
}

function render(report: Omit<SupportReport, 'text'>): string {
  const lines = [
    `shaka-keyflow ${report.keyflowVersion}, Shaka Player ${report.shakaVersion ?? '?'}, ${report.generatedAt}`,
    `Browser: ${report.userAgent ?? '?'}`,
    `Key system: ${report.keySystem ?? 'none chosen'} (${report.keySystemChoice.why}); content signals [${report.keySystems.signalled.join(', ')}]; routed [${report.keySystems.routed.join(', ')}]; supported here [${report.keySystems.supported.join(', ')}]`,
    `EME: ${report.eme.map((p) => `${p.keySystem}${p.robustness ? ` ${p.robustness}` : ''} ${p.supported ? 'yes' : `no (${p.reason ?? '?'})`}`).join('; ')}`,
    `Configuration: ${JSON.stringify(report.configuration)}`,
    `Stats: ${JSON.stringify(report.stats)}`,
    `Exchanges (${report.exchanges.length}):`,
    ...report.exchanges.map((e) => `  ${e.at} ${e.kind} ${e.keySystem} ${e.status} ${Math.round(e.durationMs)} ms ${e.url}`),
    `Timings, ms (${report.timings.length}):`,
    ...report.timings.map(
      (t) =>
        `  ${t.at} ${t.keySystem} token ${Math.round(t.tokenWaitMs)}${t.certificateMs !== undefined ? `, certificate ${Math.round(t.certificateMs)}` : ''}, network ${Math.round(t.networkMs)}, CDM ${Math.round(t.cdmMs)}, total ${Math.round(t.totalMs)}`,
    ),
    `Token fetches (${report.tokenFetches.length}): ${report.tokenFetches.map((f) => `${f.at} ${f.reason} ${f.keySystem}`).join('; ')}`,
    `Errors (${report.errors.length}):`,
    ...report.errors.map(({ at, explanation: x }) => `  ${at} [${x.phase}] ${x.summary} ${JSON.stringify(x.evidence)}`),
  ];
  return lines.join('\n');
}

/** Why the current load uses its key system, from what the player was told and what Shaka does. */
function whyKeySystem({ keySystem, preferredKeySystems, keySystems }: ReportInput): string {
  if (!keySystem) return 'no load, or no key system could be used: see the errors';
  if (preferredKeySystems.includes(keySystem)) {
    return `the first usable of drm.preferredKeySystems [${preferredKeySystems.join(', ')}]`;
  }
  const routed = keySystems.routed.includes(keySystem) ? 'has a license server' : 'has no license server keyflow knows of';
  return `Shaka's order: the content signals it, this browser supports it, and it ${routed} (drm.preferredKeySystems does not name it)`;
}

/** Builds the report, redacted against every secret in `input.secrets`. */
export function buildSupportReport(input: ReportInput, now: Date = new Date()): SupportReport {
  const configuration: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.configuration)) {
    const shown = reportedValue(name, value);
    if (shown !== undefined) configuration[name] = shown;
  }
  const report = {
    generatedAt: now.toISOString(),
    keyflowVersion: KEYFLOW_VERSION,
    shakaVersion: input.shakaVersion,
    userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
    keySystem: input.keySystem,
    keySystems: input.keySystems,
    keySystemChoice: { chosen: input.keySystem, why: whyKeySystem(input) },
    eme: [...input.eme],
    stats: { ...input.stats },
    configuration,
    exchanges: input.exchanges.slice(-20).map((e) => ({ ...e, url: withoutQuery(e.url) })),
    timings: input.timings.slice(-20),
    tokenFetches: input.tokenFetches.slice(-20),
    errors: input.errors.map(({ at, error }) => ({ at, explanation: explain(error) })),
  };
  const redacted = redactDeep(report, input.secrets) as Omit<SupportReport, 'text'>;
  return { ...redacted, text: render(redacted) };
}
