/**
 * The error the emulated-message codecs of `shaka-keyflow/testing` throw.
 *
 * @module
 */

/** Why an emulated message could not be decoded. */
export type EmulatedMessageErrorCode =
  /** Not the protobuf / XML structure expected (truncated, wrong wire type, not well-formed). */
  | 'MALFORMED'
  /** Well-formed, but a different message type than the one expected (e.g. a LICENSE where a LICENSE_REQUEST belongs). */
  | 'WRONG_TYPE'
  /** A required field is missing or has an impossible value. */
  | 'MISSING_FIELD'
  /** The content is valid but asks for something the emulation does not do (e.g. a content_id-only PSSH). */
  | 'UNSUPPORTED';

/** Thrown by the encoders/decoders of emulated Widevine and PlayReady messages. */
export class EmulatedMessageError extends Error {
  /** Stable reason. */
  readonly code: EmulatedMessageErrorCode;

  constructor(code: EmulatedMessageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'EmulatedMessageError';
    this.code = code;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** Runs a decoder body and turns any non-EmulatedMessageError into `MALFORMED`. */
export function guardMessage<T>(what: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof EmulatedMessageError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmulatedMessageError('MALFORMED', `${what}: ${reason}`, { cause: error });
  }
}
