/**
 * Minimal protocol-buffers wire-format reader, just enough to decode the
 * Widevine PSSH data message without a protobuf library.
 *
 * Wire types (https://protobuf.dev/programming-guides/encoding/):
 * 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. The group
 * wire types 3/4 (deprecated, never used by WidevinePsshData) and the
 * undefined 6/7 are rejected as malformed.
 */

import { PsshDecodeError } from './errors';
import { ByteReader } from './bytes';

/** Wire type of a varint field. */
export const WIRE_VARINT = 0;
/** Wire type of a fixed 64-bit field. */
const WIRE_FIXED64 = 1;
/** Wire type of a length-delimited field (bytes, string, sub-message). */
export const WIRE_LENGTH_DELIMITED = 2;
/** Wire type of a fixed 32-bit field. */
const WIRE_FIXED32 = 5;

/** The wire types this reader accepts. */
export type WireType = 0 | 1 | 2 | 5;

/** A field key: field number, wire type and where the key started. */
export interface ProtobufTag {
  /** Field number (1 .. 2^29 - 1). */
  fieldNumber: number;
  /** Wire type of the value that follows. */
  wireType: WireType;
  /** Offset of the key's first byte in the input. */
  offset: number;
}

/** A decoded varint split into two unsigned 32-bit halves. */
export interface Varint {
  /** Bits 0..31, unsigned. */
  lo: number;
  /** Bits 32..63, unsigned. */
  hi: number;
}

const MAX_VARINT_BYTES = 10;

/**
 * Sequential reader for one protobuf message occupying `[start, end)` of
 * `bytes`. Running past `end` throws `TRUNCATED`; structural faults throw
 * `BAD_PROTOBUF`.
 */
export class ProtobufReader {
  private readonly r: ByteReader;

  /**
   * @param bytes the underlying array
   * @param start offset of the message's first byte (default 0)
   * @param end one past the message's last byte (default `bytes.length`)
   */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.r = new ByteReader(bytes, start, end);
  }

  /** True once every byte of the message has been consumed. */
  get done(): boolean {
    return this.r.remaining === 0;
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.r.offset;
  }

  /**
   * Reads a varint of at most 10 bytes. Bits beyond 64 in the tenth byte are
   * discarded (as protobuf implementations do).
   *
   * @throws PsshDecodeError `BAD_PROTOBUF` if longer than 10 bytes, `TRUNCATED`
   *   if the message ends inside it
   */
  readVarint(what = 'varint'): Varint {
    const start = this.r.offset;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.r.u8(what);
      const bits = b & 0x7f;
      if (i < 4) {
        lo |= bits << (7 * i);
      } else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >> 4;
      } else {
        hi |= bits << (7 * i - 32);
      }
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw new PsshDecodeError('BAD_PROTOBUF', `${what} is longer than ${MAX_VARINT_BYTES} bytes`, start);
  }

  /**
   * Reads a field key.
   *
   * @throws PsshDecodeError `BAD_PROTOBUF` for field number 0, a key wider
   *   than 32 bits, or wire type 3, 4, 6 or 7
   */
  readTag(): ProtobufTag {
    const offset = this.r.offset;
    const { lo, hi } = this.readVarint('field key');
    const fieldNumber = lo >>> 3;
    const wireType = lo & 7;
    if (hi !== 0 || fieldNumber === 0) {
      throw new PsshDecodeError('BAD_PROTOBUF', `invalid field number in key`, offset);
    }
    if (wireType === 3 || wireType === 4) {
      throw new PsshDecodeError('BAD_PROTOBUF', `group wire type ${wireType} is not supported`, offset);
    }
    if (wireType === 6 || wireType === 7) {
      throw new PsshDecodeError('BAD_PROTOBUF', `invalid wire type ${wireType}`, offset);
    }
    return { fieldNumber, wireType: wireType as WireType, offset };
  }

  /**
   * Reads a varint and keeps its low 32 bits, as protobuf does for `uint32`
   * and enum fields.
   */
  readUint32(what = 'uint32 field'): number {
    return this.readVarint(what).lo;
  }

  /**
   * Reads a length-delimited value and returns a view of its bytes.
   *
   * @throws PsshDecodeError `TRUNCATED` if the length runs past the message
   */
  readLengthDelimited(what = 'length-delimited field'): Uint8Array {
    const offset = this.r.offset;
    const { lo, hi } = this.readVarint(`${what} length`);
    if (hi !== 0 || lo > this.r.remaining) {
      throw new PsshDecodeError('TRUNCATED', `${what} length ${hi !== 0 ? '>= 2^32' : lo} runs past the end of the message`, offset);
    }
    return this.r.bytesView(lo, what);
  }

  /**
   * Skips a value of the given wire type (for unknown fields).
   */
  skipValue(wireType: WireType): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.readVarint('unknown varint field');
        return;
      case WIRE_FIXED64:
        this.r.skip(8, 'unknown fixed64 field');
        return;
      case WIRE_LENGTH_DELIMITED:
        this.readLengthDelimited('unknown length-delimited field');
        return;
      case WIRE_FIXED32:
        this.r.skip(4, 'unknown fixed32 field');
        return;
    }
  }
}
