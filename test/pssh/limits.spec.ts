/**
 * Inputs at the size caps: the decoders must stay linear (no quadratic
 * de-duplication or re-scanning) and refuse anything above the caps.
 */

import { decodeInitData, summarizeKeyIds } from '../../src/pssh/init-data';
import { decodeWidevinePsshData } from '../../src/pssh/widevine';
import { parseWrmHeaderXml } from '../../src/pssh/playready';
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

describe('pssh decoders at their size caps', () => {
  it('decode a 1 MiB v1 box with 65,533 distinct KIDs', () => {
    const count = Math.floor((MAX_INPUT_BYTES - 36) / 16); // 65533
    const size = 36 + 16 * count;
    const box = new Uint8Array(size);
    const view = new DataView(box.buffer);
    view.setUint32(0, size);
    box.set([0x70, 0x73, 0x73, 0x68], 4); // 'pssh'
    box[8] = 1; // version 1
    box.set([0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2, 0xfb, 0x4b], 12);
    view.setUint32(28, count);
    for (let i = 0; i < count; i++) box.set(kidBytes(i), 32 + 16 * i);
    // DataSize 0 is already in the last four bytes.
    const decoded = decodeInitData('cenc', box);
    expect(decoded.systems[0]!.keyIds.length).toBe(count);
    expect(decoded.systems[0]!.keyIds[count - 1]).toBe('ee000000000000000000000000' + (count - 1).toString(16).padStart(6, '0'));
    expect(summarizeKeyIds(decoded).length).toBe(count);
  });

  it('decode 1 MiB of Widevine data made of distinct unknown fields', () => {
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
