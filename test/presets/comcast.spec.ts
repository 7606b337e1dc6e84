// The comcast preset against what public player code sends to and reads from Comcast mpx
// (observed, not vendor documentation: THEOplayer/samples-drm-integration web/src/integration/
// comcastdrm and web/test/comcastdrm; other public player code agrees): JSON-wrapped Widevine and
// FairPlay with token and account in the query, raw PlayReady with auth, account and releasePid;
// the account URI unencoded in the query, as those URLs write it.
// Expected values are written from those sources, not read back from the preset.
import { COMCAST_DEFAULT_SERVERS, comcastProvider, type ComcastOptions } from '../../src/providers/comcast';
import type { DrmRequest } from '../../src/providers/preset';
import { keyflowErrorOf } from '../helpers/errors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const FP = 'com.apple.fps';
const TOKEN = 'R_x7NvSAfBcKYIzMIPp0IfCkwKCoUACo';
const ACCOUNT = 'http://access.auth.theplatform.com/data/Account/2674231433';
const options: ComcastOptions = { token: TOKEN, account: ACCOUNT, releasePid: 'OpQtOYBnJ0yW' };

function request(keySystem: string, body: number[], headers: Record<string, string> = {}): DrmRequest {
  return {
    kind: 'license',
    keySystem,
    url: COMCAST_DEFAULT_SERVERS[keySystem]!,
    headers,
    body: new Uint8Array(body),
    messageType: 'license-request',
    attempt: 0,
    initData: null,
    initDataType: null,
    keyIds: [],
  };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const reply = (keySystem: string, json: unknown) =>
  comcastProvider.unwrapResponse(
    { kind: 'license', keySystem, url: '', status: 200, headers: {}, body: new TextEncoder().encode(JSON.stringify(json)) },
    options,
  );

describe('comcast preset', () => {
  it('defaults to the mpx entitlement hosts player integrations use', () => {
    expect(COMCAST_DEFAULT_SERVERS[WV]).toBe('https://widevine.entitlement.theplatform.com/wv/web/ModularDrm');
    expect(COMCAST_DEFAULT_SERVERS[PR]).toBe('https://playready.entitlement.theplatform.com/playready/rightsmanager.asmx');
    expect(COMCAST_DEFAULT_SERVERS[FP]).toBe('https://fairplay.entitlement.theplatform.com/fpls/web/FairPlay');
  });

  it('Widevine: {"getWidevineLicense":{releasePid, widevineChallenge}} with schema, account, form=json and token in the query', () => {
    const out = comcastProvider.rewriteRequest(request(WV, [8, 4]), TOKEN, options);
    expect(out.url).toBe(
      `https://widevine.entitlement.theplatform.com/wv/web/ModularDrm?schema=1.0&account=${ACCOUNT}&form=json&token=${TOKEN}`,
    );
    expect(out.headers['Content-Type']).toBe('application/json');
    expect(text(out.body)).toBe('{"getWidevineLicense":{"releasePid":"OpQtOYBnJ0yW","widevineChallenge":"CAQ="}}');
    expect(Array.from(reply(WV, { getWidevineLicenseResponse: { license: 'AQID' } }))).toEqual([1, 2, 3]);
  });

  it('FairPlay: {"getFairplayLicense":{releasePid, spcMessage}}, the CKC from getFairplayLicenseResponse.ckcResponse', () => {
    const out = comcastProvider.rewriteRequest(request(FP, [1, 2, 3]), TOKEN, options);
    expect(out.url).toBe(
      `https://fairplay.entitlement.theplatform.com/fpls/web/FairPlay?schema=1.0&account=${ACCOUNT}&form=json&token=${TOKEN}`,
    );
    expect(out.headers['Content-Type']).toBe('application/json');
    expect(text(out.body)).toBe('{"getFairplayLicense":{"releasePid":"OpQtOYBnJ0yW","spcMessage":"AQID"}}');
    expect(Array.from(reply(FP, { getFairplayLicenseResponse: { ckcResponse: 'BAUG' } }))).toEqual([4, 5, 6]);
    expect(comcastProvider.defaultCertificatesFor!(options)).toEqual({}); // your own certificate
  });

  it('PlayReady: the SOAP challenge as it is, auth, account and releasePid in the query, the reply as it is', () => {
    const soap = { 'Content-Type': 'text/xml; charset=utf-8' };
    const out = comcastProvider.rewriteRequest(request(PR, [60, 120, 47, 62], soap), TOKEN, options);
    expect(out.url).toBe(
      `https://playready.entitlement.theplatform.com/playready/rightsmanager.asmx?schema=1.0&account=${ACCOUNT}&auth=${TOKEN}&releasePid=OpQtOYBnJ0yW`,
    );
    expect(out.headers).toEqual(soap);
    expect(text(out.body)).toBe('<x/>');
    const license = new TextEncoder().encode('<soap:Envelope/>');
    const response = { kind: 'license' as const, keySystem: PR, url: '', status: 200, headers: {}, body: license };
    expect(comcastProvider.unwrapResponse(response, options)).toBe(license);
  });

  it('a request without a release PID fails typed, without sending; errors by HTTP status', () => {
    const error = keyflowErrorOf(() => comcastProvider.rewriteRequest(request(WV, [8, 4]), TOKEN, { token: TOKEN, account: ACCOUNT }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).not.toContain(TOKEN);
    const failure = (status: number) =>
      comcastProvider.decodeFailure({ kind: 'license', keySystem: WV, status, headers: {}, bodyText: 'x' }, options);
    expect(failure(401).code).toBe('TOKEN_INVALID');
    expect(failure(403).code).toBe('NOT_ENTITLED');
    expect(failure(422).message).toBe('Comcast mpx license server answered HTTP 422');
  });

  it('refuses a missing token, a missing or malformed account and an empty release PID', () => {
    const message = (o: Partial<ComcastOptions>) =>
      keyflowErrorOf(() => comcastProvider.validate({ ...options, ...o } as ComcastOptions)).message;
    expect(message({ token: '' })).toMatch(/`token` is required/);
    expect(message({ account: undefined as unknown as string })).toMatch(/`account` is required/);
    expect(message({ account: '2674231433' })).toMatch(/`account` is required/);
    expect(message({ account: `${ACCOUNT}&x=1` })).toMatch(/`account` is required/);
    expect(message({ releasePid: '' })).toMatch(/`releasePid` must be/);
    expect(() => comcastProvider.validate({ ...options, token: () => TOKEN, releasePid: () => 'x' })).not.toThrow();
  });
});
