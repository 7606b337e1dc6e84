// The `clearkey` provider: a W3C Clear Key license server under the DASH-IF license request model.
import { clearKeyProvider, DASHIF_PROBLEM_TYPES, type ClearKeyOptions } from '../../src/providers/clearkey';
import type { DrmHttpFailure, DrmRequest, DrmResponse } from '../../src/providers/preset';
import type { LicenseServers } from '../../src/api/key-systems';
import { keyflowErrorOf } from '../helpers/errors';

const CK = 'org.w3.clearkey';
const URL_ = 'https://ck.example.test/license';
const CHALLENGE = new TextEncoder().encode('{"kids":["qJAgclMSEuhxfyruuYzqHA"],"type":"temporary"}');
const LICENSE = '{"keys":[{"kty":"oct","k":"ZmX_YHctTBU0M9rnn9VptQ","kid":"qJAgclMSEuhxfyruuYzqHA"}],"type":"temporary"}';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjJ9.c2lnbmF0dXJl';

type Options = ClearKeyOptions & { servers?: LicenseServers };
const options: Options = { token: 'unused', servers: { [CK]: URL_ } };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: CK,
    url: URL_,
    headers: {},
    body: CHALLENGE,
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [],
    ...overrides,
  };
}

function response(body: string, headers: Record<string, string> = {}): DrmResponse {
  return { kind: 'license', keySystem: CK, url: URL_, status: 200, headers, body: new TextEncoder().encode(body) };
}

function failure(status: number, bodyText: string): DrmHttpFailure {
  return { kind: 'license', keySystem: CK, status, headers: { 'content-type': 'application/problem+json' }, bodyText };
}

function problem(type: string, detail: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({ type, title: 'Not authorized', status: 403, detail, ...extra });
}

describe('clearkey provider (DASH-IF license request model)', () => {
  describe('requests', () => {
    it('sends the challenge as it is with Authorization: Bearer and Content-Type: application/json', () => {
      const req = request({ headers: { 'content-type': 'text/plain', 'X-Keep': '1' } });
      const out = clearKeyProvider.rewriteRequest(req, `${JWT}\n`, options);
      expect(out.url).toBe(URL_);
      expect(out.body).toBe(req.body);
      expect(out.headers).toEqual({ 'X-Keep': '1', 'Content-Type': 'application/json', Authorization: `Bearer ${JWT}` });
      expect(out.secrets).toEqual([JWT]);
    });

    it('is idempotent over its own output (Shaka 5 retries)', () => {
      const first = clearKeyProvider.rewriteRequest(request(), JWT, options);
      const again = clearKeyProvider.rewriteRequest(request({ headers: first.headers, attempt: 1 }), JWT, options);
      expect(again.headers).toEqual(first.headers);
    });

    it('sends no Authorization header without a token (transparent architecture)', () => {
      const out = clearKeyProvider.rewriteRequest(request(), null, { servers: { [CK]: URL_ } });
      expect(out.headers).toEqual({ 'Content-Type': 'application/json' });
      expect(out.secrets).toEqual([]);
    });

    it('refuses a token that cannot be a Bearer token', () => {
      expect(keyflowErrorOf(() => clearKeyProvider.rewriteRequest(request(), 'two words', options)).code).toBe('TOKEN_MALFORMED');
      expect(keyflowErrorOf(() => clearKeyProvider.rewriteRequest(request(), 'a\r\nX: 1', options)).code).toBe('TOKEN_MALFORMED');
      expect(keyflowErrorOf(() => clearKeyProvider.rewriteRequest(request(), '', options)).code).toBe('TOKEN_MALFORMED');
      expect(keyflowErrorOf(() => clearKeyProvider.rewriteRequest(request(), null, options)).code).toBe('TOKEN_MALFORMED');
    });
  });

  describe('replies', () => {
    it('passes a JWK set on', () => {
      const reply = response(LICENSE);
      expect(clearKeyProvider.unwrapResponse(reply, options)).toBe(reply.body);
    });

    const malformed: Array<[string, string, string]> = [
      ['empty', '', "clearkey: the license server's reply is empty"],
      ['not JSON', 'eyJrZXlzIjpbXX0=', 'clearkey: the reply is not a ClearKey license: it is not JSON'],
      ['JSON without keys', '{"license":"x"}', 'clearkey: the reply is not a ClearKey license: it has no "keys" array'],
      ['no keys', '{"keys":[]}', 'clearkey: the reply is not a ClearKey license: its "keys" array is empty'],
      [
        'a key without kty',
        '{"keys":[{"k":"a","kid":"b"}]}',
        'clearkey: the reply is not a ClearKey license: keys[0] is not a {"kty":"oct","k":…,"kid":…} key',
      ],
    ];
    for (const [name, body, message] of malformed) {
      it(`a malformed reply (${name}) is MALFORMED_RESPONSE, not a 6008`, () => {
        const error = keyflowErrorOf(() => clearKeyProvider.unwrapResponse(response(body), options));
        expect(error.code).toBe('MALFORMED_RESPONSE');
        expect(error.message).toBe(message);
        expect(error.httpStatus).toBe(200);
      });
    }

    it('a 2xx problem+json reply is decoded as the problem', () => {
      const body = problem(DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'No token');
      const error = keyflowErrorOf(() =>
        clearKeyProvider.unwrapResponse(response(body, { 'content-type': 'application/problem+json' }), options),
      );
      expect(error.code).toBe('TOKEN_INVALID');
    });
  });

  describe('problem+json errors', () => {
    const decode = (status: number, body: string, opts: Options = options) => clearKeyProvider.decodeFailure(failure(status, body), opts);

    it('insufficient proof of authorization → TOKEN_INVALID, with type, title and detail', () => {
      const error = decode(
        403,
        problem(DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'The authorization token is not authentic.'),
      );
      expect(error.code).toBe('TOKEN_INVALID');
      expect(error.httpStatus).toBe(403);
      expect(error.providerCode).toBe('https://dashif.org/drm-problems/insufficient-proof-of-authorization');
      expect(error.message).toBe(
        'ClearKey license server answered HTTP 403: Not authorized: The authorization token is not authentic. [https://dashif.org/drm-problems/insufficient-proof-of-authorization]',
      );
      expect(error.cause).toEqual({
        type: DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION,
        title: 'Not authorized',
        detail: 'The authorization token is not authentic.',
      });
    });

    it('insufficient proof saying "expired" → TOKEN_EXPIRED', () => {
      expect(
        decode(403, problem(DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'The authorization token has expired.')).code,
      ).toBe('TOKEN_EXPIRED');
      expect(decode(403, problem(DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'Token expired')).code).toBe('TOKEN_EXPIRED');
      expect(decode(403, problem(DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION, 'Token is for a disabled tenant')).code).toBe(
        'TOKEN_INVALID',
      );
    });

    it('not authorized → NOT_ENTITLED, keeping href and hrefTitle for the app', () => {
      const error = decode(
        403,
        problem(DASHIF_PROBLEM_TYPES.NOT_AUTHORIZED, 'Your plan does not include this channel.', {
          href: 'https://example.test/plans',
          hrefTitle: 'Plans',
        }),
      );
      expect(error.code).toBe('NOT_ENTITLED');
      expect(error.cause).toEqual(jasmine.objectContaining({ href: 'https://example.test/plans', hrefTitle: 'Plans' }));
    });

    it('other problem types: `problemTypes`, else the status', () => {
      const geo = JSON.stringify({ type: 'https://example.test/problems/geo', title: 'Geo-blocked' });
      expect(decode(451, geo).code).toBe('LICENSE_SERVER_ERROR');
      expect(decode(451, geo, { ...options, problemTypes: { 'https://example.test/problems/geo': 'NOT_ENTITLED' } }).code).toBe(
        'NOT_ENTITLED',
      );
      expect(decode(400, JSON.stringify({ type: 'about:blank', title: 'Bad Request', detail: "'kids' must not be empty" })).code).toBe(
        'BAD_REQUEST',
      );
      expect(decode(400, JSON.stringify({ title: 'Bad Request' })).message).toBe(
        'ClearKey license server answered HTTP 400: Bad Request [about:blank]',
      );
    });

    it('a reply that is not problem+json: by status', () => {
      const error = decode(502, '<html>Bad gateway</html>');
      expect(error.code).toBe('LICENSE_SERVER_ERROR');
      expect(error.message).toBe('ClearKey license server answered HTTP 502');
      expect(error.providerCode).toBeUndefined();
      expect(decode(401, '').code).toBe('TOKEN_INVALID');
    });
  });

  describe('validation', () => {
    it('needs the ClearKey license URL', () => {
      const error = keyflowErrorOf(() => clearKeyProvider.validate({ token: 't' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe("clearkey: `servers['org.w3.clearkey']` must be the license server URL");
    });

    it('checks the token and problemTypes', () => {
      expect(() => clearKeyProvider.validate(options)).not.toThrow();
      expect(() => clearKeyProvider.validate({ servers: { [CK]: URL_ } })).not.toThrow();
      expect(keyflowErrorOf(() => clearKeyProvider.validate({ ...options, token: {} as never })).message).toMatch(/`token` must be/);
      expect(keyflowErrorOf(() => clearKeyProvider.validate({ ...options, problemTypes: { x: 'NOPE' as never } })).message).toMatch(
        /`problemTypes`/,
      );
    });
  });
});
