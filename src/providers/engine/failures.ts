import { KeyflowError, type KeyflowErrorCode } from '../../api/errors';
import type { DrmHttpFailure } from '../preset';

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

/**
 * Builds the {@link KeyflowError} for a failed reply from a code, the
 * provider's name and what the body said.
 */
export function failureError(
  failure: DrmHttpFailure,
  code: KeyflowErrorCode,
  providerName: string,
  providerCode?: number | string,
  providerMessage?: string,
): KeyflowError {
  const what = failure.kind === 'certificate' ? 'certificate' : 'license';
  const said = [providerCode, providerMessage].filter((part) => part !== undefined && part !== '').join(' ');
  const message = `${providerName} ${what} server answered HTTP ${failure.status}${said ? ` (${said})` : ''}`;
  return new KeyflowError(code, message, {
    keySystem: failure.keySystem,
    httpStatus: failure.status,
    ...(providerCode !== undefined ? { providerCode } : {}),
  });
}
