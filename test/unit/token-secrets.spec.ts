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

  it('is nothing for what holds no token', () => {
    expect(tokenSecrets(undefined)).toEqual([]);
    expect(tokenSecrets('   ')).toEqual([]);
    expect(tokenSecrets({ licenseAcquisitionUrl: 'https://x.example/' })).toEqual([]);
    expect(tokenSecrets('{not json')).toEqual(['{not json']);
  });
});
