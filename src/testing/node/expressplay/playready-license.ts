/**
 * The ExpressPlay emulator's PlayReady side: reading the test CDM's SOAP
 * `AcquireLicense` challenges and writing `AcquireLicenseResponse`s with
 * emulated licenses, or SOAP Faults. Message formats:
 * `src/testing/playready-messages.ts` (shared with the browser test CDM).
 * **No protection**: the emulated licenses carry the content keys in clear.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';

import { EmulatedMessageError } from '../../message-error';
import {
  buildAcquireLicenseResponse,
  buildSoapFault,
  EmulatedXmrCipher,
  encodeEmulatedLicense,
  parseAcquireLicenseChallenge,
  PLAYREADY_SOAP_ACTION,
  PlayReadyServerStatus,
  type PlayReadyChallenge,
} from '../../playready-messages';

/**
 * Reads a PlayReady license endpoint request: the `SOAPAction` header must
 * name AcquireLicense (quoted or not), and the body must be a SOAP
 * AcquireLicense challenge whose WRMHEADER names at least one key ID.
 *
 * @throws EmulatedMessageError with a message fit for the fault
 */
export function readPlayReadyChallenge(body: Uint8Array, soapAction: string | undefined): PlayReadyChallenge {
  const action = (soapAction ?? '').trim().replace(/^"(.*)"$/, '$1');
  if (action !== PLAYREADY_SOAP_ACTION.slice(1, -1)) {
    throw new EmulatedMessageError('UNSUPPORTED', `SOAPAction ${action ? `"${action.slice(0, 120)}"` : '(none)'} is not AcquireLicense`);
  }
  const challenge = parseAcquireLicenseChallenge(body);
  if (challenge.header.keyIds.length === 0) {
    throw new EmulatedMessageError('UNSUPPORTED', 'the WRMHEADER names no key IDs');
  }
  return challenge;
}

/** Best effort: the key IDs a challenge asks for, for the request log; undefined when unreadable. */
export function playReadyChallengeKeyIds(body: Uint8Array): string[] | undefined {
  try {
    return parseAcquireLicenseChallenge(body).header.keyIds;
  } catch {
    return undefined;
  }
}

/**
 * Builds the `AcquireLicenseResponse`: one emulated license per key (key
 * **in clear**, with the expiration object when the token's policy has a
 * duration), the challenge's nonce echoed.
 *
 * @param keys key ID (32 hex digits, big-endian) and content key bytes, in order
 */
export function buildPlayReadyLicenseResponse(
  challenge: PlayReadyChallenge,
  keys: ReadonlyArray<{ kid: string; key: Uint8Array }>,
  expiration?: { begin: number; end: number },
): string {
  const cipher = challenge.header.algorithm === 'AESCBC' ? EmulatedXmrCipher.AES_128_CBC : EmulatedXmrCipher.AES_128_CTR;
  const licenses = keys.map(({ kid, key }) =>
    encodeEmulatedLicense({ keyId: kid, key, cipher, rightsId: Uint8Array.from(randomBytes(16)), ...(expiration ? { expiration } : {}) }),
  );
  return buildAcquireLicenseResponse({
    licenses,
    ...(challenge.nonce !== undefined ? { nonce: challenge.nonce } : {}),
    responseId: Uint8Array.from(randomBytes(16)),
  });
}

/**
 * The SOAP Fault for an emulator error: `soap:Server` with
 * DRM_E_SERVER_INTERNAL_ERROR for its own failures (HTTP status ≥ 500),
 * otherwise `soap:Client` with DRM_E_SERVER_INVALID_MESSAGE for an
 * unreadable request (400) or DRM_E_SERVER_SERVICE_SPECIFIC for token and
 * entitlement refusals; `ErrorCode` carries the ExpressPlay-style code the
 * JSON endpoints would have sent.
 */
export function playReadyFault(status: number, errorCode: number, message: string): string {
  const statusCode =
    status >= 500
      ? PlayReadyServerStatus.INTERNAL_ERROR
      : status === 400
        ? PlayReadyServerStatus.INVALID_MESSAGE
        : PlayReadyServerStatus.SERVICE_SPECIFIC;
  return buildSoapFault({ faultCode: status >= 500 ? 'soap:Server' : 'soap:Client', faultString: message, statusCode, errorCode });
}
