/**
 * Inputs at the size caps: the decoders must stay linear (no quadratic
 * de-duplication or re-scanning) and refuse anything above the caps.
 */

import { decodeInitData, summarizeKeyIds } from '../../src/pssh/init-data';
import { splitPsshBoxes } from '../../src/pssh/box';
import { decodeWidevinePsshData } from '../../src/pssh/widevine';
import { decodePlayReadyObject, decodeWrmHeader, parseWrmHeaderXml } from '../../src/pssh/playready';
import { parseKeyIdsInitData } from '../../src/pssh/keyids';
import { encodeBase64 } from '../../src/pssh/bytes';
import { MAX_INPUT_BYTES, MAX_XML_CHARS } from '../../src/pssh/limits';
import { expectDecodeError } from './helpers';

/** 16 bytes whose last four hold `i` (big-endian), so every KID is distinct. */
function kidBytes(i: number): Uint8Array {
  const kid = new Uint8Array(16);
  kid[0] = 0xee;
  kid[12] = i >>> 24;
  kid[13] = (i >>> 16) & 0xff;
  kid[14] = (i >>> 8) & 0xff;
  kid[15] = i & 0xff;
  return kid;
}

/**
 * A version-1 W3C Common `pssh` box of exactly `size` bytes: as many distinct
 * KIDs as fit, DataSize 0, the rest padding (which the box splitter accepts).
 */
function commonBoxOfSize(size: number): { box: Uint8Array; count: number } {
  const count = Math.floor((size - 36) / 16);
  const box = new Uint8Array(size);
  const view = new DataView(box.buffer);
  view.setUint32(0, size);
  box.set([0x70, 0x73, 0x73, 0x68], 4); // 'pssh'
  box[8] = 1; // version 1
  box.set([0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2, 0xfb, 0x4b], 12);
  view.setUint32(28, count);
  for (let i = 0; i < count; i++) box.set(kidBytes(i), 32 + 16 * i);
  // DataSize 0 follows the KIDs (already zero); any bytes after it are padding.
  return { box, count };
}

describe('pssh decoders at their size caps', () => {
  it("cap every input at 64 KiB, Chromium's own EME init-data limit", () => {
    expect(MAX_INPUT_BYTES).toBe(64 * 1024);
    expect(MAX_XML_CHARS).toBe(32 * 1024);
  });

  it('decode init data of exactly 64 KiB and refuse 64 KiB + 1 with TOO_LARGE', () => {
    const atCap = commonBoxOfSize(64 * 1024);
    expect(decodeInitData('cenc', atCap.box).systems[0]!.keyIds.length).toBe(atCap.count);
    // Well-formed: under a larger cap (the old 1 MiB one) this decodes.
    const over = commonBoxOfSize(64 * 1024 + 1).box;
    expectDecodeError(() => decodeInitData('cenc', over), 'TOO_LARGE');
    expectDecodeError(() => splitPsshBoxes(over), 'TOO_LARGE');
    const bytes = new Uint8Array(64 * 1024 + 1);
    expectDecodeError(() => decodeInitData('keyids', bytes), 'TOO_LARGE');
    expectDecodeError(() => decodeWidevinePsshData(bytes), 'TOO_LARGE');
    expectDecodeError(() => decodePlayReadyObject(bytes), 'TOO_LARGE');
    expectDecodeError(() => decodeWrmHeader(new Uint8Array(64 * 1024 + 2)), 'TOO_LARGE');
    expectDecodeError(() => parseKeyIdsInitData(bytes), 'TOO_LARGE');
    expectDecodeError(() => parseWrmHeaderXml(' '.repeat(32 * 1024 + 1)), 'TOO_LARGE');
  });

  it('decode a v1 box at the cap (4,093 distinct KIDs)', () => {
    const { box, count } = commonBoxOfSize(MAX_INPUT_BYTES);
    expect(count).toBe(4093);
    const decoded = decodeInitData('cenc', box);
    expect(decoded.systems[0]!.keyIds.length).toBe(count);
    expect(decoded.systems[0]!.keyIds[count - 1]).toBe('ee000000000000000000000000' + (count - 1).toString(16).padStart(6, '0'));
    expect(summarizeKeyIds(decoded).length).toBe(count);
  });

  it('decode Widevine data at the cap made of distinct unknown fields', () => {
    // Field numbers 20.. as 3-byte varint keys (field < 2^18), each followed by a one-byte varint 0.
    const data = new Uint8Array(MAX_INPUT_BYTES);
    let o = 0;
    let field = 20;
    while (o + 4 <= data.length && field < 1 << 18) {
      const key = field << 3; // wire type 0
      data[o++] = (key & 0x7f) | 0x80;
      data[o++] = ((key >>> 7) & 0x7f) | 0x80;
      data[o++] = key >>> 14;
      data[o++] = 0;
      field++;
    }
    const decoded = decodeWidevinePsshData(data.subarray(0, o));
    expect(decoded.unknownFields.length).toBe(field - 20);
  });

  it('parse a WRMHEADER close to the XML cap with thousands of KIDs', () => {
    const kids: string[] = [];
    let length = 200;
    for (let i = 0; length < MAX_XML_CHARS - 200; i++) {
      const kid = `<KID ALGID="AESCTR" VALUE="${encodeBase64(kidBytes(i))}"></KID>`;
      kids.push(kid);
      length += kid.length;
    }
    const xml = `<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS>${kids.join('')}</KIDS></PROTECTINFO></DATA></WRMHEADER>`;
    expect(xml.length).toBeLessThanOrEqual(MAX_XML_CHARS);
    expect(parseWrmHeaderXml(xml).keyIds.length).toBe(kids.length);
  });

  it('refuse one byte more than the cap', () => {
    expectDecodeError(() => decodeInitData('cenc', new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
    expectDecodeError(() => parseWrmHeaderXml('x'.repeat(MAX_XML_CHARS + 1)), 'TOO_LARGE');
  });
});
