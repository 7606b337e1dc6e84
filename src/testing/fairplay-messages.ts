/**
 * # Emulated FairPlay messages: the SPC and CKC of the test tools
 *
 * **No protection at all.** Apple's FairPlay Streaming exchange is an SPC (server playback
 * context: the CDM's encrypted license request, made with the app's FairPlay certificate) and a
 * CKC (content key context: the key server's encrypted answer). Their real layouts and
 * cryptography are Apple's and not public. The test tools (the ExpressPlay and vendor
 * emulators, and the browser test CDM's FairPlay emulation) use the emulated messages below
 * instead, so that a FairPlay license integration can be driven end to end where no FairPlay
 * CDM exists: the shapes around them (SPC as raw bytes, base64 in a form field or in JSON; CKC
 * raw, base64, `<ckc>…</ckc>` or JSON) are the services' real ones.
 *
 * ## SPC (the CDM's license request)
 *
 * The 6 ASCII bytes `KFSPC1`, then UTF-8 JSON:
 *
 * ```json
 * { "v": 1,
 *   "contentId": "fps.example/asset-42",      (the content id the CDM was given, "" if none)
 *   "keyIds": ["a890…ea1c"],                   (32 lower-case hex digits each, at least one)
 *   "nonce": "00112233445566778899aabbccddeeff",  (16 random bytes, hex)
 *   "certificateSha256": "…64 hex…" }          (SHA-256 of the server certificate the CDM was given)
 * ```
 *
 * ## CKC (the key server's answer)
 *
 * The 6 ASCII bytes `KFCKC1`, then UTF-8 JSON:
 *
 * ```json
 * { "v": 1, "nonce": "<the SPC's nonce>", "keys": [{ "kid": "<32 hex>", "key": "<32 hex>" }] }
 * ```
 *
 * with every content key **in clear**.
 *
 * ## What this cannot prove
 *
 * Apple's SPC/CKC cryptography, its certificate rules (the real CDM refuses a certificate Apple
 * did not issue), the FairPlay key server SDK's behaviour, lease/rental/persistence policies and
 * Safari's legacy `WebKitMediaKeys` path.
 *
 * @module
 */

import { EmulatedMessageError, guardMessage } from './message-error';

/** The first bytes of an emulated SPC. */
export const SPC_MAGIC = 'KFSPC1';
/** The first bytes of an emulated CKC. */
export const CKC_MAGIC = 'KFCKC1';
/** The largest emulated message decoded (bytes). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** The most key IDs one message may name. */
const MAX_KEYS = 128;

/** An emulated SPC. */
export interface FairPlaySpc {
  /** The content id the CDM was given (from the `skd://` URI), or `''`. */
  contentId: string;
  /** The key IDs asked for, 32 lower-case hex digits each. */
  keyIds: string[];
  /** 16 bytes, hex: the CKC must echo it. */
  nonce: string;
  /** SHA-256 of the server certificate the CDM was given, hex. */
  certificateSha256: string;
}

/** One content key of an emulated CKC. */
export interface FairPlayCkcKey {
  /** The key ID, 32 lower-case hex digits. */
  kid: string;
  /** The content key, 32 lower-case hex digits, in clear. */
  key: string;
}

/** An emulated CKC. */
export interface FairPlayCkc {
  /** The SPC's nonce. */
  nonce: string;
  /** The content keys, in clear. */
  keys: FairPlayCkcKey[];
}

const HEX16 = /^[0-9a-f]{32}$/;
const HEX32 = /^[0-9a-f]{64}$/;

function encode(magic: string, value: object): Uint8Array {
  return new TextEncoder().encode(`${magic}${JSON.stringify({ v: 1, ...value })}`);
}

function decodeJson(bytes: Uint8Array, magic: string, what: string): Record<string, unknown> {
  if (bytes.byteLength > MAX_MESSAGE_BYTES) throw new EmulatedMessageError('MALFORMED', `${what}: larger than 64 KiB`);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (!text.startsWith(magic)) throw new EmulatedMessageError('WRONG_TYPE', `${what}: does not start with ${magic}`);
  const value = JSON.parse(text.slice(magic.length)) as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value) || (value as { v?: unknown }).v !== 1) {
    throw new EmulatedMessageError('MALFORMED', `${what}: not a version 1 object`);
  }
  return value as Record<string, unknown>;
}

function hexList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_KEYS) {
    throw new EmulatedMessageError('MISSING_FIELD', `${what}: 1 to ${MAX_KEYS} entries expected`);
  }
  return value.map((entry) => {
    if (typeof entry !== 'string' || !HEX16.test(entry))
      throw new EmulatedMessageError('MALFORMED', `${what}: 32 lower-case hex digits expected`);
    return entry;
  });
}

/** Writes an emulated SPC. */
export function encodeSpc(spc: FairPlaySpc): Uint8Array {
  return encode(SPC_MAGIC, { contentId: spc.contentId, keyIds: spc.keyIds, nonce: spc.nonce, certificateSha256: spc.certificateSha256 });
}

/** Reads an emulated SPC. @throws EmulatedMessageError */
export function decodeSpc(bytes: Uint8Array): FairPlaySpc {
  return guardMessage('FairPlay SPC', () => {
    const value = decodeJson(bytes, SPC_MAGIC, 'FairPlay SPC');
    const { contentId, nonce, certificateSha256 } = value;
    if (typeof contentId !== 'string' || contentId.length > 4096)
      throw new EmulatedMessageError('MISSING_FIELD', 'FairPlay SPC: contentId');
    if (typeof nonce !== 'string' || !HEX16.test(nonce))
      throw new EmulatedMessageError('MISSING_FIELD', 'FairPlay SPC: nonce (16 bytes, hex)');
    if (typeof certificateSha256 !== 'string' || !HEX32.test(certificateSha256)) {
      throw new EmulatedMessageError('MISSING_FIELD', 'FairPlay SPC: certificateSha256 (32 bytes, hex)');
    }
    return { contentId, keyIds: hexList(value.keyIds, 'FairPlay SPC keyIds'), nonce, certificateSha256 };
  });
}

/** Writes an emulated CKC. */
export function encodeCkc(ckc: FairPlayCkc): Uint8Array {
  return encode(CKC_MAGIC, { nonce: ckc.nonce, keys: ckc.keys });
}

/** Reads an emulated CKC. @throws EmulatedMessageError */
export function decodeCkc(bytes: Uint8Array): FairPlayCkc {
  return guardMessage('FairPlay CKC', () => {
    const value = decodeJson(bytes, CKC_MAGIC, 'FairPlay CKC');
    if (typeof value.nonce !== 'string' || !HEX16.test(value.nonce)) throw new EmulatedMessageError('MISSING_FIELD', 'FairPlay CKC: nonce');
    const keys = Array.isArray(value.keys) ? value.keys : [];
    if (keys.length === 0 || keys.length > MAX_KEYS)
      throw new EmulatedMessageError('MISSING_FIELD', `FairPlay CKC: 1 to ${MAX_KEYS} keys expected`);
    return {
      nonce: value.nonce,
      keys: keys.map((entry) => {
        const { kid, key } = (entry ?? {}) as { kid?: unknown; key?: unknown };
        if (typeof kid !== 'string' || !HEX16.test(kid) || typeof key !== 'string' || !HEX16.test(key)) {
          throw new EmulatedMessageError('MALFORMED', 'FairPlay CKC: each key is { kid, key } of 32 lower-case hex digits');
        }
        return { kid, key };
      }),
    };
  });
}
