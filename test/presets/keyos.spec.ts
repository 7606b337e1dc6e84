// The keyos preset against BuyDRM's public material and the public integrations it is known from
// (BuyDRM publishes no license-API reference): the base64 Authentication XML "in a custom POST
// header" (go.buydrm.com/thedrmblog), named x-keyos-authorization in THEOplayer's KeyOS integration
// and customdata in older code (so overridable), the licensekeyserver.com URLs and the FairPlay
// form `spc=<base64>&assetId=<skd:// host>` with its `<ckc>` reply as THEOplayer's integration
// sends and reads them. Expected values are written from those sources, not read back.
import { KEYOS_DEFAULT_SERVERS, keyosProvider, type KeyosOptions } from '../../src/providers/keyos';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
// base64 of "<KeyOSAuthenticationXML><Data>…</Data></KeyOSAuthenticationXML>" (shortened).
const AUTH_XML = 'PEtleU9TQXV0aGVudGljYXRpb25YTUw+PERhdGE+PC9EYXRhPjwvS2V5T1NBdXRoZW50aWNhdGlvblhNTD4=';
const options: KeyosOptions = { token: AUTH_XML };

function request(keySystem: string, overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url: KEYOS_DEFAULT_SERVERS[keySystem]!,
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

const failure = (keySystem: string, status: number, bodyText = '') =>
  keyosProvider.decodeFailure({ kind: 'license', keySystem, status, headers: {}, bodyText }, options);

describe('keyos preset', () => {
  it('defaults to the licensekeyserver.com hosts of the public KeyOS integrations', () => {
    expect(KEYOS_DEFAULT_SERVERS[WV]).toBe('https://wv-keyos.licensekeyserver.com/');
    expect(KEYOS_DEFAULT_SERVERS[PR]).toBe('https://pr-keyos.licensekeyserver.com/core/rightsmanager.asmx');
    expect(KEYOS_DEFAULT_SERVERS[FP]).toBe('https://fp-keyos.licensekeyserver.com/getkey');
  });

  it('sends the Authentication XML as x-keyos-authorization, body and URL untouched', () => {
    const out = keyosProvider.rewriteRequest(request(WV), AUTH_XML, options);
    expect(out.url).toBe('https://wv-keyos.licensekeyserver.com/');
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'x-keyos-authorization': AUTH_XML });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    expect(out.secrets).toContain(AUTH_XML);
  });

  it('sends it in another header when told (older integrations: customdata)', () => {
    const out = keyosProvider.rewriteRequest(request(PR), AUTH_XML, { ...options, header: 'customdata' });
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', customdata: AUTH_XML });
  });

  it('FairPlay: the form spc=<base64 SPC>&assetId=<skd:// host>, the CKC out of <ckc>', () => {
    const spc = new Uint8Array([0xfb, 0xff, 0x01]); // base64 "+/8B": + and / percent-encoded in a form
    const skd = new TextEncoder().encode('skd://keyos-asset-42');
    const out = keyosProvider.rewriteRequest(
      request(FP, { headers: {}, body: spc, initData: skd, initDataType: 'skd' }),
      AUTH_XML,
      options,
    );
    expect(out.url).toBe('https://fp-keyos.licensekeyserver.com/getkey');
    expect(out.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', 'x-keyos-authorization': AUTH_XML });
    expect(new TextDecoder().decode(out.body)).toBe('assetId=keyos-asset-42&spc=%2B%2F8B');
    const reply = new TextEncoder().encode('<ckc>wP/u</ckc>');
    const ckc = keyosProvider.unwrapResponse({ kind: 'license', keySystem: FP, url: 'u', status: 200, headers: {}, body: reply }, options);
    expect(Array.from(ckc)).toEqual([0xc0, 0xff, 0xee]);
    expect(keyosProvider.fairPlayContentIdOf?.(options)).toBeNull(); // Shaka's default: the skd:// host
  });

  it('FairPlay certificate: fp-keyos.licensekeyserver.com/cert/<id>.der when the id is given', () => {
    expect(keyosProvider.defaultCertificatesFor?.({ ...options, fairPlayCertificateId: '7e11400c7dccd29d0174c674397d99dd' })).toEqual({
      [FP]: 'https://fp-keyos.licensekeyserver.com/cert/7e11400c7dccd29d0174c674397d99dd.der',
    });
    expect(keyosProvider.defaultCertificatesFor?.(options)).toEqual({});
  });

  it('types failures by status (KeyOS documents none); a PlayReady Client fault is BAD_REQUEST with its faultstring', () => {
    expect(failure(WV, 403, 'denied').code).toBe('NOT_ENTITLED');
    expect(failure(WV, 403).message).toBe('KeyOS license server answered HTTP 403');
    const fault =
      '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
      '<faultcode>soap:Client</faultcode><faultstring>The Authentication XML has expired</faultstring></soap:Fault></soap:Body></soap:Envelope>';
    const client = failure(PR, 500, fault);
    expect(client.code).toBe('BAD_REQUEST');
    expect(client.message).toBe('KeyOS license server answered HTTP 500: The Authentication XML has expired');
    expect(failure(PR, 500, fault.replace('soap:Client', 'soap:Server')).code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a missing token, a header that is not a header name, and a certificate id that is not one', () => {
    expect(keyflowErrorOf(() => keyosProvider.validate({} as KeyosOptions)).message).toMatch(/^keyos: `token` is required/);
    expect(keyflowErrorOf(() => keyosProvider.validate({ ...options, header: 'x y' })).message).toMatch(/^keyos: `header` must be/);
    expect(keyflowErrorOf(() => keyosProvider.validate({ ...options, fairPlayCertificateId: '../x' })).message).toMatch(
      /^keyos: `fairPlayCertificateId`/,
    );
    expect(() => keyosProvider.validate({ token: () => AUTH_XML, header: 'customdata' })).not.toThrow();
  });
});
