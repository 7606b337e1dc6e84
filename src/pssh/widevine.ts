/**
 * Decoder for the Widevine `pssh` Data payload, the protobuf message
 * `WidevinePsshData` (formats.md §3.3).
 *
 * Field numbers 1-10 follow Shaka Packager's copy of the message
 * (packager/media/base/widevine_pssh_data.proto); 11-17 follow the newer
 * upstream message (entitlement keys, key sequence, features) as found in
 * public ports of Widevine's proto. Unknown fields are skipped by wire type
 * and reported in `unknownFields`.
 */

import { PsshDecodeError, guardDecode } from './errors';
import { bytesToHex } from './bytes';
import { checkedBytes } from './limits';
import { ProtobufReader, WIRE_LENGTH_DELIMITED, WIRE_VARINT, type ProtobufTag, type WireType } from './protobuf';
import { decodeUtf8Lenient, decodeUtf8Strict, isPrintableText } from './text';

/** Names of the four CENC protection schemes (ISO/IEC 23001-7). */
export type ProtectionSchemeName = 'cenc' | 'cbcs' | 'cens' | 'cbc1';

/** `WidevinePsshData.Algorithm` (field 1, deprecated). */
export type WidevineAlgorithm = 'UNENCRYPTED' | 'AESCTR';

/** `WidevinePsshData.Type` (field 11). */
export type WidevinePsshType = 'SINGLE' | 'ENTITLEMENT' | 'ENTITLED_KEY';

/** One `WidevinePsshData.EntitledKey` (field 14); byte fields as lower-case hex. */
export interface WidevineEntitledKey {
  /** Field 1: ID of the entitlement key that wraps `key`. */
  entitlementKeyId?: string;
  /** Field 2: ID of the entitled (content) key. */
  keyId?: string;
  /** Field 3: the wrapped key. */
  key?: string;
  /** Field 4: IV used to wrap `key`. */
  iv?: string;
  /** Field 5: size of the entitlement key in bytes. */
  entitlementKeySizeBytes?: number;
}

/**
 * Decoded `WidevinePsshData`. Optional properties are absent when the field
 * is absent; byte fields are lower-case hex unless noted.
 */
export interface WidevinePsshData {
  /** Field 2 `key_id` (repeated): KIDs in big-endian UUID byte order, hex. */
  keyIds: string[];
  /** Field 1 `algorithm` (deprecated); unknown enum values as numbers. */
  algorithm?: WidevineAlgorithm | number;
  /** Field 3 `provider`. */
  provider?: string;
  /** Field 4 `content_id`, hex. */
  contentId?: string;
  /** Field 4 `content_id` as text, only when it is valid UTF-8 without control characters. */
  contentIdText?: string;
  /** Field 5 `track_type_deprecated` (e.g. SD, HD, AUDIO). */
  trackType?: string;
  /** Field 6 `policy`. */
  policy?: string;
  /** Field 7 `crypto_period_index` (key rotation). */
  cryptoPeriodIndex?: number;
  /** Field 8 `grouped_license` (a serialized SignedMessage), raw bytes (copy). */
  groupedLicense?: Uint8Array;
  /**
   * Field 9 `protection_scheme`: the four-character code the uint32 holds,
   * `'cenc' | 'cbcs' | 'cens' | 'cbc1'` for the CENC schemes, otherwise the
   * code's characters when printable or `0x…` hex. Absent means `cenc`.
   */
  protectionScheme?: ProtectionSchemeName | string;
  /** Field 9 as the raw uint32 (e.g. 0x63626373 for `cbcs`). */
  protectionSchemeValue?: number;
  /** Field 10 `crypto_period_seconds`. */
  cryptoPeriodSeconds?: number;
  /** Field 11 `type`; unknown enum values as numbers. Absent means SINGLE. */
  type?: WidevinePsshType | number;
  /** Field 12 `key_sequence`. */
  keySequence?: number;
  /** Field 13 `group_ids` (repeated), hex. */
  groupIds: string[];
  /** Field 14 `entitled_keys` (repeated). */
  entitledKeys: WidevineEntitledKey[];
  /** Field 15 `video_feature`. */
  videoFeature?: string;
  /** Field 16 `audio_feature`. */
  audioFeature?: string;
  /** Field 17 `entitlement_period_index`. */
  entitlementPeriodIndex?: number;
  /** Numbers of fields that were present but not understood (skipped), in first-seen order. */
  unknownFields: number[];
}

const SCHEMES: ReadonlyMap<number, ProtectionSchemeName> = new Map<number, ProtectionSchemeName>([
  [0x63656e63, 'cenc'],
  [0x63626373, 'cbcs'],
  [0x63656e73, 'cens'],
  [0x63626331, 'cbc1'],
]);

const ALGORITHMS: readonly WidevineAlgorithm[] = ['UNENCRYPTED', 'AESCTR'];
const TYPES: readonly WidevinePsshType[] = ['SINGLE', 'ENTITLEMENT', 'ENTITLED_KEY'];

/**
 * Decodes the Data payload of a Widevine `pssh` box (`WidevinePsshData`).
 * Empty data is a valid message with every field absent. Repeated occurrences
 * of a non-repeated field follow protobuf rules: the last one wins.
 *
 * @param data the protobuf bytes (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `BAD_PROTOBUF` (varint > 10 bytes, field 0, wire
 *   type 3/4/6/7, or a known field with the wrong wire type), `TRUNCATED`
 *   (a value or length runs past the end), `TOO_LARGE`, `BAD_INPUT`
 */
export function decodeWidevinePsshData(data: Uint8Array): WidevinePsshData {
  return guardDecode('decodeWidevinePsshData', () => {
    const bytes = checkedBytes(data, 'decodeWidevinePsshData');
    const out: WidevinePsshData = { keyIds: [], groupIds: [], entitledKeys: [], unknownFields: [] };
    const pb = new ProtobufReader(bytes);
    const unknown = new Set<number>();
    while (!pb.done) {
      const tag = pb.readTag();
      switch (tag.fieldNumber) {
        case 1:
          out.algorithm = enumValue(ALGORITHMS, varintField(pb, tag, 'algorithm'));
          break;
        case 2:
          out.keyIds.push(bytesToHex(bytesField(pb, tag, 'key_id')));
          break;
        case 3:
          out.provider = decodeUtf8Lenient(bytesField(pb, tag, 'provider'));
          break;
        case 4: {
          const contentId = bytesField(pb, tag, 'content_id');
          out.contentId = bytesToHex(contentId);
          const text = decodeUtf8Strict(contentId);
          if (text !== undefined && isPrintableText(text)) out.contentIdText = text;
          else delete out.contentIdText;
          break;
        }
        case 5:
          out.trackType = decodeUtf8Lenient(bytesField(pb, tag, 'track_type'));
          break;
        case 6:
          out.policy = decodeUtf8Lenient(bytesField(pb, tag, 'policy'));
          break;
        case 7:
          out.cryptoPeriodIndex = varintField(pb, tag, 'crypto_period_index');
          break;
        case 8:
          out.groupedLicense = bytesField(pb, tag, 'grouped_license').slice();
          break;
        case 9: {
          const value = varintField(pb, tag, 'protection_scheme');
          out.protectionSchemeValue = value;
          out.protectionScheme = protectionSchemeName(value);
          break;
        }
        case 10:
          out.cryptoPeriodSeconds = varintField(pb, tag, 'crypto_period_seconds');
          break;
        case 11:
          out.type = enumValue(TYPES, varintField(pb, tag, 'type'));
          break;
        case 12:
          out.keySequence = varintField(pb, tag, 'key_sequence');
          break;
        case 13:
          out.groupIds.push(bytesToHex(bytesField(pb, tag, 'group_ids')));
          break;
        case 14: {
          const message = bytesField(pb, tag, 'entitled_keys');
          // Read the sub-message in place so error offsets stay relative to the input.
          out.entitledKeys.push(decodeEntitledKey(bytes, pb.offset - message.length, pb.offset));
          break;
        }
        case 15:
          out.videoFeature = decodeUtf8Lenient(bytesField(pb, tag, 'video_feature'));
          break;
        case 16:
          out.audioFeature = decodeUtf8Lenient(bytesField(pb, tag, 'audio_feature'));
          break;
        case 17:
          out.entitlementPeriodIndex = varintField(pb, tag, 'entitlement_period_index');
          break;
        default:
          if (!unknown.has(tag.fieldNumber)) {
            unknown.add(tag.fieldNumber);
            out.unknownFields.push(tag.fieldNumber);
          }
          pb.skipValue(tag.wireType);
      }
    }
    return out;
  });
}

/**
 * Name for a `protection_scheme` value: the CENC scheme name, else the
 * four-character code when printable ASCII, else `0x` + 8 hex digits.
 */
export function protectionSchemeName(value: number): ProtectionSchemeName | string {
  const known = SCHEMES.get(value);
  if (known !== undefined) return known;
  const chars = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  if (chars.every((c) => c >= 0x20 && c <= 0x7e)) return String.fromCharCode(...chars);
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}

function decodeEntitledKey(bytes: Uint8Array, start: number, end: number): WidevineEntitledKey {
  const pb = new ProtobufReader(bytes, start, end);
  const key: WidevineEntitledKey = {};
  while (!pb.done) {
    const tag = pb.readTag();
    switch (tag.fieldNumber) {
      case 1:
        key.entitlementKeyId = bytesToHex(bytesField(pb, tag, 'entitlement_key_id'));
        break;
      case 2:
        key.keyId = bytesToHex(bytesField(pb, tag, 'key_id'));
        break;
      case 3:
        key.key = bytesToHex(bytesField(pb, tag, 'key'));
        break;
      case 4:
        key.iv = bytesToHex(bytesField(pb, tag, 'iv'));
        break;
      case 5:
        key.entitlementKeySizeBytes = varintField(pb, tag, 'entitlement_key_size_bytes');
        break;
      default:
        pb.skipValue(tag.wireType);
    }
  }
  return key;
}

function expectWireType(tag: ProtobufTag, expected: WireType, name: string): void {
  if (tag.wireType !== expected) {
    throw new PsshDecodeError(
      'BAD_PROTOBUF',
      `field ${tag.fieldNumber} (${name}) has wire type ${tag.wireType}, expected ${expected}`,
      tag.offset,
    );
  }
}

function bytesField(pb: ProtobufReader, tag: ProtobufTag, name: string): Uint8Array {
  expectWireType(tag, WIRE_LENGTH_DELIMITED, name);
  return pb.readLengthDelimited(name);
}

function varintField(pb: ProtobufReader, tag: ProtobufTag, name: string): number {
  expectWireType(tag, WIRE_VARINT, name);
  return pb.readUint32(name);
}

/** Maps a proto2 enum number to its name; unknown values stay numbers (int32 view). */
function enumValue<T extends string>(names: readonly T[], raw: number): T | number {
  const value = raw | 0;
  return value >= 0 && value < names.length ? names[value]! : value;
}
