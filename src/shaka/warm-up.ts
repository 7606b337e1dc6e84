/**
 * Connection warm-up: at load start keyflow knows which origins the license
 * exchange will need (the license URL of the key system it expects, that key
 * system's certificate URL, and the token backend's origin when the app names
 * it) before the manifest has even arrived. It asks the browser to open those
 * connections early with `<link rel="preconnect" crossorigin="anonymous">`
 * (HTML Living Standard, "Link type preconnect"): DNS, TCP and TLS happen
 * while the manifest loads, and the `fetch` Shaka makes later (no
 * credentials, so the anonymous pool) reuses the warm connection.
 *
 * Only origins are ever put in a link: no path, no query, no token, no body.
 * The page's own origin is skipped (its connection is warm already), as is
 * anything that is not http(s), and an origin the app preconnects itself.
 * Nothing happens without a `document`.
 *
 * A load start (and `prepare()`) puts keyflow's own link for an origin in
 * again ({@link ConnectionWarmUp.rearm}): a browser closes a preconnected
 * connection nobody used after a while (Chromium's socket pools: 10 s,
 * `net/socket/client_socket_pool.cc`), so a load long after `prepare()` or
 * an earlier load asks again. Within one load (a live manifest's updates
 * are manifest requests too) each origin is asked once. Where the
 * connection is still open, the browser opens no second one (the bench
 * counts them).
 *
 * @module
 */

/** The links keyflow added, to take out on destroy(). */
export class ConnectionWarmUp {
  /** keyflow's own links, by origin. */
  private readonly added_ = new Map<string, HTMLLinkElement>();
  /** Origins asked since the last {@link rearm}: not asked again. */
  private readonly asked_ = new Set<string>();

  /** A load starts (or `prepare()`): the next warm-up puts keyflow's links in again. */
  rearm(): void {
    this.asked_.clear();
  }

  /**
   * Preconnects to the origins of `urls` (relative ones resolved against the
   * page) the app does not preconnect itself; returns the origins it (re)added.
   */
  preconnect(urls: Iterable<string | null | undefined>): string[] {
    if (typeof document === 'undefined' || !document.head) return [];
    const origins: string[] = [];
    for (const url of urls) {
      const origin = originOf(url);
      if (!origin || this.asked_.has(origin)) continue;
      this.asked_.add(origin);
      const own = this.added_.get(origin);
      if (own) own.remove();
      else if (hasPreconnect(origin)) continue;
      const link = document.createElement('link');
      link.rel = 'preconnect';
      link.href = origin;
      link.crossOrigin = 'anonymous';
      document.head.appendChild(link);
      this.added_.set(origin, link);
      origins.push(origin);
    }
    return origins;
  }

  /** Takes out every link keyflow added. */
  remove(): void {
    for (const link of this.added_.values()) link.remove();
    this.added_.clear();
  }
}

/** The origin of `url` when it is worth warming: http(s), not the page's own. */
function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    return parsed.origin === location.origin ? null : parsed.origin;
  } catch {
    return null;
  }
}

/** Whether the page already preconnects to `origin` (keyflow's link or the app's own). */
function hasPreconnect(origin: string): boolean {
  for (const link of Array.from(document.head.querySelectorAll<HTMLLinkElement>('link[rel~="preconnect"]'))) {
    if (originOf(link.href) === origin || link.href.replace(/\/$/, '') === origin) return true;
  }
  return false;
}
