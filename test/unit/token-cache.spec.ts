import { TokenCache, type TokenKey } from '../../src/tokens/cache';
import { jwtExpiry, tokenExpiry } from '../../src/tokens/expiry';
import { retryAfterMs } from '../../src/retry/retry-after';

/** A JWT with the given payload (header and signature are placeholders; keyflow never verifies them). */
function jwt(payload: object): string {
  const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
}

describe('token expiry', () => {
  it('reads a JWT exp (seconds) as milliseconds', () => {
    expect(jwtExpiry(jwt({ exp: 1893456000 }))).toBe(1893456000000);
    expect(jwtExpiry(jwt({ sub: 'x' }))).toBeNull();
    expect(jwtExpiry('not.a.jwt')).toBeNull();
    expect(jwtExpiry('opaque-token')).toBeNull();
  });

  it('finds a JWT in a string, an object token or a URL query parameter', () => {
    const token = jwt({ exp: 2000000000 });
    expect(tokenExpiry(token)).toBe(2000000000000);
    expect(tokenExpiry({ licenseAcquisitionUrl: 'https://a.test/', token })).toBe(2000000000000);
    expect(tokenExpiry(`https://lic.test/r/?a=1&ExpressPlayToken=${encodeURIComponent(token)}`)).toBe(2000000000000);
    expect(tokenExpiry('https://lic.test/r/?ExpressPlayToken=AbCd')).toBeNull();
    expect(tokenExpiry(42)).toBeNull();
  });

  it('prefers the expiresAt the token source gave: milliseconds, a Date or an RFC 3339 date-time', () => {
    const token = jwt({ exp: 2000000000 });
    expect(tokenExpiry({ token: 'opaque', expiresAt: 1893456000000 })).toBe(1893456000000);
    expect(tokenExpiry({ token, expiresAt: new Date(Date.UTC(2030, 0, 1)) })).toBe(Date.UTC(2030, 0, 1));
    // ExpressPlay's expirationTime form (RFC 3339, Z)
    expect(tokenExpiry({ token: 'opaque', expiresAt: '2030-01-01T00:00:00Z' })).toBe(Date.UTC(2030, 0, 1));
    // unusable: the JWT's own exp, else none
    expect(tokenExpiry({ token, expiresAt: 'tomorrow' })).toBe(2000000000000);
    expect(tokenExpiry({ token: 'opaque', expiresAt: -5 })).toBeNull();
    // seconds, as a JWT's exp is written, are read as seconds
    expect(tokenExpiry({ token: 'opaque', expiresAt: 1893456000 })).toBe(1893456000000);
    // the PlayReady token API's JSON answer as text
    expect(tokenExpiry('{"licenseAcquisitionUrl":"https://a.test/","token":"t","expiresAt":"2030-01-01T00:00:00Z"}')).toBe(
      Date.UTC(2030, 0, 1),
    );
    expect(tokenExpiry('{not json')).toBeNull();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, ignores the rest', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, 0)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 1000)).toBe(4000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }, 9000)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, 0)).toBeNull();
    expect(retryAfterMs({}, 0)).toBeNull();
  });
});

describe('TokenCache', () => {
  let now: number;
  let cache: TokenCache;
  const lifetime = new AbortController();
  const key = (keyIds: string[] = ['aa'], manifestUri = 'https://cdn.test/a.mpd', keySystem = 'org.w3.clearkey'): TokenKey => ({
    keySystem,
    manifestUri,
    keyIds,
  });

  beforeEach(() => {
    now = 1_000_000;
    cache = new TokenCache({ maxAgeMs: 60_000, refreshMarginMs: 5_000, now: () => now });
  });

  it('shares an in-flight fetch and reuses the settled token', async () => {
    let calls = 0;
    const entry = cache.start(key(), 'license', lifetime.signal, async () => {
      calls++;
      return 'T1';
    });
    expect(cache.find(key())).toBe(entry);
    expect(await entry.promise).toBe('T1');
    expect(cache.find(key())).toBe(entry);
    expect(calls).toBe(1);
    expect(entry.expiresAt).toBe(now + 60_000);
  });

  it("asks the preset's expiry reader first; where it reads nothing, a JWT's exp, else tokenMaxAgeMs", async () => {
    const seen: unknown[] = [];
    // A vendor token whose expiry is a timestamp field (ms here), which the generic reader cannot see.
    cache = new TokenCache({
      maxAgeMs: 60_000,
      refreshMarginMs: 5_000,
      now: () => now,
      expiryOf: (token) => {
        seen.push(token);
        return typeof token === 'object' && token !== null ? (token as { validUntil: number }).validUntil : null;
      },
    });
    const vendor = { token: jwt({ exp: 2_000_000_000 }), validUntil: now + 20_000 };
    const own = cache.start(key(['aa']), 'license', lifetime.signal, async () => vendor);
    await own.promise;
    expect(seen).toEqual([vendor]);
    expect(own.expiresAt).toBe(now + 20_000); // the reader's answer, not the JWT's exp
    const fromJwt = cache.start(key(['bb']), 'license', lifetime.signal, async () => jwt({ exp: 2_000_000_000 }));
    await fromJwt.promise;
    expect(fromJwt.expiresAt).toBe(2_000_000_000_000);
    const opaque = cache.start(key(['cc']), 'license', lifetime.signal, async () => 'opaque');
    await opaque.promise;
    expect(opaque.expiresAt).toBe(now + 60_000);
    now += 15_001; // within refreshMarginMs of the reader's expiry: not handed out any more
    expect(cache.find(key(['aa']))).toBeNull();
    expect(cache.hasExpired(key(['aa']))).toBeTrue();
    expect(cache.find(key(['cc']))).toBe(opaque);
  });

  it('keeps tokens apart by key system, manifest and KIDs; unknown KIDs match any', async () => {
    const prefetch = cache.start(key([]), 'prefetch', lifetime.signal, async () => 'P');
    await prefetch.promise;
    expect(cache.find(key(['aa', 'bb']))).toBe(prefetch);
    expect(cache.find(key(['aa'], 'https://cdn.test/b.mpd'))).toBeNull();
    expect(cache.find(key(['aa'], undefined, 'com.widevine.alpha'))).toBeNull();
    const known = cache.start(key(['cc']), 'license', lifetime.signal, async () => 'K');
    await known.promise;
    expect(cache.find(key(['cc']))).toBe(known);
    expect(cache.find(key([]))).toBe(known); // the newest usable entry
  });

  it("with tokenScope 'service', a token serves every manifest and KIDs of its key system until it expires", async () => {
    let shared = true;
    cache = new TokenCache({ maxAgeMs: 60_000, refreshMarginMs: 5_000, now: () => now, sharedAcrossTitles: () => shared });
    const first = cache.start(key(['aa']), 'license', lifetime.signal, async () => 'S');
    await first.promise;
    expect(cache.find(key(['bb'], 'https://cdn.test/title-2.mpd'))).toBe(first);
    expect(cache.find(key([], 'https://cdn.test/title-3.mpd'))).toBe(first);
    expect(cache.find(key(['aa'], 'https://cdn.test/title-2.mpd', 'com.widevine.alpha'))).toBeNull();
    // A fetch in flight is not abandoned by the next load: it is that load's token too.
    const pending = cache.start(
      key([], 'https://cdn.test/title-1.mpd', 'com.widevine.alpha'),
      'prefetch',
      lifetime.signal,
      () => new Promise(() => {}),
    );
    cache.abandonOthers('https://cdn.test/title-4.mpd');
    cache.abandonOthers(null);
    expect(pending.controller.signal.aborted).toBe(false);
    now += 60_000 - 5_000;
    expect(cache.find(key(['aa'], 'https://cdn.test/title-2.mpd'))).toBeNull();
    expect(cache.hasExpired(key(['aa'], 'https://cdn.test/title-5.mpd'))).toBe(true);
    shared = false; // back to per title: the option is read at every lookup
    now -= 60_000 - 5_000;
    expect(cache.find(key(['aa'], 'https://cdn.test/title-2.mpd'))).toBeNull();
    expect(cache.find(key(['aa']))).toBe(first);
  });

  it('a token taken by a license request to one origin is never found for another (either scope); a prefetch finds it', async () => {
    for (const shared of [true, false]) {
      cache = new TokenCache({ maxAgeMs: 60_000, refreshMarginMs: 5_000, now: () => now, sharedAcrossTitles: () => shared });
      const prefetched = cache.start(key([]), 'prefetch', lifetime.signal, async () => 'P');
      await prefetched.promise;
      const toA = { ...key(['aa']), licenseOrigin: 'https://license-a.test' };
      const toB = { ...key(['aa']), licenseOrigin: 'https://license-b.test' };
      expect(cache.find(toA)).toBe(prefetched); // not pinned yet: the first license request takes it
      cache.pin(prefetched, toA.licenseOrigin);
      expect(cache.find(toA)).toBe(prefetched);
      expect(cache.find(toB)).withContext(`shared ${shared}`).toBeNull();
      expect(cache.find(key(['aa']))).toBe(prefetched); // a prefetch (destination unknown) still sees it: no second fetch
      cache.pin(prefetched, toB.licenseOrigin); // pinned once, for good
      expect(cache.find(toB)).toBeNull();
    }
  });

  it('stops handing out a token near its expiry, and says a refresh is due', async () => {
    const entry = cache.start(key(), 'license', lifetime.signal, async () => 'T');
    await entry.promise;
    now += 60_000 - 5_000 - 1;
    expect(cache.find(key())).toBe(entry);
    now += 1;
    expect(cache.find(key())).toBeNull();
    expect(cache.hasExpired(key())).toBe(true);
  });

  it('honours a JWT exp over the max age', async () => {
    const exp = Math.floor((now + 20_000) / 1000);
    const entry = cache.start(key(), 'license', lifetime.signal, async () => jwt({ exp }));
    await entry.promise;
    expect(entry.expiresAt).toBe(exp * 1000);
    now = exp * 1000 - 4_000;
    expect(cache.find(key())).toBeNull();
  });

  it('never hands out a rejected or failed token again', async () => {
    const rejected = cache.start(key(), 'license', lifetime.signal, async () => 'bad');
    await rejected.promise;
    cache.reject(rejected);
    expect(cache.find(key())).toBeNull();
    expect(cache.hasExpired(key())).toBe(false);
    const failed = cache.start(key(), 'license', lifetime.signal, () => Promise.reject(new Error('down')));
    await failed.promise.catch(() => {});
    expect(cache.find(key())).toBeNull();
  });

  it('aborts in-flight fetches of other manifests, and all of them on clear()', () => {
    const signals: AbortSignal[] = [];
    const neverSettles = () => (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<unknown>(() => {});
    };
    cache.start(key([], 'https://cdn.test/a.mpd'), 'prefetch', lifetime.signal, neverSettles());
    cache.start(key([], 'https://cdn.test/b.mpd'), 'prefetch', lifetime.signal, neverSettles());
    cache.abandonOthers('https://cdn.test/b.mpd');
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    expect(cache.find(key([], 'https://cdn.test/b.mpd'))).not.toBeNull();
    cache.clear();
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
  });

  it('aborts its fetches when the parent signal aborts, with the parent’s reason', () => {
    const parent = new AbortController();
    let seen: AbortSignal | null = null;
    cache.start(key(), 'license', parent.signal, (signal) => {
      seen = signal;
      return new Promise<unknown>(() => {});
    });
    parent.abort('gone');
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBe('gone');
  });
});
