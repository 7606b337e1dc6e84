/**
 * Secret-free copies and in-place redaction of the Shaka objects an app can
 * observe around a license exchange: the request in `downloadheadersreceived`
 * / `downloadcompleted` / `downloadfailed` events, the response in
 * `downloadcompleted`, and `shaka.util.Error` chains (6007 → 1001 → URI) in
 * `error` and `retry` events.
 *
 * Requests are copied, not changed: on Shaka 4.x the same request object is
 * sent again on a retry and must keep its token. Errors are redacted in
 * place: Shaka never sends anything from an error's data.
 *
 * @module
 */
import { redact } from '../util/redact';
import { isShakaError } from './errors';
import type { ShakaRequest, ShakaResponse } from './types';

/** Redacts the string values of a plain record (headers) into a new record. */
export function redactRecord(record: Record<string, unknown> | undefined, secrets: readonly string[]): Record<string, unknown> | undefined {
  if (!record || typeof record !== 'object') return record;
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) copy[name] = typeof value === 'string' ? redact(value, secrets) : value;
  return copy;
}

/**
 * A copy of a license or certificate request with the secrets keyflow placed
 * taken out: URIs and header values redacted, and the body replaced by the
 * CDM's own challenge (`originalBody`) when keyflow wrapped secrets into it.
 */
export function scrubbedRequest(request: ShakaRequest, secrets: readonly string[], originalBody: Uint8Array | null): ShakaRequest {
  const copy = { ...request } as ShakaRequest;
  copy.uris = request.uris.map((uri) => redact(uri, secrets));
  copy.headers = redactRecord(request.headers, secrets) as Record<string, string>;
  if (originalBody && request.body !== originalBody) copy.body = originalBody;
  return copy;
}

/**
 * `data` with every secret redacted, read byte for byte (latin1), or `data`
 * itself when it holds none: a server that echoes the token in its reply
 * must not hand it to the app's `downloadcompleted` listeners.
 */
function redactedData(data: ArrayBuffer | ArrayBufferView, secrets: readonly string[]): ArrayBuffer | ArrayBufferView {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const text = new TextDecoder('latin1').decode(bytes);
  const clean = redact(text, secrets);
  if (clean === text) return data;
  const out = new Uint8Array(clean.length);
  for (let i = 0; i < clean.length; i++) out[i] = clean.charCodeAt(i) & 0xff;
  return out.buffer;
}

/** A copy of a license or certificate response with its URIs, header values and any echoed secret redacted. */
export function scrubbedResponse(response: ShakaResponse, secrets: readonly string[], originalBody: Uint8Array | null): ShakaResponse {
  const copy = { ...response } as ShakaResponse;
  if (response.data) copy.data = redactedData(response.data, secrets);
  copy.uri = redact(response.uri, secrets);
  if (typeof response.originalUri === 'string') copy.originalUri = redact(response.originalUri, secrets);
  copy.headers = redactRecord(response.headers, secrets) as Record<string, string>;
  if (response.originalRequest) copy.originalRequest = scrubbedRequest(response.originalRequest, secrets, originalBody);
  return copy;
}

/**
 * Redacts, in place, every string in a Shaka error's `data` and in the data
 * of the errors nested in it (`data[0]` chains such as 6007 → 1001), and the
 * string values of plain records there (1001's reply headers). This runs
 * when the failure is first dispatched (`downloadfailed`), so the reply text
 * is redacted whole before any provider decoder reads and cuts it.
 */
export function redactShakaErrorChain(error: unknown, allSecrets: readonly string[]): void {
  // Secrets of 1-3 characters stay: searched for in a server's reply text (1001's data[2]), they
  // would corrupt the codes keyflow decodes from it (`-4012`). keyflow's own messages redact them.
  const secrets = allSecrets.filter((secret) => secret.length >= 4);
  if (!secrets.length) return;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && isShakaError(current); depth++) {
    const { data } = current;
    data.forEach((item, index) => {
      if (typeof item === 'string') data[index] = redact(item, secrets);
      else if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
        data[index] = redactRecord(item as Record<string, unknown>, secrets);
      }
    });
    current = data[0];
  }
}
