// The engine capabilities vendors need (issue 12 §1), through the `custom` preset, exact bytes:
// per-key-system overrides, form bodies, template transforms, encoded JSON values, errors
// signalled inside a 2xx reply. Expected bodies and headers are written from the formats
// (application/x-www-form-urlencoded per the URL Standard, RFC 4648 base64 via the platform's
// btoa, UUID text form), not read back from the engine.
import { customProvider, type CustomOptions } from '../../src/providers/custom';
import { expressPlayProvider } from '../../src/providers/expressplay';
import type { DrmRequest, DrmResponse } from '../../src/providers/preset';
import type { LicenseServers } from '../../src/api/key-systems';
import { keyflowErrorOf } from '../helpers/errors';

type Options = CustomOptions & { servers?: LicenseServers };

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const PR_REC = 'com.microsoft.playready.recommendation';
const FP = 'com.apple.fps';
const KID = 'a8902072531212e8717f2aeeb98cea1c';
const CHALLENGE = new Uint8Array([8, 1, 0xfb, 0xff]); // base64 "CAH7/w=="
const CHALLENGE_B64 = btoa(String.fromCharCode(...CHALLENGE));
const SERVERS = { [WV]: 'https://lic.test/wv', [PR]: 'https://lic.test/pr', [FP]: 'https://lic.test/fp' };

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function request(keySystem: string, overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url: `https://lic.test/${keySystem}`,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: CHALLENGE,
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [KID],
    ...overrides,
  };
}

function response(keySystem: string, body: string | Uint8Array, overrides: Partial<DrmResponse> = {}): DrmResponse {
  return {
    kind: 'license',
    keySystem,
    url: 'https://lic.test/',
    status: 200,
    headers: {},
    body: typeof body === 'string' ? bytes(body) : body,
    ...overrides,
  };
}

function shape(options: Options, req: DrmRequest, token: unknown = null) {
  const config = { servers: SERVERS, ...options };
  customProvider.validate(config);
  return customProvider.rewriteRequest(req, token as never, config);
}

describe('engine capabilities (custom)', () => {
  describe('per-key-system overrides', () => {
    const options: Options = {
      headers: { 'X-Service': 'acme' },
      wrapRequest: { challengeField: 'challenge' },
      unwrapResponse: { path: 'license' },
      keySystems: {
        [PR]: { wrapRequest: null, unwrapResponse: null, headers: { 'X-Service': 'acme-pr', 'X-Extra': '1' } },
      },
    };

    it('wrap Widevine in JSON and send PlayReady (and its recommendation variant) as it is, headers merged', () => {
      const wv = shape(options, request(WV));
      expect(text(wv.body)).toBe(`{"challenge":"${CHALLENGE_B64}"}`);
      expect(wv.headers).toEqual({ 'Content-Type': 'application/json', 'X-Service': 'acme' });
      for (const keySystem of [PR, PR_REC]) {
        const pr = shape(options, request(keySystem));
        expect(pr.body).toBe(CHALLENGE);
        expect(pr.headers).toEqual({ 'Content-Type': 'text/xml; charset=utf-8', 'X-Service': 'acme-pr', 'X-Extra': '1' });
      }
    });

    it('unwrap per key system: Widevine from JSON, PlayReady raw', () => {
      const config = { servers: SERVERS, ...options };
      const license = btoa('LICENSE');
      expect(text(customProvider.unwrapResponse(response(WV, `{"license":"${license}"}`), config))).toBe('LICENSE');
      const soap = '<soap:Envelope>license</soap:Envelope>';
      expect(text(customProvider.unwrapResponse(response(PR, soap), config))).toBe(soap);
    });

    it('read errors per key system', () => {
      const config: Options = {
        servers: SERVERS,
        errors: { code: 'error.code' },
        keySystems: { [PR]: { errors: { code: { header: 'x-error-code' }, rules: [{ providerCode: 'E42', means: 'NOT_ENTITLED' }] } } },
      };
      customProvider.validate(config);
      const failure = (keySystem: string) =>
        customProvider.decodeFailure(
          { kind: 'license', keySystem, status: 500, headers: { 'x-error-code': 'E42' }, bodyText: '{"error":{"code":"B1"}}' },
          config,
        );
      expect(failure(WV).providerCode).toBe('B1');
      expect(failure(WV).code).toBe('LICENSE_SERVER_ERROR');
      expect(failure(PR).providerCode).toBe('E42');
      expect(failure(PR).code).toBe('NOT_ENTITLED');
    });

    it('are checked like the spec', () => {
      const invalid = (keySystems: unknown) => keyflowErrorOf(() => customProvider.validate({ servers: SERVERS, keySystems } as Options));
      expect(invalid({ [PR]: { url: 'x' } }).message).toMatch(
        /keySystems\['com.microsoft.playready'\]\.url is not something a key system can change/,
      );
      expect(invalid({ [PR]: { headers: { 'Bad Name': 'x' } } }).message).toMatch(
        /keySystems\['com.microsoft.playready'\]\.headers: "Bad Name" is not a valid header name/,
      );
      expect(invalid({ [PR]: { wrapRequest: { challengeField: '' } } }).message).toMatch(
        /keySystems\['com.microsoft.playready'\]\.wrapRequest/,
      );
      expect(invalid({ [PR]: { headers: { 'X-T': '{token}' } } }).message).toMatch(/uses \{token\} but no `token` is configured/);
    });
  });

  describe('form bodies', () => {
    const options: Options = {
      contentId: 'asset 1',
      wrapRequest: { format: 'form', challengeField: 'spc', fields: { assetId: '{contentId}', v: 2 } },
    };

    it('write the fields, then the challenge, form-encoded, with the form Content-Type', () => {
      const out = shape(options, request(FP));
      // URL Standard: space -> "+", "+" -> "%2B", "/" -> "%2F", "=" -> "%3D".
      const encoded = CHALLENGE_B64.split('+').join('%2B').split('/').join('%2F').split('=').join('%3D');
      expect(text(out.body)).toBe(`assetId=asset+1&v=2&spc=${encoded}`);
      expect(out.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    });

    it('write a list placeholder as text joined with "," (form fields are text)', () => {
      const out = shape(
        { wrapRequest: { format: 'form', challengeField: 'spc', fields: { kids: '{keyIdsHex}' } } },
        request(FP, { keyIds: [KID, '00112233445566778899aabbccddeeff'] }),
      );
      expect(text(out.body).split('&')[0]).toBe(`kids=00112233445566778899aabbccddeeff%2C${KID}`);
    });

    it('are re-wrapped from the original challenge on a Shaka 5 retry over the sent body', () => {
      const first = shape(options, request(FP));
      const copy = Uint8Array.from(first.body); // a new buffer: found again by parsing, not by identity
      const retry = shape(options, request(FP, { body: copy, attempt: 1 }));
      expect(text(retry.body)).toBe(text(first.body));
    });

    it('refuse a challenge written as bytes and fields that are not text', () => {
      const invalid = (wrapRequest: unknown) => keyflowErrorOf(() => customProvider.validate({ servers: SERVERS, wrapRequest } as Options));
      expect(invalid({ format: 'form', challengeField: 'spc', challengeEncoding: 'bytes' }).message).toMatch(
        /cannot write the challenge as `bytes`/,
      );
      expect(invalid({ format: 'form', challengeField: 'spc', fields: { a: { b: 1 } } }).message).toMatch(
        /text templates, numbers or booleans/,
      );
      expect(invalid({ format: 'xml', challengeField: 'spc' }).message).toMatch(/`format` must be "json" or "form"/);
    });
  });

  describe('template transforms', () => {
    it('base64, base64url and hex of the UTF-8 text, uuid of 32 hex digits', () => {
      const out = shape(
        {
          token: 'unused',
          contentId: 'é?',
          headers: { 'X-B64': '{token|base64}', 'X-Url': '{contentId|base64url}', 'X-Hex': '{contentId|hex}', 'X-Kid': '{keyIdHex|uuid}' },
        },
        request(WV),
        'a>b?',
      );
      expect(out.headers['X-B64']).toBe(btoa('a>b?')); // "YT5iPw=="
      expect(out.headers['X-Url']).toBe('w6k_'); // UTF-8 c3 a9 3f, base64url without padding
      expect(out.headers['X-Hex']).toBe('c3a93f');
      expect(out.headers['X-Kid']).toBe('a8902072-5312-12e8-717f-2aeeb98cea1c');
    });

    it('put the transformed token in the secrets, so it is redacted too', () => {
      const out = shape({ token: 'unused', headers: { 'X-B64': '{token|base64}' } }, request(WV), 'secret-token');
      expect(out.secrets).toContain('secret-token');
      expect(out.secrets).toContain(btoa('secret-token'));
    });

    it('an unknown transform, or uuid of something else, is INVALID_CONFIG', () => {
      expect(
        keyflowErrorOf(() => customProvider.validate({ servers: SERVERS, token: 't', headers: { X: '{token|rot13}' } })).message,
      ).toMatch(/unknown transform \|rot13/);
      const error = keyflowErrorOf(() => shape({ contentId: 'not-hex', headers: { X: '{contentId|uuid}' } }, request(WV)));
      expect(error.code).toBe('INVALID_CONFIG');
      // from the token, it is the token's fault
      const fromToken = keyflowErrorOf(() => shape({ token: 'unused', headers: { X: '{token|uuid}' } }, request(WV), 'not-a-uuid'));
      expect(fromToken.code).toBe('TOKEN_MALFORMED');
      expect(fromToken.message).not.toContain('not-a-uuid');
    });
  });

  describe('encoded JSON values', () => {
    const options: Options = {
      token: 'unused',
      headers: { 'x-dt-custom-data': { json: { userId: '{token.userId}', sessionId: '{token.sessionId}', merchant: 'acme' } } },
      query: { meta: { json: { kid: '{keyIdHex}' }, encoding: 'none' } },
    };
    const token = { token: 't', userId: 'user-1', sessionId: 'sess-9' };

    it('serialize the JSON (placeholders expanded) and encode it: base64 by default, as it is with none', () => {
      const out = shape(options, request(WV), token);
      expect(out.headers['x-dt-custom-data']).toBe(btoa('{"userId":"user-1","sessionId":"sess-9","merchant":"acme"}'));
      expect(out.url).toBe(`https://lic.test/com.widevine.alpha?meta=${encodeURIComponent(`{"kid":"${KID}"}`)}`);
    });

    it('count as secrets when they carry token values, in every form', () => {
      const out = shape(options, request(WV), token);
      expect(out.secrets).toContain('user-1');
      expect(out.secrets).toContain(btoa('{"userId":"user-1","sessionId":"sess-9","merchant":"acme"}'));
    });

    it('are checked: a value without json, an unknown encoding', () => {
      const invalid = (headers: unknown) => keyflowErrorOf(() => customProvider.validate({ servers: SERVERS, headers } as Options));
      expect(invalid({ X: { encoding: 'base64' } }).message).toMatch(
        /headers\['X'\] must be a string template or \{ json, encoding\? \} \(json is missing\)/,
      );
      expect(invalid({ X: { json: {}, encoding: 'gzip' } }).message).toMatch(/headers\['X'\]\.encoding must be/);
    });
  });

  describe('the license URL from the token ({token.url})', () => {
    const options: Options = { servers: { [WV]: '{token.url}' }, token: 'unused', query: { kid: '{keyIdHex}' } };
    const shapeFrom = (token: unknown) => {
      customProvider.validate(options);
      return customProvider.rewriteRequest({ ...request(WV), url: '{token.url}' }, token as never, options);
    };

    it('is used as it is (not percent-encoded), query parameters set on it, and it is a secret', () => {
      const url = 'https://lic.test/wv/rights?sig=a+b%2Fc&exp=1';
      const out = shapeFrom({ token: 't', url });
      expect(out.url).toBe(`${url}&kid=${KID}`);
      expect(out.secrets).toContain(url);
    });

    it('must be an absolute http(s) URL: anything else is TOKEN_MALFORMED, never sent', () => {
      for (const url of ['javascript:alert(1)', '/relative/path', 'not a url']) {
        const error = keyflowErrorOf(() => shapeFrom({ token: 't', url }));
        expect(error.code).withContext(url).toBe('TOKEN_MALFORMED');
        expect(error.message).not.toContain(url);
      }
    });

    it('only custom takes it: a preset without URL templates refuses it at configuration', () => {
      const error = keyflowErrorOf(() => expressPlayProvider.validate({ token: 't', servers: { [WV]: '{token}' } } as never));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/only custom takes it from the token/);
    });
  });

  describe('errors signalled inside a 2xx reply', () => {
    const options: Options = {
      servers: SERVERS,
      unwrapResponse: { path: 'license' },
      errors: { code: 'errorCode', message: 'message', inSuccessReplies: true, rules: [{ providerCode: 7011, means: 'TOKEN_EXPIRED' }] },
    };

    it('a 200 JSON reply with an error code is the typed error, not a license', () => {
      customProvider.validate(options);
      const error = keyflowErrorOf(() =>
        customProvider.unwrapResponse(response(WV, '{"errorCode":7011,"message":"Token expired"}'), options),
      );
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.httpStatus).toBe(200);
      expect(error.providerCode).toBe(7011);
      expect(error.message).toBe('License server answered HTTP 200: Token expired [7011]');
    });

    it('a license reply passes, and a binary one is never read as an error', () => {
      expect(text(customProvider.unwrapResponse(response(WV, `{"license":"${btoa('L')}"}`), options))).toBe('L');
      const raw = { ...options, unwrapResponse: undefined } as Options;
      const binary = new Uint8Array([0x08, 0x02, 0xff]);
      expect(customProvider.unwrapResponse(response(WV, binary), raw)).toBe(binary);
    });

    it('a reply that unwraps to a license is a license, even with a code field (e.g. code 0)', () => {
      expect(text(customProvider.unwrapResponse(response(WV, `{"errorCode":0,"message":"OK","license":"${btoa('L')}"}`), options))).toBe(
        'L',
      );
    });

    it('needs a code or message JSON path (headers are not read in 2xx replies)', () => {
      const invalid = (errors: unknown) => keyflowErrorOf(() => customProvider.validate({ servers: SERVERS, errors } as Options));
      expect(invalid({ inSuccessReplies: true }).message).toMatch(/`inSuccessReplies` needs `code` or `message` as a JSON path/);
      expect(invalid({ inSuccessReplies: true, code: { header: 'x-code' } }).message).toMatch(/as a JSON path/);
    });
  });
});
