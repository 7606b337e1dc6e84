/**
 * The secret strings in what a token source returned, so keyflow can redact
 * them wherever they might be quoted, sent or not yet sent (a token fetched
 * by `prepare()` waits unsent; a later failure may quote it): the token (a
 * string, the `token` field of an object, or of the JSON text of one), and,
 * for a token that is a URL (a tokenized license URL such as ExpressPlay's),
 * each query value of 8 characters or more. Redacting too much only hides text.
 *
 * @param value what the token source returned
 */
export function tokenSecrets(value: unknown): string[] {
  if (value && typeof value === 'object') {
    const token = (value as { token?: unknown }).token;
    return typeof token === 'string' ? tokenSecrets(token) : [];
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return [];
  if (text.startsWith('{')) return [text, ...tokenSecrets(parsedObject(text))];
  return [text, ...queryValues(text).filter((decoded) => decoded.length >= 8)];
}

/** The query (and fragment) values of a URL-like text, percent-decoded where they decode. */
export function queryValues(text: string): string[] {
  const query = text.indexOf('?');
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
