/**
 * Fuzz spec: every decoder must either return or throw a PsshDecodeError,
 * and never an INTERNAL one (INTERNAL means an unexpected exception was
 * caught inside a decoder, i.e. a bug). Inputs come from a seeded PRNG
 * (mulberry32), so a failure is reproducible from the seed and input index
 * printed in the failure message.
 */

import { PsshDecodeError } from '../../src/pssh/errors';
import { splitPsshBoxes } from '../../src/pssh/box';
import { decodeWidevinePsshData } from '../../src/pssh/widevine';
import { decodePlayReadyObject, decodeWrmHeader, parseWrmHeaderXml } from '../../src/pssh/playready';
import { parseKeyIdsInitData } from '../../src/pssh/keyids';
import { decodeInitData } from '../../src/pssh/init-data';
import { base64, hex, utf16le } from './helpers';
import {
  COMMON_V1_BOX,
  CONCATENATED_BOXES,
  KEYIDS_JSON,
  LARGESIZE_BOX,
  PADDED_BOX,
  PLAYREADY_V43_BOX,
  PRO_V40,
  PRO_V43,
  REAL_WORLD,
  WIDEVINE_DATA,
  WIDEVINE_V0_BOX,
  XML_V40,
  XML_V43,
} from './vectors';

/** mulberry32: tiny, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
type Decoder = [name: string, decode: (data: Uint8Array) => unknown];
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

const INTERESTING_U32 = [0, 1, 2, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** One random mutation: bit flip, byte set, truncation, insertion, deletion, duplication, or an interesting u32. */
function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  const data = input.slice();
  const pos = data.length === 0 ? 0 : int(rng, data.length);
  switch (int(rng, 8)) {
    case 0: // flip a bit
      if (data.length) data[pos] = data[pos]! ^ (1 << int(rng, 8));
      return data;
    case 1: // set a byte
      if (data.length) data[pos] = int(rng, 256);
      return data;
    case 2: // truncate
      return data.subarray(0, int(rng, data.length + 1));
    case 3: {
      // insert 1..8 random bytes
      const extra = Uint8Array.from({ length: 1 + int(rng, 8) }, () => int(rng, 256));
      const out = new Uint8Array(data.length + extra.length);
      out.set(data.subarray(0, pos));
      out.set(extra, pos);
      out.set(data.subarray(pos), pos + extra.length);
      return out;
    }
    case 4: {
      // delete 1..16 bytes
      const head = data.subarray(0, pos);
      const tail = data.subarray(Math.min(data.length, pos + 1 + int(rng, 16)));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    }
    case 5: {
      // duplicate a chunk
      const n = 1 + int(rng, 32);
      const chunk = data.slice(pos, pos + n);
      const out = new Uint8Array(data.length + chunk.length);
      out.set(data.subarray(0, pos));
      out.set(chunk, pos);
      out.set(data.subarray(pos), pos + chunk.length);
      return out;
    }
    case 6: {
      // write an interesting u32 (big- or little-endian)
      const v = INTERESTING_U32[int(rng, INTERESTING_U32.length)]!;
      const bytes = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
      if (rng() < 0.5) bytes.reverse();
      for (let i = 0; i < 4 && pos + i < data.length; i++) data[pos + i] = bytes[i]!;
      return data;
    }
    default: // set a byte to an edge value
      if (data.length) data[pos] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x3c, 0x3e, 0x26, 0x22][int(rng, 9)]!;
      return data;
  }
}

/** A rich Widevine message (every documented field), for mutation. */
const WIDEVINE_ALL_FIELDS = hex(
  '08 01 12 10 31323334353637383930313233343536 1a 02 4142 22 02 00ff 2a 02 4844 32 02 7031 38 07',
  '42 02 0102 48 f3c6899b06 50 3c 58 01 60 05 6a 02 abcd 72 0a 0a02aabb 1202ccdd 2810 7a 03 414243',
  '8201 01 41 8801 09 a001 05 a901 0102030405060708 b201 02 aabb bd01 01020304',
);

const BOX_DECODERS: Decoder[] = [
  ['splitPsshBoxes', splitPsshBoxes],
  ["decodeInitData('cenc')", (d) => decodeInitData('cenc', d)],
];

/**
 * Valid vectors to mutate, each with the decoders that read its format (a
 * mutated PlayReady Object fed to the box splitter would only repeat what the
 * random-bytes spec already covers).
 */
const CORPUS: Array<[Uint8Array, Decoder[]]> = [
  [WIDEVINE_V0_BOX, BOX_DECODERS],
  [COMMON_V1_BOX, BOX_DECODERS],
  [CONCATENATED_BOXES, BOX_DECODERS],
  [LARGESIZE_BOX, BOX_DECODERS],
  [PADDED_BOX, BOX_DECODERS],
  [PLAYREADY_V43_BOX, BOX_DECODERS],
  [base64(REAL_WORLD.playreadyPsshCencVideo), BOX_DECODERS],
  [base64(REAL_WORLD.widevinePsshCbcs), BOX_DECODERS],
  [base64(REAL_WORLD.commonPssh), BOX_DECODERS],
  [PRO_V40, [['decodePlayReadyObject', decodePlayReadyObject]]],
  [PRO_V43, [['decodePlayReadyObject', decodePlayReadyObject]]],
  [base64(REAL_WORLD.microsoftSpecPro), [['decodePlayReadyObject', decodePlayReadyObject]]],
  [utf16le(XML_V40), [['decodeWrmHeader', decodeWrmHeader]]],
  [utf16le(XML_V43), [['decodeWrmHeader', decodeWrmHeader]]],
  [WIDEVINE_DATA, [['decodeWidevinePsshData', decodeWidevinePsshData]]],
  [WIDEVINE_ALL_FIELDS, [['decodeWidevinePsshData', decodeWidevinePsshData]]],
  [
    KEYIDS_JSON,
    [
      ['parseKeyIdsInitData', parseKeyIdsInitData],
      ["decodeInitData('keyids')", (d) => decodeInitData('keyids', d)],
    ],
  ],
];

/** Every byte decoder: random inputs go through all of them. */
const ALL_DECODERS: Decoder[] = [
  ...BOX_DECODERS,
  ['decodeWidevinePsshData', decodeWidevinePsshData],
  ['decodePlayReadyObject', decodePlayReadyObject],
  ['decodeWrmHeader', decodeWrmHeader],
  ['parseKeyIdsInitData', parseKeyIdsInitData],
];

const SEED = 0x6b657966; // 'keyf'

interface FuzzTally {
  inputs: number;
  calls: number;
  returned: number;
  failures: string[];
}

function newTally(): FuzzTally {
  return { inputs: 0, calls: 0, returned: 0, failures: [] };
}

function toHexPrefix(data: Uint8Array): string {
  return Array.from(data.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join('') + (data.length > 48 ? '…' : '');
}

/**
 * Calls `fn`; records a failure unless it returns or throws a non-INTERNAL
 * PsshDecodeError. `label` is only evaluated for failures (keeps the loop fast).
 */
function check(tally: FuzzTally, label: () => string, fn: () => unknown): void {
  tally.calls++;
  try {
    fn();
    tally.returned++;
  } catch (e) {
    if (e instanceof PsshDecodeError && e.code !== 'INTERNAL') return;
    if (tally.failures.length < 10) {
      const what = e instanceof PsshDecodeError ? `INTERNAL: ${e.message}` : `non-PsshDecodeError ${String(e)}`;
      tally.failures.push(`${label()}: ${what}`);
    } else {
      tally.failures.push('');
    }
  }
}

function runBytes(tally: FuzzTally, where: string, data: Uint8Array, decoders: Decoder[]): void {
  tally.inputs++;
  for (const [name, decode] of decoders) {
    check(tally, () => `${where} ${name} [${data.length} bytes ${toHexPrefix(data)}]`, () => decode(data));
  }
}

function report(tally: FuzzTally): string {
  const shown = tally.failures.filter((f) => f !== '').join('\n');
  return `${tally.failures.length} failures in ${tally.calls} calls (${tally.inputs} inputs, ${tally.returned} returned)\n${shown}`;
}

describe('pssh decoders under fuzzing', () => {
  it('survive 30,000 random byte strings of length 0..300, each through every decoder', () => {
    const rng = mulberry32(SEED);
    const tally = newTally();
    for (let i = 0; i < 30_000; i++) {
      const data = Uint8Array.from({ length: int(rng, 301) }, () => int(rng, 256));
      runBytes(tally, `seed=${SEED} random#${i}`, data, ALL_DECODERS);
    }
    expect(tally.inputs).toBe(30_000);
    expect(tally.failures.length).withContext(report(tally)).toBe(0);
  });

  it("survive 60,000 mutations (1-4 each) of the valid vectors, each through its format's decoders", () => {
    const rng = mulberry32(SEED + 1);
    const tally = newTally();
    for (let i = 0; i < 60_000; i++) {
      const [original, decoders] = CORPUS[i % CORPUS.length]!;
      let data = original;
      const rounds = 1 + int(rng, 4);
      for (let r = 0; r < rounds; r++) data = mutate(rng, data);
      runBytes(tally, `seed=${SEED + 1} mutation#${i}`, data, decoders);
    }
    expect(tally.inputs).toBe(60_000);
    // Mutations must not all be rejected, or the corpus is not reaching the deep code.
    expect(tally.returned).toBeGreaterThan(10_000);
    expect(tally.failures.length).withContext(report(tally)).toBe(0);
  });

  it('survive 20,000 character-level mutations of WRMHEADER XML', () => {
    const rng = mulberry32(SEED + 2);
    const tally = newTally();
    const sources = [XML_V40, XML_V43];
    const alphabet = ['<', '>', '/', '&', ';', '"', "'", '=', ' ', '!', '?', '-', '[', ']', '#', 'x', 'A', '\u0000', '\uD800', '\uDC00', '&#', '<!--', '<![CDATA[', ']]>', '</', '/>', '&amp;', '&#x10FFFF;'];
    for (let i = 0; i < 20_000; i++) {
      let xml = sources[i % 2]!;
      const rounds = 1 + int(rng, 4);
      for (let r = 0; r < rounds; r++) {
        const pos = int(rng, xml.length + 1);
        const op = int(rng, 3);
        const piece = alphabet[int(rng, alphabet.length)]!;
        if (op === 0) xml = xml.slice(0, pos) + piece + xml.slice(pos);
        else if (op === 1) xml = xml.slice(0, pos) + xml.slice(pos + 1 + int(rng, 8));
        else xml = xml.slice(0, pos) + piece + xml.slice(pos + piece.length);
      }
      tally.inputs++;
      check(tally, () => `seed=${SEED + 2} xml#${i} ${JSON.stringify(xml.slice(0, 80))}`, () => parseWrmHeaderXml(xml));
      check(tally, () => `seed=${SEED + 2} xml#${i} (UTF-16LE)`, () => decodeWrmHeader(utf16le(xml)));
    }
    expect(tally.inputs).toBe(20_000);
    expect(tally.failures.length).withContext(report(tally)).toBe(0);
  });
});
