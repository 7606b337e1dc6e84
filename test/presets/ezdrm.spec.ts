// The ezdrm preset against what EZDRM-made material and public integrations show (EZDRM publishes
// no license-server reference): the profile as `pX` on widevine-dash.ezdrm.com/proxy and
// playready.ezdrm.com/cency/preauth.aspx, the integrator's own query parameters, and FairPlay as
// Shaka's EZDRM helpers do it (lib/drm/fairplay.js: ezdrmInitDataTransform takes the skd:// URI
// after ';', ezdrmFairPlayRequest sends application/octet-stream, commonFairPlayResponse reads the
// CKC) with the license URL fps.ezdrm.com/api/licenses/<asset id> of EZDRM's demo integrations.
// Expected values are written from those sources, not read back from the preset.
import { EZDRM_DEFAULT_SERVERS, ezdrmProvider, type EzdrmOptions } from '../../src/providers/ezdrm';
import type { LicenseServers } from '../../src/api/key-systems';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const ASSET = '297f600f-1234-1234-b060-2ac13cc42585';
// The skd:// URI of EZDRM's CPIX answer (Qencode's EZDRM FairPlay tutorial): skd://fps.ezdrm.com/;<kid>.
const SKD = `skd://fps.ezdrm.com/;${ASSET}`;
const SPC = new Uint8Array([0x00, 0x01, 0xfe, 0xff]);

type Options = EzdrmOptions & { servers?: LicenseServers };

function request(keySystem: string, url: string, overrides: Partial<DrmRequest> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url,
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

/** As the glue calls it: the request's URL is the configured (or default) server URL. */
function shape(options: Options, keySystem: string, token: unknown = null, overrides: Partial<DrmRequest> = {}) {
  ezdrmProvider.validate(options);
  const url = options.servers?.[keySystem] ?? ezdrmProvider.defaultServersFor!(options)[keySystem]!;
  return ezdrmProvider.rewriteRequest(request(keySystem, url, overrides), token as never, options);
}

describe('ezdrm preset', () => {
  it('defaults to EZDRM’s hosts, the profile as pX on Widevine and PlayReady', () => {
    const servers = ezdrmProvider.defaultServersFor!({ profile: '5197BC' });
    expect(servers[WV]).toBe('https://widevine-dash.ezdrm.com/proxy?pX=5197BC');
    expect(servers[PR]).toBe('https://playready.ezdrm.com/cency/preauth.aspx?pX=5197BC');
    expect(EZDRM_DEFAULT_SERVERS[WV]).toBe('https://widevine-dash.ezdrm.com/proxy');
  });

  it('sends Widevine and PlayReady as they are, with pX and the own parameters from the token', () => {
    const options: Options = { profile: '5197BC', params: { CustomData: '{token}', contentId: 'movie-1' }, token: 'abc+/=' };
    const wv = shape(options, WV, 'abc+/=');
    expect(wv.url).toBe('https://widevine-dash.ezdrm.com/proxy?pX=5197BC&CustomData=abc%2B%2F%3D&contentId=movie-1');
    expect(wv.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect(Array.from(wv.body)).toEqual([8, 1, 2, 3]);
    expect(wv.secrets).toContain('abc+/=');
    const pr = shape({ profile: 'A-1', params: { user_id: '{token.userId}' }, token: () => ({ userId: 'u7' }) }, PR, { userId: 'u7' });
    expect(pr.url).toBe('https://playready.ezdrm.com/cency/preauth.aspx?pX=A-1&user_id=u7');
  });

  it('FairPlay: the license URL fps.ezdrm.com/api/licenses/<asset id after ;>, the SPC as octet-stream', () => {
    const skd = new TextEncoder().encode(SKD);
    const out = shape({ profile: '5197BC' }, FP, null, { headers: {}, body: SPC, initData: skd, initDataType: 'skd' });
    expect(out.url).toBe(`https://fps.ezdrm.com/api/licenses/${ASSET}`);
    expect(out.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect(out.body).toBe(SPC);
    expect(ezdrmProvider.fairPlayContentIdOf?.({})?.(SKD)).toBe(ASSET);
  });

  it('FairPlay: reads the CKC as Shaka’s commonFairPlayResponse (<ckc> base64, or the CKC itself)', () => {
    const ckc = new Uint8Array([0xc0, 0xff, 0xee]);
    const response = (body: Uint8Array) => ({ kind: 'license' as const, keySystem: FP, url: 'u', status: 200, headers: {}, body });
    expect(Array.from(ezdrmProvider.unwrapResponse(response(new TextEncoder().encode('<ckc>wP/u</ckc>')), {}))).toEqual([0xc0, 0xff, 0xee]);
    expect(ezdrmProvider.unwrapResponse(response(ckc), {})).toBe(ckc);
    // Widevine licenses are not touched.
    const wv = { ...response(new TextEncoder().encode('<ckc>wP/u</ckc>')), keySystem: WV };
    expect(ezdrmProvider.unwrapResponse(wv, {})).toBe(wv.body);
  });

  it('types failures by HTTP status only (EZDRM documents no error replies)', () => {
    const failure = (status: number, bodyText: string) =>
      ezdrmProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText }, {});
    const denied = failure(403, 'Unknown or missing profile (pX)');
    expect(denied.code).toBe('NOT_ENTITLED');
    expect(denied.message).toMatch(/^EZDRM license server answered HTTP 403/);
    expect(denied.providerCode).toBeUndefined();
    expect(failure(500, '').code).toBe('LICENSE_SERVER_ERROR');
  });

  it('refuses a profile that is not an id, params that are not templates, and {token} without a token', () => {
    expect(keyflowErrorOf(() => ezdrmProvider.validate({ profile: 'a&b=c' })).message).toMatch(/^ezdrm: `profile` must be/);
    expect(keyflowErrorOf(() => ezdrmProvider.validate({ params: ['x'] as never })).message).toMatch(/^ezdrm: `params` must be/);
    expect(keyflowErrorOf(() => ezdrmProvider.validate({ params: { a: 1 as never } })).message).toMatch(/^ezdrm: query\['a'\]/);
    expect(keyflowErrorOf(() => ezdrmProvider.validate({ params: { CustomData: '{token}' } })).message).toMatch(
      /^ezdrm: a template uses \{token\} but no `token` is configured/,
    );
    expect(() => ezdrmProvider.validate({})).not.toThrow();
  });
});
