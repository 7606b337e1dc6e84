// The titanium preset against the only public description of Titanium's wire, THEOplayer's
// Titanium connector (web/src/integration/titaniumdrm): Authorization: Bearer <auth token>, or
// X-TITANIUM-DRM-CDATA = base64 of {"LatensRegistration":{…}}, on license and certificate
// requests; FairPlay as octet-stream with the content id after skd://. Expected values are
// written from that code, not read back from the preset.
import { titaniumProvider, type TitaniumDeviceRegistration, type TitaniumOptions, type TitaniumToken } from '../../src/providers/titanium';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const FP = 'com.apple.fps';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJraWRzIjpbXX0.c2ln';
const REGISTRATION: TitaniumDeviceRegistration = {
  LatensRegistration: { CustomerName: 'acme', AccountName: 'web', PortalId: '1' },
};

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://titanium.example.com/widevine',
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

const rewrite = (options: TitaniumOptions, token: TitaniumToken, overrides: Partial<DrmRequest> = {}) =>
  titaniumProvider.rewriteRequest(request(overrides), token, options);

describe('titanium preset', () => {
  it('publishes no default URLs', () => {
    expect(titaniumProvider.defaultServers).toEqual({});
  });

  it('sends the auth token as Authorization: Bearer, body untouched, on certificate requests too', () => {
    const out = rewrite({ token: JWT }, JWT);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${JWT}` });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    expect(titaniumProvider.handlesCertificates?.({ token: JWT })).toBe(true);
    const certificate = rewrite({ token: JWT }, JWT, { kind: 'certificate', keySystem: FP, body: new Uint8Array() });
    expect(certificate.headers.Authorization).toBe(`Bearer ${JWT}`);
  });

  it('device: X-TITANIUM-DRM-CDATA is base64 of {"LatensRegistration":{…}}, redacted, no Authorization', () => {
    const options: TitaniumOptions = { authorization: 'device', token: REGISTRATION };
    const out = rewrite(options, REGISTRATION);
    const expected = btoa('{"LatensRegistration":{"CustomerName":"acme","AccountName":"web","PortalId":"1"}}');
    expect(out.headers['X-TITANIUM-DRM-CDATA']).toBe(expected);
    expect(out.headers.Authorization).toBeUndefined();
    expect(out.secrets).toContain(expected);
  });

  it('FairPlay: the SPC as application/octet-stream, the content id after skd://, the reply as the CKC', () => {
    const out = rewrite({ token: JWT }, JWT, { keySystem: FP, headers: {}, body: new Uint8Array([1, 2]) });
    expect(out.headers).toEqual({ Authorization: `Bearer ${JWT}`, 'Content-Type': 'application/octet-stream' });
    expect(Array.from(out.body)).toEqual([1, 2]);
    expect(titaniumProvider.fairPlayContentIdOf?.({ token: JWT })?.('skd://asset-7')).toBe('asset-7');
    const ckc = titaniumProvider.unwrapResponse(
      { kind: 'license', keySystem: FP, url: 'https://t/fp', status: 200, headers: {}, body: new Uint8Array([9, 9]) },
      { token: JWT },
    );
    expect(Array.from(ckc)).toEqual([9, 9]);
  });

  it('types errors by HTTP status only', () => {
    const failure = (status: number) =>
      titaniumProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: 'denied' }, { token: JWT });
    expect(failure(401).code).toBe('TOKEN_INVALID');
    expect(failure(403).code).toBe('NOT_ENTITLED');
    expect(failure(403).message).toBe('Titanium license server answered HTTP 403');
  });

  it('refuses a missing token, an incomplete registration, an unknown authorization', () => {
    const message = (o: unknown) => keyflowErrorOf(() => titaniumProvider.validate(o as TitaniumOptions)).message;
    expect(message({})).toMatch(/`token` is required: the auth token/);
    expect(message({ authorization: 'device', token: { LatensRegistration: { CustomerName: 'a' } } })).toMatch(
      /`token` is required: \{ LatensRegistration/,
    );
    expect(message({ authorization: 'cookie', token: JWT })).toMatch(/`authorization` must be/);
    expect(() => titaniumProvider.validate({ authorization: 'device', token: REGISTRATION })).not.toThrow();
  });
});
