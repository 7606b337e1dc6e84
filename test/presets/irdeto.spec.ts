// The irdeto preset against what third-party code and issue threads show Irdeto Control's license
// servers taking (observed, not vendor documentation: medvm/widevine_keys#81 for the URL with
// contentId, keyId and ls_session and the {code, message} error; xbmc/inputstream.adaptive#1077 for
// Authorization: Bearer; public player configurations for the PlayReady path). Expected values are
// written from those URLs, not read back from the preset.
import { irdetoProvider, type IrdetoOptions } from '../../src/providers/irdeto';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhaWQiOiJTUkcifQ.c2lnbmF0dXJl';
const KID = '7832df7fbbd840829fb9a1552efe6238';
const options: IrdetoOptions = { token: JWT, tenant: 'rbm-rtbf', contentId: '2943776_6BA97Bb' };

function request(overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: 'https://rbm-rtbf.live.ott.irdeto.com/licenseServer/widevine/v1/rbm-rtbf/license',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array([8, 1, 2, 3]),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [KID],
    ...overrides,
  };
}

const failure = (status: number, bodyText: string) =>
  irdetoProvider.decodeFailure(
    { kind: 'license', keySystem: WV, status, headers: { 'content-type': 'application/json' }, bodyText },
    options,
  );

describe('irdeto preset', () => {
  it('defaults to the tenant URLs seen in use, one path per DRM; none without a tenant; no FairPlay', () => {
    const servers = irdetoProvider.defaultServersFor!(options);
    expect(servers[WV]).toBe('https://rbm-rtbf.live.ott.irdeto.com/licenseServer/widevine/v1/rbm-rtbf/license');
    expect(servers[PR]).toBe('https://rbm-rtbf.live.ott.irdeto.com/licenseServer/playready/v1/rbm-rtbf/license');
    expect(servers[FP]).toBeUndefined();
    expect(irdetoProvider.defaultServersFor!({ token: JWT, tenant: 'SRG' })[WV]).toBe(
      'https://srg.live.ott.irdeto.com/licenseServer/widevine/v1/SRG/license',
    );
    expect(irdetoProvider.defaultServersFor!({ token: JWT, tenant: 'CUSTOMER', host: 'rng.live.ott.irdeto.com' })[PR]).toBe(
      'https://rng.live.ott.irdeto.com/licenseServer/playready/v1/CUSTOMER/license',
    );
    expect(irdetoProvider.defaultServersFor!({ token: JWT })).toEqual({});
  });

  it('sends contentId, keyId (a UUID) and ls_session in the query, body and headers untouched', () => {
    const out = irdetoProvider.rewriteRequest(request(), JWT, options);
    expect(out.url).toBe(
      'https://rbm-rtbf.live.ott.irdeto.com/licenseServer/widevine/v1/rbm-rtbf/license' +
        `?contentId=2943776_6BA97Bb&keyId=7832df7f-bbd8-4082-9fb9-a1552efe6238&ls_session=${JWT}`,
    );
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
  });

  it("tokenIn: 'header' sends the token as Authorization: Bearer and not in the query", () => {
    const out = irdetoProvider.rewriteRequest(request({ keySystem: PR, headers: {} }), JWT, { ...options, tokenIn: 'header' });
    expect(out.headers).toEqual({ Authorization: `Bearer ${JWT}` });
    expect(new URL(out.url).searchParams.get('ls_session')).toBeNull();
    expect(new URL(out.url).searchParams.get('contentId')).toBe('2943776_6BA97Bb');
  });

  it('a request without a content id fails typed, without sending', () => {
    const error = keyflowErrorOf(() => irdetoProvider.rewriteRequest(request(), JWT, { token: JWT, tenant: 'rbm-rtbf' }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/contentId/);
    expect(error.message).not.toContain(JWT);
  });

  it('reads {code, message}; no code is mapped, the status decides', () => {
    const invalid = failure(
      400,
      '{"code":100100,"message":"The request is invalid. Error while parsing: contentId. Parameter null not expected as an array"}',
    );
    expect(invalid.code).toBe('BAD_REQUEST');
    expect(invalid.providerCode).toBe(100100);
    expect(invalid.message).toBe(
      'Irdeto license server answered HTTP 400: The request is invalid. Error while parsing: contentId. Parameter null not expected as an array [100100]',
    );
    expect(failure(401, '{"code":1,"message":"x"}').code).toBe('TOKEN_INVALID');
    expect(failure(403, '{"code":2,"message":"y"}').code).toBe('NOT_ENTITLED');
    expect(failure(500, 'oops').code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a missing token and unusable tenant, host, contentId and tokenIn', () => {
    const message = (o: Partial<IrdetoOptions>) =>
      keyflowErrorOf(() => irdetoProvider.validate({ token: JWT, ...o } as IrdetoOptions)).message;
    expect(keyflowErrorOf(() => irdetoProvider.validate({} as IrdetoOptions)).message).toMatch(/`token` is required/);
    expect(message({ tenant: 'a/b' })).toMatch(/`tenant` must be/);
    expect(message({ host: 'https://x.irdeto.com' })).toMatch(/`host` must be/);
    expect(message({ contentId: ' ' })).toMatch(/`contentId` must be/);
    expect(message({ tokenIn: 'cookie' as 'query' })).toMatch(/`tokenIn` must be/);
    expect(() =>
      irdetoProvider.validate({ token: () => JWT, tenant: 'SRG', host: 'srg.stage.ott.irdeto.com', contentId: () => 'x' }),
    ).not.toThrow();
  });
});
