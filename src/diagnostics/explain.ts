/**
 * `explain(error)`: a failure in plain words, for an app's error screen, its
 * logs or a support ticket. Takes a KeyflowError, a Shaka error (keyflow's
 * own is found in its chain, as `findKeyflowError` does), or anything else.
 *
 * @module
 */
import { findKeyflowError, type KeyflowError } from '../api/errors';
import { keyflowFailures, type FailureEntry, type FailurePhase } from './catalogue';
import { shakaDrmFailures } from './shaka-failures';
import { vendorCodeMeanings } from './vendor-codes';

/** What an explanation rests on: the facts read from the error. */
export interface FailureEvidence {
  /** keyflow's error code. */
  keyflowCode?: string;
  /** Shaka's error code (the outermost one given). */
  shakaCode?: number;
  /** The HTTP status of the license (or token backend) reply. */
  httpStatus?: number;
  /** The service's own error code. */
  providerCode?: string | number;
  /** What the service's documentation says the code means, where keyflow knows it. */
  providerMeaning?: string;
  /** The key system of the exchange. */
  keySystem?: string;
  /** keyflow's message (never contains a token); other errors' messages are not quoted. */
  message?: string;
}

/** A failure explained. */
export interface FailureExplanation {
  /** One sentence: what went wrong. */
  summary: string;
  /** Where in the license workflow (`unknown` when nothing says). */
  phase: FailurePhase | 'unknown';
  /** Likely causes, most likely first. */
  causes: string[];
  /** What to do, in the order to try. */
  fixes: string[];
  /** The facts the explanation rests on. */
  evidence: FailureEvidence;
}

/** The facts of a keyflow error. */
function keyflowEvidence(error: KeyflowError): FailureEvidence {
  return {
    keyflowCode: error.code,
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.providerCode !== undefined ? { providerCode: error.providerCode } : {}),
    ...(meaningOf(error) !== undefined ? { providerMeaning: meaningOf(error) } : {}),
    ...(error.keySystem !== undefined ? { keySystem: error.keySystem } : {}),
    message: error.message,
  };
}

/** Shaka's code of an error object (`shaka.util.Error`), or undefined. */
function shakaCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

/** What the service's documentation says its code means, where keyflow knows it. */
function meaningOf(error: KeyflowError): string | undefined {
  return error.provider && error.providerCode !== undefined
    ? vendorCodeMeanings()[error.provider]?.[String(error.providerCode)]
    : undefined;
}

/** An explanation from an entry, with the facts; a service code's meaning leads the causes, or a hint to look it up. */
function fromEntry(entry: FailureEntry, evidence: FailureEvidence): FailureExplanation {
  const causes = [...entry.causes];
  const fixes = [...entry.fixes];
  const code = evidence.providerCode;
  if (code !== undefined && evidence.providerMeaning) causes.unshift(`The service says ${String(code)}: ${evidence.providerMeaning}`);
  else if (code !== undefined)
    fixes.push(`The service said ${String(code)}: look it up in its documentation (docs/presets/ names the sources).`);
  return { summary: entry.summary, phase: entry.phase, causes, fixes, evidence };
}

/**
 * Explains a failure: which phase of the license workflow failed, why most
 * likely, and what to do, with the evidence (keyflow's and Shaka's codes, the
 * HTTP status, the service's code, the key system). keyflow's own error wins
 * over the Shaka error that carries it.
 *
 * @param error a KeyflowError, a Shaka error (from the player's `error` event or a rejected `load()`), or anything
 */
export function explain(error: unknown): FailureExplanation {
  const shakaCode = shakaCodeOf(error);
  const keyflowError = findKeyflowError(error);
  if (keyflowError) {
    const evidence = { ...keyflowEvidence(keyflowError), ...(shakaCode !== undefined && error !== keyflowError ? { shakaCode } : {}) };
    return fromEntry(keyflowFailures()[keyflowError.code], evidence);
  }
  const shakaEntry = shakaCode !== undefined ? shakaDrmFailures()[shakaCode] : undefined;
  if (shakaEntry) return fromEntry(shakaEntry, { shakaCode: shakaCode! });
  // Not keyflow's: its message is not quoted (keyflow cannot vouch that it holds no secret).
  return {
    summary: shakaCode !== undefined ? `Shaka error ${shakaCode}: not a DRM failure keyflow knows.` : 'Not a failure keyflow knows.',
    phase: 'unknown',
    causes: [],
    fixes: shakaCode !== undefined ? ['Look the code up in Shaka Player’s shaka.util.Error.Code.'] : [],
    evidence: shakaCode !== undefined ? { shakaCode } : {},
  };
}
