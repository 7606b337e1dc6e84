import type { KeyflowErrorCode } from '../../api/errors';

/**
 * Parses `text` as JSON, returning `undefined` instead of throwing when it is
 * not JSON (license servers send HTML error pages too).
 */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The keyflow error code for an HTTP status when the provider's body says
 * nothing more specific.
 */
export function codeForStatus(status: number): KeyflowErrorCode {
  if (status === 401) return 'TOKEN_INVALID';
  if (status === 403) return 'NOT_ENTITLED';
  if (status === 400) return 'BAD_REQUEST';
  return 'LICENSE_SERVER_ERROR';
}
