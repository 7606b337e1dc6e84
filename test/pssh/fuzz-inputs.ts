/**
 * The fuzz inputs of the PSSH / init-data decoders, shared by the 10,000-input
 * slice in `npm test` (test/pssh/fuzz.spec.ts) and the 1,000,000-input run of
 * `npm run fuzz` (scripts/fuzz.mjs bundles this file with esbuild): input
 * number `i` is the same in both, so the spec runs exactly the first 10,000
 * inputs of the script.
 *
 * Every input comes from its own seeded PRNG (mulberry32 seeded from the run
 * seed and the input index), so any input can be rebuilt from `(seed, index)`
 * alone, without replaying the ones before it. Kinds, by `index % 10`:
 *
 * - `random` (0, 1): random bytes, mostly 0..300 long, some up to 4 KiB and
 *   some around the 64 KiB cap, through every byte decoder;
 * - `mutated` (2, 3): 1-4 byte-level mutations of a valid vector (real
 *   Shaka Packager boxes, the Microsoft specification's PlayReady Object,
 *   hand-built boxes, Widevine data, keyids JSON), through the decoders of
 *   its format;
 * - `framed-widevine` (4, 5): a well-framed Widevine `pssh` box (v0 or v1,
 *   sizes right) whose payload is mutated Widevine data, sometimes next to
 *   other valid boxes, through `decodeInitData('cenc')`;
 * - `framed-playready` (6, 7, 8): a well-framed PlayReady `pssh` box around
 *   a PlayReady Object that is either mutated itself, or well-framed around a
 *   byte-mutated UTF-16LE WRMHEADER, or well-framed around a character-
 *   mutated WRMHEADER, through `decodeInitData('cenc')`;
 * - `xml` (9): character-level mutations of WRMHEADER XML (markup pieces
 *   inserted, deleted, overwritten, chunks repeated), through
 *   `parseWrmHeaderXml` and `decodeWrmHeader`.
 *
 * An input passes when every decoder returns or throws a typed
 * `PsshDecodeError`. An untyped throw is anything else: an exception that is
 * not a `PsshDecodeError`, or a `PsshDecodeError('INTERNAL')` (which a
 * decoder's guard makes out of an unexpected exception, i.e. a bug).
 */

import { PsshDecodeError } from '../../src/pssh/errors';
import { splitPsshBoxes } from '../../src/pssh/box';
import { decodeWidevinePsshData } from '../../src/pssh/widevine';
import { decodePlayReadyObject, decodeWrmHeader, parseWrmHeaderXml } from '../../src/pssh/playready';
import { parseKeyIdsInitData } from '../../src/pssh/keyids';
import { decodeInitData } from '../../src/pssh/init-data';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { base64, concat, hex, utf16le } from './helpers';
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
  SHAKA_WIDEVINE_EXAMPLE,
  WIDEVINE_DATA,
  WIDEVINE_V0_BOX,
  XML_V40,
  XML_V43,
} from './vectors';

/** The run seed of both the spec and the script ('keyf'). */
export const FUZZ_SEED = 0x6b657966;

/** The input kinds, see the module comment. */
export type FuzzKind = 'random' | 'mutated' | 'framed-widevine' | 'framed-playready' | 'xml';

/** Kind of input `index % 10`. */
const KIND_BY_DIGIT: readonly FuzzKind[] = [
  'random',
  'random',
  'mutated',
  'mutated',
  'framed-widevine',
  'framed-widevine',
  'framed-playready',
  'framed-playready',
  'framed-playready',
  'xml',
];

/** One fuzz input and the decoder calls it goes through. */
export interface FuzzCase {
  index: number;
  kind: FuzzKind;
  /** The input: bytes, or text for the `xml` kind. */
  input: Uint8Array | string;
  /** `[decoder name, call]` pairs. */
  calls: ReadonlyArray<readonly [string, () => unknown]>;
}

/** What the decoders did with one input. */
export interface FuzzOutcome {
  /** Calls that returned a value. */
  returned: number;
  /** Calls that threw a typed (non-INTERNAL) PsshDecodeError. */
  rejected: number;
  /** Untyped throws, each as `decoder: what was thrown`. */
  untyped: string[];
}

type Rng = () => number;

/** mulberry32: tiny, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

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
      return concat(data.subarray(0, pos), extra, data.subarray(pos));
    }
    case 4: // delete 1..16 bytes
      return concat(data.subarray(0, pos), data.subarray(Math.min(data.length, pos + 1 + int(rng, 16))));
    case 5: {
      // duplicate a chunk of 1..32 bytes
      const chunk = data.slice(pos, pos + 1 + int(rng, 32));
      return concat(data.subarray(0, pos), chunk, data.subarray(pos));
    }
    case 6: {
      // write an interesting u32 (big- or little-endian)
      const v = pick(rng, INTERESTING_U32);
      const bytes = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
      if (rng() < 0.5) bytes.reverse();
      for (let i = 0; i < 4 && pos + i < data.length; i++) data[pos + i] = bytes[i]!;
      return data;
    }
    default: // set a byte to an edge value
      if (data.length) data[pos] = pick(rng, [0x00, 0x01, 0x7f, 0x80, 0xff, 0x3c, 0x3e, 0x26, 0x22]);
      return data;
  }
}

function mutateRounds(rng: Rng, input: Uint8Array): Uint8Array {
  let data = input;
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) data = mutate(rng, data);
  return data;
}

const XML_PIECES = [
  '<',
  '>',
  '/',
  '&',
  ';',
  '"',
  "'",
  '=',
  ' ',
  '!',
  '?',
  '-',
  '[',
  ']',
  '#',
  'x',
  'A',
  '\u0000',
  '\uD800',
  '\uDC00',
  '&#',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '</',
  '/>',
  '<?',
  '?>',
  '&amp;',
  '&#x10FFFF;',
  '<KID>',
  '</KID>',
  '<DATA>',
  'VALUE="',
  '<!DOCTYPE',
];

/** 1-4 character-level edits of XML: insert, delete, overwrite a piece, or repeat a chunk. */
function mutateXml(rng: Rng, source: string): string {
  let xml = source;
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) {
    const pos = int(rng, xml.length + 1);
    const piece = pick(rng, XML_PIECES);
    switch (int(rng, 4)) {
      case 0:
        xml = xml.slice(0, pos) + piece + xml.slice(pos);
        break;
      case 1:
        xml = xml.slice(0, pos) + xml.slice(pos + 1 + int(rng, 8));
        break;
      case 2:
        xml = xml.slice(0, pos) + piece + xml.slice(pos + piece.length);
        break;
      default: {
        // repeat a chunk 2..64 times (deep nesting, long runs of markup)
        const chunk = xml.slice(pos, pos + 1 + int(rng, 24));
        xml = xml.slice(0, pos) + chunk.repeat(2 + int(rng, 63)) + xml.slice(pos);
      }
    }
  }
  return xml;
}

/** The Data of a well-formed `pssh` box given as base64 (read here without the code under test). */
function payloadOf(boxBase64: string): Uint8Array {
  const box = base64(boxBase64);
  const view = new DataView(box.buffer, box.byteOffset, box.byteLength);
  const dataSizeAt = box[8] === 1 ? 32 + 16 * view.getUint32(28) : 28;
  return box.slice(dataSizeAt + 4, dataSizeAt + 4 + view.getUint32(dataSizeAt));
}

/** The Data of the hand-built Widevine box SHAKA_WIDEVINE_EXAMPLE. */
const SHAKA_WIDEVINE_DATA = SHAKA_WIDEVINE_EXAMPLE.slice(32);

/** A rich Widevine message (every documented field), for mutation. */
const WIDEVINE_ALL_FIELDS = hex(
  '08 01 12 10 31323334353637383930313233343536 1a 02 4142 22 02 00ff 2a 02 4844 32 02 7031 38 07',
  '42 02 0102 48 f3c6899b06 50 3c 58 01 60 05 6a 02 abcd 72 0a 0a02aabb 1202ccdd 2810 7a 03 414243',
  '8201 01 41 8801 09 a001 05 a901 0102030405060708 b201 02 aabb bd01 01020304',
);

const WIDEVINE_PAYLOADS: readonly Uint8Array[] = [
  WIDEVINE_DATA,
  WIDEVINE_ALL_FIELDS,
  SHAKA_WIDEVINE_DATA,
  payloadOf(REAL_WORLD.widevinePsshCenc),
  payloadOf(REAL_WORLD.widevinePsshCbcs),
];

const PLAYREADY_OBJECTS: readonly Uint8Array[] = [
  PRO_V40,
  PRO_V43,
  base64(REAL_WORLD.microsoftSpecPro),
  base64(REAL_WORLD.playreadyProCencAudio),
  payloadOf(REAL_WORLD.playreadyPsshCencVideo),
  payloadOf(REAL_WORLD.playreadyPsshCbcsAudio),
];

/** WRMHEADER texts to mutate: the two hand-written ones and those of the real PlayReady Objects. */
const WRMHEADERS: readonly string[] = [
  XML_V40,
  XML_V43,
  ...PLAYREADY_OBJECTS.slice(2).map((pro) => String.fromCharCode(...new Uint16Array(pro.slice(10).buffer))),
];

const SYSTEM = {
  widevine: hex('edef8ba979d64acea3c827dcd51d21ed'),
  playready: hex('9a04f07998404286ab92e65be0885f95'),
  playreadySwapped: hex('79f0049a40988642ab92e65be0885f95'),
};

/** A well-framed `pssh` box: sizes right, version 0 or 1 (with 0-3 random KIDs). */
function frameBox(rng: Rng, systemId: Uint8Array, data: Uint8Array): Uint8Array {
  const version = rng() < 0.3 ? 1 : 0;
  const kids = version === 1 ? Uint8Array.from({ length: 16 * int(rng, 4) }, () => int(rng, 256)) : new Uint8Array(0);
  const size = 32 + (version === 1 ? 4 + kids.length : 0) + data.length;
  const header = new Uint8Array(32); // size, type, version, flags, SystemID; v1: KID_count
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  header.set([0x70, 0x73, 0x73, 0x68], 4); // 'pssh'
  header[8] = version;
  header.set(systemId, 12);
  if (version === 1) view.setUint32(28, kids.length / 16);
  const dataSize = new Uint8Array(4);
  new DataView(dataSize.buffer).setUint32(0, data.length);
  return version === 1 ? concat(header, kids, dataSize, data) : concat(header.subarray(0, 28), dataSize, data);
}

/** Sometimes puts other valid boxes before and/or after `box`. */
function withNeighbours(rng: Rng, box: Uint8Array): Uint8Array {
  const roll = rng();
  if (roll < 0.7) return box;
  if (roll < 0.8) return concat(COMMON_V1_BOX, box);
  if (roll < 0.9) return concat(box, WIDEVINE_V0_BOX);
  return concat(WIDEVINE_V0_BOX, box, COMMON_V1_BOX);
}

/** A well-framed PlayReady Object (Length and RecordLength right) around the given record values. */
function framePro(records: ReadonlyArray<readonly [type: number, value: Uint8Array]>): Uint8Array {
  const length = 6 + records.reduce((n, [, value]) => n + 4 + value.length, 0);
  const header = new Uint8Array(6);
  const view = new DataView(header.buffer);
  view.setUint32(0, length, true);
  view.setUint16(4, records.length, true);
  const parts: Uint8Array[] = [header];
  for (const [type, value] of records) {
    const recordHeader = new Uint8Array(4);
    const rv = new DataView(recordHeader.buffer);
    rv.setUint16(0, type, true);
    rv.setUint16(2, Math.min(value.length, 0xffff), true);
    parts.push(recordHeader, value.subarray(0, 0xffff));
  }
  return concat(...parts);
}

/** A PlayReady Object for the `framed-playready` kind: mutated itself, or well-framed around a mutated header. */
function playReadyPayload(rng: Rng): Uint8Array {
  const mode = int(rng, 3);
  if (mode === 0) return mutateRounds(rng, pick(rng, PLAYREADY_OBJECTS));
  let header = mode === 1 ? mutateRounds(rng, utf16le(pick(rng, WRMHEADERS))) : utf16le(mutateXml(rng, pick(rng, WRMHEADERS)));
  // Mostly keep UTF-16LE's even length, so the text decoder and the XML parser are reached.
  if (header.length % 2 === 1 && rng() < 0.8) header = header.subarray(0, header.length - 1);
  const records: Array<readonly [number, Uint8Array]> = [[1, header]];
  const extra = rng();
  if (extra < 0.1) records.push([3, Uint8Array.from({ length: int(rng, 16) }, () => int(rng, 256))]);
  else if (extra < 0.15) records.unshift([2, new Uint8Array(0)]);
  else if (extra < 0.2) records.push([1, utf16le(pick(rng, WRMHEADERS))]);
  return framePro(records);
}

function randomBytes(rng: Rng): Uint8Array {
  const roll = rng();
  const length = roll < 0.9 ? int(rng, 301) : roll < 0.999 ? int(rng, 4097) : MAX_INPUT_BYTES - 64 + int(rng, 66);
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = int(rng, 256);
  return data;
}

type ByteDecoder = readonly [string, (data: Uint8Array) => unknown];

const BOX_DECODERS: readonly ByteDecoder[] = [
  ['splitPsshBoxes', splitPsshBoxes],
  ["decodeInitData('cenc')", (d) => decodeInitData('cenc', d)],
];
const INIT_DATA_CENC: readonly ByteDecoder[] = [BOX_DECODERS[1]!];
const PRO_DECODERS: readonly ByteDecoder[] = [['decodePlayReadyObject', decodePlayReadyObject]];

/** Every byte decoder: random inputs go through all of them. */
const ALL_DECODERS: readonly ByteDecoder[] = [
  ...BOX_DECODERS,
  ['decodeWidevinePsshData', decodeWidevinePsshData],
  ['decodePlayReadyObject', decodePlayReadyObject],
  ['decodeWrmHeader', decodeWrmHeader],
  ['parseKeyIdsInitData', parseKeyIdsInitData],
  ["decodeInitData('keyids')", (d) => decodeInitData('keyids', d)],
  ["decodeInitData('webm')", (d) => decodeInitData('webm', d)],
];

/**
 * Valid vectors to mutate, each with the decoders that read its format (a
 * mutated PlayReady Object fed to the box splitter would only repeat what the
 * random kind already covers).
 */
const CORPUS: ReadonlyArray<readonly [Uint8Array, readonly ByteDecoder[]]> = [
  [WIDEVINE_V0_BOX, BOX_DECODERS],
  [COMMON_V1_BOX, BOX_DECODERS],
  [CONCATENATED_BOXES, BOX_DECODERS],
  [LARGESIZE_BOX, BOX_DECODERS],
  [PADDED_BOX, BOX_DECODERS],
  [PLAYREADY_V43_BOX, BOX_DECODERS],
  [base64(REAL_WORLD.playreadyPsshCencVideo), BOX_DECODERS],
  [base64(REAL_WORLD.playreadyPsshCbcsAudio), BOX_DECODERS],
  [base64(REAL_WORLD.widevinePsshCenc), BOX_DECODERS],
  [base64(REAL_WORLD.widevinePsshCbcs), BOX_DECODERS],
  [base64(REAL_WORLD.commonPssh), BOX_DECODERS],
  [PRO_V40, PRO_DECODERS],
  [PRO_V43, PRO_DECODERS],
  [base64(REAL_WORLD.microsoftSpecPro), PRO_DECODERS],
  [base64(REAL_WORLD.playreadyProCencAudio), PRO_DECODERS],
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

function bytesCase(index: number, kind: FuzzKind, data: Uint8Array, decoders: readonly ByteDecoder[]): FuzzCase {
  return { index, kind, input: data, calls: decoders.map(([name, decode]) => [name, () => decode(data)] as const) };
}

/**
 * Input number `index` of the run with `seed` (deterministic: the same
 * `(seed, index)` always gives the same input).
 */
export function fuzzCase(index: number, seed: number = FUZZ_SEED): FuzzCase {
  const rng = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const kind = KIND_BY_DIGIT[index % 10]!;
  switch (kind) {
    case 'random':
      return bytesCase(index, kind, randomBytes(rng), ALL_DECODERS);
    case 'mutated': {
      const [original, decoders] = pick(rng, CORPUS);
      return bytesCase(index, kind, mutateRounds(rng, original), decoders);
    }
    case 'framed-widevine': {
      const payload = mutateRounds(rng, pick(rng, WIDEVINE_PAYLOADS));
      return bytesCase(index, kind, withNeighbours(rng, frameBox(rng, SYSTEM.widevine, payload)), INIT_DATA_CENC);
    }
    case 'framed-playready': {
      const systemId = rng() < 0.85 ? SYSTEM.playready : SYSTEM.playreadySwapped;
      return bytesCase(index, kind, withNeighbours(rng, frameBox(rng, systemId, playReadyPayload(rng))), INIT_DATA_CENC);
    }
    case 'xml': {
      const xml = mutateXml(rng, pick(rng, WRMHEADERS));
      return {
        index,
        kind,
        input: xml,
        calls: [
          ['parseWrmHeaderXml', () => parseWrmHeaderXml(xml)],
          ['decodeWrmHeader', () => decodeWrmHeader(utf16le(xml))],
        ],
      };
    }
  }
}

/** Runs every decoder call of `fuzz` and sorts the results into returned, typed rejections and untyped throws. */
export function runFuzzCase(fuzz: FuzzCase): FuzzOutcome {
  const outcome: FuzzOutcome = { returned: 0, rejected: 0, untyped: [] };
  for (const [name, call] of fuzz.calls) {
    try {
      call();
      outcome.returned++;
    } catch (e) {
      if (e instanceof PsshDecodeError && e.code !== 'INTERNAL') {
        outcome.rejected++;
      } else {
        const what =
          e instanceof PsshDecodeError ? `INTERNAL: ${e.message}` : `untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
        outcome.untyped.push(`${name}: ${what}`);
      }
    }
  }
  return outcome;
}

/** A short description of an input for failure reports: seed, index, kind, size, first bytes / characters. */
export function describeFuzzCase(fuzz: FuzzCase, seed: number = FUZZ_SEED): string {
  const { input } = fuzz;
  const shown =
    typeof input === 'string'
      ? JSON.stringify(input.slice(0, 80))
      : Array.from(input.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join('') + (input.length > 48 ? '…' : '');
  const size = typeof input === 'string' ? `${input.length} chars` : `${input.length} bytes`;
  return `seed=${seed} input #${fuzz.index} (${fuzz.kind}, ${size}) ${shown}`;
}
