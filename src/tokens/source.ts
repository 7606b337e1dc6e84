import { KeyflowError } from '../api/errors';

/** What keyflow tells a token source about the license request it needs a token for. */
export interface TokenContext {
  /** The EME key system Shaka chose, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The manifest URI being played, when known (null for `prepare()`: a token for any title). */
  manifestUri: string | null;
  /** Key IDs of the content, lower-case hex, when known (from the manifest or init data). */
  keyIds: string[];
  /** 0 for a first request; higher when a request is retried. */
  attempt: number;
  /** Aborted when keyflow is destroyed or no longer needs the token. */
  signal: AbortSignal;
}

/**
 * Where a token comes from: the value itself, or a function (usually calling
 * the app's own backend) that returns it, synchronously or as a promise.
 */
export type TokenSource<T> = T | ((context: TokenContext) => T | Promise<T>);

/**
 * Calls a token source with a timeout and an abort signal, turning every
 * failure into a {@link KeyflowError} that never contains the token.
 *
 * @param source the configured token source
 * @param context the context passed to a function source
 * @param timeoutMs how long a function source may take
 */
export function resolveToken<T>(source: TokenSource<T>, context: TokenContext, timeoutMs: number): Promise<T> {
  if (typeof source !== 'function') return Promise.resolve(source);
  const { keySystem, signal } = context;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      const reason: unknown = signal.reason;
      reject(
        reason instanceof KeyflowError
          ? reason
          : new KeyflowError('ABORTED', 'Token fetch abandoned: a new load started or keyflow was destroyed', { keySystem }),
      );
    };
    const timer = setTimeout(() => {
      if (finish()) {
        reject(new KeyflowError('TOKEN_TIMEOUT', `Token source did not answer within ${timeoutMs} ms`, { keySystem }));
      }
    }, timeoutMs);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort);
    let result: T | Promise<T>;
    try {
      result = (source as (context: TokenContext) => T | Promise<T>)(context);
    } catch (error) {
      if (finish()) reject(tokenSourceFailed(error, keySystem));
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(tokenSourceFailed(error, keySystem));
      },
    );
  });
}

/** True for a fetch `Response` (or anything shaped like one) a token source threw. */
function isResponseLike(value: unknown): value is { status: number; ok?: boolean; statusText?: string } {
  return (
    (typeof Response !== 'undefined' && value instanceof Response) ||
    (!!value &&
      typeof value === 'object' &&
      typeof (value as { status?: unknown }).status === 'number' &&
      'headers' in value &&
      'ok' in value)
  );
}

/**
 * The typed error for a token source that threw or rejected with `error`.
 *
 * - A thrown fetch `Response` (`if (!res.ok) throw res;`) gives the backend's
 *   status as `httpStatus` and says so in the message.
 * - A `SyntaxError` (e.g. `res.json()` on a raw token) keeps its name but not
 *   its message: V8 and Firefox quote the start of the text they could not
 *   parse, which may be the token itself. `cause` is a new SyntaxError with
 *   the neutral message.
 * - Any other error keeps its message (the app's own words) as the cause.
 */
function tokenSourceFailed(error: unknown, keySystem: string): KeyflowError {
  if (error instanceof KeyflowError) return error;
  if (isResponseLike(error)) {
    return new KeyflowError('TOKEN_SOURCE_FAILED', `Token source failed: the token backend answered HTTP ${error.status}`, {
      keySystem,
      httpStatus: error.status,
    });
  }
  if (error instanceof SyntaxError) {
    const withheld = "the token source could not parse its backend's reply (message withheld: it may quote the token)";
    return new KeyflowError('TOKEN_SOURCE_FAILED', `Token source failed: SyntaxError: ${withheld}`, {
      keySystem,
      cause: new SyntaxError(withheld),
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new KeyflowError('TOKEN_SOURCE_FAILED', `Token source failed: ${reason}`, { keySystem, cause: error });
}
