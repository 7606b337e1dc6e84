/**
 * Decoders for PlayReady init data: the PlayReady Object (PRO) that forms the
 * Data of a PlayReady `pssh` box (and the content of an MPD `mspr:pro`), and
 * the PlayReady Header (`WRMHEADER` XML, versions 4.0.0.0 to 4.3.0.0).
 *
 * Sources: Microsoft "PlayReady Header Specification" §2 (PRO layout) and §3
 * (header versions), summarised in formats.md §3.4.
 *
 * PRO layout, all integers little-endian:
 * ```
 * u32 Length           // the whole PRO in bytes, these 6 header bytes included
 * u16 RecordCount
 * repeat RecordCount:
 *   u16 RecordType     // 1 = PlayReady Header, 2 = reserved, 3 = Embedded License Store
 *   u16 RecordLength
 *   u8  RecordValue[RecordLength]   // type 1: WRMHEADER XML, UTF-16LE
 * ```
 *
 * KIDs in a WRMHEADER are base64 of the key ID in little-endian GUID byte
 * order; every `keyId` returned here is converted to the canonical big-endian
 * (UUID / `tenc` / `pssh`) order as 32 lower-case hex digits.
 */

import { PsshDecodeError, guardDecode } from './errors';
import { ByteReader, bytesToHex, decodeBase64, swapGuidByteOrder } from './bytes';
import { checkedBytes } from './limits';
import { decodeUtf16LeStrict } from './text';
import { parseXmlDocument, type XmlElement } from './xml';

/** PRO record type of a PlayReady Header (WRMHEADER). */
export const PRO_RECORD_WRMHEADER = 1;
/** PRO record type of an Embedded License Store. */
export const PRO_RECORD_EMBEDDED_LICENSE_STORE = 3;

/** The WRMHEADER versions this decoder understands. */
export type PlayReadyHeaderVersion = '4.0.0.0' | '4.1.0.0' | '4.2.0.0' | '4.3.0.0';

/** Content key algorithm (`ALGID`). */
export type PlayReadyAlgorithm = 'AESCTR' | 'AESCBC' | 'COCKTAIL';

/** One key ID listed in a WRMHEADER. */
export interface PlayReadyKeyId {
  /** The key ID converted to big-endian UUID byte order, 32 lower-case hex digits. */
  keyId: string;
  /** The base64 text as written in the header (little-endian GUID bytes). */
  value: string;
  /** `ALGID` of this KID (4.1+ attribute; for 4.0 the header's `PROTECTINFO/ALGID`). */
  algorithm?: PlayReadyAlgorithm;
  /** `CHECKSUM` of this KID, base64 as written (4.1+ attribute; for 4.0 `DATA/CHECKSUM`). */
  checksum?: string;
}

/** A decoded PlayReady Header. Text values are entity-decoded and trimmed. */
export interface PlayReadyHeader {
  /** The `version` attribute of `WRMHEADER`. */
  version: PlayReadyHeaderVersion;
  /** Every KID of the header in big-endian hex, in document order, without duplicates. */
  keyIds: string[];
  /** Every KID entry with its attributes, in document order. */
  kids: PlayReadyKeyId[];
  /**
   * Header-wide algorithm: 4.0 `PROTECTINFO/ALGID`; 4.1+ the `ALGID` shared
   * by all KIDs (absent when KIDs have none or different ones).
   */
  algorithm?: PlayReadyAlgorithm;
  /** 4.0 `PROTECTINFO/KEYLEN` (16 for AESCTR, 7 for COCKTAIL). */
  keyLength?: number;
  /** 4.0 `DATA/CHECKSUM`, base64 as written. */
  checksum?: string;
  /** `DATA/LA_URL`: license acquisition URL. */
  laUrl?: string;
  /** `DATA/LUI_URL`: non-silent license acquisition web page. */
  luiUrl?: string;
  /** `DATA/DS_ID`: domain service ID, base64 as written. */
  dsId?: string;
  /** `DATA/CUSTOMATTRIBUTES`: the raw inner XML, exactly as written (not trimmed). */
  customAttributes?: string;
  /** `DATA/DECRYPTORSETUP` (4.1+, only defined value `ONDEMAND`). */
  decryptorSetup?: string;
  /** `PROTECTINFO@LICENSEREQUESTED` (4.3), when `true` or `false`. */
  licenseRequested?: boolean;
  /** The whole header XML as decoded. */
  xml: string;
}

/** One record of a PlayReady Object. */
export interface PlayReadyObjectRecord {
  /** RecordType (1 header, 2 reserved, 3 embedded license store; others kept as found). */
  type: number;
  /** Offset of the record value in the PRO. */
  offset: number;
  /** RecordLength in bytes. */
  length: number;
}

/** A decoded PlayReady Object. */
export interface PlayReadyObject {
  /** The PRO's Length field (equal to the input length). */
  length: number;
  /** All records in order. */
  records: PlayReadyObjectRecord[];
  /** The decoded type-1 records (normally exactly one). */
  headers: PlayReadyHeader[];
  /** Value of the first type-3 record (Embedded License Store), copied. */
  embeddedLicenseStore?: Uint8Array;
}

const PRO_HEADER_BYTES = 6;
const VERSIONS: readonly PlayReadyHeaderVersion[] = ['4.0.0.0', '4.1.0.0', '4.2.0.0', '4.3.0.0'];
const ALGORITHMS: readonly PlayReadyAlgorithm[] = ['AESCTR', 'AESCBC', 'COCKTAIL'];

/**
 * Decodes a PlayReady Object and every PlayReady Header record in it.
 * The Length field must equal the input length and the records must fill it
 * exactly.
 *
 * @param data the PRO bytes (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `TRUNCATED` (Length or a record runs past the
 *   data), `BAD_PLAYREADY_OBJECT` (Length shorter than the data or than its
 *   header, bytes left after the last record), `BAD_WRMHEADER`, `TOO_LARGE`,
 *   `BAD_INPUT`
 */
export function decodePlayReadyObject(data: Uint8Array): PlayReadyObject {
  return guardDecode('decodePlayReadyObject', () => {
    const bytes = checkedBytes(data, 'decodePlayReadyObject');
    const header = new ByteReader(bytes);
    const length = header.u32Le('PlayReady Object Length');
    const recordCount = header.u16Le('PlayReady Object RecordCount');
    if (length > bytes.length) {
      throw new PsshDecodeError('TRUNCATED', `PlayReady Object Length ${length} runs past the end of the data (${bytes.length} bytes)`, 0);
    }
    if (length < PRO_HEADER_BYTES || length < bytes.length) {
      throw new PsshDecodeError(
        'BAD_PLAYREADY_OBJECT',
        `PlayReady Object Length ${length} does not match the data length ${bytes.length}`,
        0,
      );
    }
    const r = new ByteReader(bytes, PRO_HEADER_BYTES, length);
    const out: PlayReadyObject = { length, records: [], headers: [] };
    for (let i = 0; i < recordCount; i++) {
      const type = r.u16Le('PlayReady Object RecordType');
      const recordLength = r.u16Le('PlayReady Object RecordLength');
      const offset = r.offset;
      const value = r.bytesView(recordLength, 'PlayReady Object RecordValue');
      out.records.push({ type, offset, length: recordLength });
      if (type === PRO_RECORD_WRMHEADER) {
        out.headers.push(decodeWrmHeaderBytes(value));
      } else if (type === PRO_RECORD_EMBEDDED_LICENSE_STORE && !out.embeddedLicenseStore) {
        out.embeddedLicenseStore = value.slice();
      }
    }
    if (r.remaining !== 0) {
      throw new PsshDecodeError(
        'BAD_PLAYREADY_OBJECT',
        `${r.remaining} bytes follow the last of ${recordCount} PlayReady Object records`,
        r.offset,
      );
    }
    return out;
  });
}

/**
 * Decodes a PlayReady Header given as UTF-16LE bytes (a type-1 PRO record
 * value). A leading byte-order mark is tolerated.
 *
 * @param data the UTF-16LE bytes (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `BAD_WRMHEADER` (odd length, unpaired surrogate,
 *   malformed XML, unsupported version or content), `TOO_LARGE`, `BAD_INPUT`
 */
export function decodeWrmHeader(data: Uint8Array): PlayReadyHeader {
  return guardDecode('decodeWrmHeader', () => decodeWrmHeaderBytes(checkedBytes(data, 'decodeWrmHeader')));
}

function decodeWrmHeaderBytes(bytes: Uint8Array): PlayReadyHeader {
  if (bytes.length % 2 !== 0) {
    throw new PsshDecodeError('BAD_WRMHEADER', `UTF-16LE text has an odd byte length (${bytes.length})`);
  }
  const xml = decodeUtf16LeStrict(bytes);
  if (xml === undefined) {
    throw new PsshDecodeError('BAD_WRMHEADER', 'the header is not valid UTF-16LE (unpaired surrogate)');
  }
  return interpretWrmHeader(xml);
}

/**
 * Parses PlayReady Header XML text (e.g. from a PRO, or from a SmoothStreaming
 * / HLS manifest after base64 and UTF-16 decoding). Element and attribute
 * names are matched case-sensitively, as the specification requires;
 * namespace prefixes are ignored; unknown elements are skipped. Singleton
 * elements (DATA, PROTECTINFO, KIDS, LA_URL, …) may appear at most once.
 *
 * @param xml the header text (at most {@link MAX_XML_CHARS} characters)
 * @throws PsshDecodeError `BAD_WRMHEADER`, `TOO_LARGE`
 */
export function parseWrmHeaderXml(xml: string): PlayReadyHeader {
  return guardDecode('parseWrmHeaderXml', () => {
    if (typeof xml !== 'string') throw new PsshDecodeError('BAD_INPUT', 'parseWrmHeaderXml: input is not a string');
    return interpretWrmHeader(xml.startsWith('\uFEFF') ? xml.slice(1) : xml);
  });
}

function bad(message: string, at?: XmlElement): never {
  throw new PsshDecodeError('BAD_WRMHEADER', message, at?.offset);
}

function interpretWrmHeader(xml: string): PlayReadyHeader {
  const root = parseXmlDocument(xml);
  if (root.localName !== 'WRMHEADER') bad(`root element is <${root.name}>, expected <WRMHEADER>`, root);
  const versionText = root.attributes.get('version');
  if (versionText === undefined) bad('WRMHEADER has no version attribute', root);
  const version = VERSIONS.find((v) => v === versionText.trim());
  if (!version) bad(`unsupported WRMHEADER version "${versionText.slice(0, 32)}"`, root);

  const header: PlayReadyHeader = { version, keyIds: [], kids: [], xml };
  const data = onlyChild(root, 'DATA');
  if (data) {
    const protectInfo = onlyChild(data, 'PROTECTINFO');
    if (version === '4.0.0.0') {
      readV40Kid(data, protectInfo, header);
    } else if (protectInfo) {
      readV41PlusKids(protectInfo, header);
    }
    setIfDefined(header, 'laUrl', childText(data, 'LA_URL'));
    setIfDefined(header, 'luiUrl', childText(data, 'LUI_URL'));
    setIfDefined(header, 'dsId', childText(data, 'DS_ID'));
    setIfDefined(header, 'decryptorSetup', childText(data, 'DECRYPTORSETUP'));
    const custom = onlyChild(data, 'CUSTOMATTRIBUTES');
    if (custom) header.customAttributes = custom.innerXml;
  } else if (version === '4.0.0.0') {
    bad('a 4.0.0.0 WRMHEADER needs a DATA element', root);
  }
  header.keyIds = [...new Set(header.kids.map((kid) => kid.keyId))];
  return header;
}

/** 4.0.0.0: `DATA/PROTECTINFO/{ALGID,KEYLEN}` elements, `DATA/KID`, `DATA/CHECKSUM`. */
function readV40Kid(data: XmlElement, protectInfo: XmlElement | undefined, header: PlayReadyHeader): void {
  if (protectInfo) {
    const algId = childText(protectInfo, 'ALGID');
    if (algId !== undefined) header.algorithm = parseAlgorithm(algId, protectInfo);
    const keyLen = childText(protectInfo, 'KEYLEN');
    if (keyLen !== undefined) {
      if (!/^[0-9]{1,4}$/.test(keyLen)) bad(`KEYLEN "${keyLen.slice(0, 16)}" is not a number`, protectInfo);
      header.keyLength = parseInt(keyLen, 10);
    }
  }
  const kidElement = onlyChild(data, 'KID');
  const value = kidElement ? kidElement.text.trim() : '';
  if (!kidElement || value === '') bad('a 4.0.0.0 WRMHEADER needs a DATA/KID element', data);
  setIfDefined(header, 'checksum', childText(data, 'CHECKSUM'));
  const kid: PlayReadyKeyId = { keyId: keyIdFromBase64(value, kidElement), value };
  setIfDefined(kid, 'algorithm', header.algorithm);
  setIfDefined(kid, 'checksum', header.checksum);
  header.kids.push(kid);
}

/** 4.1.0.0+: `PROTECTINFO/KID` (4.1) and/or `PROTECTINFO/KIDS/KID` (4.2, 4.3) with attributes. */
function readV41PlusKids(protectInfo: XmlElement, header: PlayReadyHeader): void {
  const requested = protectInfo.attributes.get('LICENSEREQUESTED')?.trim().toLowerCase();
  if (requested === 'true' || requested === 'false') header.licenseRequested = requested === 'true';
  const kidElements = childrenNamed(protectInfo, 'KID');
  const kids = onlyChild(protectInfo, 'KIDS');
  if (kids) kidElements.push(...childrenNamed(kids, 'KID'));
  for (const el of kidElements) {
    const valueAttr = el.attributes.get('VALUE');
    if (valueAttr === undefined || valueAttr.trim() === '') bad('KID element without a VALUE attribute', el);
    const value = valueAttr.trim();
    const kid: PlayReadyKeyId = { keyId: keyIdFromBase64(value, el), value };
    const algId = el.attributes.get('ALGID');
    if (algId !== undefined) kid.algorithm = parseAlgorithm(algId, el);
    const checksum = el.attributes.get('CHECKSUM')?.trim();
    if (checksum) kid.checksum = checksum;
    header.kids.push(kid);
  }
  const algorithms = new Set(header.kids.map((k) => k.algorithm));
  const [only] = algorithms;
  if (algorithms.size === 1 && only !== undefined) header.algorithm = only;
}

function parseAlgorithm(text: string, at: XmlElement): PlayReadyAlgorithm {
  const algorithm = ALGORITHMS.find((a) => a === text.trim());
  if (!algorithm) bad(`unknown ALGID "${text.slice(0, 16)}"`, at);
  return algorithm;
}

/** Base64 of a little-endian GUID → big-endian hex. */
function keyIdFromBase64(value: string, at: XmlElement): string {
  let guid: Uint8Array;
  try {
    guid = decodeBase64(value);
  } catch (e) {
    if (e instanceof PsshDecodeError) bad(`KID "${value.slice(0, 32)}" is not valid base64`, at);
    throw e;
  }
  if (guid.length !== 16) bad(`KID "${value.slice(0, 32)}" is ${guid.length} bytes, expected 16`, at);
  return bytesToHex(swapGuidByteOrder(guid));
}

function childrenNamed(parent: XmlElement, localName: string): XmlElement[] {
  return parent.children.filter((c) => c.localName === localName);
}

/** The single child with this name, `undefined` if none; more than one is an error. */
function onlyChild(parent: XmlElement, localName: string): XmlElement | undefined {
  const found = childrenNamed(parent, localName);
  if (found.length > 1) bad(`more than one ${localName} element in ${parent.localName}`, found[1]);
  return found[0];
}

/** Trimmed text of the single child with this name; `undefined` if absent or empty. */
function childText(parent: XmlElement, localName: string): string | undefined {
  const text = onlyChild(parent, localName)?.text.trim();
  return text === '' ? undefined : text;
}

/** Sets an optional property only when there is a value, so absent fields stay absent. */
function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
