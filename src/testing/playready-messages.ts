/**
 * Emulated PlayReady messages: the EME key message, the SOAP license
 * challenge, the SOAP license response with an emulated license, and SOAP
 * Faults. Pure (no DOM, no Node APIs), shared by the test CDM and the
 * ExpressPlay emulator.
 *
 * ## Key message (what `MediaKeySession` `message` events carry)
 *
 * UTF-16LE XML, no byte-order mark, as Edge / Windows PlayReady CDMs emit it
 * (Microsoft "Key Message" docs; the layout Shaka's `unpackPlayReadyRequest_`
 * unwraps):
 *
 * ```xml
 * <PlayReadyKeyMessage type="LicenseAcquisition"><LicenseAcquisition Version="1">
 *   <Challenge encoding="base64encoded">{base64 of the UTF-8 SOAP challenge}</Challenge>
 *   <HttpHeaders>
 *     <HttpHeader><name>Content-Type</name><value>text/xml; charset=utf-8</value></HttpHeader>
 *     <HttpHeader><name>SOAPAction</name><value>"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense"</value></HttpHeader>
 *   </HttpHeaders>
 * </LicenseAcquisition></PlayReadyKeyMessage>
 * ```
 * (one line, no whitespace between elements)
 *
 * ## Challenge (the HTTP body after unwrapping)
 *
 * ```xml
 * <?xml version="1.0" encoding="utf-8"?>
 * <soap:Envelope xmlns:xsi=… xmlns:xsd=… xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
 *   <AcquireLicense xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><challenge>
 *     <Challenge xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">
 *       <LA xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols" Id="SignedData" xml:space="preserve">
 *         <Version>1</Version>
 *         <ContentHeader>{the WRMHEADER from the PSSH, verbatim}</ContentHeader>
 *         <CLIENTINFO><CLIENTVERSION>keyflow-test-cdm</CLIENTVERSION></CLIENTINFO>
 *         <LicenseNonce>{base64, 16 random bytes}</LicenseNonce>
 *         <ClientTime>{seconds since the epoch}</ClientTime>
 *       </LA>
 *     </Challenge>
 *   </challenge></AcquireLicense>
 * </soap:Body></soap:Envelope>
 * ```
 *
 * A real challenge also carries the client's device certificate encrypted
 * to the server (`EncryptedData`, XML-Enc) and an ECDSA `Signature` over
 * `LA`; the emulation carries neither.
 *
 * ## License response
 *
 * `AcquireLicenseResponse/AcquireLicenseResult/Response/LicenseResponse` with
 * `Version` 1, `Licenses/License` (one per key, base64), the challenge's
 * `LicenseNonce` echoed, and a `ResponseID`. No `Signature`, no
 * `SigningCertificateChain`.
 *
 * Each `License` is an **emulated, XMR-shaped** binary (XMR is PlayReady's
 * binary license format); every multi-byte integer is big-endian:
 *
 * ```
 * 0   4  magic 'XMR\0' (58 4d 52 00)
 * 4   4  version 3
 * 8  16  rights ID (random per license)
 * 24  8  object header: u16 flags (0x0001), u16 type (0x000a "content key"), u32 length (46, header included)
 * 32 16  key ID, PlayReady little-endian GUID byte order
 * 48  2  symmetric cipher: 0x0001 AES-128-CTR (cenc), 0x0002 AES-128-CBC (cbcs)   [emulator numbering]
 * 50  2  key encryption: 0x0000 NONE — the key is IN CLEAR                        [emulator-only value]
 * 52  2  key length (16)
 * 54 16  the content key, in clear
 * -- optional (a license with an expiry, the lifecycle emulation) --
 * 70  8  object header: u16 flags (0x0001), u16 type (0x0012 "expiration restriction"), u32 length (16)
 * 78  4  begin date, seconds since the epoch
 * 82  4  end date, seconds since the epoch: the license expires then
 * ```
 *
 * A real XMR license nests its objects in an outer container, carries
 * rights/policy objects and a signature, and encrypts the content key to
 * the client's ECC-256 public key. **This one protects nothing.**
 *
 * ## SOAP Fault (errors)
 *
 * HTTP 500 and
 *
 * ```xml
 * <?xml version="1.0" encoding="utf-8"?>
 * <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
 *   <faultcode>soap:Client</faultcode>          (soap:Server for the server's own failures)
 *   <faultstring>Invalid token</faultstring>
 *   <detail><Exception>
 *     <StatusCode>0x8004C604</StatusCode>        (PlayReady server HRESULT)
 *     <ErrorCode>-4010</ErrorCode>              (the ExpressPlay-style code, as in the emulator's JSON errors)
 *   </Exception></detail>
 * </soap:Fault></soap:Body></soap:Envelope>
 * ```
 *
 * @module
 */

import { bytesToHex, decodeBase64, encodeBase64, hexToBytes, swapGuidByteOrder } from '../pssh/bytes';
import { parseWrmHeaderXml, type PlayReadyHeader } from '../pssh/playready';
import { decodeUtf16LeStrict, decodeUtf8Strict } from '../pssh/text';
import { parseXmlDocument, type XmlElement } from '../pssh/xml';
import { parseSoapFault, type SoapFault } from '../providers/engine/soap-fault';
import { EmulatedMessageError, guardMessage } from './message-error';

/** The SOAPAction of a PlayReady license acquisition, quotes included (as CDMs send it). */
export const PLAYREADY_SOAP_ACTION = '"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense"';
/** The Content-Type of a PlayReady SOAP challenge. */
export const PLAYREADY_CONTENT_TYPE = 'text/xml; charset=utf-8';
/** The `CLIENTVERSION` the test CDM reports. */
const TEST_CDM_CLIENT_VERSION = 'keyflow-test-cdm';

/** PlayReady license-server HRESULTs the emulator puts in a fault's `StatusCode`. */
export const PlayReadyServerStatus = {
  /** DRM_E_SERVER_INTERNAL_ERROR. */
  INTERNAL_ERROR: '0x8004C600',
  /** DRM_E_SERVER_INVALID_MESSAGE: the challenge could not be read. */
  INVALID_MESSAGE: '0x8004C601',
  /** DRM_E_SERVER_SERVICE_SPECIFIC: the service refused (token, entitlement). */
  SERVICE_SPECIFIC: '0x8004C604',
} as const;

const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS_PROTOCOLS = 'http://schemas.microsoft.com/DRM/2007/03/protocols';
const NS_MESSAGES = 'http://schemas.microsoft.com/DRM/2007/03/protocols/messages';
const XML_PROLOG = '<?xml version="1.0" encoding="utf-8"?>';
const ENVELOPE_OPEN =
  '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="${NS_SOAP}"><soap:Body>`;
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

const utf8Encoder = new TextEncoder();

/** Escapes text for XML character data and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** UTF-16LE bytes of `text`, no byte-order mark. */
function encodeUtf16Le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Key message
// ---------------------------------------------------------------------------

/** A decoded `PlayReadyKeyMessage`. */
export interface PlayReadyKeyMessage {
  /** The base64-decoded `Challenge` (the HTTP body to POST). */
  challenge: Uint8Array;
  /** The `HttpHeader`s, name → value, in order. */
  headers: Record<string, string>;
}

/** Builds the UTF-16LE `PlayReadyKeyMessage` wrapping `challenge`, with the two standard HTTP headers. */
export function encodePlayReadyKeyMessage(challenge: Uint8Array): Uint8Array {
  const xml =
    '<PlayReadyKeyMessage type="LicenseAcquisition"><LicenseAcquisition Version="1">' +
    `<Challenge encoding="base64encoded">${encodeBase64(challenge)}</Challenge>` +
    '<HttpHeaders>' +
    `<HttpHeader><name>Content-Type</name><value>${PLAYREADY_CONTENT_TYPE}</value></HttpHeader>` +
    `<HttpHeader><name>SOAPAction</name><value>${PLAYREADY_SOAP_ACTION}</value></HttpHeader>` +
    '</HttpHeaders></LicenseAcquisition></PlayReadyKeyMessage>';
  return encodeUtf16Le(xml);
}

/**
 * Decodes a UTF-16LE `PlayReadyKeyMessage`.
 *
 * @throws EmulatedMessageError `MALFORMED`, `MISSING_FIELD`
 */
export function decodePlayReadyKeyMessage(bytes: Uint8Array): PlayReadyKeyMessage {
  return guardMessage('PlayReadyKeyMessage', () => {
    const xml = decodeUtf16LeStrict(bytes);
    if (xml === undefined) throw new EmulatedMessageError('MALFORMED', 'PlayReadyKeyMessage is not UTF-16LE text');
    const root = parseXmlDocument(xml);
    if (root.localName !== 'PlayReadyKeyMessage') {
      throw new EmulatedMessageError('WRONG_TYPE', `root element is <${root.name}>, not <PlayReadyKeyMessage>`);
    }
    const challengeEl = findFirst(root, 'Challenge');
    if (!challengeEl) throw new EmulatedMessageError('MISSING_FIELD', 'PlayReadyKeyMessage has no Challenge');
    const headers: Record<string, string> = {};
    for (const header of findAll(root, 'HttpHeader')) {
      const name = findFirst(header, 'name')?.text.trim();
      const value = findFirst(header, 'value')?.text.trim();
      if (name) headers[name] = value ?? '';
    }
    return { challenge: decodeBase64(challengeEl.text.trim()), headers };
  });
}

// ---------------------------------------------------------------------------
// Challenge
// ---------------------------------------------------------------------------

/** What the test CDM puts in a challenge. */
export interface PlayReadyChallengeInput {
  /** The WRMHEADER XML exactly as found in the PlayReady Object. */
  wrmHeaderXml: string;
  /** The license nonce (16 bytes). */
  nonce: Uint8Array;
  /** Client time, seconds since the epoch. */
  clientTime: number;
}

/** A decoded challenge. */
export interface PlayReadyChallenge {
  /** `LA/Version`. */
  version: string;
  /** The WRMHEADER XML text from `ContentHeader`. */
  wrmHeaderXml: string;
  /** The WRMHEADER decoded (KIDs in big-endian hex). */
  header: PlayReadyHeader;
  /** `LicenseNonce` (base64 as written), when present. */
  nonce?: string;
  /** `ClientTime`, when present. */
  clientTime?: number;
  /** `CLIENTINFO/CLIENTVERSION`, when present. */
  clientVersion?: string;
}

/** Builds the SOAP `AcquireLicense` challenge (UTF-8 text). */
export function buildAcquireLicenseChallenge(input: PlayReadyChallengeInput): string {
  return (
    XML_PROLOG +
    ENVELOPE_OPEN +
    `<AcquireLicense xmlns="${NS_PROTOCOLS}"><challenge><Challenge xmlns="${NS_MESSAGES}">` +
    `<LA xmlns="${NS_PROTOCOLS}" Id="SignedData" xml:space="preserve">` +
    '<Version>1</Version>' +
    `<ContentHeader>${input.wrmHeaderXml}</ContentHeader>` +
    `<CLIENTINFO><CLIENTVERSION>${TEST_CDM_CLIENT_VERSION}</CLIENTVERSION></CLIENTINFO>` +
    `<LicenseNonce>${encodeBase64(input.nonce)}</LicenseNonce>` +
    `<ClientTime>${Math.floor(input.clientTime)}</ClientTime>` +
    '</LA></Challenge></challenge></AcquireLicense>' +
    ENVELOPE_CLOSE
  );
}

function textFrom(body: Uint8Array | string, what: string): string {
  if (typeof body === 'string') return body;
  const text = decodeUtf8Strict(body);
  if (text === undefined) throw new EmulatedMessageError('MALFORMED', `${what} is not UTF-8 text`);
  return text;
}

/**
 * Parses a SOAP `AcquireLicense` challenge (as the test CDM builds it; real
 * challenges parse too, as far as the WRMHEADER goes).
 *
 * @throws EmulatedMessageError `MALFORMED` (not XML, bad WRMHEADER), `WRONG_TYPE` (not AcquireLicense), `MISSING_FIELD`
 */
export function parseAcquireLicenseChallenge(body: Uint8Array | string): PlayReadyChallenge {
  return guardMessage('PlayReady challenge', () => {
    const root = parseXmlDocument(textFrom(body, 'PlayReady challenge'));
    const soapBody = root.localName === 'Envelope' ? findChild(root, 'Body') : undefined;
    const acquire = soapBody ? findChild(soapBody, 'AcquireLicense') : undefined;
    if (!acquire) throw new EmulatedMessageError('WRONG_TYPE', 'not a SOAP AcquireLicense message');
    const la = findFirst(acquire, 'LA');
    if (!la) throw new EmulatedMessageError('MISSING_FIELD', 'AcquireLicense has no challenge/Challenge/LA');
    const contentHeader = findChild(la, 'ContentHeader');
    if (!contentHeader || !findChild(contentHeader, 'WRMHEADER')) {
      throw new EmulatedMessageError('MISSING_FIELD', 'the challenge has no ContentHeader/WRMHEADER');
    }
    const wrmHeaderXml = contentHeader.innerXml.trim();
    const out: PlayReadyChallenge = {
      version: findChild(la, 'Version')?.text.trim() ?? '',
      wrmHeaderXml,
      header: parseWrmHeaderXml(wrmHeaderXml),
    };
    const nonce = findChild(la, 'LicenseNonce')?.text.trim();
    if (nonce) out.nonce = nonce;
    const time = findChild(la, 'ClientTime')?.text.trim();
    if (time && /^\d{1,15}$/.test(time)) out.clientTime = Number(time);
    const version = findFirst(la, 'CLIENTVERSION')?.text.trim();
    if (version) out.clientVersion = version;
    return out;
  });
}

/**
 * A minimal 4.3.0.0 WRMHEADER for a list of key IDs (hex, big-endian), as
 * the test CDM synthesizes for `keyids` init data (no ALGID, no checksum).
 */
export function buildWrmHeaderForKeyIds(keyIds: readonly string[]): string {
  const kids = keyIds.map((kid) => `<KID VALUE="${encodeBase64(swapGuidByteOrder(hexToBytes(kid)))}"></KID>`).join('');
  return (
    '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0">' +
    `<DATA><PROTECTINFO><KIDS>${kids}</KIDS></PROTECTINFO></DATA></WRMHEADER>`
  );
}

// ---------------------------------------------------------------------------
// Emulated license (XMR-shaped)
// ---------------------------------------------------------------------------

/** Symmetric cipher values of the emulated license (emulator numbering). */
export const EmulatedXmrCipher = {
  /** AES-128 CTR, for `cenc` content. */
  AES_128_CTR: 1,
  /** AES-128 CBC, for `cbcs` content. */
  AES_128_CBC: 2,
} as const;

/** The content of one emulated license. */
export interface EmulatedPlayReadyLicense {
  /** Key ID, 32 lower-case hex digits, big-endian (UUID) order. */
  keyId: string;
  /** The content key (16 bytes), in clear. */
  key: Uint8Array;
  /** {@link EmulatedXmrCipher} value. */
  cipher: number;
  /** The rights ID (16 bytes). */
  rightsId: Uint8Array;
  /** The expiration restriction, when the license expires. */
  expiration?: {
    /** Begin date, seconds since the epoch. */
    begin: number;
    /** End date, seconds since the epoch: the license expires then. */
    end: number;
  };
}

const XMR_MAGIC = [0x58, 0x4d, 0x52, 0x00];
const XMR_VERSION = 3;
const XMR_HEADER_BYTES = 24;
const CONTENT_KEY_OBJECT = 0x000a;
const CONTENT_KEY_OBJECT_BYTES = 8 + 16 + 2 + 2 + 2 + 16;
const KEY_ENCRYPTION_NONE = 0;
const EXPIRATION_OBJECT = 0x0012;
const EXPIRATION_OBJECT_BYTES = 8 + 4 + 4;
const BASE_LICENSE_BYTES = XMR_HEADER_BYTES + CONTENT_KEY_OBJECT_BYTES;

/** Encodes one emulated license (see the module comment for the layout). */
export function encodeEmulatedLicense(license: EmulatedPlayReadyLicense): Uint8Array {
  if (license.key.length !== 16) throw new RangeError('content key must be 16 bytes');
  if (license.rightsId.length !== 16) throw new RangeError('rights ID must be 16 bytes');
  const out = new Uint8Array(BASE_LICENSE_BYTES + (license.expiration ? EXPIRATION_OBJECT_BYTES : 0));
  const view = new DataView(out.buffer);
  out.set(XMR_MAGIC, 0);
  view.setUint32(4, XMR_VERSION);
  out.set(license.rightsId, 8);
  view.setUint16(24, 0x0001);
  view.setUint16(26, CONTENT_KEY_OBJECT);
  view.setUint32(28, CONTENT_KEY_OBJECT_BYTES);
  out.set(swapGuidByteOrder(hexToBytes(license.keyId)), 32);
  view.setUint16(48, license.cipher);
  view.setUint16(50, KEY_ENCRYPTION_NONE);
  view.setUint16(52, 16);
  out.set(license.key, 54);
  if (license.expiration) {
    view.setUint16(70, 0x0001);
    view.setUint16(72, EXPIRATION_OBJECT);
    view.setUint32(74, EXPIRATION_OBJECT_BYTES);
    view.setUint32(78, license.expiration.begin);
    view.setUint32(82, license.expiration.end);
  }
  return out;
}

/**
 * Decodes one emulated license.
 *
 * @throws EmulatedMessageError `MALFORMED` (wrong magic, size or object), `UNSUPPORTED` (an encrypted key: only the emulation's clear keys are readable)
 */
export function decodeEmulatedLicense(bytes: Uint8Array): EmulatedPlayReadyLicense {
  return guardMessage('emulated PlayReady license', () => {
    const withExpiration = bytes.length === BASE_LICENSE_BYTES + EXPIRATION_OBJECT_BYTES;
    if ((bytes.length !== BASE_LICENSE_BYTES && !withExpiration) || XMR_MAGIC.some((b, i) => bytes[i] !== b)) {
      throw new EmulatedMessageError('MALFORMED', 'not an emulated XMR license (magic or size)');
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(4) !== XMR_VERSION || view.getUint16(26) !== CONTENT_KEY_OBJECT || view.getUint32(28) !== CONTENT_KEY_OBJECT_BYTES) {
      throw new EmulatedMessageError('MALFORMED', 'emulated XMR license has an unexpected version or object');
    }
    if (view.getUint16(50) !== KEY_ENCRYPTION_NONE || view.getUint16(52) !== 16) {
      throw new EmulatedMessageError('UNSUPPORTED', 'the license key is encrypted: only emulated clear-key licenses can be read');
    }
    const license: EmulatedPlayReadyLicense = {
      keyId: bytesToHex(swapGuidByteOrder(bytes.slice(32, 48))),
      key: bytes.slice(54, 70),
      cipher: view.getUint16(48),
      rightsId: bytes.slice(8, 24),
    };
    if (withExpiration) {
      if (view.getUint16(72) !== EXPIRATION_OBJECT || view.getUint32(74) !== EXPIRATION_OBJECT_BYTES) {
        throw new EmulatedMessageError('MALFORMED', 'emulated XMR license has an unexpected second object');
      }
      license.expiration = { begin: view.getUint32(78), end: view.getUint32(82) };
    }
    return license;
  });
}

// ---------------------------------------------------------------------------
// License response and faults
// ---------------------------------------------------------------------------

/** What the emulator puts in an `AcquireLicenseResponse`. */
export interface AcquireLicenseResponseInput {
  /** The licenses (each becomes one base64 `License` element). */
  licenses: Uint8Array[];
  /** The challenge's nonce (base64 as received), echoed when given. */
  nonce?: string;
  /** `ResponseID` (16 bytes). */
  responseId: Uint8Array;
}

/** Builds the SOAP `AcquireLicenseResponse` (UTF-8 text). */
export function buildAcquireLicenseResponse(input: AcquireLicenseResponseInput): string {
  const licenses = input.licenses.map((license) => `<License>${encodeBase64(license)}</License>`).join('');
  return (
    XML_PROLOG +
    ENVELOPE_OPEN +
    `<AcquireLicenseResponse xmlns="${NS_PROTOCOLS}"><AcquireLicenseResult>` +
    `<Response xmlns="${NS_MESSAGES}"><LicenseResponse xmlns="${NS_PROTOCOLS}">` +
    `<Version>1</Version><Licenses>${licenses}</Licenses>` +
    (input.nonce !== undefined ? `<LicenseNonce>${escapeXml(input.nonce)}</LicenseNonce>` : '') +
    `<ResponseID>${encodeBase64(input.responseId)}</ResponseID>` +
    '</LicenseResponse></Response></AcquireLicenseResult></AcquireLicenseResponse>' +
    ENVELOPE_CLOSE
  );
}

/** A parsed license server answer: licenses, or a fault. */
export type PlayReadyLicenseAnswer =
  | {
      /** A successful answer. */
      kind: 'licenses';
      /** The emulated licenses, one per key. */
      licenses: Uint8Array[];
      /** The challenge's nonce, echoed. */
      nonce?: string;
    }
  | {
      /** A SOAP Fault. */
      kind: 'fault';
      /** The fault, decoded. */
      fault: SoapFault;
    };

/**
 * Parses what a PlayReady license server answered: an
 * `AcquireLicenseResponse` (its base64 `License` elements decoded), or a
 * SOAP Fault.
 *
 * @throws EmulatedMessageError `MALFORMED` (not XML, bad base64), `WRONG_TYPE` (neither), `MISSING_FIELD` (no License)
 */
export function parseAcquireLicenseAnswer(body: Uint8Array | string): PlayReadyLicenseAnswer {
  return guardMessage('PlayReady license response', () => {
    const text = textFrom(body, 'PlayReady license response');
    const fault = parseSoapFault(text);
    if (fault) return { kind: 'fault', fault };
    const root = parseXmlDocument(text);
    const soapBody = root.localName === 'Envelope' ? findChild(root, 'Body') : undefined;
    const response = soapBody ? findChild(soapBody, 'AcquireLicenseResponse') : undefined;
    if (!response) throw new EmulatedMessageError('WRONG_TYPE', 'not a SOAP AcquireLicenseResponse');
    const licenses = findAll(response, 'License').map((el) => decodeBase64(el.text.trim()));
    if (licenses.length === 0) throw new EmulatedMessageError('MISSING_FIELD', 'AcquireLicenseResponse has no License');
    const nonce = findFirst(response, 'LicenseNonce')?.text.trim();
    return nonce ? { kind: 'licenses', licenses, nonce } : { kind: 'licenses', licenses };
  });
}

/** What the emulator puts in a SOAP Fault. */
export interface SoapFaultInput {
  /** `soap:Client` (the request was refused) or `soap:Server` (the server failed). */
  faultCode: 'soap:Client' | 'soap:Server';
  /** Human-readable reason. */
  faultString: string;
  /** PlayReady server HRESULT, e.g. {@link PlayReadyServerStatus}. */
  statusCode: string;
  /** ExpressPlay-style numeric code. */
  errorCode?: number;
}

/** Builds a SOAP 1.1 Fault (UTF-8 text); see the module comment. */
export function buildSoapFault(input: SoapFaultInput): string {
  return (
    XML_PROLOG +
    `<soap:Envelope xmlns:soap="${NS_SOAP}"><soap:Body><soap:Fault>` +
    `<faultcode>${escapeXml(input.faultCode)}</faultcode>` +
    `<faultstring>${escapeXml(input.faultString)}</faultstring>` +
    `<detail><Exception><StatusCode>${escapeXml(input.statusCode)}</StatusCode>` +
    (input.errorCode !== undefined ? `<ErrorCode>${input.errorCode}</ErrorCode>` : '') +
    '</Exception></detail></soap:Fault>' +
    ENVELOPE_CLOSE
  );
}

/** UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

// ---------------------------------------------------------------------------
// XML helpers (namespace prefixes ignored)
// ---------------------------------------------------------------------------

function findChild(parent: XmlElement, localName: string): XmlElement | undefined {
  return parent.children.find((c) => c.localName === localName);
}

function findFirst(parent: XmlElement, localName: string): XmlElement | undefined {
  for (const child of parent.children) {
    if (child.localName === localName) return child;
    const deeper = findFirst(child, localName);
    if (deeper) return deeper;
  }
  return undefined;
}

function findAll(parent: XmlElement, localName: string, out: XmlElement[] = []): XmlElement[] {
  for (const child of parent.children) {
    if (child.localName === localName) out.push(child);
    else findAll(child, localName, out);
  }
  return out;
}
