/**
 * `supportReport(keyflow)`: EME probed per key system and robustness level
 * (`eme/robustness-probe.ts`), then the report built from what keyflow
 * recorded (`diagnostics/report.ts`). Here, not in the glue keyflow always
 * runs, so that a bundle that never makes a report carries neither part.
 *
 * @module
 */
import { buildSupportReport, type ProbedRobustness, type ReportInput, type SupportReport } from '../diagnostics/report';
import { probeRobustness } from '../eme/robustness-probe';

/**
 * The support report of a keyflow instance: keyflow's and Shaka's versions, the browser, key
 * systems (the choice and why, EME support per robustness level, probed now), the configuration
 * with its secrets redacted, keyflow's counters, the last 20 exchanges with their phase timings and
 * token fetches, the failures explained, and a `text` rendering. (The main entry's `Keyflow` has it
 * as `report()`.)
 */
export async function supportReport(keyflow: { reportData(eme: readonly ProbedRobustness[]): ReportInput }): Promise<SupportReport> {
  return buildSupportReport(keyflow.reportData(await probeRobustness()));
}
