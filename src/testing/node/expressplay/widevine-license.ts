/**
 * The ExpressPlay emulator's Widevine side: the emulated service
 * certificate, reading the test CDM's license requests and writing the
 * emulated licenses. Message formats: `src/testing/widevine-messages.ts`
 * (shared with the browser test CDM). **No protection**: the license carries
 * the content keys in clear.
 *
 * @module
 */

import { createHash, randomBytes } from 'node:crypto';

import { decodeWidevinePsshData } from '../../../pssh/widevine';
import { EmulatedMessageError } from '../../message-error';
import { widevinePolicyOf, type EmulatedLicensePolicy } from '../license-policy.js';
import {
  decodeLicenseRequest,
  decodeSignedMessage,
  encodeLicense,
  encodeServiceCertificate,
  encodeServiceCertificateResponse,
  encodeServiceDrmCertificate,
  encodeSignedMessage,
  isServiceCertificateRequest,
  licenseRequestContent,
  LICENSE_TYPE_STREAMING,
  REQUEST_TYPE_RENEWAL,
  WidevineMessageType,
  type WidevineLicenseId,
  type WidevineLicenseRequest,
  type WidevineServiceCertificate,
} from '../../widevine-messages';

/** The emulator's service certificate (fixed, so tests can compare bytes). Its "public key" is a label. */
export const EMULATOR_SERVICE_CERTIFICATE: Readonly<WidevineServiceCertificate> = Object.freeze({
  serialNumber: new TextEncoder().encode('keyflow-emulator'), // 16 bytes, like a real serial number
  providerId: 'expressplay-emulator.shaka-keyflow.test',
  creationTimeSeconds: 1767225600, // 2026-01-01T00:00:00Z
  publicKey: new TextEncoder().encode('no public key: shaka-keyflow emulator service certificate (no protection)'),
});

function sha256(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash('sha256').update(bytes).digest());
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The bare `SignedDrmCertificate` the certificate endpoint serves (signature: SHA-256 of the certificate). */
export function emulatorServiceCertificate(): Uint8Array {
  return encodeServiceCertificate(EMULATOR_SERVICE_CERTIFICATE, sha256(encodeServiceDrmCertificate(EMULATOR_SERVICE_CERTIFICATE)));
}

/** The SERVICE_CERTIFICATE SignedMessage the license endpoint answers `08 04` with. */
export function emulatorServiceCertificateResponse(): Uint8Array {
  return encodeServiceCertificateResponse(emulatorServiceCertificate());
}

/** What a Widevine license endpoint body turned out to be. */
export type WidevineChallenge =
  | { kind: 'certificate-request' }
  | {
      kind: 'license-request';
      request: WidevineLicenseRequest;
      /** The key IDs asked for; none for a content-id-only request (the server resolves them). */
      kids: string[];
      /** The Widevine content id (hex), or null. */
      contentId: string | null;
    }
  | {
      kind: 'renewal-request';
      request: WidevineLicenseRequest;
      /** The license being renewed (`content_id.existing_license.license_id`). */
      licenseId: WidevineLicenseId;
    };

/**
 * Reads a Widevine license endpoint body: the service certificate request
 * `08 04`, or a signed LICENSE_REQUEST whose signature (SHA-256 of msg)
 * matches, with a client identification in clear or "encrypted" for the
 * emulator's own certificate, naming key IDs or a Widevine content id (a
 * content-id-only request: the server resolves its keys).
 *
 * @throws EmulatedMessageError with a message fit for the 400 answer
 */
export function readWidevineChallenge(body: Uint8Array): WidevineChallenge {
  if (isServiceCertificateRequest(body)) return { kind: 'certificate-request' };
  if (body.length === 0) throw new EmulatedMessageError('MISSING_FIELD', 'empty body');
  const signed = decodeSignedMessage(body);
  if (signed.type !== WidevineMessageType.LICENSE_REQUEST || !signed.msg) {
    throw new EmulatedMessageError('WRONG_TYPE', `SignedMessage of type ${signed.type} is not a LICENSE_REQUEST`);
  }
  if (!signed.signature || !equal(signed.signature, sha256(signed.msg))) {
    throw new EmulatedMessageError('MALFORMED', 'the request signature (SHA-256 of msg) is missing or does not match');
  }
  const request = decodeLicenseRequest(signed.msg);
  if (request.type === REQUEST_TYPE_RENEWAL) {
    // A renewal names its license; a CDM signs it with the session's keys and sends no client id.
    if (request.contentId.kind !== 'existing-license' || request.contentId.licenseId.sessionId.length === 0) {
      throw new EmulatedMessageError('MISSING_FIELD', 'a RENEWAL request must name the license (content_id.existing_license)');
    }
    return { kind: 'renewal-request', request, licenseId: request.contentId.licenseId };
  }
  if (request.encryptedClientId) {
    if (!equal(request.encryptedClientId.serviceCertificateSerialNumber, EMULATOR_SERVICE_CERTIFICATE.serialNumber)) {
      throw new EmulatedMessageError('UNSUPPORTED', 'the client identification is encrypted for another service certificate');
    }
  } else if (!request.clientId) {
    throw new EmulatedMessageError('MISSING_FIELD', 'the request has no client identification');
  }
  const { keyIds, contentId } = licenseRequestContent(request);
  if (keyIds.length === 0 && !contentId)
    throw new EmulatedMessageError('UNSUPPORTED', 'the license request names neither key IDs nor a content id');
  return { kind: 'license-request', request, kids: keyIds, contentId };
}

/** Best effort: the key IDs a body asks for, for the request log; undefined when unreadable. */
export function widevineChallengeKeyIds(body: Uint8Array): string[] | undefined {
  try {
    const signed = decodeSignedMessage(body);
    if (signed.type !== WidevineMessageType.LICENSE_REQUEST || !signed.msg) return undefined;
    return licenseRequestContent(decodeLicenseRequest(signed.msg)).keyIds;
  } catch {
    return undefined;
  }
}

function protectionSchemeOf(request: WidevineLicenseRequest): number | undefined {
  if (request.contentId.kind !== 'widevine-pssh-data') return undefined;
  for (const data of request.contentId.psshData) {
    try {
      const value = decodeWidevinePsshData(data).protectionSchemeValue;
      if (value !== undefined) return value;
    } catch {
      // unreadable PSSH data was already refused by licenseRequestKeyIds
    }
  }
  return undefined;
}

/**
 * Builds the emulated license: a LICENSE SignedMessage whose License echoes
 * the request ID, allows playback, and carries one CONTENT KeyContainer per
 * key **with the key in clear**.
 *
 * @param keys key ID and content key, both 32 hex digits, in the order to write them
 */
export function buildWidevineLicense(
  request: WidevineLicenseRequest,
  keys: ReadonlyArray<{ kid: Uint8Array; key: Uint8Array }>,
  now: number,
  policy?: EmulatedLicensePolicy,
): Uint8Array {
  const protectionScheme = protectionSchemeOf(request);
  const msg = encodeLicense({
    id: { requestId: request.contentId.requestId, sessionId: Uint8Array.from(randomBytes(16)), type: LICENSE_TYPE_STREAMING, version: 0 },
    policy: widevinePolicyOf(policy),
    keys: keys.map(({ kid, key }) => ({ keyId: kid, key })),
    licenseStartTime: request.requestTime > 0 ? request.requestTime : Math.floor(now / 1000),
    ...(protectionScheme !== undefined ? { protectionScheme } : {}),
  });
  return encodeSignedMessage({ type: WidevineMessageType.LICENSE, msg, signature: sha256(msg) });
}

/**
 * Builds the renewal license: the renewed license's id with the next
 * version, the token's policy counted from the renewal's request time, and
 * no keys (a real renewal carries only key control blocks; the test CDM
 * keeps the keys it has).
 */
export function buildWidevineRenewalLicense(
  request: WidevineLicenseRequest,
  licenseId: WidevineLicenseId,
  now: number,
  policy?: EmulatedLicensePolicy,
): Uint8Array {
  const msg = encodeLicense({
    id: { ...licenseId, version: licenseId.version + 1 },
    policy: widevinePolicyOf(policy),
    keys: [],
    licenseStartTime: request.requestTime > 0 ? request.requestTime : Math.floor(now / 1000),
  });
  return encodeSignedMessage({ type: WidevineMessageType.LICENSE, msg, signature: sha256(msg) });
}
