import { ShakaErrorCode, ShakaRequestType, type ShakaErrorLike } from './types';

/** True for anything shaped like a `shaka.util.Error`. */
export function isShakaError(value: unknown): value is ShakaErrorLike {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as ShakaErrorLike).code === 'number' &&
    Array.isArray((value as ShakaErrorLike).data)
  );
}

/** What a failed network attempt of a DRM request looked like, read from a Shaka network error. */
export interface FailedAttempt {
  /** The URI that was requested. */
  uri: string;
  /** Shaka's request type (LICENSE or SERVER_CERTIFICATE). */
  requestType: number;
  /** The HTTP status, when the server answered (error 1001). */
  status?: number;
  /** The reply body as text, when the server answered. */
  bodyText?: string;
  /** Reply headers (lower-case names), when the server answered. */
  headers?: Record<string, string>;
}

/**
 * Reads a Shaka network error (1001 BAD_HTTP_STATUS, 1002 HTTP_ERROR,
 * 1003 TIMEOUT) of a LICENSE or SERVER_CERTIFICATE request. The data layouts
 * are documented in shaka-player `lib/util/error.js`.
 */
export function readFailedAttempt(error: ShakaErrorLike): FailedAttempt | null {
  const { code, data } = error;
  const uri = data[0];
  if (typeof uri !== 'string') return null;
  let requestType: unknown;
  if (code === ShakaErrorCode.BAD_HTTP_STATUS) requestType = data[4];
  else if (code === ShakaErrorCode.HTTP_ERROR) requestType = data[2];
  else if (code === ShakaErrorCode.TIMEOUT) requestType = data[1];
  else return null;
  if (requestType !== ShakaRequestType.LICENSE && requestType !== ShakaRequestType.SERVER_CERTIFICATE) return null;
  const attempt: FailedAttempt = { uri, requestType };
  if (code === ShakaErrorCode.BAD_HTTP_STATUS) {
    attempt.status = Number(data[1]);
    attempt.bodyText = typeof data[2] === 'string' ? data[2] : '';
    attempt.headers = (data[3] && typeof data[3] === 'object' ? data[3] : {}) as Record<string, string>;
  }
  return attempt;
}
