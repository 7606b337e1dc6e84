/**
 * Redaction of secrets (tokens, header values, body fields keyflow placed)
 * from every text keyflow lets an app see: event URLs, error messages, their
 * causes and provider codes, and the Shaka events and errors keyflow scrubs.
 *
 * Each secret is looked for in every form it may travel in — raw,
 * percent-encoded (`%20` and `+` for spaces), percent-decoded, JSON-escaped,
 * base64 and base64url of its UTF-8 bytes — and all occurrences of all forms
 * of all secrets are found first and replaced in one pass, overlapping ones
 * merged. So a secret that contains another (`alice` and
 * `alice:1767225600:<T>`) is redacted whole, whatever the order.
 *
 * @module
 */

/** The placeholder that replaces secrets in events, logs and errors. */
export const REDACTED = '[redacted]';

function base64OfUtf8(text: string): string {
  // btoa (the platform's) takes a binary string: one char per UTF-8 byte.
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * Every form of `secret` keyflow redacts: raw, percent-encoded (both space
 * styles), percent-decoded, JSON-escaped, base64 and base64url (unpadded).
 * Empty forms are left out; a secret of any length is redacted.
 */
export function secretForms(secret: string): string[] {
  if (!secret) return [];
  const forms = new Set<string>([secret]);
  const encoded = encodeURIComponent(secret);
  forms.add(encoded);
  forms.add(encoded.replace(/%20/g, '+'));
  // application/x-www-form-urlencoded (URLSearchParams, form bodies) also encodes ! ' ( ) ~
  forms.add(encoded.replace(/%20/g, '+').replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
  try {
    forms.add(decodeURIComponent(secret.replace(/\+/g, ' ')));
    forms.add(decodeURIComponent(secret));
  } catch {
    // not percent-encoded text: the other forms are enough
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  try {
    const base64 = base64OfUtf8(secret);
    forms.add(base64);
    forms.add(base64.replace(/=+$/, ''));
    forms.add(base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  } catch {
    // no btoa here: base64 forms are not looked for
  }
  forms.delete('');
  return [...forms];
}

/**
 * Replaces every occurrence of every form of every secret in `text` with
 * {@link REDACTED}. Linear in `text` per form (indexOf scans).
 */
export function redact(text: string, secrets: readonly string[]): string {
  if (!text || !secrets.length) return text;
  const spans: Array<[number, number]> = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
  }
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  let [start, end] = spans[0]!;
  for (const [from, to] of spans) {
    if (from <= end) {
      end = Math.max(end, to);
      continue;
    }
    out += text.slice(cursor, start) + REDACTED;
    cursor = end;
    [start, end] = [from, to];
  }
  return out + text.slice(cursor, start) + REDACTED + text.slice(end);
}

/**
 * A copy of `value` with every string reachable from it redacted (plain
 * objects, arrays and Error messages; depth-limited). Used for the `cause`
 * of a KeyflowError, which error reporters serialise.
 */
export function redactDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (!value || typeof value !== 'object' || depth > 6 || !secrets.length) return value;
  if (value instanceof Error) {
    const clean = redact(value.message, secrets);
    if (clean !== value.message) value.message = clean;
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined) {
      const cleanCause = redactDeep(cause, secrets, depth + 1);
      if (cleanCause !== cause) Object.defineProperty(value, 'cause', { value: cleanCause, configurable: true, writable: true });
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactDeep(item, secrets, depth + 1);
  return copy;
}
