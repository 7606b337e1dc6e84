/**
 * The one way the property specs (test/pssh/property-*.spec.ts,
 * test/unit/property-*.spec.ts) run a fast-check property: a fixed seed and
 * run count, so every run checks the same inputs, and one Jasmine
 * expectation that carries fast-check's report (shrunk counterexample, seed,
 * path) when the property fails.
 */

import fc from 'fast-check';

/** The seed of every property ('keyf', the seed of the fuzz run too). */
export const PROPERTY_SEED = 0x6b657966;

/** Longest a property may run, shrinking included (each takes well under a second). */
const TIME_LIMIT_MS = 10_000;

/**
 * Checks `property` on `numRuns` inputs from {@link PROPERTY_SEED}. The
 * property fails by returning `false` or throwing; replay a failure with
 * `fc.check(property, { seed, path })` from the report. Arbitraries that
 * give a `maxLength` above 10 also say `size: 'max'`: fast-check's default
 * size ('small') would never make them longer than 10.
 */
export function holds<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  // A time limit, counted as a failure: shrinking a failing input of hundreds of bytes can take
  // minutes (the report then shows the smallest counterexample found so far), and a passing run
  // that got slow would otherwise pass with fewer runs than it claims.
  const details = fc.check(property, {
    seed: PROPERTY_SEED,
    numRuns,
    interruptAfterTimeLimit: TIME_LIMIT_MS,
    markInterruptAsFailure: true,
  });
  // The report names the counterexample; the message of what the property threw says what was wrong with it.
  const error = details.errorInstance instanceof Error ? `\nError: ${details.errorInstance.message}` : '';
  expect(details.failed)
    .withContext(`${fc.defaultReportMessage(details) ?? ''}${error}`)
    .toBeFalse();
}
