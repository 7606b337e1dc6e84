// The mux preset against Mux's documentation (mux.com/docs, "Protect videos with DRM": "Creating
// license URLs" and the Shaka player example): per playback ID, license/{widevine,playready,
// fairplay}/<id>?token=… and the FairPlay certificate appcert/fairplay/<id>?token=…, the SPC raw as
// application/octet-stream. Expected values are written from that page, not read back from the preset.
import { muxProvider, type MuxOptions } from '../../src/providers/mux';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJxeGIwMWk2VDIwMjAxOEdGUyIsImF1ZCI6ImQifQ.c2lnbmF0dXJl';
const ID = 'qxb01i6T202018GFS02vp9RIe01icTcDCjVzQpmaB00CUisJ4';
const options: MuxOptions = { token: JWT, playbackId: ID };

function request(overrides: Partial<DrmRequest>): DrmRequest {
  return {
    kind: 'license',
    keySystem: WV,
    url: `https://license.mux.com/license/widevine/${ID}`,
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

describe('mux preset', () => {
  it('defaults to the documented per-playback-ID license and FairPlay certificate URLs; none without a playback ID', () => {
    const servers = muxProvider.defaultServersFor!(options);
    expect(servers[WV]).toBe(`https://license.mux.com/license/widevine/${ID}`);
    expect(servers[PR]).toBe(`https://license.mux.com/license/playready/${ID}`);
    expect(servers[FP]).toBe(`https://license.mux.com/license/fairplay/${ID}`);
    expect(muxProvider.defaultCertificatesFor!(options)).toEqual({ [FP]: `https://license.mux.com/appcert/fairplay/${ID}` });
    expect(muxProvider.defaultServersFor!({ token: JWT })).toEqual({});
    expect(muxProvider.defaultCertificatesFor!({ token: JWT })).toEqual({});
  });

  it('puts the DRM license token in the `token` query parameter, the body untouched', () => {
    const out = muxProvider.rewriteRequest(request({}), JWT, options);
    expect(out.url).toBe(`https://license.mux.com/license/widevine/${ID}?token=${JWT}`);
    expect(out.headers).toEqual({});
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    const pr = muxProvider.rewriteRequest(request({ keySystem: PR, url: `https://license.mux.com/license/playready/${ID}` }), JWT, options);
    expect(pr.url).toBe(`https://license.mux.com/license/playready/${ID}?token=${JWT}`);
  });

  it('FairPlay: the SPC as application/octet-stream, the reply is the CKC; the certificate request carries the token too', () => {
    const out = muxProvider.rewriteRequest(request({ keySystem: FP, url: `https://license.mux.com/license/fairplay/${ID}` }), JWT, options);
    expect(out.url).toBe(`https://license.mux.com/license/fairplay/${ID}?token=${JWT}`);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    const ckc = new Uint8Array([1, 2, 3]);
    const reply = { kind: 'license' as const, keySystem: FP, url: out.url, status: 200, headers: {}, body: ckc };
    expect(muxProvider.unwrapResponse(reply, options)).toBe(ckc);
    expect(muxProvider.handlesCertificates(options)).toBe(true);
    const cert = muxProvider.rewriteRequest(
      request({ kind: 'certificate', keySystem: FP, url: `https://license.mux.com/appcert/fairplay/${ID}`, body: new Uint8Array(0) }),
      JWT,
      options,
    );
    expect(cert.url).toBe(`https://license.mux.com/appcert/fairplay/${ID}?token=${JWT}`);
  });

  it('errors by HTTP status (Mux documents no license error replies), the token never in the message', () => {
    const failure = (status: number) =>
      muxProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: `bad ${JWT}` }, options);
    expect(failure(403).code).toBe('NOT_ENTITLED');
    expect(failure(403).message).toBe('Mux license server answered HTTP 403');
    expect(failure(400).code).toBe('BAD_REQUEST');
  });

  it('refuses a missing token and a playback ID that is not one', () => {
    expect(keyflowErrorOf(() => muxProvider.validate({} as MuxOptions)).message).toMatch(/`token` is required/);
    expect(keyflowErrorOf(() => muxProvider.validate({ token: JWT, playbackId: 'a/b?c' })).message).toMatch(/`playbackId` must be/);
    expect(() => muxProvider.validate({ token: () => JWT, playbackId: ID })).not.toThrow();
  });
});
