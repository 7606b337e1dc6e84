import { EXPRESSPLAY_DEFAULT_SERVERS, expressPlayProvider, type ExpressPlayOptions } from '../../src/providers/expressplay';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const options: ExpressPlayOptions = { token: 'unused' };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://wv.service.expressplay.com/hms/wv/rights/',
    headers: { 'X-Keep': '1' },
    body: new Uint8Array([8, 1, 2, 3]),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [],
    ...overrides,
  };
}

function rewrite(token: Parameters<typeof expressPlayProvider.rewriteRequest>[1], req = request()) {
  return expressPlayProvider.rewriteRequest(req, token, options);
}

describe('ExpressPlay provider', () => {
  describe('default license URLs', () => {
    it('are the documented production URLs', () => {
      expect(EXPRESSPLAY_DEFAULT_SERVERS['com.widevine.alpha']).toBe('https://wv.service.expressplay.com/hms/wv/rights/');
      expect(EXPRESSPLAY_DEFAULT_SERVERS['com.microsoft.playready']).toBe(
        'https://pr.service.expressplay.com/playready/RightsManager.asmx',
      );
      expect(EXPRESSPLAY_DEFAULT_SERVERS['com.apple.fps']).toBe('https://fp.service.expressplay.com/hms/fp/rights/');
      expect(EXPRESSPLAY_DEFAULT_SERVERS['org.w3.clearkey']).toBeUndefined();
    });
  });

  describe('a bare token', () => {
    it('goes percent-encoded into the ExpressPlayToken parameter of the configured URL', () => {
      // base64 characters + / = must be percent-encoded (RFC 3986): %2B %2F %3D.
      const out = rewrite('AQAAAw+/=');
      expect(out.url).toBe('https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AQAAAw%2B%2F%3D');
    });

    it('keeps the other query parameters and their encoding', () => {
      const out = rewrite('tok', request({ url: 'https://lic.test/rights/?env=test&name=a%20b' }));
      expect(out.url).toBe('https://lic.test/rights/?env=test&name=a%20b&ExpressPlayToken=tok');
    });

    it('appears exactly once when the filter runs again over the rewritten URL (Shaka 5 retries)', () => {
      const first = rewrite('tok1');
      const second = rewrite('tok1', request({ url: first.url, attempt: 1 }));
      expect(second.url).toBe(first.url);
      const refreshed = rewrite('tok2', request({ url: first.url, attempt: 2 }));
      expect(refreshed.url).toBe('https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=tok2');
    });

    it('leaves headers and body unchanged and reports the token as a secret', () => {
      const req = request();
      const out = rewrite('tok', req);
      expect(out.headers).toEqual({ 'X-Keep': '1' });
      expect(out.body).toBe(req.body);
      expect(out.secrets).toContain('tok');
    });
  });

  describe('a tokenized license URL (the Widevine token API answer)', () => {
    it('is used as the license URL, token kept byte for byte', () => {
      const answer = 'https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AbC+/9=';
      const out = rewrite(answer, request({ url: 'https://configured.test/x' }));
      expect(out.url).toBe(answer);
      expect(out.secrets).toContain('AbC+/9=');
    });

    it('moves the token after other parameters and keeps one copy', () => {
      const out = rewrite('https://lic.test/r/?ExpressPlayToken=T1&foo=bar');
      expect(out.url).toBe('https://lic.test/r/?foo=bar&ExpressPlayToken=T1');
    });

    it("upgrades ExpressPlay's http:// answers to https:, dropping the FairPlay token API's explicit :80", () => {
      // FairPlay token API answer (Adobe Primetime fairplay-license-token-request.md): http on port 80.
      // https on port 80 would be TLS to a plain-HTTP port, so the upgraded URL uses the https default port.
      const fairPlay = rewrite(
        'http://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=T',
        request({ keySystem: 'com.apple.fps', url: 'https://configured.test/x' }),
      );
      expect(fairPlay.url).toBe('https://fp.service.expressplay.com/hms/fp/rights/?ExpressPlayToken=T');
      const cn = rewrite('http://fp.service.expressplay.cn:80/hms/fp/rights/?ExpressPlayToken=A%2Bb');
      expect(cn.url).toBe('https://fp.service.expressplay.cn/hms/fp/rights/?ExpressPlayToken=A%2Bb');
      // PlayReady's licenseAcquisitionUrl as intertrust.com shows it: http, no port.
      const playReady = rewrite(
        { licenseAcquisitionUrl: 'http://pr.service.expressplay.com/playready/RightsManager.asmx', token: 'P' },
        request({ keySystem: 'com.microsoft.playready' }),
      );
      expect(playReady.url).toBe('https://pr.service.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=P');
    });

    it('without an ExpressPlayToken parameter is a TOKEN_MALFORMED error', () => {
      const error = keyflowErrorOf(() => rewrite('https://lic.test/r/?foo=bar'));
      expect(error.code).toBe('TOKEN_MALFORMED');
      expect(error.keySystem).toBe(WV);
    });
  });

  describe('{ licenseAcquisitionUrl, token } (the PlayReady token API answer)', () => {
    it('puts the token on the given licenseAcquisitionUrl', () => {
      const out = rewrite(
        { licenseAcquisitionUrl: 'https://expressplay-licensing.axprod.net/LicensingService.ashx', token: 'P/R=' },
        request({ keySystem: 'com.microsoft.playready', url: EXPRESSPLAY_DEFAULT_SERVERS['com.microsoft.playready'] ?? '' }),
      );
      expect(out.url).toBe('https://expressplay-licensing.axprod.net/LicensingService.ashx?ExpressPlayToken=P%2FR%3D');
    });

    it('rejects objects without a usable URL or token', () => {
      expect(keyflowErrorOf(() => rewrite({ licenseAcquisitionUrl: 'not a url', token: 't' })).code).toBe('TOKEN_MALFORMED');
      expect(keyflowErrorOf(() => rewrite({ licenseAcquisitionUrl: 'https://a.test/', token: '' })).code).toBe('TOKEN_MALFORMED');
    });
  });

  it('rejects empty and non-string tokens with TOKEN_MALFORMED', () => {
    expect(keyflowErrorOf(() => rewrite('  ')).code).toBe('TOKEN_MALFORMED');
    expect(keyflowErrorOf(() => rewrite(42 as unknown as string)).code).toBe('TOKEN_MALFORMED');
  });

  describe('{ token, expiresAt } and JSON text', () => {
    it('puts an object token without licenseAcquisitionUrl on the configured URL, or uses its tokenized URL', () => {
      expect(rewrite({ token: 'T/1', expiresAt: '2030-01-01T00:00:00Z' }).url).toBe(
        'https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=T%2F1',
      );
      const answer = 'https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AbC+/9=';
      expect(rewrite({ token: answer, expiresAt: Date.now() + 60_000 }).url).toBe(answer);
    });

    it('reads the PlayReady token API answer given as JSON text as the object it is', () => {
      const text = '{"licenseAcquisitionUrl":"https://expressplay-licensing.axprod.net/LicensingService.ashx","token":"P/R="}';
      const out = rewrite(text, request({ keySystem: 'com.microsoft.playready' }));
      expect(out.url).toBe('https://expressplay-licensing.axprod.net/LicensingService.ashx?ExpressPlayToken=P%2FR%3D');
      expect(out.url).not.toContain('licenseAcquisitionUrl');
    });

    it('rejects JSON text that is not a token object, never sending it as a token', () => {
      for (const text of ['{not json', '["a"]', '{"token":"{\\"token\\":\\"x\\"}"}', '{"token":""}']) {
        expect(keyflowErrorOf(() => rewrite(text)).code)
          .withContext(text)
          .toBe('TOKEN_MALFORMED');
      }
    });

    it('validates { token } objects', () => {
      expect(() => expressPlayProvider.validate({ token: { token: 't', expiresAt: 1 } })).not.toThrow();
    });
  });

  describe("FairPlay (as Shaka's expressplayFairPlayRequest and commonFairPlayResponse shape it)", () => {
    const FP_URL = 'https://fp.service.expressplay.com/hms/fp/rights/';
    for (const keySystem of ['com.apple.fps', 'com.apple.fps.1_0']) {
      it(`sends the raw SPC as application/octet-stream with the token in the query (${keySystem})`, () => {
        const spc = new Uint8Array([0, 1, 2, 0xff]);
        const out = rewrite('tok', request({ keySystem, url: FP_URL, body: spc, headers: {} }));
        expect(out.url).toBe(`${FP_URL}?ExpressPlayToken=tok`);
        expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
        expect(out.body).toBe(spc);
      });
    }

    it("leaves the other key systems' headers alone", () => {
      expect(rewrite('tok').headers).toEqual({ 'X-Keep': '1' });
    });

    it('reads the CKC from <ckc>…</ckc> or JSON, and passes a binary CKC as it is', () => {
      const ckc = new Uint8Array([0xc0, 0xff, 0xee]);
      const b64 = btoa(String.fromCharCode(...ckc));
      const unwrap = (body: Uint8Array) =>
        expressPlayProvider.unwrapResponse(
          { kind: 'license', keySystem: 'com.apple.fps', url: FP_URL, status: 200, headers: {}, body },
          options,
        );
      expect(Array.from(unwrap(new TextEncoder().encode(`<ckc>${b64}</ckc>`)))).toEqual(Array.from(ckc));
      expect(Array.from(unwrap(new TextEncoder().encode(`{"ckc":"${b64}"}`)))).toEqual(Array.from(ckc));
      expect(unwrap(ckc)).toBe(ckc);
    });
  });

  describe('region', () => {
    it('picks the production domain of the account: service.expressplay.com (eu, default) or .cn', () => {
      const servers = (region?: 'eu' | 'cn') => expressPlayProvider.defaultServersFor!({ token: 't', ...(region ? { region } : {}) });
      expect(servers()).toEqual(EXPRESSPLAY_DEFAULT_SERVERS);
      expect(servers('eu')).toEqual(EXPRESSPLAY_DEFAULT_SERVERS);
      expect(servers('cn')[WV]).toBe('https://wv.service.expressplay.cn/hms/wv/rights/');
      expect(servers('cn')['com.microsoft.playready']).toBe('https://pr.service.expressplay.cn/playready/RightsManager.asmx');
    });

    it('must be eu or cn', () => {
      expect(keyflowErrorOf(() => expressPlayProvider.validate({ token: 't', region: 'us' as never })).code).toBe('INVALID_CONFIG');
    });
  });

  describe('validate()', () => {
    it('requires a token', () => {
      expect(keyflowErrorOf(() => expressPlayProvider.validate({} as ExpressPlayOptions)).code).toBe('INVALID_CONFIG');
      expect(keyflowErrorOf(() => expressPlayProvider.validate({ token: '' })).code).toBe('INVALID_CONFIG');
      expect(() => expressPlayProvider.validate({ token: () => 't' })).not.toThrow();
      expect(() => expressPlayProvider.validate({ token: { licenseAcquisitionUrl: 'https://a.test', token: 't' } })).not.toThrow();
    });
  });

  describe('decodeFailure()', () => {
    const failure = (status: number, bodyText: string) =>
      expressPlayProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText }, options);

    it('maps -4010 to TOKEN_INVALID with the code and status', () => {
      const error = failure(403, '{"errorCode":-4010,"errorMessage":"Invalid token"}');
      expect(error.code).toBe('TOKEN_INVALID');
      expect(error.httpStatus).toBe(403);
      expect(error.providerCode).toBe(-4010);
      expect(error.keySystem).toBe(WV);
      expect(error.message).toContain('Invalid token');
    });

    it('maps the documented codes: -2019/-2031/-7011/-5002/-6009/-6006 NOT_ENTITLED, -7008/-6004 LICENSE_SERVER_ERROR, whatever the status', () => {
      for (const code of [-2019, -2031, -7011, -5002, -6009, -6006]) {
        const error = failure(400, `{"errorCode":${code},"errorMessage":"m"}`);
        expect([code, error.code]).toEqual([code, 'NOT_ENTITLED']);
        expect(error.providerCode).toBe(code);
      }
      for (const code of [-7008, -6004]) expect([code, failure(400, `{"errorCode":${code}}`).code]).toEqual([code, 'LICENSE_SERVER_ERROR']);
      expect(failure(401, '{"errorCode":-2019}').code).toBe('NOT_ENTITLED');
    });

    it('has no expired-token code (none is documented): an expired token is -4010; other codes pass through by status', () => {
      const expired = failure(403, '{"errorCode":-4010,"errorMessage":"Invalid token: the token has expired"}');
      expect(expired.code).toBe('TOKEN_INVALID');
      const undocumented = failure(403, '{"errorCode":-4011,"errorMessage":"Expired token"}');
      expect(undocumented.code).toBe('NOT_ENTITLED');
      expect(undocumented.providerCode).toBe(-4011);
      expect(failure(400, '{"errorCode":-4000}').providerCode).toBe(-4000);
      expect(failure(500, '{"errorCode":-4012}').code).toBe('LICENSE_SERVER_ERROR');
    });

    it('maps a bare 401 to TOKEN_INVALID and 403 without a token code to NOT_ENTITLED', () => {
      expect(failure(401, '').code).toBe('TOKEN_INVALID');
      const notEntitled = failure(403, '<html><body>Error -4012: not granted</body></html>');
      expect(notEntitled.code).toBe('NOT_ENTITLED');
      expect(notEntitled.providerCode).toBe(-4012);
    });

    it('maps 400 to BAD_REQUEST and 5xx to LICENSE_SERVER_ERROR', () => {
      expect(failure(400, '{"errorCode":-4000}').code).toBe('BAD_REQUEST');
      const serverError = failure(503, 'oops');
      expect(serverError.code).toBe('LICENSE_SERVER_ERROR');
      expect(serverError.providerCode).toBeUndefined();
    });
  });

  describe('unwrapResponse()', () => {
    const unwrap = (keySystem: string, text: string) =>
      expressPlayProvider.unwrapResponse(
        { kind: 'license', keySystem, url: 'u', status: 200, headers: {}, body: new TextEncoder().encode(text) },
        options,
      );

    it('passes a license through unchanged', () => {
      const body = new Uint8Array([8, 2, 18, 0]);
      const out = expressPlayProvider.unwrapResponse({ kind: 'license', keySystem: WV, url: 'u', status: 200, headers: {}, body }, options);
      expect(out).toBe(body);
    });

    it('rejects an empty license and a ClearKey reply that is not a JWK set', () => {
      expect(keyflowErrorOf(() => unwrap(WV, '')).code).toBe('MALFORMED_RESPONSE');
      expect(keyflowErrorOf(() => unwrap('org.w3.clearkey', '<html>gateway</html>')).code).toBe('MALFORMED_RESPONSE');
      expect(keyflowErrorOf(() => unwrap('org.w3.clearkey', '{"license":"x"}')).code).toBe('MALFORMED_RESPONSE');
      // Chromium's ClearKey CDM rejects a JWK set without keys ("Invalid response"): caught here, typed.
      expect(keyflowErrorOf(() => unwrap('org.w3.clearkey', '{"keys":[]}')).code).toBe('MALFORMED_RESPONSE');
      expect(() => unwrap('org.w3.clearkey', '{"keys":[{"kty":"oct","k":"a","kid":"b"}]}')).not.toThrow();
    });
  });
});
