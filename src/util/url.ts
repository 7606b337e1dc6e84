/**
 * Query-string helpers that edit one parameter and leave every other byte of
 * the URL alone. `URLSearchParams` re-serializes the whole query (turning
 * `%20` into `+`, `+` into a space on reading), which would corrupt other
 * parameters and base64 tokens; so these work on the raw string.
 */

function splitUrl(url: string): { base: string; query: string | null; hash: string } {
  const hashAt = url.indexOf('#');
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const rest = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const queryAt = rest.indexOf('?');
  if (queryAt < 0) return { base: rest, query: null, hash };
  return { base: rest.slice(0, queryAt), query: rest.slice(queryAt + 1), hash };
}

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = eq >= 0 ? pair.slice(0, eq) : pair;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * Returns the raw (still percent-encoded) value of the first parameter called
 * `name`, or `null` when the URL has none.
 */
export function getRawQueryParam(url: string, name: string): string | null {
  const { query } = splitUrl(url);
  if (query === null) return null;
  for (const pair of query.split('&')) {
    if (paramName(pair) === name) {
      const eq = pair.indexOf('=');
      return eq >= 0 ? pair.slice(eq + 1) : '';
    }
  }
  return null;
}

/**
 * Sets parameter `name` to `rawValue` (already percent-encoded) so that it
 * occurs exactly once, after the other parameters, which keep their order
 * and encoding. Calling it twice with the same value gives the same URL.
 */
export function setRawQueryParam(url: string, name: string, rawValue: string): string {
  const { base, query, hash } = splitUrl(url);
  const kept = (query ?? '').split('&').filter((pair) => pair !== '' && paramName(pair) !== name);
  kept.push(`${encodeURIComponent(name)}=${rawValue}`);
  return `${base}?${kept.join('&')}${hash}`;
}

/** Removes every parameter called `name`, keeping the rest untouched. */
export function removeQueryParam(url: string, name: string): string {
  const { base, query, hash } = splitUrl(url);
  if (query === null) return url;
  const kept = query.split('&').filter((pair) => pair !== '' && paramName(pair) !== name);
  return kept.length ? `${base}?${kept.join('&')}${hash}` : `${base}${hash}`;
}

/** True for an absolute `http:` or `https:` URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export { redact } from './redact';

/**
 * `uri` made absolute against the page (`document.baseURI`), as the browser
 * resolves it when it fetches: `/content/a.mpd`, `http:/content/a.mpd` (a
 * form Shaka produces) and `http://host/content/a.mpd` on that host are one
 * URI. keyflow compares and keys on resolved URIs only. Unparseable text is
 * returned as it is.
 */
export function resolveUri(uri: string): string {
  const base =
    typeof document !== 'undefined' && document.baseURI
      ? document.baseURI
      : (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(uri, base).href;
  } catch {
    return uri;
  }
}

/** True for a loopback host name: `localhost` (and `*.localhost`), 127.0.0.0/8, `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

/**
 * True when sending a secret to `url` would send it in clear to another
 * machine: an `http:` URL whose host is not loopback.
 */
export function isCleartextRemoteUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}
