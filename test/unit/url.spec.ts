import { getRawQueryParam, redact, removeQueryParam, setRawQueryParam } from '../../src/util/url';

describe('url helpers', () => {
  it('sets a parameter exactly once, after the others, keeping their encoding', () => {
    const url = 'https://lic.example.test/rights/?b=x%20y&c=a+b&d=%7E';
    expect(setRawQueryParam(url, 'T', 'v1')).toBe('https://lic.example.test/rights/?b=x%20y&c=a+b&d=%7E&T=v1');
  });

  it('replaces an existing value instead of appending a second one', () => {
    const url = 'https://lic.example.test/r?T=old&x=1&T=older';
    expect(setRawQueryParam(url, 'T', 'new')).toBe('https://lic.example.test/r?x=1&T=new');
  });

  it('is idempotent', () => {
    const once = setRawQueryParam('https://h.test/p?x=1', 'T', 'a%2Bb');
    expect(setRawQueryParam(once, 'T', 'a%2Bb')).toBe(once);
  });

  it('keeps the fragment at the end', () => {
    expect(setRawQueryParam('https://h.test/p#frag', 'T', '1')).toBe('https://h.test/p?T=1#frag');
  });

  it('reads a raw value without decoding it', () => {
    expect(getRawQueryParam('https://h.test/p?a=1&T=AB%2Bc+/=', 'T')).toBe('AB%2Bc+/=');
    expect(getRawQueryParam('https://h.test/p?a=1', 'T')).toBeNull();
  });

  it('removes a parameter and leaves no dangling "?"', () => {
    expect(removeQueryParam('https://h.test/p?T=1', 'T')).toBe('https://h.test/p');
    expect(removeQueryParam('https://h.test/p?a=1&T=1&b=2', 'T')).toBe('https://h.test/p?a=1&b=2');
  });

  it('redacts raw, encoded and decoded forms of a secret', () => {
    const secret = 'tok+en/=';
    const text = `u?T=${encodeURIComponent(secret)} raw=${secret}`;
    expect(redact(text, [secret])).toBe('u?T=[redacted] raw=[redacted]');
  });
});
