/**
 * Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3): either a number of
 * seconds or an HTTP date. Returns how long to wait in milliseconds, or null
 * when there is no usable header. Header names are expected in lower case,
 * as Shaka gives them.
 *
 * @param headers response headers
 * @param now the current time, ms since the epoch
 */
export function retryAfterMs(headers: Record<string, string>, now: number): number | null {
  const value = headers['retry-after']?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
