// The drmtoday preset against DRMtoday's documentation ("License Delivery Authorization":
// x-dt-auth-token, x-dt-custom-data as base64 of {userId, sessionId, merchant}; Bitmovin's guide:
// ?specConform=true; dash.js DRMToday.js: the {license} JSON wrapper) and the URLs castLabs' own
// samples name (lic[.staging].drmtoday.com, license-server-fairplay/cert/<merchant>; the FairPlay
// CKC as base64 text, as castLabs' Safari FPS sample and a DRMtoday iOS integration decode it). Expected
// values are written from those, not read back from the preset.
import { DRMTODAY_DEFAULT_SERVERS, drmTodayProvider, type DrmTodayOptions, type DrmTodayToken } from '../../src/providers/drmtoday';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2lnbmF0dXJl';
const upfront: DrmTodayOptions = { merchant: 'acme', token: JWT };
const customData: DrmTodayOptions = { merchant: 'acme', authorization: 'custom-data', token: { userId: 'u1', sessionId: 's1' } };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://lic.drmtoday.com/license-proxy-widevine/cenc/?specConform=true',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array([8, 1, 2, 3]),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [],
    ...overrides,
  };
}

const rewrite = (options: DrmTodayOptions, token: DrmTodayToken, overrides: Partial<DrmRequest> = {}) =>
  drmTodayProvider.rewriteRequest(request(overrides), token, options);
const reply = (keySystem: string, body: Uint8Array | string) => ({
  kind: 'license' as const,
  keySystem,
  url: 'https://lic.drmtoday.com/x',
  status: 200,
  headers: {},
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
});

describe('drmtoday preset', () => {
  it('defaults to the production URLs, staging on request, Widevine with specConform=true', () => {
    expect(DRMTODAY_DEFAULT_SERVERS[WV]).toBe('https://lic.drmtoday.com/license-proxy-widevine/cenc/?specConform=true');
    expect(DRMTODAY_DEFAULT_SERVERS[PR]).toBe('https://lic.drmtoday.com/license-proxy-headerauth/drmtoday/RightsManager.asmx');
    expect(DRMTODAY_DEFAULT_SERVERS[FP]).toBe('https://lic.drmtoday.com/license-server-fairplay/');
    expect(drmTodayProvider.defaultServersFor?.({ ...upfront, environment: 'staging' })[PR]).toBe(
      'https://lic.staging.drmtoday.com/license-proxy-headerauth/drmtoday/RightsManager.asmx',
    );
  });

  it("FairPlay's certificate is the merchant's", () => {
    expect(drmTodayProvider.defaultCertificatesFor?.(upfront)).toEqual({
      [FP]: 'https://lic.drmtoday.com/license-server-fairplay/cert/acme',
    });
    expect(drmTodayProvider.defaultCertificatesFor?.({ ...upfront, environment: 'staging' })[FP]).toBe(
      'https://lic.staging.drmtoday.com/license-server-fairplay/cert/acme',
    );
  });

  it('sends the upfront token as x-dt-auth-token, body untouched, and asks for a new token per request (jti)', () => {
    const out = rewrite(upfront, JWT);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'x-dt-auth-token': JWT });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    expect(drmTodayProvider.tokenReuse?.(upfront)).toBe('per-request');
  });

  it('custom-data: x-dt-custom-data is base64 of {"userId","sessionId","merchant"}, and redacted', () => {
    const out = rewrite(customData, { userId: 'u1', sessionId: 's1' });
    expect(out.headers['x-dt-custom-data']).toBe(btoa('{"userId":"u1","sessionId":"s1","merchant":"acme"}'));
    expect(out.headers['x-dt-auth-token']).toBeUndefined();
    expect(out.secrets).toContain(btoa('{"userId":"u1","sessionId":"s1","merchant":"acme"}'));
    expect(drmTodayProvider.tokenReuse?.(customData)).toBe('cached');
    const braces = rewrite({ ...customData, merchant: 'a{b}' }, { userId: 'u', sessionId: 's' });
    expect(atob(braces.headers['x-dt-custom-data']!)).toBe('{"userId":"u","sessionId":"s","merchant":"a{b}"}');
  });

  it('reads the Widevine license raw (specConform) or out of {"license": base64}; PlayReady as it is', () => {
    const raw = new Uint8Array([8, 2, 0x12, 1]);
    expect(Array.from(drmTodayProvider.unwrapResponse(reply(WV, raw), upfront))).toEqual([8, 2, 0x12, 1]);
    expect(Array.from(drmTodayProvider.unwrapResponse(reply(WV, '{"license":"CAISAQ=="}'), upfront))).toEqual([8, 2, 0x12, 1]);
    const soap = '<soap:Envelope><soap:Body>{"license":"x"}</soap:Body></soap:Envelope>';
    expect(new TextDecoder().decode(drmTodayProvider.unwrapResponse(reply(PR, soap), upfront))).toBe(soap);
  });

  it('FairPlay: the SPC as the form parameter spc (base64), the CKC answered as base64 text', () => {
    const out = rewrite(upfront, JWT, { keySystem: FP, url: DRMTODAY_DEFAULT_SERVERS[FP]!, body: new Uint8Array([0xfb, 0xff, 1]) });
    expect(new TextDecoder().decode(out.body)).toBe('spc=%2B%2F8B'); // base64 "+/8B", form-encoded
    expect(out.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(out.headers['x-dt-auth-token']).toBe(JWT);
    expect(Array.from(drmTodayProvider.unwrapResponse(reply(FP, 'AQID'), upfront))).toEqual([1, 2, 3]);
  });

  it('passes the x-dt-resp-code header on as providerCode; the code follows the HTTP status', () => {
    const failure = (status: number, headers: Record<string, string>) =>
      drmTodayProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers, bodyText: 'not_granted' }, upfront);
    const denied = failure(403, { 'x-dt-resp-code': '20101' });
    expect(denied.code).toBe('NOT_ENTITLED');
    expect(denied.providerCode).toBe('20101');
    expect(denied.message).toBe('DRMtoday license server answered HTTP 403: [20101]');
    expect(failure(400, { 'x-dt-resp-code': '10001' }).code).toBe('BAD_REQUEST');
    expect(failure(500, {}).providerCode).toBeUndefined();
  });

  it('refuses a missing merchant, a token of the wrong shape, unknown modes and environments', () => {
    const message = (options: unknown) => keyflowErrorOf(() => drmTodayProvider.validate(options as DrmTodayOptions)).message;
    expect(message({ token: JWT })).toMatch(/`merchant` is required/);
    expect(message({ merchant: 'acme' })).toMatch(/`token` is required/);
    expect(message({ ...customData, token: JWT })).toMatch(/`token` is required: \{ userId, sessionId \}/);
    expect(message({ ...upfront, authorization: 'callback' })).toMatch(/`authorization` must be/);
    expect(message({ ...upfront, environment: 'test' })).toMatch(/`environment` must be/);
    expect(() => drmTodayProvider.validate({ ...customData, token: () => ({ userId: 'u', sessionId: 's' }) })).not.toThrow();
  });
});
