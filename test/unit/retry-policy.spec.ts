// The retry policy (src/retry/policy.ts), without Shaka: a table of the documented cases, then
// the rules checked over every combination of code, status, attempts, Shaka line, token state and
// Retry-After. The rules (docs/events-and-errors.md, docs/tokens.md): a rejected token is
// refreshed and replayed once where Shaka re-runs filters; 5xx, 408, 429 and no answer are retried
// while attempts are left, after Retry-After (capped at 30 s); everything else fails at once, and
// on Shaka 4.x keyflow cancels Shaka's retries of a failure that cannot pass.
import type { KeyflowErrorCode } from '../../src/api/errors';
import { decideRetry, MAX_RETRY_AFTER_MS, type FailedAttemptFacts, type RetryDecision } from '../../src/retry/policy';

const base: FailedAttemptFacts = {
  code: 'LICENSE_SERVER_ERROR',
  status: 500,
  attempt: 0,
  maxAttempts: 3,
  perAttemptFilters: true,
  canRefreshToken: true,
  tokenRefreshed: false,
  retryAfterMs: null,
};

const FAIL = (stopShakaRetries: boolean, as: 'decoded' | 'token-rejected' = 'decoded'): RetryDecision => ({
  action: 'fail',
  as,
  stopShakaRetries,
});

const TABLE: Array<[string, Partial<FailedAttemptFacts>, RetryDecision]> = [
  ['500 with attempts left: Shaka retries', {}, { action: 'retry', waitMs: 0 }],
  ['503 with Retry-After 2 s: waits 2 s', { status: 503, retryAfterMs: 2000 }, { action: 'retry', waitMs: 2000 }],
  ['429 with Retry-After 5 min: capped at 30 s', { status: 429, retryAfterMs: 300_000 }, { action: 'retry', waitMs: 30_000 }],
  ['408: retried', { status: 408 }, { action: 'retry', waitMs: 0 }],
  [
    'no answer (timeout): retried, no Retry-After to read',
    { code: 'LICENSE_REQUEST_FAILED', status: undefined, retryAfterMs: 2000 },
    { action: 'retry', waitMs: 0 },
  ],
  ['500 on the last attempt: fails (Shaka would stop anyway)', { attempt: 2 }, FAIL(false)],
  ['500 on the last attempt, Shaka 4.x: fails, Shaka not stopped (transient)', { attempt: 2, perAttemptFilters: false }, FAIL(false)],
  ['403 not entitled, Shaka 5: fails at once', { code: 'NOT_ENTITLED', status: 403 }, FAIL(false)],
  [
    '403 not entitled, Shaka 4.x: fails, Shaka retries cancelled',
    { code: 'NOT_ENTITLED', status: 403, perAttemptFilters: false },
    FAIL(true),
  ],
  ['400 bad request: fails at once', { code: 'BAD_REQUEST', status: 400 }, FAIL(false)],
  ['404: fails at once', { code: 'LICENSE_SERVER_ERROR', status: 404 }, FAIL(false)],
  ['500 carrying a SOAP fault "not entitled": the decoded code wins', { code: 'NOT_ENTITLED', status: 500 }, FAIL(false)],
  ['a 200 that is not a license (MALFORMED_RESPONSE): never resent', { code: 'MALFORMED_RESPONSE', status: 200 }, FAIL(false)],
  ['401 token invalid, Shaka 5, attempts left: refresh and replay', { code: 'TOKEN_INVALID', status: 401 }, { action: 'refresh' }],
  ['token expired on 500 (decoded), Shaka 5: refresh', { code: 'TOKEN_EXPIRED', status: 500 }, { action: 'refresh' }],
  [
    '401 again after a refresh: TOKEN_REJECTED',
    { code: 'TOKEN_INVALID', status: 401, tokenRefreshed: true },
    FAIL(false, 'token-rejected'),
  ],
  ['401 on the last attempt: fails with the rejection', { code: 'TOKEN_INVALID', status: 401, attempt: 2 }, FAIL(false)],
  [
    '401 on Shaka 4.x: fails (keyflow recovers by reload), Shaka retries cancelled',
    { code: 'TOKEN_INVALID', status: 401, perAttemptFilters: false },
    FAIL(true),
  ],
  [
    "403 not entitled to a token borrowed from another title (tokenScope 'service'), Shaka 5: refresh and replay",
    { code: 'NOT_ENTITLED', status: 403, tokenBorrowed: true },
    { action: 'refresh' },
  ],
  [
    '403 not entitled to a borrowed token on Shaka 4.x: fails (keyflow recovers by reload), Shaka retries cancelled',
    { code: 'NOT_ENTITLED', status: 403, tokenBorrowed: true, perAttemptFilters: false },
    FAIL(true),
  ],
  [
    '400 bad request with a borrowed token: fails at once (only a refusal of the keys is retried)',
    { code: 'BAD_REQUEST', status: 400, tokenBorrowed: true },
    FAIL(false),
  ],
  ['401 with a static token (nothing to refresh): fails', { code: 'TOKEN_INVALID', status: 401, canRefreshToken: false }, FAIL(false)],
  [
    '401 with a static token on Shaka 4.x: fails, Shaka retries cancelled',
    { code: 'TOKEN_INVALID', status: 401, canRefreshToken: false, perAttemptFilters: false },
    FAIL(true),
  ],
];

describe('retry policy', () => {
  for (const [name, facts, expected] of TABLE) {
    it(name, () => {
      expect(decideRetry({ ...base, ...facts })).toEqual(expected);
    });
  }

  it('keeps its rules over every combination', () => {
    const codes: KeyflowErrorCode[] = [
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'NOT_ENTITLED',
      'BAD_REQUEST',
      'MALFORMED_RESPONSE',
      'LICENSE_SERVER_ERROR',
      'LICENSE_REQUEST_FAILED',
    ];
    const statuses = [undefined, 200, 400, 401, 403, 404, 408, 429, 500, 502, 503];
    let checked = 0;
    for (const code of codes)
      for (const status of statuses)
        for (const attempt of [0, 1, 2])
          for (const perAttemptFilters of [true, false])
            for (const canRefreshToken of [true, false])
              for (const tokenRefreshed of [true, false])
                for (const retryAfterMs of [null, 0, 1500, 90_000]) {
                  const facts: FailedAttemptFacts = {
                    code,
                    ...(status !== undefined ? { status } : {}),
                    attempt,
                    maxAttempts: 3,
                    perAttemptFilters,
                    canRefreshToken,
                    tokenRefreshed,
                    retryAfterMs,
                  };
                  const decision = decideRetry(facts);
                  const where = JSON.stringify(facts);
                  const lastAttempt = attempt === 2;
                  const tokenRejection = code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED';
                  if (decision.action === 'refresh') {
                    // Only a rejected token, only once, only where the filter runs again, only with attempts left.
                    expect(tokenRejection && canRefreshToken && !tokenRefreshed && perAttemptFilters && !lastAttempt)
                      .withContext(where)
                      .toBe(true);
                  }
                  if (decision.action === 'retry') {
                    expect(lastAttempt).withContext(where).toBe(false);
                    expect(['LICENSE_SERVER_ERROR', 'LICENSE_REQUEST_FAILED']).withContext(where).toContain(code);
                    expect(status === undefined || status === 408 || status === 429 || status >= 500)
                      .withContext(where)
                      .toBe(true);
                    expect(decision.waitMs)
                      .withContext(where)
                      .toBe(status === undefined || retryAfterMs === null ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
                  }
                  if (decision.action === 'fail') {
                    if (decision.as === 'token-rejected')
                      expect(tokenRejection && tokenRefreshed && canRefreshToken)
                        .withContext(where)
                        .toBe(true);
                    // Shaka 5 re-runs the filter, which throws: nothing to cancel there.
                    if (perAttemptFilters) expect(decision.stopShakaRetries).withContext(where).toBe(false);
                  }
                  // A transient failure with attempts left is never given up.
                  if (
                    !lastAttempt &&
                    !tokenRejection &&
                    code !== 'NOT_ENTITLED' &&
                    code !== 'BAD_REQUEST' &&
                    code !== 'MALFORMED_RESPONSE' &&
                    (status === undefined || status >= 500 || status === 408 || status === 429)
                  ) {
                    expect(decision.action).withContext(where).toBe('retry');
                  }
                  checked++;
                }
    expect(checked).toBe(7 * 11 * 3 * 2 * 2 * 2 * 4);
  });
});
