/**
 * The one error type the PSSH / init-data decoders throw.
 *
 * Every decoder in `src/pssh/` either returns a value or throws a
 * {@link PsshDecodeError}; anything unexpected inside a decoder is caught and
 * re-thrown as one with code `'INTERNAL'` (which always indicates a bug here,
 * never bad input).
 */

/**
 * Stable, machine-readable reasons a decode can fail.
 *
 * - `TRUNCATED`: the data ends before a size, length or count says it should.
 * - `BAD_BOX`: an ISO BMFF box that is not a `pssh` box where one was expected.
 * - `BAD_SIZE`: a box size field that is impossible (0, smaller than its header).
 * - `BAD_VERSION`: a `pssh` box version other than 0 or 1.
 * - `BAD_PROTOBUF`: malformed Widevine PSSH data (protobuf wire format).
 * - `BAD_PLAYREADY_OBJECT`: malformed PlayReady Object framing (lengths, records).
 * - `BAD_WRMHEADER`: the PlayReady Header is not valid UTF-16LE, not well-formed
 *   XML, or not a WRMHEADER this decoder understands.
 * - `BAD_KEYIDS_JSON`: malformed W3C "keyids" init data.
 * - `BAD_WEBM_KEY_ID`: "webm" init data that is not a 1..512-byte key ID.
 * - `BAD_BASE64`, `BAD_HEX`: text that is not valid base64 / base64url / hex.
 * - `EMPTY`: empty init data (EME rejects it too).
 * - `UNSUPPORTED_INIT_DATA_TYPE`: an init-data type other than cenc/keyids/webm.
 * - `BAD_INPUT`: the argument is not bytes (or not a string) at all.
 * - `TOO_LARGE`: the input exceeds the decoder's hard size cap.
 * - `INTERNAL`: an unexpected exception inside a decoder (a bug).
 */
export type PsshDecodeErrorCode =
  | 'TRUNCATED'
  | 'BAD_BOX'
  | 'BAD_SIZE'
  | 'BAD_VERSION'
  | 'BAD_PROTOBUF'
  | 'BAD_PLAYREADY_OBJECT'
  | 'BAD_WRMHEADER'
  | 'BAD_KEYIDS_JSON'
  | 'BAD_WEBM_KEY_ID'
  | 'BAD_BASE64'
  | 'BAD_HEX'
  | 'EMPTY'
  | 'UNSUPPORTED_INIT_DATA_TYPE'
  | 'BAD_INPUT'
  | 'TOO_LARGE'
  | 'INTERNAL';

/**
 * Thrown by every PSSH / init-data decoder when the input cannot be decoded.
 *
 * `code` is stable and meant for programs; `message` is for humans and may
 * change. `offset`, when present, is the byte offset (or, for XML and JSON
 * text, the character offset) where the problem was detected. For a problem
 * inside a nested structure (Widevine data or a PlayReady Object inside a
 * `pssh` box, a WRMHEADER inside a PlayReady Object) the offset is relative to
 * the innermost structure; the message says which one.
 */
export class PsshDecodeError extends Error {
  /** Stable reason code, see {@link PsshDecodeErrorCode}. */
  readonly code: PsshDecodeErrorCode;
  /** Byte (or character) offset in the decoder's input, when known. */
  readonly offset?: number;

  /**
   * @param code stable reason code
   * @param message human-readable description (no secrets: it may be logged)
   * @param offset byte or character offset in the decoder's input, if known
   */
  constructor(code: PsshDecodeErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at offset ${offset})`);
    // Restore the prototype chain: needed when compiled to ES5, harmless (and
    // a guard against odd transpiler settings) for ES2019+ class output.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'PsshDecodeError';
    this.code = code;
    if (offset !== undefined) this.offset = offset;
  }
}

/**
 * Runs a decoder body and guarantees that only {@link PsshDecodeError} escapes:
 * any other exception (a bug, or an engine error such as a RangeError) is
 * re-thrown as `PsshDecodeError('INTERNAL')` carrying the original message.
 *
 * @param what short name of the decoder, used in the INTERNAL message
 * @param body the decoding work
 */
export function guardDecode<T>(what: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof PsshDecodeError) throw e;
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new PsshDecodeError('INTERNAL', `${what}: unexpected failure (${detail})`);
  }
}
