// The verimatrix preset against Verimatrix's documentation (docs.verimatrix.com): a JWT in a
// header of every license request ("Generate tokens for authorization"), license tokens single use
// (required `jti`) and short-lived (at most iat + 120 s, "Authorization Overview"), FairPlay as JSON
// {"spc": base64} with Content-Type application/json and {"ckc": base64} back ("DRM Specific
// Integration"). The header name and the URLs are those of THEOplayer's Verimatrix integration
// (Authorization: <jwt>, no Bearer). Expected values are written from those sources.
import { VERIMATRIX_DEFAULT_SERVERS, verimatrixProvider, type VerimatrixOptions } from '../../src/providers/verimatrix';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJpYXQiOjEsImp0aSI6ImEifQ.c2lnbmF0dXJl';
const options: VerimatrixOptions = { token: () => JWT };

function request(keySystem: string, overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url: VERIMATRIX_DEFAULT_SERVERS[keySystem]!,
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

describe('verimatrix preset', () => {
  it('defaults to the Verimatrix Multi-DRM hosts of THEOplayer’s integration', () => {
    expect(VERIMATRIX_DEFAULT_SERVERS[WV]).toBe('https://multidrm.vsaas.verimatrixcloud.net/widevine');
    expect(VERIMATRIX_DEFAULT_SERVERS[PR]).toBe('https://multidrm.vsaas.verimatrixcloud.net/playready');
    expect(VERIMATRIX_DEFAULT_SERVERS[FP]).toBe('https://multidrm.vsaas.verimatrixcloud.net/fairplay');
  });

  it('sends the JWT as the whole Authorization value (no Bearer), body and URL untouched', () => {
    const out = verimatrixProvider.rewriteRequest(request(WV), JWT, options);
    expect(out.url).toBe('https://multidrm.vsaas.verimatrixcloud.net/widevine');
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', Authorization: JWT });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    expect(out.secrets).toContain(JWT);
  });

  it('asks for a new token for every license request (jti, single use)', () => {
    expect(verimatrixProvider.tokenReuse?.(options)).toBe('per-request');
  });

  it('FairPlay: {"spc": base64} as application/json, the license from {"ckc": base64}', () => {
    const spc = new Uint8Array([0xfb, 0xff, 0x01]);
    const out = verimatrixProvider.rewriteRequest(request(FP, { headers: {}, body: spc }), JWT, options);
    expect(out.headers).toEqual({ 'Content-Type': 'application/json', Authorization: JWT });
    expect(new TextDecoder().decode(out.body)).toBe('{"spc":"+/8B"}');
    const reply = new TextEncoder().encode('{"ckc":"wP/u"}');
    const ckc = verimatrixProvider.unwrapResponse(
      { kind: 'license', keySystem: FP, url: 'u', status: 200, headers: {}, body: reply },
      options,
    );
    expect(Array.from(ckc)).toEqual([0xc0, 0xff, 0xee]);
    expect(verimatrixProvider.fairPlayContentIdOf?.(options)?.('skd://asset/7?x=1')).toBe('asset/7?x=1');
  });

  it('Widevine and PlayReady replies are the license itself', () => {
    const body = new Uint8Array([1, 2, 3]);
    expect(verimatrixProvider.unwrapResponse({ kind: 'license', keySystem: PR, url: 'u', status: 200, headers: {}, body }, options)).toBe(
      body,
    );
  });

  it('types failures by HTTP status (Verimatrix documents no error replies)', () => {
    const failure = (status: number) =>
      verimatrixProvider.decodeFailure(
        { kind: 'license', keySystem: WV, status, headers: {}, bodyText: 'Invalid authorization token' },
        options,
      );
    expect(failure(401).code).toBe('TOKEN_INVALID');
    expect(failure(403).code).toBe('NOT_ENTITLED');
    expect(failure(403).message).toMatch(/^Verimatrix license server answered HTTP 403/);
  });

  it('refuses a missing token', () => {
    expect(keyflowErrorOf(() => verimatrixProvider.validate({} as VerimatrixOptions)).message).toMatch(/^verimatrix: `token` is required/);
    expect(() => verimatrixProvider.validate(options)).not.toThrow();
  });
});
