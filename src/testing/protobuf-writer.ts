/**
 * Minimal protocol-buffers writer for the test CDM's emulated Widevine
 * messages (proto2 wire format, https://protobuf.dev/programming-guides/encoding/).
 * Only what those messages use: varint fields (enums, bools, uint32, int64
 * with non-negative values) and length-delimited fields (bytes, strings,
 * sub-messages). Fields are written in the order the caller adds them;
 * callers add them in field-number order, as protobuf serializers do, so
 * the output is canonical and byte-exact tests are meaningful.
 *
 * Reading uses the PSSH decoders' `ProtobufReader` (src/pssh/protobuf.ts).
 *
 * @module
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function varintBytes(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > MAX_SAFE) {
    throw new RangeError(`protobuf varint must be a non-negative safe integer, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const utf8 = new TextEncoder();

/** Accumulates one protobuf message. */
export class ProtobufWriter {
  private readonly parts: number[] = [];

  private tag(fieldNumber: number, wireType: number): void {
    if (!Number.isInteger(fieldNumber) || fieldNumber < 1 || fieldNumber > 0x1fffffff) {
      throw new RangeError(`invalid protobuf field number ${fieldNumber}`);
    }
    this.parts.push(...varintBytes(fieldNumber * 8 + wireType));
  }

  /** A varint field (uint32, non-negative int64, enum). */
  uint(fieldNumber: number, value: number): this {
    this.tag(fieldNumber, WIRE_VARINT);
    this.parts.push(...varintBytes(value));
    return this;
  }

  /** A bool field (varint 0 or 1). */
  bool(fieldNumber: number, value: boolean): this {
    return this.uint(fieldNumber, value ? 1 : 0);
  }

  /** A bytes (or embedded message) field. */
  bytes(fieldNumber: number, value: Uint8Array): this {
    this.tag(fieldNumber, WIRE_LENGTH_DELIMITED);
    this.parts.push(...varintBytes(value.length));
    for (let i = 0; i < value.length; i++) this.parts.push(value[i]!);
    return this;
  }

  /** A string field (UTF-8). */
  string(fieldNumber: number, value: string): this {
    return this.bytes(fieldNumber, utf8.encode(value));
  }

  /** An embedded message field. */
  message(fieldNumber: number, value: ProtobufWriter): this {
    return this.bytes(fieldNumber, value.finish());
  }

  /** The serialized message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
