// The doverunner preset against DoveRunner's (PallyCon's) documentation: the HTML5 player guide
// (pallycon-customdata-v2, one licenseManager.do URL, errors as {errorCode, message} in the reply,
// FairPlay spc= form and base64 certificate), "License Error Code" (7011 token expired, ...), and
// DoveRunner's SDK default URL. Expected values are written from those, not read back from the preset.
import { KeySystem } from '../../src/api/key-systems';
import { DOVERUNNER_DEFAULT_SERVERS, doveRunnerProvider, type DoveRunnerOptions } from '../../src/providers/doverunner';
import type { DrmRequest } from '../../src/providers/preset';
import { providerFor } from '../../src/providers/registry';
import type { KeyflowConfig } from '../../src/providers/registry';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const TOKEN = 'eyJkcm1fdHlwZSI6IldpZGV2aW5lIn0=';
const options: DoveRunnerOptions = { token: TOKEN, siteId: 'ABCD' };
const LICENSE_URL = 'https://drm-license.doverunner.com/ri/licenseManager.do';

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: LICENSE_URL,
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

const reply = (keySystem: string, body: string | Uint8Array, kind: 'license' | 'certificate' = 'license') => ({
  kind,
  keySystem,
  url: LICENSE_URL,
  status: 200,
  headers: {},
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
});
const errorOf = (keySystem: string, body: string) =>
  keyflowErrorOf(() => doveRunnerProvider.unwrapResponse(reply(keySystem, body), options));

describe('doverunner preset', () => {
  it('defaults to the one license URL for every DRM, and is also selected as pallycon', () => {
    for (const keySystem of [WV, PR, FP]) expect(DOVERUNNER_DEFAULT_SERVERS[keySystem]).toBe(LICENSE_URL);
    const config = (provider: string) => ({ provider, token: TOKEN }) as unknown as KeyflowConfig;
    expect(providerFor(config('pallycon'))).toBe(providerFor(config('doverunner')));
  });

  it('sends the token as pallycon-customdata-v2, or doverunner-customdata-v2 when asked; body untouched', () => {
    const out = doveRunnerProvider.rewriteRequest(request(), TOKEN, options);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'pallycon-customdata-v2': TOKEN });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    const newer = doveRunnerProvider.rewriteRequest(request(), TOKEN, { ...options, header: 'doverunner-customdata-v2' });
    expect(newer.headers['doverunner-customdata-v2']).toBe(TOKEN);
    expect(newer.headers['pallycon-customdata-v2']).toBeUndefined();
  });

  it('hands the raw Widevine license and the PlayReady SOAP reply to the CDM as they are', () => {
    expect(Array.from(doveRunnerProvider.unwrapResponse(reply(WV, new Uint8Array([8, 2, 0x12])), options))).toEqual([8, 2, 0x12]);
    const soap = '<soap:Envelope><soap:Body><AcquireLicenseResponse/></soap:Body></soap:Envelope>';
    expect(new TextDecoder().decode(doveRunnerProvider.unwrapResponse(reply(PR, soap), options))).toBe(soap);
  });

  it('reads {errorCode, message} from a 200 reply: 7011 TOKEN_EXPIRED, 7019 TOKEN_INVALID, 7012 NOT_ENTITLED', () => {
    const expired = errorOf(WV, '{"errorCode":7011,"message":"Token is expired."}');
    expect(expired.code).toBe('TOKEN_EXPIRED');
    expect(expired.providerCode).toBe(7011);
    expect(expired.httpStatus).toBe(200);
    expect(expired.message).toBe('DoveRunner license server answered HTTP 200: Token is expired. [7011]');
    expect(errorOf(PR, '{"errorCode":"7019","message":"The hash values do not match."}').code).toBe('TOKEN_INVALID');
    expect(errorOf(WV, '{"errorCode":7012,"message":"Does not match with token\'s CID."}').code).toBe('NOT_ENTITLED');
    expect(errorOf(WV, '{"errorCode":7107,"message":"Invalid Widevine license challenge data."}').code).toBe('BAD_REQUEST');
    const unknown = errorOf(WV, '{"errorCode":7102,"message":"Failed to create Widevine license."}');
    expect([unknown.code, unknown.providerCode]).toEqual(['LICENSE_SERVER_ERROR', 7102]);
  });

  it('FairPlay: spc= form body, base64 CKC, the content id after skd://, the certificate by Site ID in base64', () => {
    const out = doveRunnerProvider.rewriteRequest(request({ keySystem: FP, body: new Uint8Array([0xfb, 0xff, 1]) }), TOKEN, options);
    expect(new TextDecoder().decode(out.body)).toBe('spc=%2B%2F8B'); // base64 "+/8B", form-encoded
    expect(out.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(out.headers['pallycon-customdata-v2']).toBe(TOKEN);
    expect(Array.from(doveRunnerProvider.unwrapResponse(reply(FP, ' AQID\n'), options))).toEqual([1, 2, 3]);
    expect(doveRunnerProvider.fairPlayContentIdOf?.(options)?.('skd://my-content-id')).toBe('my-content-id');
    expect(doveRunnerProvider.defaultCertificatesFor?.(options)).toEqual({
      [KeySystem.FAIRPLAY]: 'https://drm-license.doverunner.com/ri/fpsKeyManager.do?siteId=ABCD',
    });
    expect(doveRunnerProvider.defaultCertificatesFor?.({ token: TOKEN })).toEqual({});
    expect(Array.from(doveRunnerProvider.unwrapResponse(reply(FP, 'AQID', 'certificate'), options))).toEqual([1, 2, 3]);
  });

  it('refuses a missing token, a Site ID with other characters, an unknown header name', () => {
    const message = (o: unknown) => keyflowErrorOf(() => doveRunnerProvider.validate(o as DoveRunnerOptions)).message;
    expect(message({})).toMatch(/`token` is required/);
    expect(message({ token: TOKEN, siteId: 'AB/CD' })).toMatch(/`siteId` must be/);
    expect(message({ token: TOKEN, header: 'x-token' })).toMatch(/`header` must be/);
    expect(() => doveRunnerProvider.validate({ token: () => TOKEN, header: 'doverunner-customdata-v2' })).not.toThrow();
  });
});
