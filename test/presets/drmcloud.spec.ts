// The drmcloud preset against drm.cloud's documentation (developers.drm.cloud "How to issue
// license", "Token", "License acquisition error codes") and Bitmovin's DRM.cloud guide (tenant
// URLs): BrandGuid and UserToken as X-Drm-BrandGuid / X-Drm-UserToken or as query parameters,
// JSON errors {code, status, message, requestId}. Expected values are written from those pages.
import { drmCloudProvider, type DrmCloudOptions } from '../../src/providers/drmcloud';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJraWQiOlsiKiJdfQ.c2ln';
const BRAND = '5a96a0d0-d13f-42b0-ab2b-ba8cfc4aa0a0';
const options: DrmCloudOptions = { token: JWT, tenant: 'acme', brandGuid: BRAND };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://acme.la.drm.cloud/acquire-license/widevine',
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

const failure = (status: number, body: object) =>
  drmCloudProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: JSON.stringify(body) }, options);

describe('drmcloud preset', () => {
  it("defaults to the tenant's acquire-license URLs", () => {
    const servers = drmCloudProvider.defaultServersFor?.(options);
    expect(servers?.[WV]).toBe('https://acme.la.drm.cloud/acquire-license/widevine');
    expect(servers?.[PR]).toBe('https://acme.la.drm.cloud/acquire-license/playready');
    expect(servers?.['com.apple.fps']).toBeUndefined();
  });

  it('sends BrandGuid and UserToken as X-Drm-BrandGuid / X-Drm-UserToken by default, URL and body untouched', () => {
    const out = drmCloudProvider.rewriteRequest(request(), JWT, options);
    expect(out.url).toBe('https://acme.la.drm.cloud/acquire-license/widevine');
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'X-Drm-BrandGuid': BRAND, 'X-Drm-UserToken': JWT });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
  });

  it("placement: 'query' sets BrandGuid and UserToken on the URL instead", () => {
    const out = drmCloudProvider.rewriteRequest(request(), JWT, { ...options, placement: 'query' });
    expect(out.url).toBe(`https://acme.la.drm.cloud/acquire-license/widevine?BrandGuid=${BRAND}&UserToken=${JWT}`);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
  });

  it('reads {code, message}: token codes TOKEN_INVALID, payload and BrandGuid codes BAD_REQUEST, keys by status', () => {
    const expired = failure(403, { code: 'drm_3031', status: 403, message: 'JWT token or access_token is not valid or it has expired.' });
    expect(expired.code).toBe('TOKEN_INVALID');
    expect(expired.providerCode).toBe('drm_3031');
    expect(expired.message).toBe(
      'drm.cloud license server answered HTTP 403: JWT token or access_token is not valid or it has expired. [drm_3031]',
    );
    expect(failure(403, { code: 'drm_3039', status: 403, message: 'One-time token (nonce) has been already used' }).code).toBe(
      'TOKEN_INVALID',
    );
    expect(failure(403, { code: 'drm_4005', status: 403, message: 'BrandGuid is invalid' }).code).toBe('BAD_REQUEST');
    expect(failure(403, { code: 'drm_3033', status: 403, message: 'KeyID in DRM token could not be matched' }).code).toBe('NOT_ENTITLED');
    expect(failure(403, { code: 'drm_3100', status: 403, message: 'License server error' }).code).toBe('LICENSE_SERVER_ERROR');
    expect(failure(500, { code: 'common_3', status: 500, message: 'Internal server error' }).code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a missing tenant, BrandGuid or token, and an unknown placement', () => {
    const message = (o: unknown) => keyflowErrorOf(() => drmCloudProvider.validate(o as DrmCloudOptions)).message;
    expect(message({ ...options, tenant: undefined })).toMatch(/`tenant` is required/);
    expect(message({ ...options, tenant: 'a.b' })).toMatch(/`tenant` is required/);
    expect(message({ ...options, brandGuid: '' })).toMatch(/`brandGuid` is required/);
    // not a GUID: it would go into the query as written and break the URL
    expect(message({ ...options, brandGuid: 'a&UserToken=evil#x' })).toMatch(/`brandGuid` is required: your BrandGuid \(a GUID/);
    expect(() => drmCloudProvider.validate({ ...options, brandGuid: `{${BRAND.toUpperCase()}}` })).not.toThrow();
    expect(message({ ...options, token: undefined })).toMatch(/`token` is required/);
    expect(message({ ...options, placement: 'body' })).toMatch(/`placement` must be/);
    expect(() => drmCloudProvider.validate({ ...options, token: () => JWT, placement: 'query' })).not.toThrow();
  });
});
