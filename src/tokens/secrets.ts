/**
 * The secret strings in what a token source returned, so keyflow can redact
 * them wherever they might be quoted, sent or not yet sent (a token fetched
 * by `prepare()` waits unsent; a later failure may quote it): a string token
 * (or the JSON text of an object), and for a token that is a URL (a
 * tokenized license URL such as ExpressPlay's) each query or fragment value
 * of 8 characters or more; an object's `token`, and its other string fields
 * (nested ones too) of 8 characters or more (`{ userId, sessionId }` custom
 * data), but not its `expiresAt` or `licenseAcquisitionUrl`. Shorter values
 * are left: redacting `42` would corrupt the codes an error quotes.
 *
 * @param value what the token source returned
 * @param depth how deep in an object `value` is (fields deeper than 3 are not read)
 */
export function tokenSecrets(value: unknown, depth = 0): string[] {
  if (value && typeof value === 'object') {
    if (depth > 3) return [];
    const secrets: string[] = [];
    for (const [field, inner] of Object.entries(value)) {
      if (field === 'expiresAt' || field === 'licenseAcquisitionUrl') continue;
      const found = tokenSecrets(inner, depth + 1);
      secrets.push(...(field === 'token' ? found : found.filter((secret) => secret.length >= 8)));
    }
    return secrets;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return [];
  if (text.startsWith('{')) return [text, ...tokenSecrets(parsedObject(text), depth + 1)];
  return [text, ...queryValues(text).filter((decoded) => decoded.length >= 8)];
}

/** The query (and fragment) values of a URL-like text, percent-decoded where they decode. */
export function queryValues(text: string): string[] {
  const query = text.search(/[?#]/);
  if (query < 0) return [];
  return text
    .slice(query + 1)
    .split(/[&#]/)
    .map((pair) => {
      const raw = pair.slice(pair.indexOf('=') + 1);
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    });
}

/** The object a JSON text holds, or null (not JSON, or not an object). */
export function parsedObject(text: string): object | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
