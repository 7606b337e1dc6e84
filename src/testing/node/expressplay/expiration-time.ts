/**
 * The token API's `expirationTime` parameter (Adobe Primetime token reference: an RFC 3339 Zulu
 * time or `+seconds`, at most 30 days ahead, default 30 days). Emulator choices: `+N` needs
 * 1 ≤ N ≤ 2592000; the time must be a real calendar UTC time (`T`/`Z` in either case, fraction
 * allowed, no leap second) strictly after now; a `+` that arrived as a space (sent un-encoded
 * instead of `%2B`) is refused with a hint. Every failure is -2002 (HTTP 400).
 *
 * @module
 */

import { ApiError, ExpressPlayErrorCode } from './errors.js';
import { MAX_TOKEN_LIFETIME_MS } from './types.js';

const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?[Zz]$/;

const invalid = (detail: string): ApiError =>
  new ApiError(400, ExpressPlayErrorCode.INVALID_EXPIRATION_TIME, `Invalid token expiration time: ${detail}`);

/** An RFC 3339 UTC time in ms; throws -2002 when it is not one or not a real date. */
function parseUtcTime(raw: string): number {
  const m = RFC3339_UTC.exec(raw);
  if (!m) throw invalid("expected RFC 3339 UTC time (e.g. 2006-04-14T12:01:10Z) or '+<seconds>'");
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(time);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw invalid('not a valid calendar date/time');
  }
  return time;
}

/** Parses the `expirationTime` parameter; returns the expiry in ms or throws an {@link ApiError} (-2002). */
export function parseExpirationTime(raw: string | null, now: number): number {
  if (raw === null || raw === '') return now + MAX_TOKEN_LIFETIME_MS;
  let exp: number;
  const relative = /^\+(\d{1,10})$/.exec(raw);
  if (relative) {
    const seconds = Number(relative[1]);
    if (seconds < 1) throw invalid('relative time must be at least +1 second');
    exp = now + seconds * 1000;
  } else if (/^ \d+$/.test(raw)) {
    throw invalid("relative time arrived without its '+' (send it URL-encoded as %2B)");
  } else {
    exp = parseUtcTime(raw);
  }
  if (exp <= now) throw invalid('time is in the past');
  if (exp - now > MAX_TOKEN_LIFETIME_MS) throw invalid('more than 30 days ahead');
  return exp;
}
