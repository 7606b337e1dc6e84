import { splitPsshBoxes } from '../../src/pssh/box';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { PsshDecodeError } from '../../src/pssh/errors';
import { concat, expectDecodeError, hex } from './helpers';
import {
  AUDIO_KID,
  COMMON_V1_BOX,
  CONCATENATED_BOXES,
  LARGESIZE_BOX,
  PADDED_BOX,
  PLAYREADY_V0_BOX,
  PRO_V40,
  SHAKA_COMMON_EXAMPLE,
  SHAKA_WIDEVINE_EXAMPLE,
  VIDEO_KID,
  WIDEVINE_DATA,
  WIDEVINE_V0_BOX,
} from './vectors';

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('splitPsshBoxes', () => {
  it('returns [] for empty input', () => {
    expect(splitPsshBoxes(new Uint8Array(0))).toEqual([]);
  });

  it('reads a v0 Widevine box', () => {
    const [box, ...rest] = splitPsshBoxes(WIDEVINE_V0_BOX);
    expect(rest.length).toBe(0);
    expect(box!.version).toBe(0);
    expect(box!.flags).toBe(0);
    expect(box!.systemId).toBe('edef8ba979d64acea3c827dcd51d21ed');
    expect(box!.systemName).toBe('widevine');
    expect(box!.keyIds).toEqual([]);
    expect(toHex(box!.data)).toBe(toHex(WIDEVINE_DATA));
    expect(box!.data.length).toBe(0x3b);
    expect(box!.offset).toBe(0);
    expect(box!.bytes.length).toBe(0x5b);
  });

  it('reads a v1 Common box with two KIDs', () => {
    const [box] = splitPsshBoxes(COMMON_V1_BOX);
    expect(box!.version).toBe(1);
    expect(box!.systemId).toBe('1077efecc0b24d02ace33c1e52e2fb4b');
    expect(box!.systemName).toBe('common');
    expect(box!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
    expect(box!.data.length).toBe(0);
  });

  it('reads the formats.md verified examples', () => {
    const [common] = splitPsshBoxes(SHAKA_COMMON_EXAMPLE);
    expect(common!.keyIds).toEqual(['31323334353637383930313233343536']);
    const [widevine] = splitPsshBoxes(SHAKA_WIDEVINE_EXAMPLE);
    expect(widevine!.systemName).toBe('widevine');
    expect(toHex(widevine!.data)).toBe('121031323334353637383930313233343536' + '48e3dc959b06');
  });

  it('splits concatenated boxes in order with their offsets', () => {
    const boxes = splitPsshBoxes(CONCATENATED_BOXES);
    expect(boxes.map((b) => b.systemName)).toEqual(['widevine', 'common', 'playready']);
    expect(boxes.map((b) => b.offset)).toEqual([0, 0x5b, 0x5b + 0x44]);
    expect(toHex(boxes[2]!.data)).toBe(toHex(PRO_V40));
    expect(toHex(boxes[2]!.bytes)).toBe(toHex(PLAYREADY_V0_BOX));
  });

  it('returns copies, not views of the input', () => {
    const input = COMMON_V1_BOX.slice();
    const [box] = splitPsshBoxes(input);
    input.fill(0);
    expect(box!.bytes[4]).toBe(0x70);
  });

  it('reads size == 1 with a 64-bit largesize', () => {
    const boxes = splitPsshBoxes(concat(LARGESIZE_BOX, COMMON_V1_BOX));
    expect(boxes.length).toBe(2);
    expect(boxes[0]!.keyIds).toEqual([VIDEO_KID]);
    expect(boxes[0]!.bytes.length).toBe(0x3c);
    expect(boxes[1]!.offset).toBe(0x3c);
  });

  it('skips padding between Data and the end of the box (Bento4)', () => {
    const boxes = splitPsshBoxes(concat(PADDED_BOX, COMMON_V1_BOX));
    expect(boxes[0]!.systemName).toBe('marlin');
    expect(toHex(boxes[0]!.data)).toBe('abcd');
    expect(boxes[0]!.bytes.length).toBe(0x25);
    expect(boxes[1]!.systemName).toBe('common');
  });

  it('keeps non-zero flags and names unknown systems', () => {
    const [box] = splitPsshBoxes(hex('00000020 70737368 00 000001 00112233445566778899aabbccddeeff 00000000'));
    expect(box!.flags).toBe(1);
    expect(box!.systemName).toBe('unknown');
    expect(box!.systemId).toBe('00112233445566778899aabbccddeeff');
  });

  describe('rejects', () => {
    it('size 0 with BAD_SIZE', () => {
      expectDecodeError(() => splitPsshBoxes(concat(hex('00000000'), WIDEVINE_V0_BOX.subarray(4))), 'BAD_SIZE');
    });

    it('sizes smaller than the header with BAD_SIZE', () => {
      expectDecodeError(() => splitPsshBoxes(hex('00000007 70737368 00000000')), 'BAD_SIZE');
      // largesize 15 < 16-byte header
      expectDecodeError(() => splitPsshBoxes(hex('00000001 70737368 00000000 0000000f 00000000')), 'BAD_SIZE');
    });

    it('a size that runs past the data with TRUNCATED', () => {
      const e = expectDecodeError(() => splitPsshBoxes(concat(hex('0000005c'), WIDEVINE_V0_BOX.subarray(4))), 'TRUNCATED');
      expect(e.offset).toBe(0);
      expectDecodeError(() => splitPsshBoxes(hex('ffffffff 70737368 00000000')), 'TRUNCATED');
      // largesize with a non-zero high word
      expectDecodeError(() => splitPsshBoxes(hex('00000001 70737368 00000001 0000003c')), 'TRUNCATED');
    });

    it('a box that is not pssh with BAD_BOX', () => {
      const moov = concat(hex('0000005b 6d6f6f76'), WIDEVINE_V0_BOX.subarray(8));
      const e = expectDecodeError(() => splitPsshBoxes(moov), 'BAD_BOX');
      expect(e.offset).toBe(4);
      expect(e.message).toContain('moov');
      // A second, non-pssh box after a valid one.
      const e2 = expectDecodeError(() => splitPsshBoxes(concat(COMMON_V1_BOX, hex('00000008 66726565'))), 'BAD_BOX');
      expect(e2.offset).toBe(0x44 + 4);
    });

    it('version 2 with BAD_VERSION', () => {
      const v2 = COMMON_V1_BOX.slice();
      v2[8] = 2;
      expect(expectDecodeError(() => splitPsshBoxes(v2), 'BAD_VERSION').offset).toBe(8);
    });

    it('a KID_count larger than the box with TRUNCATED', () => {
      const tooMany = COMMON_V1_BOX.slice();
      tooMany[31] = 3; // KID_count 3, only room for 2
      expectDecodeError(() => splitPsshBoxes(tooMany), 'TRUNCATED');
      const huge = COMMON_V1_BOX.slice();
      huge.set([0xff, 0xff, 0xff, 0xff], 28);
      expectDecodeError(() => splitPsshBoxes(huge), 'TRUNCATED');
    });

    it('a DataSize larger than the box with TRUNCATED, even when more data follows', () => {
      const big = WIDEVINE_V0_BOX.slice();
      big[31] = 0x3c; // DataSize 60, box has 59
      expectDecodeError(() => splitPsshBoxes(concat(big, COMMON_V1_BOX)), 'TRUNCATED');
    });

    it('a box size that cuts through the fields with TRUNCATED', () => {
      // size 30: the 16-byte SystemID would end at 28, DataSize at 32 > 30
      expectDecodeError(() => splitPsshBoxes(concat(hex('0000001e'), COMMON_V1_BOX.subarray(4, 30))), 'TRUNCATED');
    });

    it('input over the size cap with TOO_LARGE', () => {
      expectDecodeError(() => splitPsshBoxes(new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
    });

    it('non-bytes with BAD_INPUT', () => {
      expectDecodeError(() => splitPsshBoxes('pssh' as unknown as Uint8Array), 'BAD_INPUT');
      expectDecodeError(() => splitPsshBoxes(null as unknown as Uint8Array), 'BAD_INPUT');
    });
  });

  describe('truncation at every byte position', () => {
    const vectors: Array<[string, Uint8Array]> = [
      ['Widevine v0', WIDEVINE_V0_BOX],
      ['Common v1', COMMON_V1_BOX],
      ['PlayReady v0', PLAYREADY_V0_BOX],
      ['largesize', LARGESIZE_BOX],
      ['padded', PADDED_BOX],
    ];
    for (const [name, box] of vectors) {
      it(`throws for every proper prefix of the ${name} box`, () => {
        let failures = 0;
        for (let n = 1; n < box.length; n++) {
          try {
            splitPsshBoxes(box.subarray(0, n));
            failures++;
          } catch (e) {
            if (!(e instanceof PsshDecodeError) || e.code !== 'TRUNCATED') failures++;
          }
        }
        expect(failures).toBe(0);
      });
    }

    it('throws for every cut of the concatenation that is not a box boundary', () => {
      const boundaries = new Set([0, 0x5b, 0x5b + 0x44, CONCATENATED_BOXES.length]);
      let failures = 0;
      for (let n = 1; n < CONCATENATED_BOXES.length; n++) {
        let threw = false;
        try {
          splitPsshBoxes(CONCATENATED_BOXES.subarray(0, n));
        } catch (e) {
          threw = e instanceof PsshDecodeError;
        }
        if (threw === boundaries.has(n)) failures++;
      }
      expect(failures).toBe(0);
    });
  });
});
