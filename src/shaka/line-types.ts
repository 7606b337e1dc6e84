/**
 * The behaviour that differs between Shaka lines, as a strategy object: what
 * `line-4.ts` and `line-5.ts` implement and `shaka-line.ts` chooses.
 *
 * @module
 */
import type { KeyflowError } from '../api/errors';
import type { TokenBroker } from '../tokens/broker';
import type { Exchange } from './exchanges';
import type { ShakaPlayer } from './types';

/** What a line's recovery may use of keyflow. */
export interface RecoveryContext {
  /** The player, until keyflow is destroyed. */
  player(): ShakaPlayer | null;
  readonly tokens: TokenBroker;
  isDestroyed(): boolean;
  /** A token function is configured and `refreshRejectedToken` is on. */
  canRefreshToken(): boolean;
}

/** The behaviour of one Shaka line. */
export interface ShakaLine {
  /** `4.x`, `5.x`, or `unknown` (the version could not be read: decided per request). */
  readonly name: '4.x' | '5.x' | 'unknown';
  /**
   * Request filters run before every attempt (5.x): a retry can carry a new
   * token, and a failure decided in the `retry` event is thrown by the next
   * filter run instead of another request. Null when the version is unknown:
   * each request tells (`request.attempt` is set from 5.0 on).
   */
  readonly perAttemptFilters: boolean | null;
  /**
   * A token rejection reached the player's `error` event (only on a line
   * without per-attempt filters): recover if the line can, and return the
   * error to report.
   */
  recoverFromTokenRejection(rejection: KeyflowError, exchange: Exchange, ctx: RecoveryContext): KeyflowError;
}
