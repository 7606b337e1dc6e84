/**
 * Works out when a token expires, without trusting or verifying it: an
 * `expiresAt` the token source returned with the token (an object
 * `{ token, expiresAt }`) first, else a JWT's `exp` claim (JWS compact form,
 * the payload's `exp` in seconds); anything else is opaque and gets no
 * expiry of its own.
 */
import { parsedObject, queryValues } from './secrets';

function base64UrlToText(segment: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return null;
  const padded = segment.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((segment.length + 3) % 4);
  try {
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The `exp` of a JWT, in milliseconds since the epoch, or null when `token` is not a JWT with one. */
export function jwtExpiry(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  const payload = base64UrlToText(parts[1]);
  if (payload === null) return null;
  try {
    const claims = JSON.parse(payload) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * The expiry of whatever a token source returned: a JWT string, an object
 * with a `token` field holding one, or a URL carrying one in a query
 * parameter. Null when none of these applies.
 */
export function tokenExpiry(value: unknown): number | null {
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    // A token API's JSON answer given as text (ExpressPlay's PlayReady token API): read as the object.
    const parsed = parsedObject(value);
    return parsed ? tokenExpiry(parsed) : null;
  }
  if (typeof value === 'string') {
    const direct = jwtExpiry(value.trim());
    if (direct !== null) return direct;
    for (const decoded of queryValues(value)) {
      const fromParam = jwtExpiry(decoded);
      if (fromParam !== null) return fromParam;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    const { token, expiresAt } = value as { token?: unknown; expiresAt?: unknown };
    const given = expiresAt === undefined ? null : expiryTime(expiresAt);
    if (given !== null) return given;
    if (typeof token === 'string') return jwtExpiry(token);
  }
  return null;
}

/** Numbers below this are seconds since the epoch (as a JWT's `exp`), not milliseconds (1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;

/**
 * An `expiresAt` as milliseconds since the epoch: a number (milliseconds, or
 * seconds when below 1e11, as a JWT's `exp` is written), a `Date`, or a
 * date-time string (`2026-12-01T10:00:00Z`, as ExpressPlay's
 * `expirationTime` is written). Null for anything else (then the token's own
 * expiry, or `tokenMaxAgeMs`, applies).
 */
function expiryTime(value: unknown): number | null {
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (typeof time !== 'number' || !Number.isFinite(time) || time <= 0) return null;
  return time < SECONDS_BELOW ? time * 1000 : time;
}
