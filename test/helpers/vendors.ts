// Helpers for the vendor emulators' specs (src/testing/node/vendors/): requests to them, their
// request log, and a Widevine challenge and a FairPlay SPC as the test CDM would write them
// (codecs shared with it).
import { encodeSpc } from '../../src/testing/fairplay-messages';
import { TEST_CDM_CLIENT_IDENTIFICATION } from '../../src/testing/test-cdm';
import type { VendorRecord } from '../../src/testing/node/vendors/record';
import {
  encodeClientIdentification,
  encodeLicenseRequest,
  encodeSignedMessage,
  type WidevineLicenseRequest,
} from '../../src/testing/widevine-messages';
import { at, CONTENT_KEYS } from './env';
import { ascii, hex } from '../pssh/helpers';
import { WIDEVINE_DATA } from '../pssh/vectors';

export type { VendorRecord };

/** The URL of a path on one vendor emulator. */
export function vendorUrl(vendor: string, path: string): string {
  return at(`vendors/${vendor}/${path}`);
}

/** The vendor emulators' log (one vendor's when given), oldest first. */
export async function vendorRequests(vendor?: string): Promise<VendorRecord[]> {
  return (await (await fetch(at(`vendors/_requests${vendor ? `?vendor=${vendor}` : ''}`))).json()) as VendorRecord[];
}

/** Empties the vendor emulators' log. */
export async function clearVendorRequests(): Promise<void> {
  await fetch(at('vendors/_requests'), { method: 'DELETE' });
}

/** A request's answer, read whole. */
export interface Answer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  text: string;
}

/** Sends `body` to `url` (POST) and reads the whole answer. */
export async function post(url: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Answer> {
  const data = typeof body === 'string' ? body : body.slice().buffer;
  const response = await fetch(url, { method: 'POST', body: data, headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: new TextDecoder().decode(bytes) };
}

/** A signed Widevine license request for the sample's keys, as the test CDM writes it. */
export async function widevineChallenge(): Promise<Uint8Array> {
  const request: WidevineLicenseRequest = {
    contentId: {
      kind: 'widevine-pssh-data',
      psshData: [WIDEVINE_DATA],
      licenseType: 1,
      requestId: hex('0f0e0d0c0b0a09080706050403020100'),
    },
    type: 1,
    requestTime: Math.floor(Date.now() / 1000),
    protocolVersion: 21,
    keyControlNonce: 7,
    encryptedClientId: {
      providerId: 'expressplay-emulator.shaka-keyflow.test',
      serviceCertificateSerialNumber: ascii('keyflow-emulator'),
      encryptedClientId: encodeClientIdentification(TEST_CDM_CLIENT_IDENTIFICATION),
      encryptedClientIdIv: new Uint8Array(16),
    },
  };
  const msg = encodeLicenseRequest(request);
  const signature = new Uint8Array(await crypto.subtle.digest('SHA-256', msg.slice().buffer));
  return encodeSignedMessage({ type: 1, msg, signature });
}

/** SHA-256 of `bytes`, hex (as an emulated SPC names its certificate). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * An emulated FairPlay SPC for the sample's keys, as the test CDM writes it when given
 * `certificate` (the bytes a vendor emulator's certificate endpoint serves).
 */
export async function fairPlaySpc(
  certificate: Uint8Array,
  kids: string[] = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid],
): Promise<Uint8Array> {
  return encodeSpc({
    contentId: '',
    keyIds: kids,
    nonce: '00112233445566778899aabbccddeeff',
    certificateSha256: await sha256Hex(certificate),
  });
}
