// The secret strings keyflow redacts for a fetched token (src/tokens/secrets.ts), whether or not it
// was sent yet: the token itself in each form a token source may return it, and the query values of
// a tokenized license URL (ExpressPlay's token API answers one: `…/rights/?ExpressPlayToken=…`).
import { tokenSecrets } from '../../src/tokens/secrets';

describe('tokenSecrets', () => {
  it('is the token of a string, an object, or the JSON text of one (trimmed)', () => {
    expect(tokenSecrets('  opaque-token-1  ')).toEqual(['opaque-token-1']);
    expect(tokenSecrets({ token: 'object-token-2', expiresAt: 1 })).toEqual(['object-token-2']);
    const text = '{"licenseAcquisitionUrl":"https://pr.example/rm.asmx","token":"json-text-token-3"}';
    expect(tokenSecrets(text)).toEqual([text, 'json-text-token-3']);
  });

  it('adds the query values (8 characters or more, percent-decoded) of a tokenized URL', () => {
    const url = 'https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AbC%2BdEf%2FgHi&x=1&y=longvalue#frag-part-9';
    expect(tokenSecrets(url)).toEqual([url, 'AbC+dEf/gHi', 'longvalue', 'frag-part-9']);
  });

  it('reads the other string fields of an object token (8 characters or more, nested too), not its expiry or license URL', () => {
    const custom = { userId: 'user-12345678', sessionId: 'sess-abcdefgh', merchant: 'acme', n: 42, inner: { key: 'nested-secret-1' } };
    expect(tokenSecrets(custom)).toEqual(['user-12345678', 'sess-abcdefgh', 'nested-secret-1']);
    const expressPlay = { licenseAcquisitionUrl: 'https://pr.example/rm.asmx', token: 'ep-tok', expiresAt: '2026-12-01T10:00:00Z' };
    expect(tokenSecrets(expressPlay)).toEqual(['ep-tok']);
  });

  it('reads the values of a fragment without a query', () => {
    expect(tokenSecrets('https://lic.example/acquire#t=fragment-token-1')).toEqual([
      'https://lic.example/acquire#t=fragment-token-1',
      'fragment-token-1',
    ]);
  });

  it('is nothing for what holds no token', () => {
    expect(tokenSecrets(undefined)).toEqual([]);
    expect(tokenSecrets('   ')).toEqual([]);
    expect(tokenSecrets(12345678)).toEqual([]);
    expect(tokenSecrets({ licenseAcquisitionUrl: 'https://x.example/' })).toEqual([]);
    expect(tokenSecrets('{not json')).toEqual(['{not json']);
  });
});
