/**
 * Request wrapping and response unwrapping: the CDM's challenge goes out
 * encoded inside a JSON body, and the license comes back encoded inside a
 * JSON reply or as a plain-text body (Shaka's license-wrapping tutorial,
 * DRMtoday without `specConform`, Comcast, Vualto; provider-plugins.md
 * §1.1, §2.2).
 *
 * @module
 */

import { decodeText, encodeBytes, isWireEncoding, utf8Bytes, utf8Text, type WireEncoding } from './encoding';
import { redact } from '../../util/redact';
import { formatPath, getPath, isValidPath, pathSegments, setPath, type JsonPath } from './json-path';
import type { JsonTemplate } from './template';
import { parseJsonOrUndefined } from './failures';
import { unwrapFairPlayCkc } from './fairplay-ckc';

/** How the challenge is written into the request body: a {@link WireEncoding}, or `bytes` for a JSON array of byte values (0–255). */
export type ChallengeEncoding = WireEncoding | 'bytes';

/**
 * How to wrap the CDM's challenge in a JSON request body. The body is the
 * `fields` (with their placeholders expanded) with the encoded challenge set
 * at `challengeField`, serialized without whitespace.
 *
 * @example Shaka's tutorial proxy: `{ challengeField: 'rawLicenseRequestBase64' }`
 * sends `{"rawLicenseRequestBase64":"CAQ="}`.
 */
export interface RequestWrapping {
  /** Where the challenge goes: `'rawLicenseRequestBase64'`, `'getWidevineLicense.widevineChallenge'`. */
  challengeField: JsonPath;
  /** How the challenge is written. Default `'base64'`. */
  challengeEncoding?: ChallengeEncoding;
  /**
   * Other fields of the body, static or with placeholders (see `template.ts`):
   * `{ contentId: '{contentId}', kids: '{keyIdsHex}', token: '{token}' }`.
   * They are written first, in their order; the challenge comes last.
   */
  fields?: { [field: string]: JsonTemplate };
  /**
   * The `Content-Type` header of the wrapped request. Default
   * `'application/json'`, or `'application/x-www-form-urlencoded'` for a form.
   */
  contentType?: string;
  /**
   * How the body is written: `json` (default) or `form`
   * (`application/x-www-form-urlencoded`: the `fields`, each a text
   * template, then the challenge under the name `challengeField`, e.g.
   * FairPlay's `spc=<base64>&assetId=...`).
   */
  format?: 'json' | 'form';
}

/** The `Content-Type` a wrapped request is sent with. */
export function wrappedContentType(wrapping: RequestWrapping): string {
  return wrapping.contentType ?? (wrapping.format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json');
}

/**
 * How to find the license in a 2xx reply.
 *
 * @example `{ path: 'rawLicenseBase64' }` (Shaka's tutorial proxy),
 * `{ path: 'data.license' }`, `{ path: '' }` (the whole body is base64 text).
 */
export interface ResponseUnwrapping {
  /**
   * Where the encoded license is in a JSON reply (`'license'`,
   * `'getWidevineLicenseResponse.license'`); `''` when the whole body is the
   * encoded license as plain text. Required, but with `format: 'fairplay-ckc'`.
   */
  path?: JsonPath;
  /**
   * `'fairplay-ckc'`: a FairPlay CKC as Shaka's `commonFairPlayResponse` reads
   * it (`<ckc>base64</ckc>`, JSON `ckc` / `CkcMessage` / `License` in
   * base64, else the reply as it is); `path` and `encoding` are not used.
   */
  format?: 'fairplay-ckc';
  /** How the license is written. Default `'base64'`. */
  encoding?: WireEncoding;
  /**
   * When true, a 2xx reply that is not JSON is handed to the CDM as it is
   * (for servers that wrap only some replies). Default false: such a reply
   * is a `MALFORMED_RESPONSE`. Ignored when `path` is `''`.
   */
  optional?: boolean;
}

/** Why a form wrapping is unusable: a challenge written as bytes, or a field that is not text. */
function formWrappingProblem(w: Partial<RequestWrapping>): string | null {
  if (typeof w.challengeField !== 'string') return 'of format "form" takes the parameter name as `challengeField` (a string)';
  if (w.challengeEncoding === 'bytes') return 'of format "form" cannot write the challenge as `bytes`';
  const values = Object.values(w.fields ?? {});
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    return 'of format "form" takes `fields` whose values are text templates, numbers or booleans';
  }
  return null;
}

/** Why a {@link RequestWrapping} or {@link ResponseUnwrapping} option is unusable, or null when it is fine. */
export function wrappingProblem(wrapping: unknown): string | null {
  if (!wrapping || typeof wrapping !== 'object') return 'must be an object';
  const w = wrapping as Partial<RequestWrapping>;
  if (!isValidPath(w.challengeField)) return '`challengeField` must be a field name or path such as "rawLicenseRequestBase64"';
  if (w.challengeEncoding !== undefined && w.challengeEncoding !== 'bytes' && !isWireEncoding(w.challengeEncoding)) {
    return '`challengeEncoding` must be "base64", "base64url", "hex" or "bytes"';
  }
  if (w.fields !== undefined && (!w.fields || typeof w.fields !== 'object' || Array.isArray(w.fields))) {
    return '`fields` must be an object';
  }
  if (w.contentType !== undefined && (typeof w.contentType !== 'string' || !w.contentType.trim())) {
    return '`contentType` must be a non-empty string';
  }
  if (w.format !== undefined && w.format !== 'json' && w.format !== 'form') return '`format` must be "json" or "form"';
  if (w.format === 'form') return formWrappingProblem(w);
  return null;
}

/** @see wrappingProblem */
export function unwrappingProblem(unwrapping: unknown): string | null {
  if (!unwrapping || typeof unwrapping !== 'object') return 'must be an object';
  const u = unwrapping as Partial<ResponseUnwrapping>;
  if (u.format !== undefined && u.format !== 'fairplay-ckc') return '`format` must be "fairplay-ckc" (or left out)';
  if (u.format === 'fairplay-ckc') return null;
  if (!isValidPath(u.path, true))
    return '`path` must be a field name or path such as "license" or "data.license", or "" for a plain-text body';
  if (u.encoding !== undefined && !isWireEncoding(u.encoding)) return '`encoding` must be "base64", "base64url" or "hex"';
  if (u.optional !== undefined && typeof u.optional !== 'boolean') return '`optional` must be true or false';
  return null;
}

/** Wrapped bodies this module produced, by their buffer, mapped to the challenge they carry. */
const wrappedBodies = new WeakMap<ArrayBufferLike, Uint8Array>();

function encodeChallenge(challenge: Uint8Array, encoding: ChallengeEncoding): unknown {
  return encoding === 'bytes' ? Array.from(challenge) : encodeBytes(challenge, encoding);
}

function decodeChallenge(value: unknown, encoding: ChallengeEncoding): Uint8Array | null {
  if (encoding === 'bytes') {
    if (!Array.isArray(value) || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return null;
    return Uint8Array.from(value as number[]);
  }
  return typeof value === 'string' ? decodeText(value, encoding) : null;
}

/**
 * Builds the wrapped body: `fields` (already expanded) with the encoded
 * challenge at `challengeField`. The bytes get a buffer of their own, and
 * the module remembers which challenge they carry (see {@link recallChallenge}).
 *
 * @param fields the expanded `fields` object (or undefined)
 */
export function wrapChallenge(challenge: Uint8Array, wrapping: RequestWrapping, fields: unknown): Uint8Array {
  const record = fields && typeof fields === 'object' && !Array.isArray(fields) ? (fields as Record<string, unknown>) : {};
  const encoded = encodeChallenge(challenge, wrapping.challengeEncoding ?? 'base64');
  let text: string;
  if (wrapping.format === 'form') {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(record)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    form.append(formatPath(wrapping.challengeField), String(encoded));
    text = form.toString();
  } else {
    const body = structuredCloneJson(record);
    setPath(body, wrapping.challengeField, encoded);
    text = JSON.stringify(body);
  }
  const bytes = utf8Bytes(text);
  wrappedBodies.set(bytes.buffer, challenge.slice());
  return bytes;
}

function structuredCloneJson(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/**
 * The raw challenge of a request body that may already be wrapped.
 *
 * Shaka 5 re-runs request filters on every retry over the same request
 * object, whose body is then the body the previous run wrapped. A body this
 * module wrapped is recognised by its buffer (Shaka hands filters the same
 * `ArrayBuffer` again); failing that, on a retry (`attempt > 0`) a body that
 * is JSON with a decodable challenge at `challengeField` is taken as wrapped.
 * Anything else is the raw challenge itself. So wrapping happens once per
 * challenge, and a retry can re-wrap with fresh fields (a refreshed token).
 */
export function recallChallenge(body: Uint8Array, wrapping: RequestWrapping, attempt: number): Uint8Array {
  const remembered = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? wrappedBodies.get(body.buffer) : undefined;
  if (remembered) return remembered;
  if (attempt > 0) {
    const text = utf8Text(body);
    const encoding = wrapping.challengeEncoding ?? 'base64';
    if (text !== null && wrapping.format === 'form') {
      const value = new URLSearchParams(text).get(formatPath(wrapping.challengeField));
      const challenge = value === null ? null : decodeChallenge(value, encoding);
      if (challenge) return challenge;
    }
    const json = text === null || wrapping.format === 'form' ? undefined : parseJsonOrUndefined(text);
    if (json && typeof json === 'object') {
      const challenge = decodeChallenge(getPath(json, wrapping.challengeField), encoding);
      if (challenge) return challenge;
    }
  }
  return body;
}

/** The outcome of {@link unwrapLicense}. */
export type Unwrapped =
  | { ok: true; license: Uint8Array }
  /** `reason` completes "the license server's reply …"; `json` is the parsed reply, when it was JSON. */
  | { ok: false; reason: string; json?: unknown };

/** How much of a reply is decoded (and redacted) for an error message's quote: a secret longer than this is unlikely. */
const MAX_PREVIEW_SOURCE = 4096;

function preview(body: Uint8Array, secrets: readonly string[]): string {
  // Redact the whole text before cutting: a cut token would escape redaction.
  const whole = utf8Text(body.byteLength > MAX_PREVIEW_SOURCE ? body.subarray(0, MAX_PREVIEW_SOURCE) : body);
  if (whole === null || /[\u0000-\u0008\u000e-\u001f\u007f]/.test(whole.slice(0, 48))) return ` (${body.byteLength} bytes of binary data)`;
  const text = redact(whole, secrets);
  const clipped = text.slice(0, 48).replace(/\s+/g, ' ').trim();
  return ` (it starts ${JSON.stringify(clipped + (text.length > 48 ? '…' : ''))})`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Takes the license out of a 2xx reply as {@link ResponseUnwrapping} says.
 * Never throws: a reply that does not hold a usable license gives
 * `{ ok: false, reason }` with a reason precise enough to fix the
 * configuration or the server (not JSON, field missing, not base64, empty).
 */
export function unwrapLicense(body: Uint8Array, unwrapping: ResponseUnwrapping, secrets: readonly string[] = []): Unwrapped {
  if (unwrapping.format === 'fairplay-ckc') return unwrapFairPlayCkc(body);
  const encoding = unwrapping.encoding ?? 'base64';
  const path = unwrapping.path ?? '';
  if (body.byteLength === 0) return { ok: false, reason: 'is empty' };
  const text = utf8Text(body);
  if (pathSegments(path).length === 0) {
    const license = text === null ? null : decodeText(text, encoding);
    if (!license) return { ok: false, reason: `is not ${encoding} text${preview(body, secrets)}` };
    if (license.byteLength === 0) return { ok: false, reason: 'is blank' };
    return { ok: true, license };
  }
  const json = text === null ? undefined : parseJsonOrUndefined(text);
  const where = formatPath(path);
  if (json === undefined) {
    if (unwrapping.optional) return { ok: true, license: body };
    return { ok: false, reason: `is not JSON, so it has no "${where}"${preview(body, secrets)}` };
  }
  const value = getPath(json, path);
  if (value === undefined) return { ok: false, reason: `has no "${where}"`, json };
  if (typeof value !== 'string') return { ok: false, reason: `has ${describe(value)} at "${where}", not ${encoding} text`, json };
  const license = decodeText(value, encoding);
  if (!license) return { ok: false, reason: `has "${where}" that is not valid ${encoding}`, json };
  if (license.byteLength === 0) return { ok: false, reason: `has an empty "${where}"`, json };
  return { ok: true, license };
}
