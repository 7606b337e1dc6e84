/**
 * The token as text: what `{token}` inserts and what a token format checks.
 *
 * @module
 */
import { KeyflowError } from '../../api/errors';

/** The token string: a string token, or the `token` field of an object token. */
export function tokenString(token: unknown, keySystem: string): string {
  const raw = token && typeof token === 'object' ? (token as { token?: unknown }).token : token;
  if (typeof raw === 'string' && raw.trim()) return raw.trim();
  const what =
    token === null || token === undefined
      ? 'nothing'
      : typeof token === 'object'
        ? 'an object without a non-empty string `token` field'
        : typeof token === 'string'
          ? 'an empty token'
          : `a ${typeof token}`;
  throw new KeyflowError('TOKEN_MALFORMED', `Token source returned ${what}`, { keySystem });
}
