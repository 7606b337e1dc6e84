// Redaction: every form of every secret, overlapping secrets, any length (src/util/redact.ts).
import { REDACTED, redact, redactDeep, secretForms } from '../../src/util/redact';

/** Base64 of UTF-8 text, written independently of src/util/redact.ts (TextEncoder + btoa by hand). */
function b64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

describe('redact', () => {
  const token = 'alice:1767225600:Zm9vYmFyYmF6cXV4+/=';

  it('redacts the raw, percent-encoded, form-encoded, JSON-escaped, base64 and base64url forms', () => {
    const forms = [
      token,
      encodeURIComponent(token),
      b64(token),
      b64(token).replace(/=+$/, ''),
      b64(token).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      JSON.stringify('a "quoted" token').slice(1, -1),
    ];
    for (const form of forms.slice(0, 5)) expect(redact(`x ${form} y`, [token])).toBe(`x ${REDACTED} y`);
    expect(redact('say a \\"quoted\\" token', ['a "quoted" token'])).toBe(`say ${REDACTED}`);
    expect(redact('q=a+b+c', ['a b c'])).toBe(`q=${REDACTED}`);
  });

  it('redacts a secret that contains another whole, whatever the order of the secrets', () => {
    const user = 'alice';
    const text = `url?user=alice&token=${encodeURIComponent(token)} raw ${token}`;
    for (const secrets of [
      [user, token],
      [token, user],
    ]) {
      const out = redact(text, secrets);
      expect(out).toBe(`url?user=${REDACTED}&token=${REDACTED} raw ${REDACTED}`);
      expect(out).not.toContain('1767225600');
      expect(out).not.toContain('Zm9vYmFy');
    }
  });

  it('merges overlapping occurrences of different secrets into one placeholder', () => {
    expect(redact('--abcdefghi--', ['abcdef', 'defghi'])).toBe(`--${REDACTED}--`);
  });

  it('redacts secrets of any length (a 2-character secret too)', () => {
    expect(redact('k=xy;', ['xy'])).toBe(`k=${REDACTED};`);
  });

  it("redacts the form-encoded form of a secret (URLSearchParams also encodes ! ' ( ) ~)", () => {
    const secret = "tok(en)!~'x y";
    const body = new URLSearchParams({ auth: secret, spc: 'CAE=' }).toString();
    expect(body).toContain('tok%28en%29%21%7E%27x+y'); // as the URL Standard writes it
    expect(redact(`echo: ${body}`, [secret])).toBe(`echo: auth=${REDACTED}&spc=CAE%3D`);
  });

  it('leaves text without secrets untouched and ignores empty secrets', () => {
    expect(redact('nothing here', ['', 'absent'])).toBe('nothing here');
    expect(secretForms('')).toEqual([]);
  });

  it('redactDeep copies plain records and arrays, and cleans Error messages in place', () => {
    const cause = new Error(`echo ${token}`);
    const record = { detail: `bad ${token}`, nested: [{ instance: `/t/${encodeURIComponent(token)}` }], n: 3 };
    const clean = redactDeep(record, [token]) as typeof record;
    expect(JSON.stringify(clean)).not.toContain('1767225600');
    expect(clean.n).toBe(3);
    expect(record.detail).toContain(token); // the original is not changed
    redactDeep(cause, [token]);
    expect(cause.message).toBe(`echo ${REDACTED}`);
  });
});
