// The one engine: a preset written as a spec (definePreset) gets the same request shaping, reply
// reading and error typing as the built-in presets. Expectations follow the engine's documented
// contract (engine/spec.ts, engine/errors.ts), not its output.
import { definePreset } from '../../src/providers/engine/define-preset';
import type { PresetSpec } from '../../src/providers/engine/spec';
import type { DrmRequest } from '../../src/providers/preset';
import { customProvider } from '../../src/providers/custom';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
type Options = { token: string };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://license.acme.test/wv?x={y}',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array([8, 1]),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: ['a8902072531212e8717f2aeeb98cea1c'],
    ...overrides,
  };
}

const ACME: PresetSpec<Options, string> = {
  name: 'acme',
  label: 'ACME',
  optionNames: ['token'],
  defaultServers: { [WV]: 'https://license.acme.test/wv' },
  wire: {
    headers: { Authorization: 'Bearer {token}' },
    query: { kid: '{keyIdHex}' },
    tokenFormat: { pattern: /^[A-Za-z0-9.]+$/, description: 'a dotted token' },
    errors: {
      code: 'code',
      message: 'message',
      rules: [
        { providerCode: 'E1', means: 'NOT_ENTITLED' },
        { status: 403, message: 'has\\s+expired', means: 'TOKEN_EXPIRED' },
      ],
    },
  },
  validate: () => {},
};

describe('definePreset (the one engine)', () => {
  const acme = definePreset(ACME);
  const options = { token: 'unused' };

  it('gives the Provider its name, option names and default servers', () => {
    expect(acme.name).toBe('acme');
    expect(acme.optionNames).toEqual(['token']);
    expect(acme.defaultServers[WV]).toBe('https://license.acme.test/wv');
    expect(acme.handlesCertificates(options)).toBeFalse();
  });

  it('shapes a request from the wire: header and query templates, the URL itself not a template', () => {
    const out = acme.rewriteRequest(request(), 'a.b', options);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', Authorization: 'Bearer a.b' });
    // `{y}` in a preset's configured URL is text, not a placeholder (only `custom` has URL templates).
    expect(out.url).toBe('https://license.acme.test/wv?x={y}&kid=a8902072531212e8717f2aeeb98cea1c');
    expect(out.secrets).toEqual(['a.b']);
  });

  it('refuses a token outside the declared format with TOKEN_MALFORMED, naming the format', () => {
    const error = keyflowErrorOf(() => acme.rewriteRequest(request(), 'a b', options));
    expect(error.code).toBe('TOKEN_MALFORMED');
    expect(error.message).toBe('Token source returned a token that cannot be sent as a dotted token');
    expect(error.message).not.toContain('a b');
  });

  it('a placeToken hook moves the token into a URL and inserts a pre-encoded token byte for byte', () => {
    const moved = definePreset<Options, string>({
      ...ACME,
      wire: { query: { t: '{token}' } },
      placeToken: (token, req) => ({ url: 'https://other.acme.test/r', token, urlEncoded: req.attempt === 1, secrets: ['extra'] }),
    });
    expect(moved.rewriteRequest(request(), 'a+b', options).url).toBe('https://other.acme.test/r?t=a%2Bb');
    const raw = moved.rewriteRequest(request({ attempt: 1 }), 'a+b', options);
    expect(raw.url).toBe('https://other.acme.test/r?t=a+b');
    expect(raw.secrets).toEqual(['extra', 'a+b']);
  });

  it("tokenExpiry: the preset's reader, given the token and the options; a throw or no finite number reads nothing", () => {
    // A vendor-specific timestamp: base64 JSON with an issue time, valid for a window the options give.
    const timed = definePreset<{ token: string; windowMs: number }, string>({
      ...ACME,
      optionNames: ['token', 'windowMs'],
      tokenExpiry: (token, { windowMs }) => {
        if (token === 'nan') return NaN;
        if (token === 'none') return undefined;
        return Date.parse((JSON.parse(atob(token)) as { timestamp: string }).timestamp) + windowMs;
      },
    });
    const opts = { token: 'unused', windowMs: 600_000 };
    const token = btoa(JSON.stringify({ timestamp: '2030-01-01T00:00:00Z' }));
    expect(timed.tokenExpiry?.(token, opts)).toBe(Date.UTC(2030, 0, 1) + 600_000);
    expect(timed.tokenExpiry?.('not base64 JSON', opts)).toBeNull(); // the reader threw
    expect(timed.tokenExpiry?.('nan', opts)).toBeNull();
    expect(timed.tokenExpiry?.('none', opts)).toBeNull();
    expect(acme.tokenExpiry?.(token, options)).toBeNull(); // no reader
  });

  describe('error rules', () => {
    const failure = (status: number, body: unknown) =>
      acme.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: JSON.stringify(body) }, options);

    it('match by provider code first, then by message pattern (case-insensitive), else by status', () => {
      expect(failure(403, { code: 'E1', message: 'Token has expired' }).code).toBe('NOT_ENTITLED');
      expect(failure(403, { code: 'E2', message: 'Token HAS  expired' }).code).toBe('TOKEN_EXPIRED');
      expect(failure(403, { code: 'E2', message: 'not in your plan' }).code).toBe('NOT_ENTITLED');
      expect(failure(500, { code: 'E2', message: 'has expired' }).code).toBe('LICENSE_SERVER_ERROR');
    });

    it('say who answered, with the label', () => {
      const error = failure(403, { code: 'E2', message: 'has expired' });
      expect(error.message).toBe('ACME license server answered HTTP 403: has expired [E2]');
      expect(error.providerCode).toBe('E2');
      expect(error.httpStatus).toBe(403);
    });
  });

  it('custom reads problem records when asked: type as the code, title and detail, the record as cause', () => {
    const problem = { type: 'https://acme.test/problems/geo', title: 'Geo blocked', detail: 'Not in FR' };
    const options = {
      servers: { [WV]: 'https://l.test/' },
      errors: { problemDetails: true, rules: [{ providerCode: problem.type, means: 'NOT_ENTITLED' as const }] },
    };
    const error = customProvider.decodeFailure(
      { kind: 'license', keySystem: WV, status: 451, headers: {}, bodyText: JSON.stringify(problem) },
      options,
    );
    expect(error.code).toBe('NOT_ENTITLED');
    expect(error.providerCode).toBe(problem.type);
    expect(error.message).toBe('License server answered HTTP 451: Geo blocked: Not in FR [https://acme.test/problems/geo]');
    expect(error.cause).toEqual(problem);
  });

  it('custom rejects a rule whose message pattern is not a regular expression', () => {
    const error = keyflowErrorOf(() =>
      customProvider.validate({ servers: { [WV]: 'https://l.test/' }, errors: { rules: [{ message: '(', means: 'TOKEN_EXPIRED' }] } }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/rules\[0\]\.message/);
  });
});
