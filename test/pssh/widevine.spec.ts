import { decodeWidevinePsshData, protectionSchemeName } from '../../src/pssh/widevine';
import { PsshDecodeError } from '../../src/pssh/errors';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { concat, expectDecodeError, hex } from './helpers';
import { AUDIO_KID, VIDEO_KID, WIDEVINE_DATA } from './vectors';

const KID_FIELD = hex('12 10 31323334353637383930313233343536'); // field 2, KID 3132…36

describe('decodeWidevinePsshData', () => {
  it('decodes key_ids, provider, content_id and protection_scheme cbcs', () => {
    const d = decodeWidevinePsshData(WIDEVINE_DATA);
    expect(d.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
    expect(d.provider).toBe('keyflow');
    expect(d.contentId).toBe('64656d6f2d31');
    expect(d.contentIdText).toBe('demo-1');
    expect(d.protectionScheme).toBe('cbcs');
    expect(d.protectionSchemeValue).toBe(0x63626373);
    expect(d.unknownFields).toEqual([]);
    expect(d.algorithm).toBeUndefined();
    expect(d.policy).toBeUndefined();
  });

  it('decodes an empty message to absent fields', () => {
    const d = decodeWidevinePsshData(new Uint8Array(0));
    expect(d).toEqual({ keyIds: [], groupIds: [], entitledKeys: [], unknownFields: [] });
  });

  it('maps the four protection schemes (formats.md §3.3)', () => {
    // 48 = field 9 varint; values are the base-128 digits of the fourcc as a BE uint32
    const cases: Array<[string, string]> = [
      ['48 e3dc959b06', 'cenc'], // 0x63656e63 = 1667591779: 99, 92, 21, 27, 6
      ['48 f3c6899b06', 'cbcs'], // 0x63626373 = 1667392371: 115, 70, 9, 27, 6
      ['48 f3dc959b06', 'cens'], // 0x63656e73 = 1667591795: 115, 92, 21, 27, 6
      ['48 b1c6899b06', 'cbc1'], // 0x63626331 = 1667392305: 49, 70, 9, 27, 6
    ];
    for (const [bytes, name] of cases) expect(decodeWidevinePsshData(hex(bytes)).protectionScheme).toBe(name);
  });

  it('names other protection_scheme values by fourcc or hex', () => {
    expect(protectionSchemeName(0x61626364)).toBe('abcd');
    expect(protectionSchemeName(5)).toBe('0x00000005');
    expect(decodeWidevinePsshData(hex('48 05')).protectionScheme).toBe('0x00000005');
  });

  it('decodes the remaining documented fields', () => {
    const d = decodeWidevinePsshData(
      hex(
        '08 01', // field 1 algorithm = 1 (AESCTR)
        '2a 02 4844', // field 5 track_type "HD"
        '32 02 7031', // field 6 policy "p1"
        '38 07', // field 7 crypto_period_index 7
        '42 02 0102', // field 8 grouped_license 01 02
        '50 3c', // field 10 crypto_period_seconds 60
        '58 01', // field 11 type = 1 (ENTITLEMENT)
        '60 05', // field 12 key_sequence 5
        '6a 02 abcd', // field 13 group_ids abcd
        '72 0a 0a02aabb 1202ccdd 2810', // field 14 entitled_keys {1: aabb, 2: ccdd, 5: 16}
        '7a 03 414243', // field 15 video_feature "ABC"
        '8201 01 41', // field 16 audio_feature "A" (key (16<<3)|2 = 130 = 82 01)
        '8801 09', // field 17 entitlement_period_index 9 (key (17<<3)|0 = 136 = 88 01)
      ),
    );
    expect(d.algorithm).toBe('AESCTR');
    expect(d.trackType).toBe('HD');
    expect(d.policy).toBe('p1');
    expect(d.cryptoPeriodIndex).toBe(7);
    expect(Array.from(d.groupedLicense!)).toEqual([1, 2]);
    expect(d.cryptoPeriodSeconds).toBe(60);
    expect(d.type).toBe('ENTITLEMENT');
    expect(d.keySequence).toBe(5);
    expect(d.groupIds).toEqual(['abcd']);
    expect(d.entitledKeys).toEqual([{ entitlementKeyId: 'aabb', keyId: 'ccdd', entitlementKeySizeBytes: 16 }]);
    expect(d.videoFeature).toBe('ABC');
    expect(d.audioFeature).toBe('A');
    expect(d.entitlementPeriodIndex).toBe(9);
    expect(d.unknownFields).toEqual([]);
  });

  it('keeps unknown enum values as numbers', () => {
    expect(decodeWidevinePsshData(hex('08 05')).algorithm).toBe(5);
    expect(decodeWidevinePsshData(hex('58 07')).type).toBe(7);
  });

  it('gives content_id text only when printable', () => {
    const d = decodeWidevinePsshData(hex('22 02 00ff'));
    expect(d.contentId).toBe('00ff');
    expect(d.contentIdText).toBeUndefined();
    const later = decodeWidevinePsshData(hex('22 01 41 22 01 00')); // last occurrence wins
    expect(later.contentId).toBe('00');
    expect(later.contentIdText).toBeUndefined();
  });

  it('lets the last occurrence of a singular field win', () => {
    expect(decodeWidevinePsshData(hex('1a 01 41 1a 01 42')).provider).toBe('B');
  });

  it('skips unknown fields of every wire type', () => {
    const d = decodeWidevinePsshData(
      concat(
        hex('a001 05'), // field 20, varint 5: key (20<<3)|0 = 160 = a0 01
        hex('a901 0102030405060708'), // field 21, fixed64: key (21<<3)|1 = 169 = a9 01
        hex('b201 02 aabb'), // field 22, length-delimited: key (22<<3)|2 = 178 = b2 01
        hex('bd01 01020304'), // field 23, fixed32: key (23<<3)|5 = 189 = bd 01
        hex('a001 ffffffffffffffffff01'), // field 20 again, 10-byte varint
        KID_FIELD,
      ),
    );
    expect(d.unknownFields).toEqual([20, 21, 22, 23]);
    expect(d.keyIds).toEqual(['31323334353637383930313233343536']);
  });

  it('accepts a 10-byte varint and keeps its low 32 bits for uint32 fields', () => {
    expect(decodeWidevinePsshData(hex('38 ffffffffffffffffff01')).cryptoPeriodIndex).toBe(0xffffffff);
    expect(decodeWidevinePsshData(hex('38 8080808010')).cryptoPeriodIndex).toBe(0); // 2^32 → low bits 0
  });

  describe('rejects', () => {
    it('varints longer than 10 bytes with BAD_PROTOBUF', () => {
      expect(expectDecodeError(() => decodeWidevinePsshData(hex('38 ffffffffffffffffffff01')), 'BAD_PROTOBUF').offset).toBe(1);
      expectDecodeError(() => decodeWidevinePsshData(hex('ffffffffffffffffffff01')), 'BAD_PROTOBUF'); // key
    });

    it('a varint cut off by the end with TRUNCATED', () => {
      expectDecodeError(() => decodeWidevinePsshData(hex('38 ff')), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('38')), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('a0')), 'TRUNCATED');
    });

    it('wire types 3, 4, 6 and 7 with BAD_PROTOBUF', () => {
      for (const key of ['0b', '0c', '0e', '0f', 'a301', 'a401']) {
        expectDecodeError(() => decodeWidevinePsshData(hex(key, '00000000')), 'BAD_PROTOBUF');
      }
    });

    it('field number 0 with BAD_PROTOBUF', () => {
      expectDecodeError(() => decodeWidevinePsshData(hex('00')), 'BAD_PROTOBUF');
      expectDecodeError(() => decodeWidevinePsshData(hex('02 00')), 'BAD_PROTOBUF');
      expectDecodeError(() => decodeWidevinePsshData(hex('8000')), 'BAD_PROTOBUF'); // non-minimal 0
    });

    it('a key wider than 32 bits with BAD_PROTOBUF', () => {
      expectDecodeError(() => decodeWidevinePsshData(hex('8880808080 01 00')), 'BAD_PROTOBUF');
    });

    it('lengths past the end with TRUNCATED', () => {
      expectDecodeError(() => decodeWidevinePsshData(KID_FIELD.subarray(0, KID_FIELD.length - 1)), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('12 ffffffff0f')), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('12 ffffffffffffffffff01')), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('b201 03 aabb')), 'TRUNCATED'); // unknown field
    });

    it('fixed-width unknown fields past the end with TRUNCATED', () => {
      expectDecodeError(() => decodeWidevinePsshData(hex('a901 01020304050607')), 'TRUNCATED');
      expectDecodeError(() => decodeWidevinePsshData(hex('bd01 010203')), 'TRUNCATED');
    });

    it('a known field with the wrong wire type with BAD_PROTOBUF', () => {
      expectDecodeError(() => decodeWidevinePsshData(hex('10 01')), 'BAD_PROTOBUF'); // key_id as varint
      expectDecodeError(() => decodeWidevinePsshData(hex('4a 01 00')), 'BAD_PROTOBUF'); // scheme as bytes
      expectDecodeError(() => decodeWidevinePsshData(hex('4d 00000000')), 'BAD_PROTOBUF'); // scheme as fixed32
    });

    it('a malformed entitled_keys sub-message, with offsets in the outer input', () => {
      // field 14, length 3: {field 1 length 5 …} runs past the sub-message
      const e = expectDecodeError(() => decodeWidevinePsshData(hex('72 03 0a 05 aa 12 00')), 'TRUNCATED');
      expect(e.offset).toBe(3);
    });

    it('input over the size cap with TOO_LARGE', () => {
      expectDecodeError(() => decodeWidevinePsshData(new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
    });
  });

  it('throws PsshDecodeError for every proper prefix of the vector that ends inside a field', () => {
    // Field boundaries in WIDEVINE_DATA: 18, 36, 45, 53, 59 — prefixes ending there are valid messages.
    const boundaries = new Set([0, 18, 36, 45, 53, 59]);
    let failures = 0;
    for (let n = 0; n < WIDEVINE_DATA.length; n++) {
      let threw = false;
      try {
        decodeWidevinePsshData(WIDEVINE_DATA.subarray(0, n));
      } catch (e) {
        threw = e instanceof PsshDecodeError && e.code === 'TRUNCATED';
      }
      if (threw === boundaries.has(n)) failures++;
    }
    expect(failures).toBe(0);
  });
});
