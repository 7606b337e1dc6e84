/**
 * Request header edits that respect HTTP's case-insensitive names: setting
 * `Content-Type` replaces a `content-type` Shaka already put there instead
 * of sending both.
 *
 * @module
 */

/**
 * Returns a copy of `headers` with `name` set to `value` (any existing
 * spelling of the name removed), or removed when `value` is null.
 */
export function withHeader(headers: Record<string, string>, name: string, value: string | null): Record<string, string> {
  const lower = name.toLowerCase();
  const out: Record<string, string> = {};
  for (const [key, existing] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower) out[key] = existing;
  }
  if (value !== null) out[name] = value;
  return out;
}

/** True for a syntactically valid header name (RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}

/**
 * True for a header value browsers will send: no control characters other
 * than tab (so no CR/LF injection) and nothing outside Latin-1.
 */
export function isHeaderValue(value: string): boolean {
  return !/[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/.test(value);
}
