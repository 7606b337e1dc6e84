/**
 * What to do after a failed license (or certificate) attempt: the one place
 * keyflow decides between refreshing the token, letting Shaka retry, and
 * failing. Pure: no Shaka, no timers; the glue applies the decision
 * (`src/shaka/failures.ts`), and `test/unit/retry-policy.spec.ts` checks
 * every combination in a table.
 *
 * @module
 */
import type { KeyflowErrorCode } from '../api/errors';

/** Longest Retry-After keyflow honours; longer waits are capped (the player would look stuck). */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Codes a decoded reply can carry that no resend will change, whatever the
 * HTTP status (a PlayReady SOAP Fault saying "not entitled" comes with 500).
 */
const PERMANENT_CODES: readonly KeyflowErrorCode[] = [
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'NOT_ENTITLED',
  'BAD_REQUEST',
  'MALFORMED_RESPONSE',
];

/** Whether a failure may pass if the same request is simply sent again (RFC 9110: 408, 429, 5xx). */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** What keyflow knows about a failed attempt. */
export interface FailedAttemptFacts {
  /** The code the provider decoded from the reply (or LICENSE_REQUEST_FAILED without one). */
  code: KeyflowErrorCode;
  /** The HTTP status; undefined when there was no answer (network error, timeout). */
  status?: number;
  /** Index of the attempt that failed (0 for the first). */
  attempt: number;
  /** Shaka's `retryParameters.maxAttempts`. */
  maxAttempts: number;
  /** True on Shaka 5, whose filters run before every attempt (so a retry can carry a new token). */
  perAttemptFilters: boolean;
  /** The app gave a token function and `refreshRejectedToken` is on. */
  canRefreshToken: boolean;
  /** A new token was already fetched once for this request. */
  tokenRefreshed: boolean;
  /**
   * The token was fetched for another title and reused (`tokenScope:
   * 'service'`): a refusal of the keys (NOT_ENTITLED) may only mean it does
   * not cover this title, so it is treated as a token rejection, once.
   */
  tokenBorrowed?: boolean;
  /** What the reply's Retry-After asked for, ms; null without one. */
  retryAfterMs: number | null;
}

/** What to do next. */
export type RetryDecision =
  /** Fetch a new token and send the same challenge again (Shaka 5). */
  | { action: 'refresh' }
  /** Let Shaka retry, not before `waitMs` from now. */
  | { action: 'retry'; waitMs: number }
  /**
   * Fail with the decoded error (`as: 'decoded'`) or with TOKEN_REJECTED
   * wrapping it (`as: 'token-rejected'`); `stopShakaRetries`: cancel Shaka's
   * own retries (Shaka 4.x runs no filter before them, so they would resend
   * what cannot pass).
   */
  | { action: 'fail'; as: 'decoded' | 'token-rejected'; stopShakaRetries: boolean };

/** The license server rejected the token (invalid or expired). */
function isTokenRejection(code: KeyflowErrorCode): boolean {
  return code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED';
}

/** A rejection of the token, or a refusal of the keys to a token borrowed from another title. */
export function isRefusalOfToken(code: KeyflowErrorCode, tokenBorrowed: boolean): boolean {
  return isTokenRejection(code) || (tokenBorrowed && code === 'NOT_ENTITLED');
}

/**
 * Decides what follows a failed attempt:
 * - the token was rejected: fetch a new one and replay, once, where Shaka
 *   re-runs filters and attempts are left; a second rejection is TOKEN_REJECTED;
 * - a transient failure (5xx, 408, 429, no answer) with attempts left is
 *   retried by Shaka, after any Retry-After (capped at {@link MAX_RETRY_AFTER_MS});
 * - anything else, or the last attempt, fails without another request.
 */
export function decideRetry(facts: FailedAttemptFacts): RetryDecision {
  const attemptsLeft = facts.attempt + 1 < facts.maxAttempts;
  if (isRefusalOfToken(facts.code, facts.tokenBorrowed === true) && facts.canRefreshToken) {
    if (facts.tokenRefreshed) return { action: 'fail', as: 'token-rejected', stopShakaRetries: false };
    if (attemptsLeft && facts.perAttemptFilters) return { action: 'refresh' };
    return { action: 'fail', as: 'decoded', stopShakaRetries: !facts.perAttemptFilters };
  }
  const transient = !PERMANENT_CODES.includes(facts.code) && (facts.status === undefined || isTransientStatus(facts.status));
  if (!transient || !attemptsLeft) {
    return { action: 'fail', as: 'decoded', stopShakaRetries: !facts.perAttemptFilters && !transient };
  }
  const waitMs = facts.status !== undefined && facts.retryAfterMs !== null ? Math.min(facts.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
  return { action: 'retry', waitMs };
}
