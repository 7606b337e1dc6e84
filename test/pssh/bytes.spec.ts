import {
  ByteReader,
  bytesToHex,
  decodeBase64,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  formatUuid,
  hexToBytes,
  normalizeUuid,
  swapGuidByteOrder,
} from '../../src/pssh/bytes';
import { ascii, expectDecodeError, hex } from './helpers';

describe('pssh bytes helpers', () => {
  describe('hex', () => {
    it('formats lower-case, two digits per byte', () => {
      expect(bytesToHex(hex('00 0a ff 7F'))).toBe('000aff7f');
      expect(bytesToHex(new Uint8Array(0))).toBe('');
    });

    it('parses either case', () => {
      expect(Array.from(hexToBytes('00aBfF'))).toEqual([0x00, 0xab, 0xff]);
    });

    it('rejects odd lengths and non-hex characters', () => {
      expectDecodeError(() => hexToBytes('abc'), 'BAD_HEX');
      expect(expectDecodeError(() => hexToBytes('00zz'), 'BAD_HEX').offset).toBe(2);
    });
  });

  describe('base64', () => {
    // RFC 4648 §10 test vectors.
    const rfc4648: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];

    it('encodes the RFC 4648 vectors', () => {
      for (const [plain, encoded] of rfc4648) expect(encodeBase64(ascii(plain))).toBe(encoded);
    });

    it('decodes the RFC 4648 vectors, with or without padding', () => {
      for (const [plain, encoded] of rfc4648) {
        expect(bytesToHex(decodeBase64(encoded))).toBe(bytesToHex(ascii(plain)));
        expect(bytesToHex(decodeBase64(encoded.replace(/=+$/, '')))).toBe(bytesToHex(ascii(plain)));
      }
    });

    it('uses + and / (standard alphabet)', () => {
      expect(encodeBase64(hex('fbff'))).toBe('+/8=');
      expect(bytesToHex(decodeBase64('+/8='))).toBe('fbff');
    });

    it('rejects bad padding, whitespace, url characters and impossible lengths', () => {
      for (const bad of ['Zg=', 'Zg===', '=Zg=', 'Z===', 'Zm9v=', 'Zg=a', 'Zm 9v', '-_8=', 'Z', 'Zm9vY', 'Zm9v\n', 'é']) {
        expectDecodeError(() => decodeBase64(bad), 'BAD_BASE64');
      }
    });
  });

  describe('base64url', () => {
    it('encodes without padding using - and _', () => {
      expect(encodeBase64Url(hex('fbff'))).toBe('-_8');
      expect(encodeBase64Url(ascii('f'))).toBe('Zg');
    });

    it('decodes the DASH-IF worked example (formats.md §4.4)', () => {
      // KID 9eb4050d-e44b-4802-932e-27d75083e266 → nrQFDeRLSAKTLifXUIPiZg
      expect(bytesToHex(decodeBase64Url('nrQFDeRLSAKTLifXUIPiZg'))).toBe('9eb4050de44b4802932e27d75083e266');
      expect(encodeBase64Url(hex('9eb4050de44b4802932e27d75083e266'))).toBe('nrQFDeRLSAKTLifXUIPiZg');
    });

    it('rejects padding, + and /', () => {
      expectDecodeError(() => decodeBase64Url('Zg=='), 'BAD_BASE64');
      expectDecodeError(() => decodeBase64Url('+_8'), 'BAD_BASE64');
      expectDecodeError(() => decodeBase64Url('-/8'), 'BAD_BASE64');
      expectDecodeError(() => decodeBase64Url('nrQFDeRLSAKTLifXUIPiZ'), 'BAD_BASE64'); // 21 chars: 21 % 4 == 1
    });
  });

  describe('UUIDs and GUIDs', () => {
    it('formats 32 hex digits as a UUID', () => {
      expect(formatUuid('EDEF8BA979D64ACEA3C827DCD51D21ED')).toBe('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed');
      expectDecodeError(() => formatUuid('edef'), 'BAD_HEX');
    });

    it('normalises the common UUID spellings', () => {
      const expected = '9a04f07998404286ab92e65be0885f95';
      expect(normalizeUuid('9a04f079-9840-4286-ab92-e65be0885f95')).toBe(expected);
      expect(normalizeUuid('urn:uuid:9A04F079-9840-4286-AB92-E65BE0885F95')).toBe(expected);
      expect(normalizeUuid('{9a04f079-9840-4286-ab92-e65be0885f95}')).toBe(expected);
      expect(normalizeUuid(expected)).toBe(expected);
      expectDecodeError(() => normalizeUuid('9a04f079-9840-4286-ab92'), 'BAD_HEX');
      expectDecodeError(() => normalizeUuid('9a04f0799-840-4286-ab92-e65be0885f95'), 'BAD_HEX');
    });

    it('swaps PlayReady GUID byte order (PlayReady Table 2 example, formats.md §3.4)', () => {
      // UUID f81d4fae-7dec-11d0-a765-00a0c91e6bf6 ⇄ LE GUID ae4f1df8 ec7d d011 a765 00a0c91e6bf6
      const le = hex('ae4f1df8 ec7d d011 a765 00a0c91e6bf6');
      expect(bytesToHex(swapGuidByteOrder(le))).toBe('f81d4fae7dec11d0a76500a0c91e6bf6');
      expect(bytesToHex(swapGuidByteOrder(swapGuidByteOrder(le)))).toBe(bytesToHex(le));
      expect(encodeBase64(le)).toBe('rk8d+Ox90BGnZQCgyR5r9g==');
      expectDecodeError(() => swapGuidByteOrder(new Uint8Array(15)), 'BAD_SIZE');
    });
  });

  describe('ByteReader', () => {
    it('reads big-endian and little-endian integers', () => {
      const r = new ByteReader(hex('01 0203 040506 0708090a 0000000100000002 0b0c 0d0e0f10 70737368'));
      expect(r.u8()).toBe(0x01);
      expect(r.u16()).toBe(0x0203);
      expect(r.u24()).toBe(0x040506);
      expect(r.u32()).toBe(0x0708090a);
      expect(r.u64()).toBe(0x100000002);
      expect(r.u16Le()).toBe(0x0c0b);
      expect(r.u32Le()).toBe(0x100f0e0d);
      expect(r.fourcc()).toBe('pssh');
      expect(r.remaining).toBe(0);
    });

    it('reads u32 values with the top bit set as unsigned', () => {
      expect(new ByteReader(hex('ffffffff')).u32()).toBe(0xffffffff);
      expect(new ByteReader(hex('ffffffff')).u32Le()).toBe(0xffffffff);
    });

    it('throws TRUNCATED with the offset on any overrun', () => {
      const r = new ByteReader(hex('00 01 02 03 04'), 1, 4);
      expect(r.offset).toBe(1);
      expect(r.u16()).toBe(0x0102);
      const e = expectDecodeError(() => r.u16('thing'), 'TRUNCATED');
      expect(e.offset).toBe(3);
      expect(e.message).toContain('thing');
      expectDecodeError(() => r.bytesView(2), 'TRUNCATED');
      expectDecodeError(() => r.skip(2), 'TRUNCATED');
      expect(r.u8()).toBe(0x03);
      expectDecodeError(() => r.u8(), 'TRUNCATED');
    });

    it('returns views for bytesView', () => {
      const data = hex('aa bb cc');
      const view = new ByteReader(data).bytesView(2);
      expect(bytesToHex(view)).toBe('aabb');
      expect(view.buffer).toBe(data.buffer);
    });

    it('rejects a window outside the data', () => {
      expectDecodeError(() => new ByteReader(hex('00'), 0, 2), 'TRUNCATED');
    });
  });
});
