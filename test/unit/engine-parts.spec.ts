// The token-only engine parts (src/providers/engine/parts.ts) that ExpressPlay and clearkey use to
// keep the full template engine out of their bundles: for the templates they cover they must give
// exactly what the full engine (template.ts) gives, and refuse anything else loudly.
import { TOKEN_ONLY_PARTS } from '../../src/providers/engine/parts';
import { expandText, type TemplateValues } from '../../src/providers/engine/template';

const values = (token: unknown): TemplateValues => ({
  keySystem: 'com.widevine.alpha',
  messageType: 'license-request',
  keyIds: [],
  contentId: null,
  psshContentId: null,
  token,
});

describe('TOKEN_ONLY_PARTS', () => {
  const covered = ['{token}', 'Bearer {token}', 'no placeholder', '{token}:{token}'];
  const tokens = ['AQAAAw+/=', 'tok en&x=1', 'x'];

  it('expands literal text and {token} exactly as the full engine does: the same text, escaping, and secrets', () => {
    for (const template of covered) {
      for (const token of tokens) {
        for (const escape of [undefined, encodeURIComponent]) {
          const full = expandText(template, values(token), 'test', escape);
          const small = TOKEN_ONLY_PARTS.expandText(template, values(token), 'test', escape);
          expect(small.value).withContext(`${template} / ${token}`).toBe(full.value);
          expect([...new Set(small.secrets)])
            .withContext(`${template} / ${token}`)
            .toEqual([...new Set(full.secrets)]);
        }
      }
    }
  });

  it('refuses every other placeholder or brace instead of sending it as text', () => {
    for (const template of ['{keyIdHex}', 'a{token.url}', '{{token}}', 'x}', '{token|base64}']) {
      expect(() => TOKEN_ONLY_PARTS.expandText(template, values('t'), 'test'))
        .withContext(template)
        .toThrowError(TypeError);
    }
  });
});
