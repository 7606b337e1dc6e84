// The axinom preset against Axinom's documentation (docs.axinom.com, services/drm): the
// License Service Message in the X-AxDRM-Message header, the documented default and
// tenant-specific URLs, the error message from X-AxDRM-ErrorMessage, the documented statuses
// (400 / 403 / 500) and PlayReady's SOAP Faults with HTTP 500. Expected values are written from
// those pages, not read back from the preset.
import { AXINOM_DEFAULT_SERVERS, axinomProvider, type AxinomOptions } from '../../src/providers/axinom';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ2ZXJzaW9uIjoxfQ.c2lnbmF0dXJl';
const options: AxinomOptions = { token: JWT };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://drm-widevine-licensing.axprod.net/AcquireLicense',
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

const failure = (keySystem: string, status: number, headers: Record<string, string>, bodyText = '') =>
  axinomProvider.decodeFailure({ kind: 'license', keySystem, status, headers, bodyText }, options);

describe('axinom preset', () => {
  it('defaults to the documented URLs, one host per DRM, with the tenant prefix when given', () => {
    expect(AXINOM_DEFAULT_SERVERS[WV]).toBe('https://drm-widevine-licensing.axprod.net/AcquireLicense');
    expect(AXINOM_DEFAULT_SERVERS[PR]).toBe('https://drm-playready-licensing.axprod.net/AcquireLicense');
    expect(AXINOM_DEFAULT_SERVERS[FP]).toBe('https://drm-fairplay-licensing.axprod.net/AcquireLicense');
    expect(axinomProvider.defaultServersFor?.({ token: JWT, tenant: 'acme-1' })[WV]).toBe(
      'https://acme-1.drm-widevine-licensing.axprod.net/AcquireLicense',
    );
  });

  it('sends the License Service Message as X-AxDRM-Message, body and URL untouched', () => {
    const out = axinomProvider.rewriteRequest(request(), JWT, options);
    expect(out.url).toBe('https://drm-widevine-licensing.axprod.net/AcquireLicense');
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'X-AxDRM-Message': JWT });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
  });

  it('reads the reason from X-AxDRM-ErrorMessage; 400 BAD_REQUEST, 403 NOT_ENTITLED, 500 LICENSE_SERVER_ERROR', () => {
    const denied = failure(WV, 403, { 'x-axdrm-errormessage': 'License denied: key not entitled' });
    expect(denied.code).toBe('NOT_ENTITLED');
    expect(denied.message).toBe('Axinom license server answered HTTP 403: License denied: key not entitled');
    expect(denied.providerCode).toBeUndefined();
    expect(failure(WV, 400, { 'x-axdrm-errormessage': 'Invalid license request' }).code).toBe('BAD_REQUEST');
    expect(failure(WV, 500, {}).code).toBe('LICENSE_SERVER_ERROR');
  });

  it('PlayReady: every error is HTTP 500; a Client fault is BAD_REQUEST, a Server fault a server error', () => {
    const fault = (code: string) =>
      '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
      `<faultcode>${code}</faultcode><faultstring>from the fault</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
    const client = failure(PR, 500, { 'x-axdrm-errormessage': 'The license service message has expired.' }, fault('soap:Client'));
    expect(client.code).toBe('BAD_REQUEST');
    expect(client.message).toBe('Axinom license server answered HTTP 500: The license service message has expired.');
    expect(failure(PR, 500, {}, fault('soap:Client')).message).toBe('Axinom license server answered HTTP 500: from the fault');
    expect(failure(PR, 500, {}, fault('soap:Server')).code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a missing token and a tenant that is not a host label', () => {
    expect(keyflowErrorOf(() => axinomProvider.validate({} as AxinomOptions)).message).toMatch(/`token` is required/);
    expect(keyflowErrorOf(() => axinomProvider.validate({ token: JWT, tenant: 'a.b/c' })).message).toMatch(/`tenant` must be/);
    expect(() => axinomProvider.validate({ token: () => JWT, tenant: 'acme-1' })).not.toThrow();
  });
});
