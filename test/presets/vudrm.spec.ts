// The vudrm preset against Vualto's documentation (Vualto/vudrm-public-docs): the Shaka guide
// (PlayerIntegrations/shaka.md: X-VUDRM-TOKEN, widevine-license.vudrm.tech/proxy,
// playready-license.vudrm.tech/rightsmanager.asmx, the FairPlay license URL = the skd:// URI with
// "skd" replaced by "https", the raw SPC with Content-Type "ArrayBuffer") and the token page
// (VUDRM-token.md: tokens "designed to be single use"). Expected values are written from those
// pages, not read back from the preset.
import { VUDRM_DEFAULT_SERVERS, vudrmProvider, type VudrmOptions } from '../../src/providers/vudrm';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
// The token structure of VUDRM-token.md.
const TOKEN = 'test-client|2018-26-11T11:01:04Z|cO9H1B2VKw0WyyNTOfoHEw==|05aff2dd06f4c52291b7a032c815ce8f599cf409';
const options: VudrmOptions = { token: () => TOKEN };
const SPC = new Uint8Array([0x00, 0x01, 0xfe]);

function request(keySystem: string, overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url: VUDRM_DEFAULT_SERVERS[keySystem]!,
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

describe('vudrm preset', () => {
  it('defaults to the license URLs of Vualto’s Shaka guide', () => {
    expect(VUDRM_DEFAULT_SERVERS[WV]).toBe('https://widevine-license.vudrm.tech/proxy');
    expect(VUDRM_DEFAULT_SERVERS[PR]).toBe('https://playready-license.vudrm.tech/rightsmanager.asmx');
  });

  it('sends the token as X-VUDRM-TOKEN, body and URL untouched', () => {
    const out = vudrmProvider.rewriteRequest(request(WV), TOKEN, options);
    expect(out.url).toBe('https://widevine-license.vudrm.tech/proxy');
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream', 'X-VUDRM-TOKEN': TOKEN });
    expect(Array.from(out.body)).toEqual([8, 1, 2, 3]);
    expect(out.secrets).toContain(TOKEN);
  });

  it('asks for a new token for every license request (single use)', () => {
    expect(vudrmProvider.tokenReuse?.(options)).toBe('per-request');
  });

  it('FairPlay: the license URL is the skd:// URI with https, the raw SPC as "ArrayBuffer"', () => {
    const skd = new TextEncoder().encode('skd://fairplay-license.vudrm.tech/v2/license/content-7');
    const out = vudrmProvider.rewriteRequest(request(FP, { headers: {}, body: SPC, initData: skd, initDataType: 'skd' }), TOKEN, options);
    expect(out.url).toBe('https://fairplay-license.vudrm.tech/v2/license/content-7');
    expect(out.headers).toEqual({ 'Content-Type': 'ArrayBuffer', 'X-VUDRM-TOKEN': TOKEN });
    expect(out.body).toBe(SPC);
    // The reply is the CKC itself.
    const ckc = new Uint8Array([0xc0, 0xff, 0xee]);
    expect(vudrmProvider.unwrapResponse({ kind: 'license', keySystem: FP, url: 'u', status: 200, headers: {}, body: ckc }, options)).toBe(
      ckc,
    );
  });

  it('FairPlay under modern EME (cenc init data): the skd:// URI from the playlist’s key URIs', () => {
    const out = vudrmProvider.rewriteRequest(
      request(FP, {
        body: SPC,
        initData: new Uint8Array([0, 0, 0, 8, 0x70, 0x73, 0x73, 0x68]),
        initDataType: 'cenc',
        keySystemUris: ['data:text/plain;base64,AAAA', 'skd://fairplay-license.vudrm.tech/v2/license/content-7'],
      }),
      TOKEN,
      options,
    );
    expect(out.url).toBe('https://fairplay-license.vudrm.tech/v2/license/content-7');
  });

  it("FairPlay: an skd:// URI on another host than VUDRM's is refused, the token never sent there", () => {
    const skd = new TextEncoder().encode('skd://evil.example.com/v2/license/content-7');
    const error = keyflowErrorOf(() =>
      vudrmProvider.rewriteRequest(request(FP, { headers: {}, body: SPC, initData: skd, initDataType: 'skd' }), TOKEN, options),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain("not VUDRM's");
    const lookalike = new TextEncoder().encode('skd://vudrm.tech.evil.example/license');
    expect(
      keyflowErrorOf(() =>
        vudrmProvider.rewriteRequest(request(FP, { headers: {}, body: SPC, initData: lookalike, initDataType: 'skd' }), TOKEN, options),
      ).code,
    ).toBe('INVALID_CONFIG');
  });

  it('FairPlay: a license URL the app set in servers is used as it is; no skd:// URI is a typed error', () => {
    const skd = new TextEncoder().encode('skd://fairplay-license.vudrm.tech/v2/license/content-7');
    const own = vudrmProvider.rewriteRequest(
      request(FP, { url: 'https://proxy.example/fp', initData: skd, initDataType: 'skd' }),
      TOKEN,
      options,
    );
    expect(own.url).toBe('https://proxy.example/fp');
    const error = keyflowErrorOf(() => vudrmProvider.rewriteRequest(request(FP, { initData: null }), TOKEN, options));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).not.toContain(TOKEN);
  });

  it('types failures by HTTP status (VUDRM documents no error replies)', () => {
    const failure = (status: number) =>
      vudrmProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: '' }, options);
    expect(failure(403).code).toBe('NOT_ENTITLED');
    expect(failure(403).message).toBe('VUDRM license server answered HTTP 403');
    expect(failure(401).code).toBe('TOKEN_INVALID');
  });

  it('refuses a missing token', () => {
    expect(keyflowErrorOf(() => vudrmProvider.validate({} as VudrmOptions)).message).toMatch(/^vudrm: `token` is required/);
    expect(() => vudrmProvider.validate(options)).not.toThrow();
  });
});
