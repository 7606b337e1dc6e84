/**
 * Reads one protobuf message into a field table, on top of the PSSH
 * decoders' bounds-checked `ProtobufReader`. Used by the emulated Widevine
 * message decoders: small messages, so a table is simpler than streaming.
 *
 * @module
 */

import { ProtobufReader, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../pssh/protobuf';
import { EmulatedMessageError } from './message-error';

/** One field occurrence: a varint value or length-delimited bytes (fixed-width fields are kept as bytes). */
type FieldValue = { wire: 'varint'; value: number } | { wire: 'bytes'; value: Uint8Array } | { wire: 'fixed' };

/** The fields of one message, by field number, in wire order. */
export class ProtobufFields {
  private constructor(
    private readonly what: string,
    private readonly fields: Map<number, FieldValue[]>,
  ) {}

  /**
   * Parses `bytes` as one message. Unknown fields are kept (and ignored by
   * the getters' callers); groups and truncation are errors.
   *
   * @throws EmulatedMessageError `MALFORMED`
   */
  static parse(bytes: Uint8Array, what: string): ProtobufFields {
    const fields = new Map<number, FieldValue[]>();
    try {
      const reader = new ProtobufReader(bytes);
      while (!reader.done) {
        const tag = reader.readTag();
        let value: FieldValue;
        if (tag.wireType === WIRE_VARINT) {
          const { lo, hi } = reader.readVarint();
          value = { wire: 'varint', value: hi * 0x100000000 + lo };
        } else if (tag.wireType === WIRE_LENGTH_DELIMITED) {
          value = { wire: 'bytes', value: reader.readLengthDelimited().slice() };
        } else {
          reader.skipValue(tag.wireType);
          value = { wire: 'fixed' };
        }
        const list = fields.get(tag.fieldNumber);
        if (list) list.push(value);
        else fields.set(tag.fieldNumber, [value]);
      }
    } catch (error) {
      if (error instanceof EmulatedMessageError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new EmulatedMessageError('MALFORMED', `${what} is not a valid protobuf message: ${reason}`, { cause: error });
    }
    return new ProtobufFields(what, fields);
  }

  /** Whether the field occurs at all. */
  has(fieldNumber: number): boolean {
    return this.fields.has(fieldNumber);
  }

  /** The last occurrence of a varint field (proto2 "last one wins"), or undefined. */
  varint(fieldNumber: number): number | undefined {
    const list = this.fields.get(fieldNumber);
    if (!list) return undefined;
    const last = list[list.length - 1]!;
    if (last.wire !== 'varint') throw this.wrongWire(fieldNumber, 'a varint');
    return last.value;
  }

  /** The last occurrence of a length-delimited field, or undefined. */
  bytes(fieldNumber: number): Uint8Array | undefined {
    const list = this.fields.get(fieldNumber);
    if (!list) return undefined;
    const last = list[list.length - 1]!;
    if (last.wire !== 'bytes') throw this.wrongWire(fieldNumber, 'length-delimited');
    return last.value;
  }

  /** Every occurrence of a repeated length-delimited field, in order. */
  repeatedBytes(fieldNumber: number): Uint8Array[] {
    return (this.fields.get(fieldNumber) ?? []).map((entry) => {
      if (entry.wire !== 'bytes') throw this.wrongWire(fieldNumber, 'length-delimited');
      return entry.value;
    });
  }

  /** Every occurrence of a repeated varint field (unpacked encoding only). */
  repeatedVarint(fieldNumber: number): number[] {
    return (this.fields.get(fieldNumber) ?? []).map((entry) => {
      if (entry.wire !== 'varint') throw this.wrongWire(fieldNumber, 'a varint');
      return entry.value;
    });
  }

  /** A UTF-8 string field, or undefined. */
  string(fieldNumber: number): string | undefined {
    const value = this.bytes(fieldNumber);
    return value === undefined ? undefined : new TextDecoder('utf-8').decode(value);
  }

  private wrongWire(fieldNumber: number, expected: string): EmulatedMessageError {
    return new EmulatedMessageError('MALFORMED', `${this.what}: field ${fieldNumber} is not ${expected}`);
  }
}
