// The `custom` provider: exact bytes of every wrapping shape, every unwrapping path, every
// malformed reply as a typed error, error extraction, certificates, validation, idempotency.
import { customProvider, type CustomOptions } from '../../src/providers/custom';
import type { DrmHttpFailure, DrmRequest, DrmResponse } from '../../src/providers/preset';
import type { LicenseServers } from '../../src/api/key-systems';
import { keyflowErrorOf } from '../helpers/errors';

type Options = CustomOptions & { servers?: LicenseServers };

const WV = 'com.widevine.alpha';
const CK = 'org.w3.clearkey';
const PR = 'com.microsoft.playready';
const VIDEO = 'a8902072531212e8717f2aeeb98cea1c';
const AUDIO = '4a63349a01f33504a4249e5777467e89';
const CHALLENGE = new Uint8Array([8, 1, 2, 3]); // base64 CAECAw==
const CK_CHALLENGE = '{"kids":["qJAgclMSEuhxfyruuYzqHA","SmM0mgHzNQSkJJ5Xd0Z-iQ"],"type":"temporary"}';
const CK_LICENSE = '{"keys":[{"kty":"oct","k":"ZmX_YHctTBU0M9rnn9VptQ","kid":"qJAgclMSEuhxfyruuYzqHA"}],"type":"temporary"}';
const CK_LICENSE_B64 = btoa(CK_LICENSE);

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://lic.example.test/wv',
    headers: {},
    body: CHALLENGE,
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [VIDEO, AUDIO],
    ...overrides,
  };
}

function response(body: string | Uint8Array, overrides: Partial<DrmResponse> = {}): DrmResponse {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://lic.example.test/wv',
    status: 200,
    headers: {},
    body: typeof body === 'string' ? bytes(body) : body,
    ...overrides,
  };
}

function failure(status: number, bodyText: string, headers: Record<string, string> = {}, keySystem = WV): DrmHttpFailure {
  return { kind: 'license', keySystem, status, headers, bodyText };
}

function withServers(options: CustomOptions, servers: LicenseServers = { [WV]: 'https://lic.example.test/wv' }): Options {
  return { servers, ...options };
}

describe('custom provider', () => {
  describe('request wrapping: exact bytes of each shape', () => {
    function wrapped(options: CustomOptions, token: unknown = null, req: Partial<DrmRequest> = {}) {
      return customProvider.rewriteRequest(request(req), token as never, withServers(options));
    }

    it('Shaka\'s tutorial shape: {"rawLicenseRequestBase64": <base64>}', () => {
      const out = wrapped({ wrapRequest: { challengeField: 'rawLicenseRequestBase64' } });
      expect(text(out.body)).toBe('{"rawLicenseRequestBase64":"CAECAw=="}');
      expect(out.headers).toEqual({ 'Content-Type': 'application/json' });
      expect(out.url).toBe('https://lic.example.test/wv');
      expect(out.secrets).toEqual([]);
    });

    it('a JSON proxy: nested challenge, token, content id and KIDs from the request', () => {
      const out = wrapped(
        {
          token: 'unused',
          contentId: 'movie-1',
          wrapRequest: {
            challengeField: 'licenseRequest.challenge',
            fields: { contentId: '{contentId}', kids: '{keyIdsHex}', auth: { token: '{token}' }, version: 2 },
          },
        },
        'tok-123',
      );
      expect(text(out.body)).toBe(
        `{"contentId":"movie-1","kids":["${AUDIO}","${VIDEO}"],"auth":{"token":"tok-123"},"version":2,"licenseRequest":{"challenge":"CAECAw=="}}`,
      );
      expect(out.secrets).toEqual(['tok-123']);
    });

    it('Comcast-style: challenge inside the request object, token fields from a token object', () => {
      const out = wrapped(
        {
          token: () => ({}),
          wrapRequest: {
            challengeField: 'getWidevineLicense.widevineChallenge',
            fields: { getWidevineLicense: { releasePid: '{token.releasePid}' } },
          },
          query: { token: '{token}', account: '{token.account}', schema: '1.0', form: 'json' },
        },
        { token: 'T/1+', releasePid: 'pid-99', account: 'acct 7' },
      );
      expect(text(out.body)).toBe('{"getWidevineLicense":{"releasePid":"pid-99","widevineChallenge":"CAECAw=="}}');
      expect(out.url).toBe('https://lic.example.test/wv?token=T%2F1%2B&account=acct%207&schema=1.0&form=json');
      expect(out.secrets).toEqual(jasmine.arrayWithExactContents(['T/1+', 'pid-99', 'acct 7']));
    });

    it('Vualto-style: the challenge as a JSON array of bytes, first KID in hex', () => {
      const out = wrapped(
        {
          token: 't',
          wrapRequest: { challengeField: 'drm_info', challengeEncoding: 'bytes', fields: { token: '{token}', kid: '{keyIdHex}' } },
        },
        'tk',
      );
      expect(text(out.body)).toBe(`{"token":"tk","kid":"${AUDIO}","drm_info":[8,1,2,3]}`);
    });

    it('base64url and hex challenges, and a custom content type', () => {
      const b64url = wrapped({ wrapRequest: { challengeField: 'c', challengeEncoding: 'base64url', contentType: 'text/plain' } }, null, {
        body: new Uint8Array([0xfb, 0xff]),
      });
      expect(text(b64url.body)).toBe('{"c":"-_8"}');
      expect(b64url.headers).toEqual({ 'Content-Type': 'text/plain' });
      expect(text(wrapped({ wrapRequest: { challengeField: 'c', challengeEncoding: 'hex' } }).body)).toBe('{"c":"08010203"}');
    });

    it('a ClearKey challenge: KIDs come from the challenge itself', () => {
      const out = customProvider.rewriteRequest(
        request({ keySystem: CK, body: bytes(CK_CHALLENGE), keyIds: [] }),
        null,
        withServers(
          { wrapRequest: { challengeField: 'rawLicenseRequestBase64', fields: { kid: '{keyIdBase64Url}' } } },
          { [CK]: 'https://ck.test/' },
        ),
      );
      expect(text(out.body)).toBe(`{"kid":"SmM0mgHzNQSkJJ5Xd0Z-iQ","rawLicenseRequestBase64":"${btoa(CK_CHALLENGE)}"}`);
    });

    it('wraps once across Shaka 5 retries, re-wrapping the original challenge with the fresh token', () => {
      const options = withServers({ token: 't', wrapRequest: { challengeField: 'c', fields: { t: '{token}' } } });
      const first = customProvider.rewriteRequest(request(), 'old', options);
      // Shaka hands the filter the same ArrayBuffer again.
      const retry = customProvider.rewriteRequest(request({ attempt: 1, body: new Uint8Array(first.body.buffer) }), 'old', options);
      expect(text(retry.body)).toBe(text(first.body));
      const refreshed = customProvider.rewriteRequest(request({ attempt: 2, body: new Uint8Array(retry.body.buffer) }), 'new', options);
      expect(text(refreshed.body)).toBe('{"t":"new","c":"CAECAw=="}');
      // A copy of the wrapped body (another buffer) is still recognised on a retry.
      const copied = customProvider.rewriteRequest(request({ attempt: 1, body: first.body.slice() }), 'old', options);
      expect(text(copied.body)).toBe('{"t":"old","c":"CAECAw=="}');
    });

    it('leaves the body alone without wrapRequest', () => {
      const req = request();
      expect(customProvider.rewriteRequest(req, null, withServers({})).body).toBe(req.body);
    });
  });

  describe('URL templates, query parameters and headers', () => {
    it('expands the license URL template of the key system, percent-encoding values', () => {
      const out = customProvider.rewriteRequest(
        request({ url: 'https://lic.test/{contentId}/{keySystem}?kid={keyIdHex}&kids={keyIdsUuid}' }),
        null,
        withServers({ contentId: 'a/b c' }),
      );
      expect(out.url).toBe(
        `https://lic.test/a%2Fb%20c/com.widevine.alpha?kid=${AUDIO}&kids=4a63349a-01f3-3504-a424-9e5777467e89,a8902072-5312-12e8-717f-2aeeb98cea1c`,
      );
    });

    it('takes the content id from a function of the request', () => {
      const seen: unknown[] = [];
      const out = customProvider.rewriteRequest(
        request({ url: 'https://lic.test/{contentId}' }),
        null,
        withServers({
          contentId: (ctx) => {
            seen.push(ctx);
            return `c-${ctx.keyIds.length}`;
          },
        }),
      );
      expect(out.url).toBe('https://lic.test/c-2');
      expect(seen).toEqual([{ keySystem: WV, keyIds: [AUDIO, VIDEO], psshContentId: null }]);
    });

    it('sets query parameters exactly once, keeping the others, idempotently', () => {
      const options = withServers({ token: 't', query: { token: '{token}', v: '2' } });
      const first = customProvider.rewriteRequest(request({ url: 'https://lic.test/r?a=1&token=stale' }), 'T+1', options);
      expect(first.url).toBe('https://lic.test/r?a=1&token=T%2B1&v=2');
      const again = customProvider.rewriteRequest(request({ url: first.url, attempt: 1 }), 'T+1', options);
      expect(again.url).toBe(first.url);
      expect(first.secrets).toEqual(['T+1']);
    });

    it('sets headers by name (any case), removes null ones, after the wrapping content type', () => {
      const out = customProvider.rewriteRequest(
        request({ keySystem: PR, headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '"x"' } }),
        { token: 'jwt.a.b', user: 'u1' },
        withServers(
          {
            token: () => ({}),
            headers: {
              Authorization: 'Bearer {token}',
              'X-User': '{token.user}',
              soapaction: null,
              'Content-Type': 'application/vnd.acme+json',
            },
            wrapRequest: { challengeField: 'c' },
          },
          { [PR]: 'https://pr.test/' },
        ),
      );
      expect(out.headers).toEqual({ Authorization: 'Bearer jwt.a.b', 'X-User': 'u1', 'Content-Type': 'application/vnd.acme+json' });
    });

    it('refuses a token that would inject a header line', () => {
      const error = keyflowErrorOf(() =>
        customProvider.rewriteRequest(request(), 'a\r\nX-Evil: 1', withServers({ token: 't', headers: { 'X-Token': '{token}' } })),
      );
      expect(error.code).toBe('TOKEN_MALFORMED');
      expect(error.message).not.toContain('X-Evil');
    });

    it('fails typed when the request lacks what a template needs', () => {
      expect(
        keyflowErrorOf(() =>
          customProvider.rewriteRequest(request({ url: 'https://l.test/{keyIdHex}', keyIds: [] }), null, withServers({})),
        ).code,
      ).toBe('INVALID_CONFIG');
      expect(
        keyflowErrorOf(() =>
          customProvider.rewriteRequest(request(), { other: 1 }, withServers({ token: () => ({}), query: { t: '{token}' } })),
        ).code,
      ).toBe('TOKEN_MALFORMED');
      expect(
        keyflowErrorOf(() => customProvider.rewriteRequest(request(), null, withServers({ token: () => 'x', query: { t: '{token}' } })))
          .code,
      ).toBe('TOKEN_MALFORMED');
    });
  });

  describe('response unwrapping', () => {
    const unwrap = (body: string | Uint8Array, options: CustomOptions, overrides: Partial<DrmResponse> = {}) =>
      customProvider.unwrapResponse(response(body, overrides), withServers(options));

    it('Shaka\'s tutorial shape: {"rawLicenseBase64": <base64>}', () => {
      expect(text(unwrap(`{"rawLicenseBase64":"${btoa('license!')}"}`, { unwrapResponse: { path: 'rawLicenseBase64' } }))).toBe('license!');
    });

    it('nested paths: data.license, getWidevineLicenseResponse.license', () => {
      expect(text(unwrap(`{"data":{"license":"${btoa('L1')}"}}`, { unwrapResponse: { path: 'data.license' } }))).toBe('L1');
      expect(
        text(
          unwrap(`{"getWidevineLicenseResponse":{"license":"${btoa('L2')}"}}`, {
            unwrapResponse: { path: 'getWidevineLicenseResponse.license' },
          }),
        ),
      ).toBe('L2');
    });

    it('base64url and hex licenses, and plain-text base64 bodies', () => {
      expect(text(unwrap('{"l":"TDM"}', { unwrapResponse: { path: 'l', encoding: 'base64url' } }))).toBe('L3');
      expect(text(unwrap('{"l":"4c34"}', { unwrapResponse: { path: 'l', encoding: 'hex' } }))).toBe('L4');
      expect(text(unwrap(`${btoa('L5')}\r\n`, { unwrapResponse: { path: '' } }))).toBe('L5');
    });

    it('passes a raw (non-JSON) reply through when unwrapping is optional', () => {
      const raw = new Uint8Array([8, 2, 0x12, 0]);
      expect(unwrap(raw, { unwrapResponse: { path: 'license', optional: true } })).toEqual(raw);
    });

    it('passes the reply through unchanged without unwrapResponse', () => {
      const body = bytes('raw');
      const out = customProvider.unwrapResponse(response(body), withServers({}));
      expect(out).toBe(body);
    });

    it('checks an unwrapped ClearKey license before it reaches the CDM', () => {
      const ck = { keySystem: CK };
      expect(text(unwrap(`{"rawLicenseBase64":"${CK_LICENSE_B64}"}`, { unwrapResponse: { path: 'rawLicenseBase64' } }, ck))).toBe(
        CK_LICENSE,
      );
      const error = keyflowErrorOf(() =>
        unwrap(`{"rawLicenseBase64":"${btoa('{"keys":[]}')}"}`, { unwrapResponse: { path: 'rawLicenseBase64' } }, ck),
      );
      expect(error.code).toBe('MALFORMED_RESPONSE');
      expect(error.message).toBe('custom: the unwrapped license is not a ClearKey license: its "keys" array is empty');
      const wrappedButNotUnwrapped = keyflowErrorOf(() => unwrap(`{"rawLicenseBase64":"${CK_LICENSE_B64}"}`, {}, ck));
      expect(wrappedButNotUnwrapped.message).toBe(
        'custom: the reply is not a ClearKey license: it has no "keys" array (is the license wrapped? see unwrapResponse)',
      );
    });

    describe('malformed replies are typed MALFORMED_RESPONSE errors with a clear message', () => {
      const cases: Array<{ name: string; body: string | Uint8Array; path?: string; message: string }> = [
        { name: 'empty', body: '', message: "custom: the license server's reply is empty (see unwrapResponse)" },
        {
          name: 'not JSON (an HTML page)',
          body: '<html><body>Service unavailable</body></html>',
          message:
            'custom: the license server\'s reply is not JSON, so it has no "license" (it starts "<html><body>Service unavailable</body></html>") (see unwrapResponse)',
        },
        {
          name: 'not JSON (binary: an unwrapped license)',
          body: new Uint8Array([8, 2, 0x12, 0, 0xff]),
          message: 'custom: the license server\'s reply is not JSON, so it has no "license" (5 bytes of binary data) (see unwrapResponse)',
        },
        {
          name: 'missing field',
          body: '{"licence":"TDE="}',
          message: 'custom: the license server\'s reply has no "license" (see unwrapResponse)',
        },
        {
          name: 'missing nested field',
          body: '{"data":{}}',
          path: 'data.license',
          message: 'custom: the license server\'s reply has no "data.license" (see unwrapResponse)',
        },
        {
          name: 'not a string',
          body: '{"license":{"data":"x"}}',
          message: 'custom: the license server\'s reply has an object at "license", not base64 text (see unwrapResponse)',
        },
        {
          name: 'not base64',
          body: '{"license":"not*base64"}',
          message: 'custom: the license server\'s reply has "license" that is not valid base64 (see unwrapResponse)',
        },
        {
          name: 'empty license',
          body: '{"license":""}',
          message: 'custom: the license server\'s reply has an empty "license" (see unwrapResponse)',
        },
      ];
      for (const c of cases) {
        it(c.name, () => {
          const error = keyflowErrorOf(() => unwrap(c.body, { unwrapResponse: { path: c.path ?? 'license' } }));
          expect(error.code).toBe('MALFORMED_RESPONSE');
          expect(error.message).toBe(c.message);
          expect(error.httpStatus).toBe(200);
          expect(error.keySystem).toBe(WV);
        });
      }

      it('plain text that is not base64', () => {
        const error = keyflowErrorOf(() => unwrap('{"license":"x"}', { unwrapResponse: { path: '' } }));
        expect(error.code).toBe('MALFORMED_RESPONSE');
        expect(error.message).toBe(
          'custom: the license server\'s reply is not base64 text (it starts "{\\"license\\":\\"x\\"}") (see unwrapResponse)',
        );
      });

      it('an empty reply without unwrapping', () => {
        const error = keyflowErrorOf(() => unwrap('', {}));
        expect(error.code).toBe('MALFORMED_RESPONSE');
        expect(error.message).toBe("custom: the license server's reply is empty");
      });
    });

    it('a 200 reply carrying the server’s own error becomes that error, classified by the rules', () => {
      const options: CustomOptions = {
        unwrapResponse: { path: 'license' },
        errors: { code: 'status.code', message: 'status.message', rules: [{ providerCode: 89, means: 'NOT_ENTITLED' }] },
      };
      const error = keyflowErrorOf(() => unwrap('{"status":{"code":89,"message":"ko: not entitled"}}', options));
      expect(error.code).toBe('NOT_ENTITLED');
      expect(error.providerCode).toBe(89);
      expect(error.httpStatus).toBe(200);
      expect(error.message).toBe('License server answered HTTP 200: ko: not entitled [89]');
    });
  });

  describe('error extraction', () => {
    const errors: CustomOptions['errors'] = {
      code: 'error.code',
      message: { header: 'X-Error-Message' },
      rules: [
        { providerCode: 'AUTH_TOKEN_EXPIRED', means: 'TOKEN_EXPIRED' },
        { providerCode: ['AUTH_TOKEN_INVALID', 'AUTH_TOKEN_MISSING'], means: 'TOKEN_INVALID' },
        { status: 403, means: 'NOT_ENTITLED' },
        { status: 409, providerCode: 'LIMIT', means: 'NOT_ENTITLED' },
      ],
    };
    const decode = (f: DrmHttpFailure, options: CustomOptions = { errors }) => customProvider.decodeFailure(f, withServers(options));

    it('reads code from JSON and message from a header, and classifies by rules', () => {
      const error = decode(failure(401, '{"error":{"code":"AUTH_TOKEN_EXPIRED"}}', { 'x-error-message': 'The token has expired' }));
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.providerCode).toBe('AUTH_TOKEN_EXPIRED');
      expect(error.httpStatus).toBe(401);
      expect(error.message).toBe('License server answered HTTP 401: The token has expired [AUTH_TOKEN_EXPIRED]');
      expect(decode(failure(401, '{"error":{"code":"AUTH_TOKEN_MISSING"}}')).code).toBe('TOKEN_INVALID');
      expect(decode(failure(403, '{"error":{"code":"CONTENT_NOT_ALLOWED"}}')).code).toBe('NOT_ENTITLED');
      expect(decode(failure(409, '{"error":{"code":"LIMIT"}}')).code).toBe('NOT_ENTITLED');
      expect(decode(failure(409, '{"error":{"code":"OTHER"}}')).code).toBe('LICENSE_SERVER_ERROR');
    });

    it('falls back to the status when the body says nothing (HTML error page)', () => {
      const error = decode(failure(503, '<html>down</html>'));
      expect(error.code).toBe('LICENSE_SERVER_ERROR');
      expect(error.providerCode).toBeUndefined();
      expect(error.message).toBe('License server answered HTTP 503');
    });

    it('uses the status only without `errors`', () => {
      expect(decode(failure(401, '{"error":{"code":"AUTH_TOKEN_EXPIRED"}}'), {}).code).toBe('TOKEN_INVALID');
      expect(decode(failure(403, ''), {}).code).toBe('NOT_ENTITLED');
      expect(decode(failure(400, ''), {}).code).toBe('BAD_REQUEST');
    });

    it('names the certificate server for certificate failures', () => {
      expect(decode({ ...failure(500, ''), kind: 'certificate' }, {}).message).toBe('Certificate server answered HTTP 500');
    });
  });

  describe('certificate requests', () => {
    const cert = (overrides: Partial<DrmRequest> = {}) =>
      request({ kind: 'certificate', url: 'https://cert.test/c?x=1', messageType: null, body: new Uint8Array(0), ...overrides });

    it('are left alone unless `certificate` is configured', () => {
      const req = cert();
      const out = customProvider.rewriteRequest(
        req,
        'tok',
        withServers({ token: 't', headers: { 'X-T': '{token}' }, query: { t: '{token}' } }),
      );
      expect(out).toEqual({ url: req.url, headers: req.headers, body: req.body, secrets: [] });
      const body = bytes('base64?');
      expect(
        customProvider.unwrapResponse(response(body, { kind: 'certificate' }), withServers({ unwrapResponse: { path: 'license' } })),
      ).toBe(body);
    });

    it('get the headers and query parameters, and their reply unwrapped, when configured', () => {
      const options = withServers({
        token: 't',
        headers: { 'X-T': '{token}' },
        query: { t: '{token}' },
        wrapRequest: { challengeField: 'c' },
        certificate: { unwrapResponse: { path: '' } },
      });
      const out = customProvider.rewriteRequest(cert(), 'tok', options);
      expect(out.url).toBe('https://cert.test/c?x=1&t=tok');
      expect(out.headers).toEqual({ 'X-T': 'tok' });
      expect(out.body.byteLength).toBe(0); // never wrapped
      expect(text(customProvider.unwrapResponse(response(btoa('CERT'), { kind: 'certificate' }), options))).toBe('CERT');
      const noAuth = customProvider.rewriteRequest(
        cert(),
        'tok',
        withServers({ token: 't', query: { t: '{token}' }, certificate: { auth: false } }),
      );
      expect(noAuth.url).toBe('https://cert.test/c?x=1');
    });
  });

  describe('validation', () => {
    const invalid = (options: Partial<Options>) =>
      keyflowErrorOf(() => customProvider.validate({ servers: { [WV]: 'https://l.test/' }, ...options } as Options));

    it('accepts a full configuration', () => {
      expect(() =>
        customProvider.validate({
          servers: { [WV]: 'https://l.test/{contentId}?kid={keyIdHex}' },
          token: async () => ({ token: 'x' }),
          contentId: 'm',
          headers: { Authorization: 'Bearer {token}', SOAPAction: null },
          query: { u: '{token.user}' },
          wrapRequest: { challengeField: 'a.b', fields: { kids: '{keyIdsHex}' } },
          unwrapResponse: { path: 'data.license', encoding: 'base64url', optional: true },
          errors: { code: 'e.c', message: { header: 'X-E' }, rules: [{ status: 401, means: 'TOKEN_EXPIRED' }] },
          certificate: { auth: true, unwrapResponse: { path: '' } },
        }),
      ).not.toThrow();
    });

    it('needs at least one license URL', () => {
      const error = keyflowErrorOf(() => customProvider.validate({}));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/^custom: `servers` must give the license URL/);
    });

    it('names the bad option', () => {
      expect(invalid({ servers: { [WV]: 'https://l.test/{kid}' } }).message).toMatch(
        /servers\['com.widevine.alpha'\]: unknown placeholder \{kid\}/,
      );
      expect(invalid({ token: 42 as never }).message).toMatch(/`token` must be/);
      expect(invalid({ contentId: '' }).message).toMatch(/`contentId` must be/);
      expect(invalid({ headers: { 'Bad Name': 'x' } }).message).toMatch(/not a valid header name/);
      expect(invalid({ headers: { 'X-A': 'a\nb' } }).message).toMatch(/line break/);
      expect(invalid({ headers: { 'X-A': 5 as never } }).message).toMatch(/string template or null/);
      expect(invalid({ query: { q: '{nope}' } }).message).toMatch(/query\['q'\]: unknown placeholder/);
      expect(invalid({ wrapRequest: { challengeField: '' } }).message).toMatch(/wrapRequest `challengeField`/);
      expect(invalid({ wrapRequest: { challengeField: 'c', fields: { a: '{bad}' } } }).message).toMatch(/wrapRequest.fields/);
      expect(invalid({ unwrapResponse: { path: 'a', encoding: 'b64' as never } }).message).toMatch(/unwrapResponse `encoding`/);
      expect(invalid({ errors: { rules: [{ means: 'NOPE' as never }] } }).message).toMatch(/errors `rules\[0\].means`/);
      expect(invalid({ certificate: { auth: 'yes' as never } }).message).toMatch(/certificate.auth/);
      expect(invalid({ query: { t: '{token}' } }).message).toMatch(/uses \{token\} but no `token` is configured/);
      expect(invalid({ headers: { 'X-C': '{contentId}' } }).message).toMatch(/uses \{contentId\} but no `contentId` is configured/);
    });
  });
});
