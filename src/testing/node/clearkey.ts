/**
 * Pure helpers for W3C Clear Key (`org.w3.clearkey`) license exchanges, as a
 * license server sees them (EME editor's draft, "Clear Key" section):
 *
 * - the license *request* is the CDM's `message`: UTF-8 JSON
 *   `{"kids":["<b64url>",...],"type":"temporary"|"persistent-license"}`;
 * - the *license* is a JWK set
 *   `{"keys":[{"kty":"oct","k":"<b64url>","kid":"<b64url>"}],"type":"..."}`.
 *
 * Validation follows Chromium's limits and strictness (`media/base/limits.h`,
 * `media/cdm/json_web_key.cc`): key IDs are canonical unpadded base64url of
 * 1..512 bytes, at most 128 of them, and the message is at most 64 KiB.
 * Anything else is a {@link ClearKeyRequestError} (an HTTP 400).
 *
 * Choices where the spec leaves room (helpers' choices, not spec text):
 * - `type` is required: every CDM sends it; a message without it (for example
 *   a `license-release` record, `{"kids":[...]}`) is rejected.
 * - Properties other than `kids` and `type` are ignored.
 * - A UTF-8 byte-order mark is not stripped, so it makes the body invalid JSON.
 * - Duplicate key IDs are kept in the parse result as sent; callers decide.
 *
 * No I/O here; used by the ExpressPlay emulator's ClearKey license endpoint.
 *
 * @module
 */

import { Buffer } from 'node:buffer';

import { decodeBase64UrlStrict, encodeBase64Url } from './encoding.js';
import { MAX_BODY_BYTES } from './http-kit.js';

/** Largest accepted license request body, in bytes: 64 KiB, the emulators' body cap (Chromium/Firefox cap messages at 64 KiB). */
export const CLEARKEY_MAX_REQUEST_BYTES = MAX_BODY_BYTES;
/** Most key IDs accepted in one request (Chromium `limits::kMaxKeyIds`). */
export const CLEARKEY_MAX_KIDS = 128;
/** Smallest accepted key ID, in bytes. */
export const CLEARKEY_MIN_KID_BYTES = 1;
/** Largest accepted key ID, in bytes (Chromium `limits::kMaxKeyIdLength`). */
export const CLEARKEY_MAX_KID_BYTES = 512;

/** The EME session types a Clear Key request may name. */
export type ClearKeySessionType = 'temporary' | 'persistent-license';

/** Why a Clear Key license request was rejected (stable, for tests and logs). */
export type ClearKeyRequestErrorReason =
  | 'too-large'
  | 'not-utf8'
  | 'not-json'
  | 'not-object'
  | 'kids-missing'
  | 'kids-not-array'
  | 'kids-empty'
  | 'too-many-kids'
  | 'kid-not-string'
  | 'kid-not-base64url'
  | 'kid-bad-length'
  | 'type-missing'
  | 'type-invalid';

/** A malformed Clear Key license request; always maps to HTTP 400. */
export class ClearKeyRequestError extends Error {
  /** The HTTP status a server should answer with. */
  readonly status = 400 as const;
  /** Machine-readable reason. */
  readonly reason: ClearKeyRequestErrorReason;
  /** Index into `kids` of the offending entry, for the per-entry reasons. */
  readonly index: number | undefined;

  /**
   * @param reason machine-readable reason
   * @param message human-readable explanation (never contains key material)
   * @param index index of the offending `kids` entry, if any
   */
  constructor(reason: ClearKeyRequestErrorReason, message: string, index?: number) {
    super(message);
    this.name = 'ClearKeyRequestError';
    this.reason = reason;
    this.index = index;
  }
}

/** A validated Clear Key license request. */
export interface ClearKeyLicenseRequest {
  /** The key IDs as sent (canonical unpadded base64url), in request order, duplicates kept. */
  readonly kids: readonly string[];
  /** The same key IDs as raw bytes. */
  readonly kidBytes: readonly Uint8Array[];
  /** The session type the CDM asked for. */
  readonly type: ClearKeySessionType;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isSessionType(value: unknown): value is ClearKeySessionType {
  return value === 'temporary' || value === 'persistent-license';
}

/**
 * Parses and validates a Clear Key license request body.
 *
 * @param body the raw HTTP body (bytes, decoded as strict UTF-8) or an already-decoded string
 * @returns the validated request
 * @throws {ClearKeyRequestError} on any deviation from the format (see module doc)
 */
export function parseClearKeyLicenseRequest(body: Uint8Array | string): ClearKeyLicenseRequest {
  let text: string;
  if (typeof body === 'string') {
    if (Buffer.byteLength(body, 'utf8') > CLEARKEY_MAX_REQUEST_BYTES) {
      throw new ClearKeyRequestError('too-large', `License request is larger than ${CLEARKEY_MAX_REQUEST_BYTES} bytes`);
    }
    text = body;
  } else {
    if (body.byteLength > CLEARKEY_MAX_REQUEST_BYTES) {
      throw new ClearKeyRequestError('too-large', `License request is larger than ${CLEARKEY_MAX_REQUEST_BYTES} bytes`);
    }
    try {
      text = utf8.decode(body);
    } catch {
      throw new ClearKeyRequestError('not-utf8', 'License request is not valid UTF-8');
    }
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ClearKeyRequestError('not-json', 'License request is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ClearKeyRequestError('not-object', 'License request must be a JSON object {"kids":[...],"type":"..."}');
  }
  const record = json as Record<string, unknown>;

  if (!('kids' in record)) throw new ClearKeyRequestError('kids-missing', "License request has no 'kids'");
  const rawKids = record['kids'];
  if (!Array.isArray(rawKids)) throw new ClearKeyRequestError('kids-not-array', "'kids' must be an array");
  if (rawKids.length === 0) throw new ClearKeyRequestError('kids-empty', "'kids' must not be empty");
  if (rawKids.length > CLEARKEY_MAX_KIDS) {
    throw new ClearKeyRequestError('too-many-kids', `'kids' has ${rawKids.length} entries; at most ${CLEARKEY_MAX_KIDS} are allowed`);
  }

  const kids: string[] = [];
  const kidBytes: Uint8Array[] = [];
  rawKids.forEach((entry: unknown, index: number) => {
    if (typeof entry !== 'string') {
      throw new ClearKeyRequestError('kid-not-string', `'kids'[${index}] is not a string`, index);
    }
    const bytes = decodeBase64UrlStrict(entry);
    if (bytes === null) {
      throw new ClearKeyRequestError('kid-not-base64url', `'kids'[${index}] is not valid unpadded base64url`, index);
    }
    if (bytes.byteLength < CLEARKEY_MIN_KID_BYTES || bytes.byteLength > CLEARKEY_MAX_KID_BYTES) {
      throw new ClearKeyRequestError(
        'kid-bad-length',
        `'kids'[${index}] is ${bytes.byteLength} bytes; key IDs must be ${CLEARKEY_MIN_KID_BYTES}..${CLEARKEY_MAX_KID_BYTES} bytes`,
        index,
      );
    }
    kids.push(entry);
    kidBytes.push(bytes);
  });

  if (!('type' in record)) throw new ClearKeyRequestError('type-missing', "License request has no 'type'");
  const type = record['type'];
  if (!isSessionType(type)) {
    throw new ClearKeyRequestError('type-invalid', '\'type\' must be "temporary" or "persistent-license"');
  }
  return { kids, kidBytes, type };
}

/** One key of a Clear Key license (a symmetric JWK). */
export interface ClearKeyJwk {
  /** Always `"oct"` (Chrome rejects the whole license without it). */
  readonly kty: 'oct';
  /** The content key, unpadded base64url. */
  readonly k: string;
  /** The key ID, unpadded base64url. */
  readonly kid: string;
}

/** A Clear Key license: a JWK set plus the session type. */
export interface ClearKeyJwkSet {
  /** The keys, in the order given to {@link buildClearKeyLicense}. */
  readonly keys: readonly ClearKeyJwk[];
  /** The session type (echoes the request's). */
  readonly type: ClearKeySessionType;
}

/** A key ID and its content key, as raw bytes. */
export interface ClearKeyKeyPair {
  /** Key ID, 1..512 bytes. */
  readonly kid: Uint8Array;
  /** Content key, exactly 16 bytes (CENC uses AES-128). */
  readonly key: Uint8Array;
}

/**
 * Builds a Clear Key license (JWK set) in the exact shape Chrome and Firefox
 * accept: `kty:"oct"`, unpadded base64url `k` and `kid`, and `type`.
 * Keys are emitted in the given order; no de-duplication.
 *
 * @param keys the key pairs to include
 * @param type the session type to echo (default `"temporary"`)
 * @throws {TypeError} on a key ID outside 1..512 bytes, a key that is not 16 bytes, or an unknown type
 */
export function buildClearKeyLicense(keys: readonly ClearKeyKeyPair[], type: ClearKeySessionType = 'temporary'): ClearKeyJwkSet {
  if (!isSessionType(type)) throw new TypeError(`Unknown Clear Key session type: ${String(type)}`);
  const jwks = keys.map(({ kid, key }, index): ClearKeyJwk => {
    if (kid.byteLength < CLEARKEY_MIN_KID_BYTES || kid.byteLength > CLEARKEY_MAX_KID_BYTES) {
      throw new TypeError(`keys[${index}].kid must be ${CLEARKEY_MIN_KID_BYTES}..${CLEARKEY_MAX_KID_BYTES} bytes`);
    }
    if (key.byteLength !== 16) throw new TypeError(`keys[${index}].key must be 16 bytes`);
    return { kty: 'oct', k: encodeBase64Url(key), kid: encodeBase64Url(kid) };
  });
  return { keys: jwks, type };
}
