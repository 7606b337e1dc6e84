/**
 * Emulated Widevine messages: encoders and decoders for the protobuf
 * messages the test CDM and the ExpressPlay emulator exchange. Pure (no DOM,
 * no Node APIs), shared by both sides.
 *
 * Field numbers follow Widevine's `license_protocol.proto` (proto2, as
 * vendored in public CDM trees; summarised in
 * /work/shared/reference/client-anchors.md (d)). What is emulated:
 *
 * ```
 * SignedMessage                       1 type (enum MessageType), 2 msg (bytes), 3 signature (bytes)
 *   MessageType: LICENSE_REQUEST 1, LICENSE 2, ERROR_RESPONSE 3,
 *                SERVICE_CERTIFICATE_REQUEST 4, SERVICE_CERTIFICATE 5
 * SERVICE_CERTIFICATE_REQUEST        exactly 08 04 (type 4, nothing else)
 * SERVICE_CERTIFICATE                msg = SignedDrmCertificate
 *   SignedDrmCertificate              1 drm_certificate (bytes), 2 signature (bytes)
 *   DrmCertificate                    1 type (SERVICE = 3), 2 serial_number, 3 creation_time_seconds,
 *                                     4 public_key, 7 provider_id (string), 8 service_types (LICENSE_SERVER_SDK = 1)
 * LICENSE_REQUEST                    msg = LicenseRequest
 *   LicenseRequest                    1 client_id (ClientIdentification, privacy mode off),
 *                                     2 content_id, 3 type (NEW = 1, RENEWAL = 2), 4 request_time (s),
 *                                     6 protocol_version (VERSION_2_1 = 21), 7 key_control_nonce,
 *                                     8 encrypted_client_id (privacy mode on)
 *   ContentIdentification (oneof)     1 widevine_pssh_data {1 pssh_data (repeated), 2 license_type, 3 request_id}
 *                                     2 webm_key_id {1 header, 2 license_type, 3 request_id}
 *                                     3 existing_license {1 license_id (LicenseIdentification)} (renewals)
 *                                     4 init_data {1 init_data_type (CENC 1, WEBM 2), 2 init_data,
 *                                                  3 license_type, 4 request_id}
 *   ClientIdentification              1 type (DRM_DEVICE_CERTIFICATE = 1), 2 token, 3 client_info {1 name, 2 value}
 *   EncryptedClientIdentification     1 provider_id, 2 service_certificate_serial_number,
 *                                     3 encrypted_client_id, 4 encrypted_client_id_iv
 * LICENSE                            msg = License
 *   License                           1 id {1 request_id, 2 session_id, 4 type (STREAMING 1), 5 version},
 *                                     2 policy {1 can_play, 2 can_persist, 3 can_renew, 6 license_duration_seconds,
 *                                               8 renewal_server_url, 9 renewal_delay_seconds,
 *                                               10 renewal_retry_interval_seconds},
 *                                     3 key (repeated KeyContainer), 4 license_start_time, 7 protection_scheme
 *   KeyContainer                      1 id, 3 key, 4 type (CONTENT = 2), 5 level (SW_SECURE_CRYPTO = 1)
 * ```
 *
 * **No protection at all.** In real Widevine the request is signed with the
 * device's RSA key, the client identification is encrypted to the service
 * certificate's public key (privacy mode), and every content key in the
 * license is AES-encrypted under a key derived from a session key only the
 * device can unwrap. Here the "encrypted" client identification is the
 * plain serialized ClientIdentification (IV all zero), both `signature`
 * fields are a plain SHA-256 of `msg` (integrity against accidental change,
 * not authenticity), the certificate's "public key" is a text label, and the
 * **content keys travel in clear** in `KeyContainer.key`. Only the shapes and
 * the order of the messages are real.
 *
 * @module
 */

import { bytesToHex, hexToBytes } from '../pssh/bytes';
import { decodeInitData } from '../pssh/init-data';
import { decodeWidevinePsshData } from '../pssh/widevine';
import { EmulatedMessageError, guardMessage } from './message-error';
import { ProtobufFields } from './protobuf-fields';
import { ProtobufWriter } from './protobuf-writer';

/** `SignedMessage.MessageType` values. */
export const WidevineMessageType = {
  /** A license request from the CDM. */
  LICENSE_REQUEST: 1,
  /** A license from the server. */
  LICENSE: 2,
  /** An error reply from the server. */
  ERROR_RESPONSE: 3,
  /** The CDM asks for the service certificate (privacy mode): the message `08 04`. */
  SERVICE_CERTIFICATE_REQUEST: 4,
  /** The service certificate, from the server. */
  SERVICE_CERTIFICATE: 5,
} as const;

/** The service certificate request a Widevine CDM emits in privacy mode with no certificate: exactly `08 04`. */
export const WIDEVINE_SERVICE_CERTIFICATE_REQUEST: Uint8Array = Uint8Array.of(0x08, 0x04);

/** `LicenseType.STREAMING`. */
export const LICENSE_TYPE_STREAMING = 1;
/** `LicenseRequest.RequestType.NEW`. */
export const REQUEST_TYPE_NEW = 1;
/** `LicenseRequest.RequestType.RENEWAL`: a renewal names the license (`content_id.existing_license`). */
export const REQUEST_TYPE_RENEWAL = 2;
/** `ProtocolVersion.VERSION_2_1`. */
export const PROTOCOL_VERSION_2_1 = 21;
/** `DrmCertificate.Type.SERVICE`. */
const DRM_CERTIFICATE_TYPE_SERVICE = 3;
/** `DrmCertificate.ServiceType.LICENSE_SERVER_SDK`. */
const SERVICE_TYPE_LICENSE_SERVER_SDK = 1;
/** `ClientIdentification.TokenType.DRM_DEVICE_CERTIFICATE`. */
export const TOKEN_TYPE_DRM_DEVICE_CERTIFICATE = 1;
/** `KeyContainer.KeyType.CONTENT`. */
export const KEY_TYPE_CONTENT = 2;
/** `KeyContainer.SecurityLevel.SW_SECURE_CRYPTO`. */
const SECURITY_LEVEL_SW_SECURE_CRYPTO = 1;

// ---------------------------------------------------------------------------
// SignedMessage
// ---------------------------------------------------------------------------

/** A decoded `SignedMessage` (fields absent on the wire are absent here). */
export interface WidevineSignedMessage {
  /** Field 1, `MessageType`. */
  type: number;
  /** Field 2, the serialized inner message. */
  msg?: Uint8Array;
  /** Field 3. */
  signature?: Uint8Array;
  /** Field 4. */
  sessionKey?: Uint8Array;
}

/** Serializes a `SignedMessage` (fields in number order; absent fields omitted). */
export function encodeSignedMessage(message: WidevineSignedMessage): Uint8Array {
  const w = new ProtobufWriter().uint(1, message.type);
  if (message.msg) w.bytes(2, message.msg);
  if (message.signature) w.bytes(3, message.signature);
  if (message.sessionKey) w.bytes(4, message.sessionKey);
  return w.finish();
}

/**
 * Parses a `SignedMessage`.
 *
 * @throws EmulatedMessageError `MALFORMED`, `MISSING_FIELD` (no type)
 */
export function decodeSignedMessage(bytes: Uint8Array): WidevineSignedMessage {
  return guardMessage('Widevine SignedMessage', () => {
    const f = ProtobufFields.parse(bytes, 'Widevine SignedMessage');
    const type = f.varint(1);
    if (type === undefined) throw new EmulatedMessageError('MISSING_FIELD', 'Widevine SignedMessage has no type');
    const out: WidevineSignedMessage = { type };
    const msg = f.bytes(2);
    if (msg) out.msg = msg;
    const signature = f.bytes(3);
    if (signature) out.signature = signature;
    const sessionKey = f.bytes(4);
    if (sessionKey) out.sessionKey = sessionKey;
    return out;
  });
}

/** True when `bytes` is exactly the service certificate request `08 04`. */
export function isServiceCertificateRequest(bytes: Uint8Array): boolean {
  return bytes.length === 2 && bytes[0] === 0x08 && bytes[1] === 0x04;
}

// ---------------------------------------------------------------------------
// Service certificate
// ---------------------------------------------------------------------------

/** The emulated service certificate's content (a `DrmCertificate` of type SERVICE). */
export interface WidevineServiceCertificate {
  /** Field 2, `serial_number` (16 bytes in real certificates). */
  serialNumber: Uint8Array;
  /** Field 7, `provider_id`: the service the certificate belongs to. */
  providerId: string;
  /** Field 3, `creation_time_seconds`. */
  creationTimeSeconds: number;
  /** Field 4, `public_key`: in the emulation a label, not a key. */
  publicKey: Uint8Array;
}

/** Serializes the SERVICE `DrmCertificate` itself (what `SignedDrmCertificate.signature` signs). */
export function encodeServiceDrmCertificate(cert: WidevineServiceCertificate): Uint8Array {
  return new ProtobufWriter()
    .uint(1, DRM_CERTIFICATE_TYPE_SERVICE)
    .bytes(2, cert.serialNumber)
    .uint(3, cert.creationTimeSeconds)
    .bytes(4, cert.publicKey)
    .string(7, cert.providerId)
    .uint(8, SERVICE_TYPE_LICENSE_SERVER_SDK)
    .finish();
}

/**
 * Serializes a `SignedDrmCertificate` wrapping a SERVICE `DrmCertificate`:
 * the bytes a service certificate URL serves and `setServerCertificate()`
 * takes.
 *
 * @param signature the `SignedDrmCertificate.signature` (the emulator writes SHA-256 of the DrmCertificate bytes)
 */
export function encodeServiceCertificate(cert: WidevineServiceCertificate, signature: Uint8Array): Uint8Array {
  return new ProtobufWriter().bytes(1, encodeServiceDrmCertificate(cert)).bytes(2, signature).finish();
}

/** The `SignedMessage` of type SERVICE_CERTIFICATE a license server answers `08 04` with. */
export function encodeServiceCertificateResponse(signedDrmCertificate: Uint8Array): Uint8Array {
  return encodeSignedMessage({ type: WidevineMessageType.SERVICE_CERTIFICATE, msg: signedDrmCertificate });
}

/**
 * Reads a service certificate given either as a bare `SignedDrmCertificate`
 * (what certificate URLs serve) or as a `SignedMessage` of type
 * SERVICE_CERTIFICATE (what a license server answers to `08 04`).
 * The signature is not verified.
 *
 * @throws EmulatedMessageError `MALFORMED`, `WRONG_TYPE` (not a SERVICE certificate), `MISSING_FIELD`
 */
export function decodeServiceCertificate(bytes: Uint8Array): WidevineServiceCertificate {
  return guardMessage('Widevine service certificate', () => {
    let signed = bytes;
    const outer = ProtobufFields.parse(bytes, 'Widevine service certificate');
    // A SignedMessage starts with field 1 as a varint (type); a SignedDrmCertificate's field 1 is bytes.
    if (outer.has(1) && isVarintField(bytes)) {
      const message = decodeSignedMessage(bytes);
      if (message.type !== WidevineMessageType.SERVICE_CERTIFICATE || !message.msg) {
        throw new EmulatedMessageError('WRONG_TYPE', `Widevine SignedMessage of type ${message.type} is not a service certificate`);
      }
      signed = message.msg;
    }
    const signedFields = ProtobufFields.parse(signed, 'SignedDrmCertificate');
    const certBytes = signedFields.bytes(1);
    if (!certBytes) throw new EmulatedMessageError('MISSING_FIELD', 'SignedDrmCertificate has no drm_certificate');
    const cert = ProtobufFields.parse(certBytes, 'DrmCertificate');
    const type = cert.varint(1);
    if (type !== DRM_CERTIFICATE_TYPE_SERVICE) {
      throw new EmulatedMessageError('WRONG_TYPE', `DrmCertificate type ${type ?? '(none)'} is not SERVICE (3)`);
    }
    const serialNumber = cert.bytes(2);
    const providerId = cert.string(7);
    if (!serialNumber || serialNumber.length === 0)
      throw new EmulatedMessageError('MISSING_FIELD', 'service certificate has no serial_number');
    if (!providerId) throw new EmulatedMessageError('MISSING_FIELD', 'service certificate has no provider_id');
    return {
      serialNumber,
      providerId,
      creationTimeSeconds: cert.varint(3) ?? 0,
      publicKey: cert.bytes(4) ?? new Uint8Array(0),
    };
  });
}

function isVarintField(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[0]! & 7) === 0;
}

// ---------------------------------------------------------------------------
// LicenseRequest
// ---------------------------------------------------------------------------

/** `ClientIdentification`, as the test CDM describes itself. */
export interface WidevineClientIdentification {
  /** Field 1, `TokenType`. */
  type: number;
  /** Field 2, the device credential (the test CDM sends a label). */
  token: Uint8Array;
  /** Field 3, `client_info` name/value pairs, in order. */
  clientInfo: Array<[name: string, value: string]>;
}

/** `EncryptedClientIdentification` (privacy mode). In the emulation `encryptedClientId` is NOT encrypted. */
export interface WidevineEncryptedClientIdentification {
  /** Field 1: the service certificate's provider. */
  providerId: string;
  /** Field 2: the service certificate's serial number. */
  serviceCertificateSerialNumber: Uint8Array;
  /** Field 3: the serialized ClientIdentification (in clear in the emulation). */
  encryptedClientId: Uint8Array;
  /** Field 4: the IV (all zero in the emulation). */
  encryptedClientIdIv: Uint8Array;
}

/** Which `ContentIdentification` variant a request carries. */
export type WidevineContentId =
  /** Field 1: the Widevine PSSH box Data (a serialized WidevinePsshData), as Widevine CDMs send for `cenc` and `keyids`. */
  | {
      /** Which `ContentIdentification` field is set. */
      kind: 'widevine-pssh-data';
      /** `WidevinePsshData.pssh_data`: the PSSH box Data, one entry per box. */
      psshData: Uint8Array[];
      /** `license_type` (1 streaming, 2 offline). */
      licenseType: number;
      /** `request_id`, echoed in the license's id. */
      requestId: Uint8Array;
    }
  /** Field 2: a WebM key ID. */
  | {
      /** Which `ContentIdentification` field is set. */
      kind: 'webm-key-id';
      /** `WebmKeyId.header`: the key ID. */
      header: Uint8Array;
      /** `license_type` (1 streaming, 2 offline). */
      licenseType: number;
      /** `request_id`, echoed in the license's id. */
      requestId: Uint8Array;
    }
  /** Field 3: the license being renewed (a RENEWAL request). */
  | {
      /** Which `ContentIdentification` field is set. */
      kind: 'existing-license';
      /** `ExistingLicense.license_id`: the `License.id` of the license being renewed. */
      licenseId: WidevineLicenseId;
      /** The license id's `type` (not a field of ExistingLicense; kept so every variant has one). */
      licenseType: number;
      /** The license id's `request_id` (not a field of ExistingLicense; kept so every variant has one). */
      requestId: Uint8Array;
    }
  /** Field 4: raw init data (the test CDM uses it for `cenc` init data without a Widevine PSSH box). */
  | {
      /** Which `ContentIdentification` field is set. */
      kind: 'init-data';
      /** `InitData.init_data_type` (1 cenc, 2 webm). */
      initDataType: number;
      /** `InitData.init_data`: the init data as the page passed it. */
      initData: Uint8Array;
      /** `license_type` (1 streaming, 2 offline). */
      licenseType: number;
      /** `request_id`, echoed in the license's id. */
      requestId: Uint8Array;
    };

/** A decoded (or to-be-encoded) `LicenseRequest`. */
export interface WidevineLicenseRequest {
  /** Field 2. */
  contentId: WidevineContentId;
  /** Field 3, `RequestType` (NEW 1). */
  type: number;
  /** Field 4, seconds since the epoch. */
  requestTime: number;
  /** Field 6. */
  protocolVersion: number;
  /** Field 7. */
  keyControlNonce: number;
  /** Field 1 (privacy mode off). */
  clientId?: WidevineClientIdentification;
  /** Field 8 (privacy mode on). */
  encryptedClientId?: WidevineEncryptedClientIdentification;
}

/** Serializes a `ClientIdentification`. */
export function encodeClientIdentification(client: WidevineClientIdentification): Uint8Array {
  const w = new ProtobufWriter().uint(1, client.type).bytes(2, client.token);
  for (const [name, value] of client.clientInfo) w.message(3, new ProtobufWriter().string(1, name).string(2, value));
  return w.finish();
}

/** Parses a serialized `ClientIdentification`. @throws EmulatedMessageError */
export function decodeClientIdentification(bytes: Uint8Array): WidevineClientIdentification {
  return guardMessage('ClientIdentification', () => {
    const f = ProtobufFields.parse(bytes, 'ClientIdentification');
    return {
      type: f.varint(1) ?? 0,
      token: f.bytes(2) ?? new Uint8Array(0),
      clientInfo: f.repeatedBytes(3).map((entry): [string, string] => {
        const nv = ProtobufFields.parse(entry, 'ClientIdentification.NameValue');
        return [nv.string(1) ?? '', nv.string(2) ?? ''];
      }),
    };
  });
}

/** Serializes a `LicenseRequest` (the `msg` of a LICENSE_REQUEST SignedMessage). */
export function encodeLicenseRequest(request: WidevineLicenseRequest): Uint8Array {
  const w = new ProtobufWriter();
  if (request.clientId) w.bytes(1, encodeClientIdentification(request.clientId));
  const content = new ProtobufWriter();
  const id = request.contentId;
  if (id.kind === 'widevine-pssh-data') {
    const inner = new ProtobufWriter();
    for (const data of id.psshData) inner.bytes(1, data);
    content.message(1, inner.uint(2, id.licenseType).bytes(3, id.requestId));
  } else if (id.kind === 'webm-key-id') {
    content.message(2, new ProtobufWriter().bytes(1, id.header).uint(2, id.licenseType).bytes(3, id.requestId));
  } else if (id.kind === 'existing-license') {
    content.message(3, new ProtobufWriter().message(1, encodeLicenseId(id.licenseId)));
  } else {
    content.message(4, new ProtobufWriter().uint(1, id.initDataType).bytes(2, id.initData).uint(3, id.licenseType).bytes(4, id.requestId));
  }
  w.message(2, content)
    .uint(3, request.type)
    .uint(4, request.requestTime)
    .uint(6, request.protocolVersion)
    .uint(7, request.keyControlNonce);
  const enc = request.encryptedClientId;
  if (enc) {
    w.message(
      8,
      new ProtobufWriter()
        .string(1, enc.providerId)
        .bytes(2, enc.serviceCertificateSerialNumber)
        .bytes(3, enc.encryptedClientId)
        .bytes(4, enc.encryptedClientIdIv),
    );
  }
  return w.finish();
}

/**
 * Parses a `LicenseRequest`.
 *
 * @throws EmulatedMessageError `MALFORMED`, `MISSING_FIELD` (no content_id, or none of its variants)
 */
export function decodeLicenseRequest(bytes: Uint8Array): WidevineLicenseRequest {
  return guardMessage('Widevine LicenseRequest', () => {
    const f = ProtobufFields.parse(bytes, 'Widevine LicenseRequest');
    const contentBytes = f.bytes(2);
    if (!contentBytes) throw new EmulatedMessageError('MISSING_FIELD', 'LicenseRequest has no content_id');
    const content = ProtobufFields.parse(contentBytes, 'ContentIdentification');
    let contentId: WidevineContentId;
    const pssh = content.bytes(1);
    const webm = content.bytes(2);
    const init = content.bytes(4);
    const existing = content.bytes(3);
    if (pssh) {
      const p = ProtobufFields.parse(pssh, 'WidevinePsshData');
      contentId = {
        kind: 'widevine-pssh-data',
        psshData: p.repeatedBytes(1),
        licenseType: p.varint(2) ?? 0,
        requestId: p.bytes(3) ?? new Uint8Array(0),
      };
    } else if (webm) {
      const p = ProtobufFields.parse(webm, 'WebmKeyId');
      contentId = {
        kind: 'webm-key-id',
        header: p.bytes(1) ?? new Uint8Array(0),
        licenseType: p.varint(2) ?? 0,
        requestId: p.bytes(3) ?? new Uint8Array(0),
      };
    } else if (existing) {
      const licenseId = decodeLicenseId(ProtobufFields.parse(existing, 'ExistingLicense').bytes(1) ?? new Uint8Array(0));
      contentId = { kind: 'existing-license', licenseId, licenseType: licenseId.type, requestId: licenseId.requestId };
    } else if (init) {
      const p = ProtobufFields.parse(init, 'InitData');
      contentId = {
        kind: 'init-data',
        initDataType: p.varint(1) ?? 1,
        initData: p.bytes(2) ?? new Uint8Array(0),
        licenseType: p.varint(3) ?? 0,
        requestId: p.bytes(4) ?? new Uint8Array(0),
      };
    } else {
      throw new EmulatedMessageError(
        'MISSING_FIELD',
        'ContentIdentification has none of widevine_pssh_data, webm_key_id, existing_license, init_data',
      );
    }
    const out: WidevineLicenseRequest = {
      contentId,
      type: f.varint(3) ?? 0,
      requestTime: f.varint(4) ?? 0,
      protocolVersion: f.varint(6) ?? 20,
      keyControlNonce: f.varint(7) ?? 0,
    };
    const client = f.bytes(1);
    if (client) out.clientId = decodeClientIdentification(client);
    const enc = f.bytes(8);
    if (enc) {
      const e = ProtobufFields.parse(enc, 'EncryptedClientIdentification');
      out.encryptedClientId = {
        providerId: e.string(1) ?? '',
        serviceCertificateSerialNumber: e.bytes(2) ?? new Uint8Array(0),
        encryptedClientId: e.bytes(3) ?? new Uint8Array(0),
        encryptedClientIdIv: e.bytes(4) ?? new Uint8Array(0),
      };
    }
    return out;
  });
}

/**
 * The key IDs a license request asks for (32 lower-case hex digits for
 * 16-byte KIDs), without duplicates, in order: the `key_ids` of each
 * WidevinePsshData, every KID of `cenc` init data, or the WebM key ID.
 *
 * @throws EmulatedMessageError `MALFORMED` (undecodable PSSH data), `UNSUPPORTED` (no key IDs, e.g. a content_id-only PSSH:
 * see {@link licenseRequestContent})
 */
export function licenseRequestKeyIds(request: WidevineLicenseRequest): string[] {
  const { keyIds } = licenseRequestContent(request);
  if (keyIds.length === 0) {
    throw new EmulatedMessageError('UNSUPPORTED', 'the license request names no key IDs (content_id-only PSSH data is not emulated)');
  }
  return keyIds;
}

/** What a Widevine license request names. */
export interface WidevineRequestContent {
  /** The key IDs, 32 lower-case hex digits each, without duplicates (possibly none). */
  keyIds: string[];
  /** The `WidevinePsshData.content_id` (hex), or null. */
  contentId: string | null;
}

/**
 * The key IDs (possibly none) and the Widevine content id (hex, or null) a license request
 * names: a license server resolves a content-id-only request's keys itself.
 *
 * @throws EmulatedMessageError `MALFORMED` (undecodable PSSH data)
 */
export function licenseRequestContent(request: WidevineLicenseRequest): WidevineRequestContent {
  return guardMessage('Widevine license request content', () => {
    const kids: string[] = [];
    let contentId: string | null = null;
    const id = request.contentId;
    if (id.kind === 'widevine-pssh-data') {
      for (const data of id.psshData) {
        const decoded = decodeWidevinePsshData(data);
        kids.push(...decoded.keyIds);
        contentId ??= decoded.contentId ?? null;
      }
    } else if (id.kind === 'webm-key-id') {
      if (id.header.length > 0) kids.push(bytesToHex(id.header));
    } else if (id.kind === 'existing-license') {
      // A renewal names the license, not keys.
    } else {
      const decoded = decodeInitData(id.initDataType === 2 ? 'webm' : 'cenc', id.initData);
      for (const system of decoded.systems) kids.push(...system.keyIds);
    }
    return { keyIds: [...new Set(kids)], contentId };
  });
}

// ---------------------------------------------------------------------------
// License
// ---------------------------------------------------------------------------

/** One content key of an emulated license (both 16 bytes). */
export interface WidevineLicenseKey {
  /** `KeyContainer.id`. */
  keyId: Uint8Array;
  /** `KeyContainer.key`, in clear in the emulation. */
  key: Uint8Array;
  /** `KeyContainer.type` (default CONTENT). */
  type?: number;
  /** `KeyContainer.level` (default SW_SECURE_CRYPTO). */
  level?: number;
}

/** `LicenseIdentification`: names a license (in `License.id`, and in a renewal's `existing_license`). */
export interface WidevineLicenseId {
  /** `request_id`, from the license request. */
  requestId: Uint8Array;
  /** `session_id`. */
  sessionId: Uint8Array;
  /** `type` (1 streaming, 2 offline). */
  type: number;
  /** `version` (a renewal license has the next version). */
  version: number;
}

function encodeLicenseId(id: WidevineLicenseId): ProtobufWriter {
  return new ProtobufWriter().bytes(1, id.requestId).bytes(2, id.sessionId).uint(4, id.type).uint(5, id.version);
}

function decodeLicenseId(bytes: Uint8Array): WidevineLicenseId {
  const f = ProtobufFields.parse(bytes, 'LicenseIdentification');
  return {
    requestId: f.bytes(1) ?? new Uint8Array(0),
    sessionId: f.bytes(2) ?? new Uint8Array(0),
    type: f.varint(4) ?? 0,
    version: f.varint(5) ?? 0,
  };
}

/** `License.Policy`: the subset emulated (field numbers of license_protocol.proto). */
export interface WidevineLicensePolicy {
  /** `can_play` (1). */
  canPlay: boolean;
  /** `can_persist` (2). */
  canPersist: boolean;
  /** `can_renew` (3): the `renewal*` fields apply only when set. */
  canRenew: boolean;
  /** `license_duration_seconds` (6; 0: unlimited): playback must stop at license_start_time + this. */
  licenseDurationSeconds: number;
  /** `renewal_server_url` (8): where renewal requests for this license go (absent: the license URL). */
  renewalServerUrl?: string;
  /** `renewal_delay_seconds` (9): seconds after license_start_time before the first renewal. */
  renewalDelaySeconds?: number;
  /** `renewal_retry_interval_seconds` (10): seconds between renewal requests while they fail. */
  renewalRetryIntervalSeconds?: number;
}

/** A decoded (or to-be-encoded) emulated `License`. */
export interface WidevineLicense {
  /** `License.id`. */
  id: WidevineLicenseId;
  /** `License.policy`: the subset emulated. */
  policy: WidevineLicensePolicy;
  /** `License.key`, in order (a renewal license may carry none). */
  keys: WidevineLicenseKey[];
  /** `License.license_start_time`, seconds since the epoch. */
  licenseStartTime: number;
  /** `License.protection_scheme` (4cc as uint32), when known. */
  protectionScheme?: number;
}

/** Serializes a `License` (the `msg` of a LICENSE SignedMessage). Zero/false policy fields are omitted (proto2 defaults). */
export function encodeLicense(license: WidevineLicense): Uint8Array {
  const id = encodeLicenseId(license.id);
  const p = license.policy;
  const policy = new ProtobufWriter();
  if (p.canPlay) policy.bool(1, true);
  if (p.canPersist) policy.bool(2, true);
  if (p.canRenew) policy.bool(3, true);
  if (p.licenseDurationSeconds > 0) policy.uint(6, p.licenseDurationSeconds);
  if (p.renewalServerUrl) policy.string(8, p.renewalServerUrl);
  if (p.renewalDelaySeconds) policy.uint(9, p.renewalDelaySeconds);
  if (p.renewalRetryIntervalSeconds) policy.uint(10, p.renewalRetryIntervalSeconds);
  const w = new ProtobufWriter().message(1, id).message(2, policy);
  for (const key of license.keys) {
    w.message(
      3,
      new ProtobufWriter()
        .bytes(1, key.keyId)
        .bytes(3, key.key)
        .uint(4, key.type ?? KEY_TYPE_CONTENT)
        .uint(5, key.level ?? SECURITY_LEVEL_SW_SECURE_CRYPTO),
    );
  }
  w.uint(4, license.licenseStartTime);
  if (license.protectionScheme !== undefined) w.uint(7, license.protectionScheme);
  return w.finish();
}

/**
 * Parses a `License`.
 *
 * @throws EmulatedMessageError `MALFORMED`
 */
export function decodeLicense(bytes: Uint8Array): WidevineLicense {
  return guardMessage('Widevine License', () => {
    const f = ProtobufFields.parse(bytes, 'Widevine License');
    const policyFields = ProtobufFields.parse(f.bytes(2) ?? new Uint8Array(0), 'License.Policy');
    const out: WidevineLicense = {
      id: decodeLicenseId(f.bytes(1) ?? new Uint8Array(0)),
      policy: decodePolicy(policyFields),
      keys: f.repeatedBytes(3).map((entry) => {
        const k = ProtobufFields.parse(entry, 'KeyContainer');
        return {
          keyId: k.bytes(1) ?? new Uint8Array(0),
          key: k.bytes(3) ?? new Uint8Array(0),
          type: k.varint(4) ?? 0,
          level: k.varint(5) ?? SECURITY_LEVEL_SW_SECURE_CRYPTO,
        };
      }),
      licenseStartTime: f.varint(4) ?? 0,
    };
    const scheme = f.varint(7);
    if (scheme !== undefined) out.protectionScheme = scheme;
    return out;
  });
}

function decodePolicy(f: ProtobufFields): WidevineLicensePolicy {
  const policy: WidevineLicensePolicy = {
    canPlay: (f.varint(1) ?? 0) !== 0,
    canPersist: (f.varint(2) ?? 0) !== 0,
    canRenew: (f.varint(3) ?? 0) !== 0,
    licenseDurationSeconds: f.varint(6) ?? 0,
  };
  const url = f.string(8);
  if (url) policy.renewalServerUrl = url;
  const delay = f.varint(9);
  if (delay !== undefined) policy.renewalDelaySeconds = delay;
  const retry = f.varint(10);
  if (retry !== undefined) policy.renewalRetryIntervalSeconds = retry;
  return policy;
}

/** Builds a Widevine PSSH data message listing `keyIds` (hex), as the test CDM does for `keyids` init data. */
export function encodeWidevinePsshDataForKeyIds(keyIds: readonly string[]): Uint8Array {
  const w = new ProtobufWriter();
  for (const kid of keyIds) w.bytes(2, hexToBytes(kid));
  return w.finish();
}
