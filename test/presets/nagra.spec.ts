// The nagra preset against NAGRA's documentation (docs.nagra.com, NAGRA SSP Multi-DRM: "OTT
// License Servers API" for the /{tenantId}/{wvls,prls}/contentlicenseservice/v1/licenses paths,
// "Authentication Management" for the nv-authorizations header) and, where the documentation read
// is silent, NAGRA's own player samples (nv-tenant-id, octet-stream Widevine bodies, the FairPlay
// /fpls/ endpoints and the {"CkcMessage": base64} reply). Expected values are written from those
// sources, not read back from the preset.
import { nagraProvider, type NagraOptions } from '../../src/providers/nagra';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJraWQiOiIyOTI4NDgiLCJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ2ZXIiOiIxLjAifQ.c2lnbmF0dXJl';
const options: NagraOptions = { token: JWT, tenant: 'UEX2X8DT' };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://uex2x8dt.anycast.nagra.com/UEX2X8DT/wvls/contentlicenseservice/v1/licenses',
    headers: {},
    body: new Uint8Array([8, 1, 2, 3]),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [],
    ...overrides,
  };
}

describe('nagra preset', () => {
  it('defaults to the tenant URLs of the OTT License Servers API, FairPlay and its certificate as NAGRA’s samples', () => {
    const servers = nagraProvider.defaultServersFor!(options);
    expect(servers[WV]).toBe('https://uex2x8dt.anycast.nagra.com/UEX2X8DT/wvls/contentlicenseservice/v1/licenses');
    expect(servers[PR]).toBe('https://uex2x8dt.anycast.nagra.com/UEX2X8DT/prls/contentlicenseservice/v1/licenses');
    expect(servers[FP]).toBe('https://uex2x8dt.anycast.nagra.com/UEX2X8DT/fpls/contentlicenseservice/v1/licenses');
    expect(nagraProvider.defaultCertificatesFor!(options)).toEqual({
      [FP]: 'https://uex2x8dt.anycast.nagra.com/UEX2X8DT/fpls/contentlicenseservice/v1/certificates',
    });
    expect(nagraProvider.defaultServersFor!({ token: JWT, tenant: 'TFAESP', host: 'wv-ottlic-f3.imagenio.telefonica.net' })[WV]).toBe(
      'https://wv-ottlic-f3.imagenio.telefonica.net/TFAESP/wvls/contentlicenseservice/v1/licenses',
    );
    expect(nagraProvider.defaultServersFor!({ token: JWT })).toEqual({});
    expect(nagraProvider.defaultCertificatesFor!({ token: JWT })).toEqual({});
    expect(nagraProvider.handlesCertificates(options)).toBe(false); // the certificate is fetched without the token
  });

  it('Widevine: nv-authorizations and nv-tenant-id, the challenge raw as application/octet-stream', () => {
    const out = nagraProvider.rewriteRequest(request(), JWT, options);
    expect(out.url).toBe('https://uex2x8dt.anycast.nagra.com/UEX2X8DT/wvls/contentlicenseservice/v1/licenses');
    expect(out.headers).toEqual({
      'nv-authorizations': JWT,
      'nv-tenant-id': 'UEX2X8DT',
      'Content-Type': 'application/octet-stream',
      Accept: 'application/octet-stream',
    });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
  });

  it('PlayReady keeps Shaka’s SOAP headers; without a tenant no nv-tenant-id', () => {
    const soap = {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense"',
    };
    const out = nagraProvider.rewriteRequest(request({ keySystem: PR, headers: soap }), JWT, { token: JWT });
    expect(out.headers).toEqual({ ...soap, 'nv-authorizations': JWT });
  });

  it('FairPlay: the SPC raw, the CKC read from {"CkcMessage": base64}', () => {
    const out = nagraProvider.rewriteRequest(request({ keySystem: FP }), JWT, options);
    expect(out.headers).toEqual({
      'nv-authorizations': JWT,
      'nv-tenant-id': 'UEX2X8DT',
      'Content-Type': 'application/octet-stream',
      Accept: 'application/json',
    });
    const reply = new TextEncoder().encode('{"CkcMessage":"AQIDBA=="}');
    const ckc = nagraProvider.unwrapResponse(
      { kind: 'license', keySystem: FP, url: out.url, status: 200, headers: {}, body: reply },
      options,
    );
    expect(Array.from(ckc)).toEqual([1, 2, 3, 4]);
  });

  it('errors by HTTP status only (the reply shape of the documented codes is not documented)', () => {
    const failure = (status: number, bodyText: string) =>
      nagraProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText }, options);
    const bad = failure(400, '{"errorCode":4005,"description":"Invalid expiration date."}');
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.providerCode).toBeUndefined();
    expect(bad.message).toBe('NAGRA license server answered HTTP 400');
    expect(failure(500, '').code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a missing token and unusable tenant and host', () => {
    expect(keyflowErrorOf(() => nagraProvider.validate({} as NagraOptions)).message).toMatch(/`token` is required/);
    expect(keyflowErrorOf(() => nagraProvider.validate({ token: JWT, tenant: 'A/B' })).message).toMatch(/`tenant` must be/);
    expect(keyflowErrorOf(() => nagraProvider.validate({ token: JWT, host: 'x' })).message).toMatch(/`host` must be/);
    expect(() => nagraProvider.validate({ token: () => JWT, tenant: 'UEX2X8DT', host: 'uex2x8dt.anycast.nagra.com' })).not.toThrow();
  });
});
