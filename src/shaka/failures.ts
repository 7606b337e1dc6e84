/**
 * What keyflow does when a license exchange fails: the networking engine's
 * `retry` event (type the failure, decide with the retry policy: refresh the
 * token, wait for Retry-After, or fail without another request), the
 * player's `error` event (type what the filters could not: Shaka 4.x's 401
 * and 403, the CDM rejecting a license; recover from a token rejection on
 * 4.x by reloading), and `load()` failures (Shaka's 6001 and 6012, explained
 * as NO_KEY_SYSTEM and NO_LICENSE_SERVER).
 *
 * @module
 */
import { attachKeyflowError, findKeyflowError, KeyflowError, tokenRejectedError } from '../api/errors';
import type { RecoveryContext, ShakaLine } from './line-types';
import { noKeySystemError, noLicenseServerError, type KeySystemFacts } from '../api/key-system-errors';
import { decideRetry, isRefusalOfToken } from '../retry/policy';
import { retryAfterMs } from '../retry/retry-after';
import { redact } from '../util/redact';
import type { AnyProvider, NormalizedConfig } from './config-types';
import { isShakaError, readFailedAttempt, type FailedAttempt } from './errors';
import type { Exchange, ExchangeBook } from './exchanges';
import { redactShakaErrorChain } from './scrub';
import type { SecretGuard } from './secret-guard';
import { ShakaErrorCode, type ShakaEvent, type ShakaPlayer } from './types';

/**
 * The largest reply body keyflow decodes (license, wrapped license, JSON or
 * SOAP error): 1 MiB, far above any real license (a few KB). A larger 2xx
 * reply is `MALFORMED_RESPONSE` without being parsed; a larger error reply is
 * typed by its status alone.
 */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** Throws `MALFORMED_RESPONSE` for a 2xx reply over {@link MAX_REPLY_BYTES}, which keyflow does not read. */
export function checkReplySize(byteLength: number, exchange: Pick<Exchange, 'kind' | 'keySystem'>, status: number): void {
  if (byteLength <= MAX_REPLY_BYTES) return;
  throw new KeyflowError(
    'MALFORMED_RESPONSE',
    `The ${exchange.kind} reply is ${byteLength} bytes, over keyflow's ${MAX_REPLY_BYTES}-byte limit: not read`,
    {
      keySystem: exchange.keySystem,
      httpStatus: status,
    },
  );
}

/**
 * FairPlay asked for a session without a server certificate, explained: Shaka's 6015 (its
 * legacy-WebKit transform), or 6006 from a modern CDM that cannot make an SPC without one.
 */
function certificateRequiredError(keySystem: string | null, shakaCode: number): KeyflowError {
  const ks = keySystem ?? 'com.apple.fps';
  const message = `${ks} needs a server certificate: set drm.advanced['${ks}'].serverCertificateUri (Shaka ${shakaCode})`;
  return new KeyflowError('INVALID_CONFIG', message, { keySystem: ks });
}

/** The FairPlay key system Shaka chose, when no server certificate is configured for it; else null. */
function fairPlayWithoutCertificate(player: ShakaPlayer | null): string | null {
  const keySystem = (player as { keySystem?: () => string } | null)?.keySystem?.() ?? '';
  if (!player || !keySystem.startsWith('com.apple.fps')) return null;
  const advanced = (player.getConfiguration() as { drm: { advanced?: Record<string, CertificateSettings | undefined> } }).drm.advanced;
  const settings = advanced?.[keySystem];
  return settings?.serverCertificateUri || settings?.serverCertificate?.byteLength ? null : keySystem;
}

/** What keyflow reads of `drm.advanced[keySystem]`. */
interface CertificateSettings {
  serverCertificateUri?: string;
  serverCertificate?: Uint8Array;
}

/** Shaka errors keyflow explains when `load()` rejects with them. */
const KEY_SYSTEM_UNAVAILABLE = 6001;
const NO_LICENSE_SERVER_GIVEN = 6012;

/** What the failure handler reads and uses of keyflow. */
export interface FailureContext extends RecoveryContext {
  readonly exchanges: ExchangeBook;
  readonly secrets: SecretGuard<Exchange>;
  provider(): AnyProvider;
  config(): NormalizedConfig;
  /** The key system of the latest license request. */
  lastKeySystem(): string | null;
  /** What the content signals, what has a license URL, and what this browser supports. */
  keySystemFacts(): KeySystemFacts;
  /** Redacts, emits once (keyflow's `error` event) and returns the error; a renewal's failure is reported as one. */
  fail(error: KeyflowError, secrets: readonly string[], exchange?: Exchange): KeyflowError;
  /** The renewal whose license the CDM rejected, when the last license answered was one. */
  rejectedRenewal(): Exchange | undefined;
}

/** Types, decides on and reports the failures of keyflow's license exchanges. */
export class FailureHandler {
  /**
   * @param ctx_ what the handler reads and uses of keyflow
   * @param line_ the player's Shaka line (how a token rejection is recovered)
   */
  constructor(
    private readonly ctx_: FailureContext,
    private readonly line_: ShakaLine,
  ) {}

  /** The last missing-certificate error and when: every session of a load fails alike, one error is reported. */
  private certificateError_: { error: KeyflowError; at: number } | null = null;

  /** The missing-certificate error for `keySystem`, the one of a moment ago when there is one (one per load). */
  private certificateError(keySystem: string | null, shakaCode: number): KeyflowError {
    const previous = this.certificateError_;
    if (previous && previous.error.keySystem === (keySystem ?? 'com.apple.fps') && performance.now() - previous.at < 2000)
      return previous.error;
    const error = certificateRequiredError(keySystem, shakaCode);
    this.certificateError_ = { error, at: performance.now() };
    return error;
  }

  /**
   * Shaka 5 dispatches `retry` after every failed attempt and then runs the
   * request filters again before waiting. keyflow decides here:
   * - the token was rejected: fetch a new one and replay the same challenge,
   *   once; a second rejection ends with `TOKEN_REJECTED`;
   * - a transient failure (5xx, 408, 429, no answer) with attempts left is
   *   retried by Shaka, after any `Retry-After` the server asked for;
   * - anything else (400, 403 not entitled, 404, ...) or the last attempt is
   *   recorded and thrown by the next filter run, so it reaches the app as
   *   6007 → 1006 → KeyflowError without another network request.
   */
  readonly onRetry = (event: ShakaEvent): void => {
    const error = event.error;
    if (this.ctx_.isDestroyed() || !isShakaError(error)) return;
    const failed = readFailedAttempt(error);
    const exchange = failed ? this.ctx_.exchanges.forError(error, failed.uri) : undefined;
    if (!failed || !exchange) return;
    redactShakaErrorChain(error, exchange.secrets);
    const keyflowError = this.errorForAttempt_(failed, exchange);
    const decision = decideRetry({
      code: keyflowError.code,
      ...(failed.status !== undefined ? { status: failed.status } : {}),
      attempt: exchange.attempt,
      maxAttempts: exchange.maxAttempts,
      perAttemptFilters: exchange.perAttemptFilters,
      canRefreshToken: this.ctx_.canRefreshToken(),
      tokenRefreshed: exchange.tokenRefreshed,
      tokenBorrowed: isBorrowed(exchange),
      retryAfterMs: failed.status !== undefined ? retryAfterMs(failed.headers ?? {}, Date.now()) : null,
    });
    if (decision.action === 'refresh') {
      exchange.needsNewToken = true;
    } else if (decision.action === 'retry') {
      if (decision.waitMs > 0) exchange.notBefore = performance.now() + decision.waitMs;
    } else {
      // Thrown by the next filter run (Shaka 5); Shaka 4.x runs no filter before a retry, so its
      // retries of what cannot pass are cancelled here.
      exchange.pendingError = decision.as === 'token-rejected' ? tokenRejectedError(keyflowError) : keyflowError;
      if (decision.stopShakaRetries) event.preventDefault?.();
    }
  };

  /**
   * The player's `error` event: translates license failures keyflow has not
   * typed yet (Shaka 4.x, where 401/403 are not retried; the CDM rejecting a
   * license), emits every keyflow error exactly once, and on Shaka 4.x
   * recovers from a token rejection by fetching a new token and reloading.
   */
  readonly onPlayerError = (event: ShakaEvent): void => {
    if (this.ctx_.isDestroyed()) return;
    const error = event.detail;
    if (!isShakaError(error)) return;
    redactShakaErrorChain(error, this.ctx_.secrets.knownSecrets());
    const known = findKeyflowError(error);
    if (known) {
      this.ctx_.fail(known, []);
      return;
    }
    let keyflowError: KeyflowError | null = null;
    const inner = error.data[0];
    const lastKeySystem = this.ctx_.lastKeySystem();
    if (error.code === ShakaErrorCode.LICENSE_REQUEST_FAILED && isShakaError(inner)) {
      const failed = readFailedAttempt(inner);
      const exchange = failed ? this.ctx_.exchanges.forError(inner, failed.uri) : undefined;
      if (failed && exchange) {
        redactShakaErrorChain(inner, exchange.secrets);
        keyflowError = this.errorForAttempt_(failed, exchange);
        if (isRefusalOfToken(keyflowError.code, isBorrowed(exchange))) {
          keyflowError = this.recoverFromTokenRejection_(keyflowError, exchange);
        }
        // In Shaka's chain first: an app listener of keyflow's `error` that throws must not undo it.
        attachKeyflowError(error, keyflowError);
        this.ctx_.fail(keyflowError, exchange.secrets, exchange);
      }
    } else if (error.code === ShakaErrorCode.SERVER_CERTIFICATE_REQUIRED) {
      keyflowError = this.certificateError(lastKeySystem, error.code);
      this.ctx_.fail(keyflowError, []);
    } else if (error.code === ShakaErrorCode.FAILED_TO_GENERATE_LICENSE_REQUEST && fairPlayWithoutCertificate(this.ctx_.player())) {
      keyflowError = this.certificateError(fairPlayWithoutCertificate(this.ctx_.player()), error.code);
      this.ctx_.fail(keyflowError, []);
    } else if (error.code === ShakaErrorCode.LICENSE_RESPONSE_REJECTED && lastKeySystem) {
      const reason = typeof error.data[0] === 'string' ? `: ${error.data[0]}` : '';
      keyflowError = new KeyflowError('LICENSE_REJECTED', `The CDM rejected the license${reason}`, { keySystem: lastKeySystem });
      attachKeyflowError(error, keyflowError);
      this.ctx_.fail(keyflowError, [], this.ctx_.rejectedRenewal()); // a rejected renewal license: renewalfailed too
    }
    if (keyflowError) attachKeyflowError(error, keyflowError);
  };

  /**
   * A token rejection the line could not replay (Shaka 4.x): a renewal gets a new token for the
   * CDM's next renewal request (no reload: the keys in use are still valid); a license request
   * is recovered as the Shaka line does (4.x: new token, reload).
   */
  private recoverFromTokenRejection_(rejection: KeyflowError, exchange: Exchange): KeyflowError {
    if (!exchange.renewal) return this.line_.recoverFromTokenRejection(rejection, exchange, this.ctx_);
    if (this.ctx_.canRefreshToken() && !exchange.tokenRefreshed) {
      exchange.needsNewToken = true;
      this.ctx_.tokens.tokenFor(exchange, exchange.attempt + 1).catch(() => undefined);
    }
    return rejection;
  }

  private errorForAttempt_(failed: FailedAttempt, exchange: Exchange): KeyflowError {
    if (failed.status !== undefined) {
      // Redact the whole reply before the provider reads (and cuts) any of it; an oversized one is not read.
      const text = failed.bodyText ?? '';
      const headers: Record<string, string> = {};
      const longSecrets = exchange.secrets.filter((secret) => secret.length >= 4);
      for (const [name, value] of Object.entries(failed.headers ?? {})) headers[name] = redact(String(value), longSecrets);
      return this.ctx_.provider().decodeFailure(
        {
          kind: exchange.kind,
          keySystem: exchange.keySystem,
          status: failed.status,
          headers,
          // Secrets of 1-3 characters are left for the final redaction of the error's strings: searched
          // for in a raw reply, they would garble the codes the provider reads (`-4012`).
          bodyText:
            text.length > MAX_REPLY_BYTES
              ? ''
              : redact(
                  text,
                  exchange.secrets.filter((secret) => secret.length >= 4),
                ),
        },
        this.ctx_.config(),
      );
    }
    return new KeyflowError('LICENSE_REQUEST_FAILED', `The ${exchange.kind} request got no answer (network error or timeout)`, {
      keySystem: exchange.keySystem,
    });
  }

  /**
   * `load()` rejected: redact the error, and explain Shaka's key system
   * failures (6001, 6012), which never reach the `error` event.
   */
  readonly onLoadFailure = (error: unknown): void => {
    if (this.ctx_.isDestroyed() || !isShakaError(error)) return;
    redactShakaErrorChain(error, this.ctx_.secrets.knownSecrets());
    if (findKeyflowError(error)) return;
    let typed: KeyflowError | null = null;
    if (error.code === NO_LICENSE_SERVER_GIVEN)
      typed = noLicenseServerError(typeof error.data[0] === 'string' ? error.data[0] : null, this.ctx_.keySystemFacts());
    else if (error.code === KEY_SYSTEM_UNAVAILABLE) typed = noKeySystemError(this.ctx_.keySystemFacts());
    if (!typed) return;
    attachKeyflowError(error, typed);
    this.ctx_.fail(typed, []);
  };
}

/** The exchange's token was fetched for another title (`tokenScope: 'service'`) and not yet replaced. */
function isBorrowed(exchange: Exchange): boolean {
  return !exchange.tokenRefreshed && !!exchange.token && exchange.token.key.manifestUri !== exchange.manifestUri;
}
