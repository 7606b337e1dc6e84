/**
 * Shaka 5.x: request filters run before every attempt (`request.attempt` is
 * 0, 1, 2, ...), so the retry policy refreshes a rejected token and the same
 * challenge goes out again; nothing is left to recover in the `error` event.
 *
 * @module
 */
import type { ShakaLine } from './line-types';

/** The Shaka 5.x line. */
export const SHAKA_5_LINE: ShakaLine = {
  name: '5.x',
  perAttemptFilters: true,
  recoverFromTokenRejection: (rejection) => rejection,
};
