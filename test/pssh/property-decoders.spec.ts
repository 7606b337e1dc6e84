/**
 * Property specs of the PSSH / init-data decoders, with fast-check.
 *
 * Where fast-check is used and where the hand-rolled generator
 * (test/pssh/fuzz-inputs.ts: fuzz.spec.ts's 10,000 inputs, `npm run fuzz`'s
 * 1,000,000) stays, per kind of input:
 *
 * - Random bytes: fast-check here (`fc.uint8Array`), simpler than a PRNG
 *   and a length distribution, and a failure shrinks to a short input. The
 *   fuzz run keeps its own random kind: its inputs are numbered (any one is
 *   rebuilt from seed and index) and the spec runs the script's first
 *   10,000, so taking that kind out would renumber every input for no
 *   simpler code (it is a few lines).
 * - Structured inputs (boxes, Widevine data, PlayReady Objects, WRMHEADERs,
 *   keyids JSON built from generated fields): fast-check. `fc.record` of the
 *   fields plus a short writer by the published layout
 *   (property-arbitraries.ts) is simpler than threading a PRNG through
 *   builders, and it knows what the input says, so the properties check
 *   round trips (the decoders give back the generated fields) and not only
 *   "a typed result". Well-framed boxes and objects around arbitrary data
 *   are the same generators with random payloads.
 * - Mutated real vectors (Shaka Packager boxes, Microsoft's PlayReady
 *   Object, the WRMHEADERs) and character-level mutation of WRMHEADER XML:
 *   the hand-rolled generator, kept. fast-check has no mutation of a seed
 *   corpus; its eight byte mutations and four XML edits written as
 *   arbitraries would be as long, and shrinking a mutated 600-byte box gives
 *   nothing more readable than the seed and index that rebuild it. The XML
 *   robustness property below adds markup-token soup, which fast-check
 *   writes in a line.
 *
 * Expected values come from the generated fields and the layouts cited in
 * property-arbitraries.ts, never from running the decoders. Every property
 * has a fixed seed and run count (property-check.ts), so a run is
 * reproducible; a failure reports the shrunk counterexample, the seed and
 * the path to replay it (`fc.check(property, { seed, path })`).
 */

import fc from 'fast-check';
import { PsshDecodeError } from '../../src/pssh/errors';
import { splitPsshBoxes } from '../../src/pssh/box';
import { decodeWidevinePsshData } from '../../src/pssh/widevine';
import { decodePlayReadyObject, decodeWrmHeader, parseWrmHeaderXml } from '../../src/pssh/playready';
import { parseKeyIdsInitData } from '../../src/pssh/keyids';
import { decodeInitData, summarizeKeyIds } from '../../src/pssh/init-data';
import { utf16le } from './helpers';
import { holds } from './property-check';
import {
  CENC_SCHEMES,
  COMMON_ID,
  PLAYREADY_IDS,
  WIDEVINE_ID,
  boxFields,
  boxFieldsWith,
  contentIdBytes,
  guidOrder,
  kid16,
  markupText,
  proRecords,
  systemChoice,
  toBase64,
  toBase64Url,
  toHex,
  unique,
  utf8Bytes,
  widevineFieldsWith,
  writePlayReadyObject,
  writePsshBox,
  writeWidevineData,
  writeWrmHeaderXml,
  type BoxFields,
  type ProRecord,
  type WidevineFields,
  type WrmHeaderFields,
} from './property-arbitraries';

/** JSON with sorted keys, bytes as hex and `undefined` properties shown, for comparing decoder results. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (v === undefined && key !== '') return '(undefined)';
    if (v instanceof Uint8Array) return { bytes: toHex(v) };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** Throws unless `actual` and `expected` are equal (see {@link canonical}). */
function same(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Error(`${what}:\n  expected ${e}\n  got      ${a}`);
}

/** The object without its `undefined` properties (expected values list only what is present). */
function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Runs a decoder call; returns its value, or the typed PsshDecodeError it
 * threw. Anything else (another exception, an INTERNAL PsshDecodeError, which
 * is a caught bug) fails the property.
 */
function typed(what: string, call: () => unknown): unknown {
  try {
    return call();
  } catch (e) {
    if (e instanceof PsshDecodeError && e.code !== 'INTERNAL') return e;
    throw new Error(`${what} threw ${e instanceof PsshDecodeError ? `INTERNAL: ${e.message}` : `untyped ${String(e)}`}`, { cause: e });
  }
}

const KEY_ID = /^[0-9a-f]{32}$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

/** Throws unless every key ID is 32 lower-case hex digits. */
function keyIdsAre32Hex(keyIds: readonly string[], what: string): void {
  const bad = keyIds.find((kid) => !KEY_ID.test(kid));
  if (bad !== undefined) throw new Error(`${what}: key ID "${bad}" is not 32 lower-case hex digits`);
}

// ---------------------------------------------------------------------------
// Expected values, from the generated fields
// ---------------------------------------------------------------------------

const WIDEVINE_ALGORITHMS = ['UNENCRYPTED', 'AESCTR']; // WidevinePsshData.Algorithm
const WIDEVINE_TYPES = ['SINGLE', 'ENTITLEMENT', 'ENTITLED_KEY']; // WidevinePsshData.Type
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/; // C0, DEL, C1 (Unicode general category Cc)

/**
 * The decoded WidevinePsshData the fields should give. `contentIdText` for a
 * binary content_id and the name of a non-CENC protection_scheme are left out
 * (`loose`): checked by {@link checkLooseWidevineFields}.
 */
function expectedWidevine(f: WidevineFields): { expected: Record<string, unknown>; loose: string[] } {
  const loose: string[] = [];
  const content = f.contentId;
  let contentIdText: string | undefined;
  if (content && 'text' in content) contentIdText = content.text !== '' && !CONTROL.test(content.text) ? content.text : undefined;
  else if (content) loose.push('contentIdText');
  const scheme = CENC_SCHEMES.find(([, value]) => value === f.protectionScheme);
  if (f.protectionScheme !== undefined && !scheme) loose.push('protectionScheme');
  const expected = present({
    keyIds: f.keyIds.map(toHex),
    algorithm: f.algorithm === undefined ? undefined : (WIDEVINE_ALGORITHMS[f.algorithm] ?? f.algorithm),
    provider: f.provider,
    contentId: content && toHex(contentIdBytes(content)),
    contentIdText,
    trackType: f.trackType,
    policy: f.policy,
    cryptoPeriodIndex: f.cryptoPeriodIndex,
    groupedLicense: f.groupedLicense,
    protectionScheme: scheme?.[0],
    protectionSchemeValue: f.protectionScheme,
    cryptoPeriodSeconds: f.cryptoPeriodSeconds,
    type: f.type === undefined ? undefined : (WIDEVINE_TYPES[f.type] ?? f.type),
    keySequence: f.keySequence,
    groupIds: f.groupIds.map(toHex),
    entitledKeys: f.entitledKeys.map((k) =>
      present({
        entitlementKeyId: k.entitlementKeyId && toHex(k.entitlementKeyId),
        keyId: k.keyId && toHex(k.keyId),
        key: k.key && toHex(k.key),
        iv: k.iv && toHex(k.iv),
        entitlementKeySizeBytes: k.entitlementKeySizeBytes,
      }),
    ),
    videoFeature: f.videoFeature,
    audioFeature: f.audioFeature,
    entitlementPeriodIndex: f.entitlementPeriodIndex,
    unknownFields: unique(f.unknown.map((u) => u.field)),
  });
  return { expected, loose };
}

/** What the spec allows for the fields {@link expectedWidevine} leaves out. */
function checkLooseWidevineFields(f: WidevineFields, actual: Record<string, unknown>): void {
  const text = actual['contentIdText'];
  if (text !== undefined && f.contentId && 'bytes' in f.contentId) {
    // Only when the bytes are UTF-8 text without control characters.
    if (typeof text !== 'string' || text === '' || CONTROL.test(text)) throw new Error(`contentIdText ${JSON.stringify(text)}`);
    same(utf8Bytes(text), f.contentId.bytes, 'contentIdText, encoded back');
  }
  const name = actual['protectionScheme'];
  if (f.protectionScheme !== undefined && !CENC_SCHEMES.some(([, value]) => value === f.protectionScheme)) {
    // The four characters of the code when printable ASCII, else 0x + 8 hex digits.
    const v = f.protectionScheme;
    const chars = [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    const fourcc = String.fromCharCode(...chars);
    const ok = chars.every((c) => c >= 0x20 && c <= 0x7e) ? name === fourcc : name === `0x${v.toString(16).padStart(8, '0')}`;
    if (!ok) throw new Error(`protectionScheme ${JSON.stringify(name)} for ${v}`);
  }
}

/** The decoded PlayReadyHeader the fields should give. */
function expectedHeader(f: WrmHeaderFields): Record<string, unknown> {
  const kids = f.kids.map((k) =>
    present({ keyId: toHex(k.id), value: toBase64(guidOrder(k.id)), algorithm: k.algorithm, checksum: k.checksum }),
  );
  const v40 = f.version === '4.0.0.0';
  const [firstAlgorithm] = f.kids.map((k) => k.algorithm);
  const shared = f.kids.every((k) => k.algorithm !== undefined && k.algorithm === firstAlgorithm) ? firstAlgorithm : undefined;
  return present({
    version: f.version,
    keyIds: unique(kids.map((k) => k.keyId)),
    kids,
    algorithm: v40 ? f.v40.algorithm : shared,
    keyLength: v40 ? f.v40.keyLength : undefined,
    checksum: v40 ? f.v40.checksum : undefined,
    laUrl: f.laUrl,
    luiUrl: f.luiUrl,
    dsId: f.dsId,
    customAttributes: f.customAttributes,
    decryptorSetup: f.decryptorSetup,
    licenseRequested: f.licenseRequested,
    xml: writeWrmHeaderXml(f),
  });
}

/** The key IDs a PlayReady Object's headers list, in order (big-endian hex). */
function proKeyIds(records: readonly ProRecord[]): string[] {
  return records.flatMap((r) => ('header' in r ? r.header.kids.map((k) => toHex(k.id)) : []));
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const BYTE_DECODERS: ReadonlyArray<readonly [string, (data: Uint8Array) => unknown]> = [
  ['splitPsshBoxes', splitPsshBoxes],
  ["decodeInitData('cenc')", (d) => decodeInitData('cenc', d)],
  ["decodeInitData('keyids')", (d) => decodeInitData('keyids', d)],
  ["decodeInitData('webm')", (d) => decodeInitData('webm', d)],
  ['decodeWidevinePsshData', decodeWidevinePsshData],
  ['decodePlayReadyObject', decodePlayReadyObject],
  ['decodeWrmHeader', decodeWrmHeader],
  ['parseKeyIdsInitData', parseKeyIdsInitData],
];

/** Random bytes, half of them behind a box header ('pssh' and a size), so the box reader gets past its first check. */
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400, size: 'max' }),
  fc.tuple(fc.integer({ min: 0, max: 420 }), fc.uint8Array({ maxLength: 400, size: 'max' })).map(([size, rest]) => {
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, size);
    head.set([0x70, 0x73, 0x73, 0x68], 4);
    return Uint8Array.of(...head, ...rest);
  }),
);

/** A Widevine or PlayReady box (a system whose data the decoder reads), or any other. */
const readSystems = fc.oneof(
  fc.constant({ id: WIDEVINE_ID, name: 'widevine' }),
  fc.constantFrom(...PLAYREADY_IDS).map((id) => ({ id, name: 'playready' })),
  systemChoice,
);

describe('pssh decoders, properties (fast-check)', () => {
  describe('return a value or throw a typed PsshDecodeError, never anything else', () => {
    it('for any bytes, through every byte decoder', () => {
      holds(
        fc.property(anyBytes, (data) => {
          for (const [name, decode] of BYTE_DECODERS) typed(name, () => decode(data));
        }),
        400,
      );
    });

    it("for a well-framed pssh box around any Data; what decodeInitData('cenc') returns has hex key IDs, the box's own first", () => {
      const data = fc.oneof(
        fc.uint8Array({ maxLength: 120, size: 'max' }),
        widevineFieldsWith(fc.uint8Array({ maxLength: 20, size: 'max' })).map(writeWidevineData),
        fc
          .array(fc.record({ type: fc.constantFrom(1, 3), value: fc.uint8Array({ maxLength: 60, size: 'max' }) }), { maxLength: 3 })
          .map(writePlayReadyObject),
      );
      holds(
        fc.property(boxFieldsWith(readSystems, data), (box) => {
          const decoded = typed('decodeInitData', () => decodeInitData('cenc', writePsshBox(box)));
          if (decoded instanceof PsshDecodeError) return;
          const [system] = (decoded as ReturnType<typeof decodeInitData>).systems;
          const own = unique(box.kids.map(toHex));
          same(system!.keyIds.slice(0, own.length), own, "the box's KIDs");
          // Widevine key_id is protobuf bytes of any length, empty included: even-length hex, not always 32 digits.
          for (const kid of system!.keyIds) if (!HEX.test(kid)) throw new Error(`key ID "${kid}" is not lower-case hex`);
          if (system!.name === 'playready') keyIdsAre32Hex(system!.keyIds, 'PlayReady key IDs');
        }),
        400,
      );
    });

    it('for text made of markup pieces, as WRMHEADER XML, UTF-16LE and a framed PlayReady Object', () => {
      holds(
        fc.property(markupText, (xml) => {
          typed('parseWrmHeaderXml', () => parseWrmHeaderXml(xml));
          const bytes = utf16le(xml);
          typed('decodeWrmHeader', () => decodeWrmHeader(bytes));
          if (bytes.length <= 0xffff)
            typed('decodePlayReadyObject', () => decodePlayReadyObject(writePlayReadyObject([{ type: 1, value: bytes }])));
        }),
        400,
      );
    });

    it('for any JSON as keyids init data; returned KIDs are hex of 1..512 bytes', () => {
      const kid = fc.oneof(
        fc.uint8Array({ maxLength: 24, size: 'max' }).map(toBase64Url),
        fc.string({ maxLength: 24, size: 'max' }),
        fc.jsonValue({ maxDepth: 1 }),
      );
      const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ kids: fc.array(kid, { maxLength: 4 }) }, { requiredKeys: [] }));
      holds(
        fc.property(json, (value) => {
          const bytes = utf8Bytes(JSON.stringify(value) ?? '');
          const kids = typed('parseKeyIdsInitData', () => parseKeyIdsInitData(bytes));
          typed("decodeInitData('keyids')", () => decodeInitData('keyids', bytes));
          if (kids instanceof PsshDecodeError) return;
          for (const k of kids as string[]) if (!HEX.test(k) || k.length < 2 || k.length > 1024) throw new Error(`KID "${k}"`);
        }),
        300,
      );
    });
  });

  describe('round trips: decoding what was written from generated fields gives the fields back', () => {
    it('splitPsshBoxes: version, flags, SystemID and name, KIDs, Data, offset and size of every box, in order', () => {
      holds(
        fc.property(fc.array(boxFields, { maxLength: 4 }), (fields) => {
          const written = fields.map(writePsshBox);
          const boxes = splitPsshBoxes(Uint8Array.of(...written.flatMap((b) => [...b])));
          let offset = 0;
          const expected = fields.map((f: BoxFields, i) => {
            const box = {
              version: f.version,
              flags: f.flags,
              systemId: f.system.id,
              systemName: f.system.name,
              keyIds: f.kids.map(toHex),
              data: f.data,
              offset,
              bytes: written[i],
            };
            offset += written[i]!.length;
            return box;
          });
          same(boxes, expected, 'boxes');
          for (const box of boxes) keyIdsAre32Hex(box.keyIds, 'box KIDs');
        }),
        300,
      );
    });

    it('decodeWidevinePsshData: every WidevinePsshData field, unknown fields listed once in first-seen order', () => {
      holds(
        fc.property(widevineFieldsWith(), (fields) => {
          const decoded = decodeWidevinePsshData(writeWidevineData(fields)) as unknown as Record<string, unknown>;
          const { expected, loose } = expectedWidevine(fields);
          const compared = { ...decoded };
          for (const key of loose) delete compared[key];
          same(compared, expected, 'WidevinePsshData');
          checkLooseWidevineFields(fields, decoded);
          keyIdsAre32Hex(decoded['keyIds'] as string[], 'Widevine key_ids');
        }),
        300,
      );
    });

    it('decodeWidevinePsshData: a non-repeated field written twice gives the last value (protobuf encoding rules)', () => {
      holds(
        fc.property(widevineFieldsWith(), widevineFieldsWith(), (first, second) => {
          const data = Uint8Array.of(...writeWidevineData(first), ...writeWidevineData(second));
          const decoded = decodeWidevinePsshData(data);
          const last = <T>(a: T | undefined, b: T | undefined): T | undefined => (b !== undefined ? b : a);
          same(decoded.provider, last(first.provider, second.provider), 'provider');
          same(decoded.protectionSchemeValue, last(first.protectionScheme, second.protectionScheme), 'protection_scheme');
          same(decoded.cryptoPeriodIndex, last(first.cryptoPeriodIndex, second.cryptoPeriodIndex), 'crypto_period_index');
          // Repeated fields add up.
          same(decoded.keyIds, [...first.keyIds, ...second.keyIds].map(toHex), 'key_ids');
        }),
        100,
      );
    });

    it('decodePlayReadyObject and parseWrmHeaderXml: Length, records, every WRMHEADER field (4.0-4.3), the Embedded License Store', () => {
      holds(
        fc.property(proRecords, (records) => {
          const pro = writePlayReadyObject(records);
          const decoded = decodePlayReadyObject(pro);
          let offset = 6;
          const expectedRecords = records.map((r) => {
            const length = 'header' in r ? 2 * writeWrmHeaderXml(r.header).length : r.value.length;
            const record = { type: r.type, offset: offset + 4, length };
            offset += 4 + length;
            return record;
          });
          const headers = records.flatMap((r) => ('header' in r ? [r.header] : []));
          const els = records.find((r): r is { type: number; value: Uint8Array } => r.type === 3 && 'value' in r);
          same(
            decoded,
            present({
              length: pro.length,
              records: expectedRecords,
              headers: headers.map(expectedHeader),
              embeddedLicenseStore: els?.value,
            }),
            'PlayReadyObject',
          );
          for (const h of headers) {
            same(parseWrmHeaderXml(writeWrmHeaderXml(h)), expectedHeader(h), 'parseWrmHeaderXml');
            same(parseWrmHeaderXml(`\uFEFF${writeWrmHeaderXml(h)}`).keyIds, expectedHeader(h)['keyIds'], 'with a byte-order mark');
          }
          for (const h of decoded.headers) keyIdsAre32Hex(h.keyIds, 'PlayReady key IDs');
        }),
        200,
      );
    });

    it("decodeInitData('cenc') and summarizeKeyIds: Widevine, PlayReady and other boxes, key IDs box first, unique, 32 lower-case hex", () => {
      const widevine = fc
        .tuple(boxFieldsWith(fc.constant({ id: WIDEVINE_ID, name: 'widevine' }), fc.constant(new Uint8Array(0))), widevineFieldsWith())
        .map(([box, wv]) => {
          const data = writeWidevineData(wv);
          return { box: { ...box, data }, payloadKids: wv.keyIds.map(toHex), payload: data.length > 0 ? 'widevine' : 'none' };
        });
      const playready = fc
        .tuple(
          boxFieldsWith(
            fc.constantFrom(...PLAYREADY_IDS).map((id) => ({ id, name: 'playready' })),
            fc.constant(new Uint8Array(0)),
          ),
          proRecords,
        )
        .map(([box, records]) => ({
          box: { ...box, data: writePlayReadyObject(records) },
          payloadKids: proKeyIds(records),
          payload: records.some((r) => 'header' in r) ? 'playready' : 'none',
        }));
      const other = boxFieldsWith(
        systemChoice.filter((s) => s.name !== 'widevine' && s.name !== 'playready'),
        fc.uint8Array({ maxLength: 40, size: 'max' }),
      ).map((box) => ({
        box,
        payloadKids: [] as string[],
        payload: 'none',
      }));
      holds(
        fc.property(fc.array(fc.oneof(widevine, playready, other), { minLength: 1, maxLength: 4 }), (entries) => {
          const data = Uint8Array.of(...entries.flatMap(({ box }) => [...writePsshBox(box)]));
          const decoded = decodeInitData('cenc', data);
          const expected = entries.map(({ box, payloadKids, payload }) => ({
            systemId: box.system.id,
            name: box.system.name,
            keyIds: unique([...box.kids.map(toHex), ...payloadKids]),
            source: 'pssh',
            boxVersion: box.version,
            payload, // the decoded Widevine data, or the first PlayReady Header
          }));
          const actual = decoded.systems.map((s) => ({
            systemId: s.systemId,
            name: s.name,
            keyIds: s.keyIds,
            source: s.source,
            boxVersion: s.boxVersion,
            payload: s.widevine ? 'widevine' : s.playready ? 'playready' : 'none',
          }));
          same(actual, expected, 'systems');
          same(decoded.initDataType, 'cenc', 'initDataType');
          const all = summarizeKeyIds(decoded);
          same(all, unique(expected.flatMap((s) => s.keyIds)), 'summarizeKeyIds');
          keyIdsAre32Hex(all, 'summarizeKeyIds');
        }),
        200,
      );
    });

    it("parseKeyIdsInitData and decodeInitData('keyids'): KIDs of 1..512 bytes back as hex in order (duplicates kept by the parser, dropped from the system entry)", () => {
      const kid = fc.oneof(
        { weight: 4, arbitrary: kid16 },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 512, size: 'max' }) },
      );
      holds(
        fc.property(
          fc.array(kid, { minLength: 1, maxLength: 5 }),
          fc.option(fc.constantFrom('temporary', 'persistent-license')),
          (kids, type) => {
            const body = type === null ? { kids: kids.map(toBase64Url) } : { type, kids: kids.map(toBase64Url) };
            const bytes = utf8Bytes(JSON.stringify(body));
            same(parseKeyIdsInitData(bytes), kids.map(toHex), 'parseKeyIdsInitData');
            const decoded = decodeInitData('keyids', bytes);
            same(decoded.systems, [{ systemId: COMMON_ID, name: 'common', keyIds: unique(kids.map(toHex)), source: 'keyids' }], 'systems');
          },
        ),
        200,
      );
    });

    it("decodeInitData('webm'): a key ID of 1..512 bytes as the Common system's one KID; longer is BAD_WEBM_KEY_ID", () => {
      // Bytes from a length and a start value (shrinking a 500-byte array element by element is slow).
      const kidOfLength = fc
        .tuple(fc.integer({ min: 1, max: 600 }), fc.nat({ max: 255 }))
        .map(([n, start]) => Uint8Array.from({ length: n }, (_, i) => (start + 47 * i) & 0xff));
      holds(
        fc.property(kidOfLength, (kid) => {
          const result = typed('webm', () => decodeInitData('webm', kid));
          if (kid.length > 512) {
            if (!(result instanceof PsshDecodeError) || result.code !== 'BAD_WEBM_KEY_ID')
              throw new Error(`${kid.length} bytes: ${String(result)}`);
            return;
          }
          same(
            result,
            { initDataType: 'webm', systems: [{ systemId: COMMON_ID, name: 'common', keyIds: [toHex(kid)], source: 'webm' }] },
            'webm',
          );
        }),
        150,
      );
    });
  });
});
