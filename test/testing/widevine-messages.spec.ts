// Byte-exact vectors for the emulated Widevine messages (src/testing/widevine-messages.ts). Every
// expected byte string below is written out by hand from license_protocol.proto's field numbers
// (tag byte = field << 3 | wire type), independent of the encoder under test.
import {
  decodeLicense,
  decodeLicenseRequest,
  decodeServiceCertificate,
  decodeSignedMessage,
  encodeClientIdentification,
  encodeLicense,
  encodeLicenseRequest,
  encodeServiceCertificate,
  encodeServiceCertificateResponse,
  encodeServiceDrmCertificate,
  encodeSignedMessage,
  encodeWidevinePsshDataForKeyIds,
  isServiceCertificateRequest,
  licenseRequestKeyIds,
  WIDEVINE_SERVICE_CERTIFICATE_REQUEST,
  type WidevineLicenseRequest,
} from '../../src/testing/widevine-messages';
import { EmulatedMessageError } from '../../src/testing/message-error';
import { ProtobufWriter } from '../../src/testing/protobuf-writer';
import { ascii, concat, hex } from '../pssh/helpers';
import { AUDIO_KID, COMMON_V1_BOX, VIDEO_KID } from '../pssh/vectors';

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Shaka Packager's golden Widevine PSSH data (formats.md §3.3): key_id 3132…36, protection_scheme cenc. */
const SHAKA_PSSH_DATA = hex('12 10 31323334353637383930313233343536 48 e3dc959b06');
const REQUEST_ID = hex('000102030405060708090a0b0c0d0e0f');

const REQUEST: WidevineLicenseRequest = {
  contentId: { kind: 'widevine-pssh-data', psshData: [SHAKA_PSSH_DATA], licenseType: 1, requestId: REQUEST_ID },
  type: 1,
  requestTime: 1700000000,
  protocolVersion: 21,
  keyControlNonce: 1,
  clientId: { type: 1, token: ascii('tok'), clientInfo: [['a', 'b']] },
};

const REQUEST_BYTES = hex(
  '0a 0f', //                client_id (1), 15 bytes:
  '  08 01', //                type DRM_DEVICE_CERTIFICATE
  '  12 03 746f6b', //         token "tok"
  '  1a 06 0a 01 61 12 01 62', // client_info {name "a", value "b"}
  '12 30', //                content_id (2), 48 bytes:
  '  0a 2e', //                widevine_pssh_data (1), 46 bytes:
  '    0a 18', //                pssh_data (1), 24 bytes: the PSSH box Data
  '    12 10 31323334353637383930313233343536 48 e3dc959b06',
  '    10 01', //                license_type STREAMING
  '    1a 10 000102030405060708090a0b0c0d0e0f', // request_id
  '18 01', //                type NEW
  '20 80e2cfaa06', //        request_time 1700000000 (0x6553f100): 7-bit groups 0, 98, 79, 42, 6
  '30 15', //                protocol_version VERSION_2_1 (21)
  '38 01', //                key_control_nonce 1
);

describe('emulated Widevine messages', () => {
  describe('ProtobufWriter', () => {
    it('writes varints (incl. > 32 bits), bools, bytes and strings', () => {
      const w = new ProtobufWriter()
        .uint(1, 0)
        .uint(2, 300)
        .uint(3, 2 ** 35)
        .bool(4, true)
        .bytes(5, hex('ff'))
        .string(6, 'é');
      expect(toHex(w.finish())).toBe('0800' + '10ac02' + '18808080808001' + '2001' + '2a01ff' + '3202c3a9');
    });

    it('refuses negative, fractional and unsafe varints and bad field numbers', () => {
      expect(() => new ProtobufWriter().uint(1, -1)).toThrowError(RangeError);
      expect(() => new ProtobufWriter().uint(1, 1.5)).toThrowError(RangeError);
      expect(() => new ProtobufWriter().uint(1, 2 ** 53)).toThrowError(RangeError);
      expect(() => new ProtobufWriter().uint(0, 1)).toThrowError(RangeError);
    });
  });

  describe('SignedMessage', () => {
    it('the service certificate request is exactly 08 04', () => {
      expect(toHex(WIDEVINE_SERVICE_CERTIFICATE_REQUEST)).toBe('0804');
      expect(toHex(encodeSignedMessage({ type: 4 }))).toBe('0804');
      expect(isServiceCertificateRequest(hex('0804'))).toBe(true);
      expect(isServiceCertificateRequest(hex('080400'))).toBe(false);
      expect(isServiceCertificateRequest(hex('0801'))).toBe(false);
    });

    it('a license request: 08 01 12 <len> msg 1a 20 <signature>', () => {
      const signature = new Uint8Array(32).fill(0xab);
      const bytes = encodeSignedMessage({ type: 1, msg: REQUEST_BYTES, signature });
      expect(toHex(bytes)).toBe('0801124f' + toHex(REQUEST_BYTES) + '1a20' + 'ab'.repeat(32));
      expect(REQUEST_BYTES.length).toBe(0x4f);
      const decoded = decodeSignedMessage(bytes);
      expect(decoded.type).toBe(1);
      expect(toHex(decoded.msg!)).toBe(toHex(REQUEST_BYTES));
      expect(toHex(decoded.signature!)).toBe('ab'.repeat(32));
      expect(decoded.sessionKey).toBeUndefined();
    });

    it('rejects malformed input with EmulatedMessageError', () => {
      for (const bad of [hex('12'), hex('12 05 00'), hex('0b'), hex('ff ff ff ff ff ff ff ff ff ff ff'), hex('12 00')]) {
        expect(() => decodeSignedMessage(bad)).toThrowMatching((e) => e instanceof EmulatedMessageError);
      }
      expect(() => decodeSignedMessage(hex('12 00'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'MISSING_FIELD');
    });
  });

  describe('LicenseRequest', () => {
    it('encodes the hand-written vector exactly, and decodes it back', () => {
      expect(toHex(encodeLicenseRequest(REQUEST))).toBe(toHex(REQUEST_BYTES));
      const decoded = decodeLicenseRequest(REQUEST_BYTES);
      expect(decoded.type).toBe(1);
      expect(decoded.requestTime).toBe(1700000000);
      expect(decoded.protocolVersion).toBe(21);
      expect(decoded.keyControlNonce).toBe(1);
      expect(decoded.clientId).toEqual({ type: 1, token: ascii('tok'), clientInfo: [['a', 'b']] });
      expect(decoded.encryptedClientId).toBeUndefined();
      expect(decoded.contentId.kind).toBe('widevine-pssh-data');
      expect(toHex(decoded.contentId.requestId)).toBe(toHex(REQUEST_ID));
      expect(licenseRequestKeyIds(decoded)).toEqual(['31323334353637383930313233343536']);
    });

    it('privacy mode: encrypted_client_id (8) with provider, serial, the ClientIdentification (in clear) and IV', () => {
      const client = { type: 1, token: ascii('t'), clientInfo: [] as Array<[string, string]> };
      const bytes = encodeLicenseRequest({
        ...REQUEST,
        clientId: undefined,
        keyControlNonce: 2,
        encryptedClientId: {
          providerId: 'p',
          serviceCertificateSerialNumber: hex('0a0b'),
          encryptedClientId: encodeClientIdentification(client),
          encryptedClientIdIv: new Uint8Array(2),
        },
      } as WidevineLicenseRequest);
      const tail = '38 02' + '42 12' + '0a 01 70' + '12 02 0a0b' + '1a 05 0801 1201 74' + '22 02 0000';
      expect(toHex(bytes).endsWith(tail.replace(/ /g, ''))).toBe(true);
      expect(toHex(bytes).startsWith('1230')).toBe(true); // no client_id (1) first
      const decoded = decodeLicenseRequest(bytes);
      expect(decoded.encryptedClientId?.providerId).toBe('p');
      expect(toHex(decoded.encryptedClientId!.encryptedClientId)).toBe('0801120174');
    });

    it('webm_key_id (2) and init_data (4) variants; KIDs from each', () => {
      const webm = encodeLicenseRequest({
        ...REQUEST,
        contentId: { kind: 'webm-key-id', header: hex('aabb'), licenseType: 1, requestId: hex('01') },
      });
      // content_id (2) { webm_key_id (2) { header aabb, license_type 1, request_id 01 } }
      expect(toHex(webm)).toContain('120b' + '1209' + '0a02aabb' + '1001' + '1a0101' + '1801');
      expect(licenseRequestKeyIds(decodeLicenseRequest(webm))).toEqual(['aabb']);

      const init = decodeLicenseRequest(
        encodeLicenseRequest({
          ...REQUEST,
          contentId: { kind: 'init-data', initDataType: 1, initData: COMMON_V1_BOX, licenseType: 1, requestId: hex('01') },
        }),
      );
      expect(init.contentId.kind).toBe('init-data');
      expect(licenseRequestKeyIds(init)).toEqual([VIDEO_KID, AUDIO_KID]);
    });

    it('keyids init data becomes Widevine PSSH data listing the key_ids (field 2)', () => {
      expect(toHex(encodeWidevinePsshDataForKeyIds([VIDEO_KID, AUDIO_KID]))).toBe(`1210${VIDEO_KID}1210${AUDIO_KID}`);
    });

    it('a request naming no key IDs is UNSUPPORTED; a missing content_id is MISSING_FIELD', () => {
      const contentIdOnly = new ProtobufWriter().bytes(4, ascii('movie')).finish();
      const request = decodeLicenseRequest(
        encodeLicenseRequest({
          ...REQUEST,
          contentId: { kind: 'widevine-pssh-data', psshData: [contentIdOnly], licenseType: 1, requestId: hex('01') },
        }),
      );
      expect(() => licenseRequestKeyIds(request)).toThrowMatching((e) => (e as EmulatedMessageError).code === 'UNSUPPORTED');
      expect(() => decodeLicenseRequest(hex('1801'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'MISSING_FIELD');
    });
  });

  describe('License', () => {
    const LICENSE = {
      id: { requestId: hex('0102'), sessionId: hex('0304'), type: 1, version: 0 },
      policy: { canPlay: true, canPersist: false, canRenew: false, licenseDurationSeconds: 0 },
      keys: [{ keyId: new Uint8Array(16).fill(0x11), key: new Uint8Array(16).fill(0x22) }],
      licenseStartTime: 1,
      protectionScheme: 0x63656e63,
    };
    const LICENSE_BYTES = hex(
      '0a 0c 0a020102 12020304 2001 2800', // id: request_id, session_id, type STREAMING, version 0
      '12 02 0801', //                       policy: can_play
      '1a 28', //                            key (3), 40 bytes:
      '  0a 10 11111111111111111111111111111111', // id
      '  1a 10 22222222222222222222222222222222', // key, IN CLEAR
      '  2002 2801', //                            type CONTENT, level SW_SECURE_CRYPTO
      '20 01', //                            license_start_time 1
      '38 e3dc959b06', //                    protection_scheme 'cenc'
    );

    it('encodes the hand-written vector exactly, and decodes it back', () => {
      expect(toHex(encodeLicense(LICENSE))).toBe(toHex(LICENSE_BYTES));
      const decoded = decodeLicense(LICENSE_BYTES);
      expect(decoded.id).toEqual({ requestId: hex('0102'), sessionId: hex('0304'), type: 1, version: 0 });
      expect(decoded.policy).toEqual(LICENSE.policy);
      expect(decoded.keys).toEqual([{ keyId: LICENSE.keys[0]!.keyId, key: LICENSE.keys[0]!.key, type: 2, level: 1 }]);
      expect(decoded.licenseStartTime).toBe(1);
      expect(decoded.protectionScheme).toBe(0x63656e63);
    });

    it('a license duration goes in policy field 6', () => {
      const bytes = encodeLicense({ ...LICENSE, policy: { ...LICENSE.policy, licenseDurationSeconds: 300 } });
      expect(toHex(bytes)).toContain('1205' + '0801' + '30ac02');
      expect(decodeLicense(bytes).policy.licenseDurationSeconds).toBe(300);
    });
  });

  describe('service certificate', () => {
    const CERT = { serialNumber: ascii('keyflow-emulator'), providerId: 'p', creationTimeSeconds: 1, publicKey: ascii('k') };
    const DRM_CERTIFICATE = hex(
      '08 03', //                                       type SERVICE
      '12 10 6b6579666c6f772d656d756c61746f72', //      serial_number "keyflow-emulator"
      '18 01', //                                       creation_time_seconds 1
      '22 01 6b', //                                    public_key "k" (a label in the emulation)
      '3a 01 70', //                                    provider_id "p"
      '40 01', //                                       service_types LICENSE_SERVER_SDK
    );

    it('DrmCertificate and SignedDrmCertificate, byte for byte', () => {
      expect(toHex(encodeServiceDrmCertificate(CERT))).toBe(toHex(DRM_CERTIFICATE));
      const signed = encodeServiceCertificate(CERT, hex('5151'));
      expect(DRM_CERTIFICATE.length).toBe(0x1e);
      expect(toHex(signed)).toBe('0a1e' + toHex(DRM_CERTIFICATE) + '12025151');
      // The license server's answer to 08 04: SignedMessage { type SERVICE_CERTIFICATE (5), msg }.
      expect(toHex(encodeServiceCertificateResponse(signed))).toBe('0805' + '1224' + toHex(signed));
    });

    it('decodes both the bare SignedDrmCertificate and the SERVICE_CERTIFICATE SignedMessage', () => {
      const signed = encodeServiceCertificate(CERT, hex('5151'));
      for (const form of [signed, encodeServiceCertificateResponse(signed)]) {
        const cert = decodeServiceCertificate(form);
        expect(cert.providerId).toBe('p');
        expect(toHex(cert.serialNumber)).toBe(toHex(CERT.serialNumber));
        expect(cert.creationTimeSeconds).toBe(1);
      }
    });

    it('refuses other certificate types, other message types and missing fields', () => {
      const device = concat(hex('0a 04'), hex('08 02 12 00'));
      expect(() => decodeServiceCertificate(device)).toThrowMatching((e) => (e as EmulatedMessageError).code === 'WRONG_TYPE');
      expect(() => decodeServiceCertificate(hex('0802 1200'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'WRONG_TYPE');
      expect(() => decodeServiceCertificate(hex('0a02 0803'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'MISSING_FIELD');
      expect(() => decodeServiceCertificate(hex('ff'))).toThrowMatching((e) => e instanceof EmulatedMessageError);
    });
  });
});
