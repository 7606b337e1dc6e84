/**
 * fast-check arbitraries and writers for the property specs of the PSSH /
 * init-data decoders (test/pssh/property-decoders.spec.ts).
 *
 * The writers build bytes from generated fields by the published layouts,
 * not by calling src/pssh: the `pssh` box of ISO/IEC 23001-7 §8.1 (ISO BMFF
 * box header, ISO/IEC 14496-12 §4.2), the PlayReady Object and WRMHEADER of
 * Microsoft's "PlayReady Header Specification", the W3C "keyids" init data
 * (EME initialization data format registry), and Widevine's
 * `WidevinePsshData` message (field numbers of Shaka Packager's
 * widevine_pssh_data.proto, 1-10, and of the newer public proto, 11-17)
 * written with the test CDM's protobuf writer (src/testing/protobuf-writer.ts,
 * its own varint code). Hex and base64 are computed here or with the
 * platform's `btoa`, so a bug in src/pssh/bytes.ts cannot hide in both the
 * input and the expected value.
 */

import fc from 'fast-check';
import { ProtobufWriter } from '../../src/testing/protobuf-writer';
import { concat, utf16le } from './helpers';

// ---------------------------------------------------------------------------
// Bytes and text, written without the code under test
// ---------------------------------------------------------------------------

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Standard base64, padded (RFC 4648 §4), with the platform's btoa. */
export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** base64url without padding (RFC 4648 §5), as the W3C keyids format writes KIDs. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A big-endian UUID's bytes in Windows GUID order (as a WRMHEADER stores
 * KIDs): Data1 (bytes 0-3) and Data2, Data3 (4-5, 6-7) little-endian, Data4
 * (8-15) as is. Its own inverse.
 */
export function guidOrder(uuid: Uint8Array): Uint8Array {
  const b = uuid;
  return Uint8Array.of(b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8));
}

/** The values in first-seen order without duplicates. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of text (the platform's encoder). */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** `n` bytes. */
export const bytesOf = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });

/** A 16-byte key ID (big-endian UUID order). */
export const kid16 = bytesOf(16);

/** A 32-bit unsigned value. */
export const uint32 = fc.integer({ min: 0, max: 0xffffffff });

// ---------------------------------------------------------------------------
// pssh boxes (ISO/IEC 23001-7 §8.1.1)
// ---------------------------------------------------------------------------

/**
 * Protection system IDs and their names: the DASH-IF content protection
 * identifier registry, plus the IDs Shaka Packager (FairPlay) and Bento4
 * (Marlin; PlayReady with its first 8 bytes in GUID order, for HbbTV 1.5)
 * write into `pssh` boxes.
 */
export const KNOWN_SYSTEMS: ReadonlyArray<readonly [id: string, name: string]> = [
  ['edef8ba979d64acea3c827dcd51d21ed', 'widevine'],
  ['9a04f07998404286ab92e65be0885f95', 'playready'],
  ['79f0049a40988642ab92e65be0885f95', 'playready'],
  ['1077efecc0b24d02ace33c1e52e2fb4b', 'common'],
  ['e2719d58a985b3c9781ab030af78d30e', 'clearkey'],
  ['94ce86fb07ff4f43adb893d2fa968ca2', 'fairplay'],
  ['29701fe43cc74a348c5bae90c7439a47', 'fairplay'],
  ['5e629af538da4063897797ffbd9902d4', 'marlin'],
  ['69f908af481646ea910ccd5dcccb0a3a', 'marlin'],
  ['f239e769efa348509c16a903c6932efb', 'primetime'],
];

export const WIDEVINE_ID = KNOWN_SYSTEMS[0]![0];
export const PLAYREADY_IDS = [KNOWN_SYSTEMS[1]![0], KNOWN_SYSTEMS[2]![0]] as const;
export const COMMON_ID = KNOWN_SYSTEMS[3]![0];

/** A system ID as hex and the name expected for it (`'unknown'` for random IDs). */
export interface SystemChoice {
  id: string;
  name: string;
}

/** A known system, or 16 random bytes (a registered ID by chance has probability 2^-125). */
export const systemChoice: fc.Arbitrary<SystemChoice> = fc.oneof(
  fc.constantFrom(...KNOWN_SYSTEMS).map(([id, name]) => ({ id, name })),
  kid16.map((id) => ({ id: toHex(id), name: 'unknown' })),
);

/** The fields of one `pssh` box, and two ways of writing it that change nothing in its meaning. */
export interface BoxFields {
  version: 0 | 1;
  flags: number;
  system: SystemChoice;
  /** KIDs of a version-1 box (always `[]` for version 0). */
  kids: Uint8Array[];
  data: Uint8Array;
  /** Write size = 1 and a 64-bit largesize (ISO/IEC 14496-12 §4.2). */
  largesize: boolean;
  /** Bytes after Data, inside the box (counted in its size; Bento4 writes some). */
  padding: Uint8Array;
}

/** Box fields with the given Data and system; version 1 boxes get 0-4 KIDs. */
export function boxFieldsWith(system: fc.Arbitrary<SystemChoice>, data: fc.Arbitrary<Uint8Array>): fc.Arbitrary<BoxFields> {
  return fc
    .record({
      version: fc.constantFrom<0 | 1>(0, 1),
      flags: fc.integer({ min: 0, max: 0xffffff }),
      system,
      kids: fc.array(kid16, { maxLength: 4 }),
      data,
      largesize: fc.boolean(),
      padding: fc.uint8Array({ maxLength: 6 }),
    })
    .map((f) => (f.version === 0 ? { ...f, kids: [] } : f));
}

/** Any `pssh` box: any system, any Data. */
export const boxFields = boxFieldsWith(systemChoice, fc.uint8Array({ maxLength: 80, size: 'max' }));

/** The box, written by the layout: size, 'pssh', [largesize], version, flags, SystemID, [KID_count, KIDs], DataSize, Data, padding. */
export function writePsshBox(f: BoxFields): Uint8Array {
  const headerBytes = f.largesize ? 16 : 8;
  const kidBytes = f.version === 1 ? 4 + 16 * f.kids.length : 0;
  const size = headerBytes + 4 + 16 + kidBytes + 4 + f.data.length + f.padding.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let o = 0;
  view.setUint32(o, f.largesize ? 1 : size);
  out.set([0x70, 0x73, 0x73, 0x68], 4); // 'pssh'
  o = 8;
  if (f.largesize) {
    view.setUint32(o, 0); // high 32 bits of the 64-bit size
    view.setUint32(o + 4, size);
    o += 8;
  }
  view.setUint32(o, (f.version << 24) | f.flags);
  o += 4;
  for (let i = 0; i < 16; i++) out[o + i] = parseInt(f.system.id.slice(2 * i, 2 * i + 2), 16);
  o += 16;
  if (f.version === 1) {
    view.setUint32(o, f.kids.length);
    o += 4;
    for (const kid of f.kids) {
      out.set(kid, o);
      o += 16;
    }
  }
  view.setUint32(o, f.data.length);
  out.set(f.data, o + 4);
  out.set(f.padding, o + 4 + f.data.length);
  return out;
}

// ---------------------------------------------------------------------------
// Widevine PSSH data (protobuf WidevinePsshData)
// ---------------------------------------------------------------------------

/** Text for protobuf string fields: any code points but a leading BOM (which UTF-8 decoders drop). */
const protoText = fc.string({ unit: 'binary', maxLength: 12, size: 'max' }).filter((s) => !s.startsWith('\uFEFF'));

/** `content_id`: UTF-8 text, or any bytes. */
export type ContentIdFields = { text: string } | { bytes: Uint8Array };

/** One `EntitledKey` sub-message (field 14). */
export interface EntitledKeyFields {
  entitlementKeyId?: Uint8Array;
  keyId?: Uint8Array;
  key?: Uint8Array;
  iv?: Uint8Array;
  entitlementKeySizeBytes?: number;
}

/** Generated `WidevinePsshData` fields (optional ones absent when not generated). */
export interface WidevineFields {
  algorithm?: number;
  keyIds: Uint8Array[];
  provider?: string;
  contentId?: ContentIdFields;
  trackType?: string;
  policy?: string;
  cryptoPeriodIndex?: number;
  groupedLicense?: Uint8Array;
  protectionScheme?: number;
  cryptoPeriodSeconds?: number;
  type?: number;
  keySequence?: number;
  groupIds: Uint8Array[];
  entitledKeys: EntitledKeyFields[];
  videoFeature?: string;
  audioFeature?: string;
  entitlementPeriodIndex?: number;
  /** Fields 18 and up, which the decoder does not know: varint or bytes values. */
  unknown: Array<{ field: number; value: number | Uint8Array }>;
}

/** The four CENC scheme four-character codes (ISO/IEC 23001-7 §4.2) as big-endian uint32. */
export const CENC_SCHEMES: ReadonlyArray<readonly [name: string, value: number]> = [
  ['cenc', 0x63656e63],
  ['cbcs', 0x63626373],
  ['cens', 0x63656e73],
  ['cbc1', 0x63626331],
];

/** A four-character code of printable ASCII characters (0x20-0x7e) as big-endian uint32. */
const printableFourcc = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 4, maxLength: 4 })
  .map(([a, b, c, d]) => ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0);

const smallBytes = fc.uint8Array({ maxLength: 24, size: 'max' });

const entitledKey: fc.Arbitrary<EntitledKeyFields> = fc.record(
  {
    entitlementKeyId: kid16,
    keyId: kid16,
    key: bytesOf(32),
    iv: bytesOf(16),
    entitlementKeySizeBytes: fc.constantFrom(16, 32),
  },
  { requiredKeys: [] },
);

/** `WidevinePsshData` fields; `keyId` gives the key_id values (16 bytes by default). */
export function widevineFieldsWith(keyId: fc.Arbitrary<Uint8Array> = kid16): fc.Arbitrary<WidevineFields> {
  return fc.record(
    {
      algorithm: fc.integer({ min: 0, max: 4 }),
      keyIds: fc.array(keyId, { maxLength: 4 }),
      provider: protoText,
      contentId: fc.oneof(
        protoText.map((text): ContentIdFields => ({ text })),
        smallBytes.map((bytes): ContentIdFields => ({ bytes })),
      ),
      trackType: fc.oneof(fc.constantFrom('SD', 'HD', 'UHD1', 'AUDIO'), protoText),
      policy: protoText,
      cryptoPeriodIndex: uint32,
      groupedLicense: smallBytes,
      protectionScheme: fc.oneof(fc.constantFrom(...CENC_SCHEMES.map(([, value]) => value)), printableFourcc, uint32),
      cryptoPeriodSeconds: uint32,
      type: fc.integer({ min: 0, max: 4 }),
      keySequence: uint32,
      groupIds: fc.array(smallBytes, { maxLength: 2 }),
      entitledKeys: fc.array(entitledKey, { maxLength: 2 }),
      videoFeature: protoText,
      audioFeature: protoText,
      entitlementPeriodIndex: uint32,
      unknown: fc.array(fc.record({ field: fc.integer({ min: 18, max: 0x1fffffff }), value: fc.oneof(uint32, smallBytes) }), {
        maxLength: 3,
      }),
    },
    { requiredKeys: ['keyIds', 'groupIds', 'entitledKeys', 'unknown'] },
  );
}

/** The bytes of a `content_id`. */
export function contentIdBytes(c: ContentIdFields): Uint8Array {
  return 'text' in c ? utf8Bytes(c.text) : c.bytes;
}

/** Serializes the fields in field-number order, unknown fields last, as protobuf serializers do. */
export function writeWidevineData(f: WidevineFields): Uint8Array {
  const w = new ProtobufWriter();
  const uint = (field: number, value: number | undefined): void => {
    if (value !== undefined) w.uint(field, value);
  };
  const bytes = (field: number, value: Uint8Array | undefined): void => {
    if (value !== undefined) w.bytes(field, value);
  };
  const text = (field: number, value: string | undefined): void => {
    if (value !== undefined) w.string(field, value);
  };
  uint(1, f.algorithm);
  for (const kid of f.keyIds) w.bytes(2, kid);
  text(3, f.provider);
  bytes(4, f.contentId && contentIdBytes(f.contentId));
  text(5, f.trackType);
  text(6, f.policy);
  uint(7, f.cryptoPeriodIndex);
  bytes(8, f.groupedLicense);
  uint(9, f.protectionScheme);
  uint(10, f.cryptoPeriodSeconds);
  uint(11, f.type);
  uint(12, f.keySequence);
  for (const id of f.groupIds) w.bytes(13, id);
  for (const key of f.entitledKeys) {
    const k = new ProtobufWriter();
    if (key.entitlementKeyId) k.bytes(1, key.entitlementKeyId);
    if (key.keyId) k.bytes(2, key.keyId);
    if (key.key) k.bytes(3, key.key);
    if (key.iv) k.bytes(4, key.iv);
    if (key.entitlementKeySizeBytes !== undefined) k.uint(5, key.entitlementKeySizeBytes);
    w.message(14, k);
  }
  text(15, f.videoFeature);
  text(16, f.audioFeature);
  uint(17, f.entitlementPeriodIndex);
  for (const { field, value } of f.unknown) {
    if (typeof value === 'number') w.uint(field, value);
    else w.bytes(field, value);
  }
  return w.finish();
}

// ---------------------------------------------------------------------------
// PlayReady Header (WRMHEADER XML) and PlayReady Object
// ---------------------------------------------------------------------------

export type WrmVersion = '4.0.0.0' | '4.1.0.0' | '4.2.0.0' | '4.3.0.0';
export type WrmAlgorithm = 'AESCTR' | 'AESCBC' | 'COCKTAIL';

/** One KID of a WRMHEADER. */
export interface WrmKid {
  /** The key ID in big-endian UUID order. */
  id: Uint8Array;
  algorithm?: WrmAlgorithm;
  /** base64 text (4.1+: the CHECKSUM attribute). */
  checksum?: string;
}

/** How the XML is written: none of it changes what the header says. */
export interface XmlStyle {
  /** Attribute quotes. */
  quote: '"' | "'";
  /** How `& < > " '` (and, for the numeric styles, non-ASCII characters) are escaped. */
  escapes: 'named' | 'decimal' | 'hex';
  /** Text elements (LA_URL, …) as CDATA sections instead of escaped text. */
  cdata: boolean;
  /** Whitespace and a comment between elements. */
  indent: boolean;
  /** `<KID …/>` instead of `<KID …></KID>`. */
  selfClosingKids: boolean;
  /** Sort keys for the children of DATA (their order is free). */
  order: number[];
}

/** Generated WRMHEADER fields: `version` decides which of the others are written. */
export interface WrmHeaderFields {
  version: WrmVersion;
  /** 4.0.0.0: exactly one KID, with the header's algorithm and checksum; 4.1.0.0: at most one. */
  kids: WrmKid[];
  /** 4.0.0.0 PROTECTINFO: ALGID and KEYLEN. */
  v40: { algorithm: 'AESCTR' | 'COCKTAIL'; keyLength: number; checksum?: string };
  laUrl?: string;
  luiUrl?: string;
  dsId?: string;
  /** The inner XML of CUSTOMATTRIBUTES, as written. */
  customAttributes?: string;
  /** 4.1.0.0 and later. */
  decryptorSetup?: 'ONDEMAND';
  /** 4.3.0.0 PROTECTINFO@LICENSEREQUESTED. */
  licenseRequested?: boolean;
  style: XmlStyle;
}

/** Characters for header text: markup characters, whitespace, non-ASCII (a surrogate pair included). */
const TEXT_UNITS = [
  'a',
  'Z',
  '0',
  '9',
  '-',
  '.',
  '/',
  ':',
  '?',
  '=',
  '%',
  '&',
  '<',
  '>',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  'é',
  '€',
  '\u00a0',
  '😀',
];

/** Non-empty text with no leading or trailing whitespace (the decoder trims element text). */
export const headerText = fc
  .string({ unit: fc.constantFrom(...TEXT_UNITS), minLength: 1, maxLength: 24, size: 'max' })
  .map((s) => s.trim())
  .filter((s) => s !== '');

const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), headerText);
const base64Of = (n: number): fc.Arbitrary<string> => bytesOf(n).map(toBase64);

const xmlStyle: fc.Arbitrary<XmlStyle> = fc.record({
  quote: fc.constantFrom<'"' | "'">('"', "'"),
  escapes: fc.constantFrom<XmlStyle['escapes']>('named', 'decimal', 'hex'),
  cdata: fc.boolean(),
  indent: fc.boolean(),
  selfClosingKids: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

const customAttributes = fc
  .array(fc.record({ name: fc.constantFrom('Note', 'IIS_DRM_VERSION', 'content-id', 'x'), text: headerText }), {
    minLength: 0,
    maxLength: 3,
  })
  .chain((items) => xmlStyle.map((style) => items.map(({ name, text }) => `<${name}>${escapeText(text, style)}</${name}>`).join('')));

const wrmKid = (algorithms: readonly WrmAlgorithm[]): fc.Arbitrary<WrmKid> =>
  fc.record({ id: kid16, algorithm: fc.constantFrom(...algorithms), checksum: base64Of(8) }, { requiredKeys: ['id'] });

/** WRMHEADER fields of every version. */
export const wrmHeaderFields: fc.Arbitrary<WrmHeaderFields> = fc
  .record(
    {
      version: fc.constantFrom<WrmVersion>('4.0.0.0', '4.1.0.0', '4.2.0.0', '4.3.0.0'),
      kids: fc.array(wrmKid(['AESCTR', 'AESCBC', 'COCKTAIL']), { minLength: 1, maxLength: 4 }),
      v40: fc.record(
        {
          algorithm: fc.constantFrom<'AESCTR' | 'COCKTAIL'>('AESCTR', 'COCKTAIL'),
          keyLength: fc.constantFrom(16, 7),
          checksum: base64Of(8),
        },
        { requiredKeys: ['algorithm', 'keyLength'] },
      ),
      laUrl: url,
      luiUrl: url,
      dsId: base64Of(16),
      customAttributes,
      decryptorSetup: fc.constant<'ONDEMAND'>('ONDEMAND'),
      licenseRequested: fc.boolean(),
      style: xmlStyle,
    },
    { requiredKeys: ['version', 'kids', 'v40', 'style'] },
  )
  .map((f) => {
    const out: WrmHeaderFields = { ...f };
    if (f.version === '4.0.0.0') {
      const [first] = f.kids;
      out.kids = [{ id: first!.id, algorithm: f.v40.algorithm, ...(f.v40.checksum ? { checksum: f.v40.checksum } : {}) }];
      delete out.decryptorSetup;
    } else if (f.version === '4.1.0.0') {
      out.kids = f.kids.slice(0, 1);
    }
    if (f.version !== '4.3.0.0') delete out.licenseRequested;
    return out;
  });

function escapeChar(ch: string, style: XmlStyle): string {
  const named: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
  const code = ch.codePointAt(0)!;
  const special = ch in named;
  if (style.escapes === 'named') return named[ch] ?? ch;
  if (!special && code < 0x80) return ch;
  return style.escapes === 'decimal' ? `&#${code};` : `&#x${code.toString(16).toUpperCase()};`;
}

/** Text escaped by the style (XML 1.0 §2.4, §4.1: predefined entities, character references). */
export function escapeText(text: string, style: XmlStyle): string {
  return Array.from(text, (ch) => escapeChar(ch, style)).join('');
}

function textElement(name: string, text: string, style: XmlStyle): string {
  const body = style.cdata && !text.includes(']]>') ? `<![CDATA[${text}]]>` : escapeText(text, style);
  return `<${name}>${body}</${name}>`;
}

/** The WRMHEADER XML of the fields (PlayReady Header Specification, §3.1-3.4 for versions 4.0-4.3). */
export function writeWrmHeaderXml(f: WrmHeaderFields): string {
  const s = f.style;
  const q = s.quote;
  const attr = (name: string, value: string | undefined): string => (value === undefined ? '' : ` ${name}=${q}${escapeText(value, s)}${q}`);
  const kidElement = (kid: WrmKid): string => {
    const attrs = attr('ALGID', kid.algorithm) + attr('CHECKSUM', kid.checksum) + attr('VALUE', toBase64(guidOrder(kid.id)));
    return s.selfClosingKids ? `<KID${attrs}/>` : `<KID${attrs}></KID>`;
  };
  const children: string[] = [];
  if (f.version === '4.0.0.0') {
    const kid = f.kids[0]!;
    children.push(`<PROTECTINFO><KEYLEN>${f.v40.keyLength}</KEYLEN><ALGID>${f.v40.algorithm}</ALGID></PROTECTINFO>`);
    children.push(`<KID>${toBase64(guidOrder(kid.id))}</KID>`);
    if (f.v40.checksum !== undefined) children.push(`<CHECKSUM>${f.v40.checksum}</CHECKSUM>`);
  } else if (f.version === '4.1.0.0') {
    if (f.kids.length) children.push(`<PROTECTINFO>${f.kids.map(kidElement).join('')}</PROTECTINFO>`);
  } else {
    const requested = f.licenseRequested === undefined ? '' : attr('LICENSEREQUESTED', String(f.licenseRequested));
    children.push(`<PROTECTINFO${requested}><KIDS>${f.kids.map(kidElement).join('')}</KIDS></PROTECTINFO>`);
  }
  if (f.laUrl !== undefined) children.push(textElement('LA_URL', f.laUrl, s));
  if (f.luiUrl !== undefined) children.push(textElement('LUI_URL', f.luiUrl, s));
  if (f.dsId !== undefined) children.push(textElement('DS_ID', f.dsId, s));
  if (f.customAttributes !== undefined) children.push(`<CUSTOMATTRIBUTES>${f.customAttributes}</CUSTOMATTRIBUTES>`);
  if (f.decryptorSetup !== undefined) children.push(textElement('DECRYPTORSETUP', f.decryptorSetup, s));
  const ordered = children.map((xml, i) => ({ xml, key: s.order[i] ?? 0 })).sort((a, b) => a.key - b.key);
  const gap = s.indent ? '\n    <!-- keyflow -->\n    ' : '';
  return (
    `<WRMHEADER xmlns=${q}http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader${q} version=${q}${f.version}${q}>` +
    `${gap}<DATA>${gap}${ordered.map((c) => c.xml).join(gap)}${gap}</DATA>${gap}</WRMHEADER>`
  );
}

/** One record of a PlayReady Object: type 1 holds a WRMHEADER, others opaque bytes. */
export type ProRecord = { type: 1; header: WrmHeaderFields } | { type: number; value: Uint8Array };

/** The value bytes of a record (a WRMHEADER as UTF-16LE, no BOM). */
export function recordValue(record: ProRecord): Uint8Array {
  return 'header' in record ? utf16le(writeWrmHeaderXml(record.header)) : record.value;
}

/** A PlayReady Object: Length (u32 LE, the whole object), RecordCount (u16 LE), records of type (u16 LE), length (u16 LE), value. */
export function writePlayReadyObject(records: readonly ProRecord[]): Uint8Array {
  const values = records.map(recordValue);
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(6);
  const length = 6 + values.reduce((n, v) => n + 4 + v.length, 0);
  new DataView(header.buffer).setUint32(0, length, true);
  new DataView(header.buffer).setUint16(4, records.length, true);
  parts.push(header);
  records.forEach((record, i) => {
    const recordHeader = new Uint8Array(4);
    new DataView(recordHeader.buffer).setUint16(0, record.type, true);
    new DataView(recordHeader.buffer).setUint16(2, values[i]!.length, true);
    parts.push(recordHeader, values[i]!);
  });
  return concat(...parts);
}

/** Records of a PlayReady Object: at least one header, sometimes an Embedded License Store or another record type. */
export const proRecords: fc.Arbitrary<ProRecord[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: wrmHeaderFields.map((header): ProRecord => ({ type: 1, header })) },
    { weight: 1, arbitrary: fc.record({ type: fc.constantFrom(2, 3, 4, 0xffff), value: fc.uint8Array({ maxLength: 32, size: 'max' }) }) },
  ),
  { minLength: 1, maxLength: 3 },
);

// ---------------------------------------------------------------------------
// Robustness inputs
// ---------------------------------------------------------------------------

/** Markup pieces and WRMHEADER vocabulary for the XML robustness property. */
export const XML_PIECES = [
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
  '\u0000',
  '\uD800',
  '\uDC00',
  '&#',
  '&#x',
  '&amp;',
  '&lt;',
  '&#x10FFFF;',
  '&#0;',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '</',
  '/>',
  '<?',
  '?>',
  '<!DOCTYPE',
  '<WRMHEADER',
  '</WRMHEADER>',
  ' version="4.0.0.0"',
  ' version="4.3.0.0"',
  '<DATA>',
  '</DATA>',
  '<PROTECTINFO>',
  '</PROTECTINFO>',
  '<KIDS>',
  '</KIDS>',
  '<KID',
  '</KID>',
  ' VALUE="',
  ' ALGID="AESCTR"',
  'AAAAAAAAAAAAAAAAAAAAAA==',
  '<LA_URL>',
  '</LA_URL>',
  '<CUSTOMATTRIBUTES>',
  '</CUSTOMATTRIBUTES>',
  '<KEYLEN>16</KEYLEN>',
  '<ALGID>COCKTAIL</ALGID>',
];

/** Markup pieces and short arbitrary strings, run together. */
const markupSoup: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...XML_PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), {
    maxLength: 30,
    size: 'max',
  })
  .map((pieces) => pieces.join(''));

/**
 * Markup soup: alone, after a WRMHEADER start tag, or inserted into (or
 * replacing a stretch of) a generated valid header, so the parser gets past
 * the root element and the header reader sees damaged headers.
 */
export const markupText: fc.Arbitrary<string> = fc.oneof(
  markupSoup,
  markupSoup.map((soup) => `<WRMHEADER version="4.3.0.0"><DATA>${soup}`),
  fc.tuple(wrmHeaderFields.map(writeWrmHeaderXml), fc.nat(), fc.nat({ max: 12 }), markupSoup).map(([xml, at, cut, soup]) => {
    const i = at % (xml.length + 1);
    return xml.slice(0, i) + soup + xml.slice(i + cut);
  }),
);
