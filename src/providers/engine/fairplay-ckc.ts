/**
 * A FairPlay license (CKC) out of the reply shapes FairPlay services use, as
 * Shaka's `commonFairPlayResponse` reads them (shaka-player
 * lib/drm/fairplay.js): `<ckc>base64</ckc>` (Apple's documentation), a JSON
 * object with a base64 `ckc`, `CkcMessage` or `License` field (seen at
 * several services), each with whitespace around it allowed; any other
 * reply is the CKC itself, as it is.
 *
 * @module
 */
import { decodeText, utf8Text } from './encoding';
import { parseJsonOrUndefined } from './failures';

/** The outcome: the CKC bytes, or why a wrapped CKC is unusable. */
export type CkcResult = { ok: true; license: Uint8Array } | { ok: false; reason: string };

/** The JSON fields a CKC may be in, in the order Shaka looks at them (the last present wins there). */
const CKC_FIELDS = ['License', 'CkcMessage', 'ckc'] as const;

function decodedCkc(base64: string, where: string): CkcResult {
  const license = decodeText(base64.trim(), 'base64');
  if (!license) return { ok: false, reason: `has ${where} that is not valid base64` };
  if (license.byteLength === 0) return { ok: false, reason: `has an empty ${where}` };
  return { ok: true, license };
}

/** The CKC in a FairPlay license reply (see the module comment). */
export function unwrapFairPlayCkc(body: Uint8Array): CkcResult {
  if (body.byteLength === 0) return { ok: false, reason: 'is empty' };
  const text = utf8Text(body)?.trim();
  if (text === undefined) return { ok: true, license: body }; // binary: the CKC itself
  if (text.startsWith('<ckc>') && text.endsWith('</ckc>')) return decodedCkc(text.slice(5, -6), 'a <ckc>');
  const json = text.startsWith('{') ? parseJsonOrUndefined(text) : undefined;
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    const field = CKC_FIELDS.find((name) => typeof record[name] === 'string' && record[name]);
    if (field) return decodedCkc(record[field] as string, `a "${field}"`);
  }
  return { ok: true, license: body };
}
