/**
 * What differs between the Shaka lines keyflow supports, as one strategy
 * object chosen once per player from `shaka.Player.version`:
 * `line-5.ts` (request filters run before every attempt, so a rejected token
 * is refreshed and the same challenge replayed) and `line-4.ts` (filters run
 * once per request, so a rejected token is recovered by reloading).
 *
 * @module
 */
import type { ShakaPlayer } from './types';
import { createShaka4Line } from './line-4';
import { SHAKA_5_LINE } from './line-5';
import type { ShakaLine } from './line-types';

/** The major version of a player's Shaka (`shaka.Player.version`, e.g. `v4.16.50`), or null. */
export function shakaMajorOf(player: ShakaPlayer): number | null {
  const version = (player.constructor as { version?: unknown } | undefined)?.version;
  const match = typeof version === 'string' ? /^v?(\d+)\./.exec(version) : null;
  return match ? Number(match[1]) : null;
}

/**
 * The line of `player`: 4.x below 5, 5.x from 5 on; when the version cannot
 * be read (a wrapped or proxied player), each request tells: its exchange
 * has per-attempt filters when Shaka set `request.attempt` (5.0 and later).
 */
export function shakaLineFor(player: ShakaPlayer): ShakaLine {
  const major = shakaMajorOf(player);
  if (major !== null) return major < 5 ? createShaka4Line() : SHAKA_5_LINE;
  const shaka4 = createShaka4Line();
  return {
    name: 'unknown',
    perAttemptFilters: null,
    recoverFromTokenRejection: (rejection, exchange, ctx) =>
      exchange.perAttemptFilters ? rejection : shaka4.recoverFromTokenRejection(rejection, exchange, ctx),
  };
}
