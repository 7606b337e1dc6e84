// The Comcast mpx emulator against what public player code sends and reads (observed, not vendor
// documentation; see src/testing/node/vendors/comcast.ts): JSON-wrapped Widevine with token and
// account in the query, raw PlayReady with auth/account/releasePid, 422 for a malformed URL.
// FairPlay like Widevine: {"getFairplayLicense":{"releasePid","spcMessage"}} in,
// {"getFairplayLicenseResponse":{"ckcResponse"}} out (THEOplayer's Comcast FairPlay integration).
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const ACCOUNT = 'http://access.auth.theplatform.com/data/Account/1234567890';
const PID = 'keyflowPid01';
const WV_URL = vendorUrl('comcast', 'wv/web/ModularDrm');
const PR_URL = vendorUrl('comcast', 'playready/rightsmanager.asmx');
const FP_URL = vendorUrl('comcast', 'fpls/web/FairPlay');
const JSON_TYPE = { 'Content-Type': 'application/json' };
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
/** An SPC as the test CDM writes it with the app's certificate (Comcast serves none). */
const spc = () => fairPlaySpc(new TextEncoder().encode('the app’s FairPlay certificate'));

async function mpxToken(pids = [PID], expiresInSeconds = 600, account = ACCOUNT): Promise<string> {
  const query = `account=${encodeURIComponent(account)}&releasePids=${pids.join(',')}&expiresInSeconds=${expiresInSeconds}`;
  return (await fetch(vendorUrl('comcast', `_token?${query}`))).text();
}

const wvQuery = (token: string) => `?schema=1.0&form=json&account=${encodeURIComponent(ACCOUNT)}&token=${token}`;
const wvBody = async (releasePid = PID) =>
  JSON.stringify({ getWidevineLicense: { releasePid, widevineChallenge: btoa(String.fromCharCode(...(await widevineChallenge()))) } });

describe('Comcast mpx emulator', () => {
  beforeEach(clearVendorRequests);

  it('answers {"getWidevineLicense":…} with {"getWidevineLicenseResponse":{"license":<base64>}}', async () => {
    const answer = await post(WV_URL + wvQuery(await mpxToken()), await wvBody(), { 'Content-Type': 'application/json' });
    expect(answer.status).toBe(200);
    const { license } = (JSON.parse(answer.text) as { getWidevineLicenseResponse: { license: string } }).getWidevineLicenseResponse;
    const bytes = Uint8Array.from(atob(license), (c) => c.charCodeAt(0));
    const keys = decodeLicense(decodeSignedMessage(bytes).msg!).keys.map((k) => bytesToHex(k.keyId));
    expect(keys.sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('comcast');
    expect(record).toEqual(jasmine.objectContaining({ path: 'wv/web/ModularDrm', status: 200, drm: 'wv' }));
  });

  it('refuses: 422 for a malformed URL or body, 401 tokens, 403 another release', async () => {
    const jwt = await mpxToken();
    const cases: Array<[string, string, string, number]> = [
      ['no schema', `${WV_URL}?form=json&account=${encodeURIComponent(ACCOUNT)}&token=${jwt}`, await wvBody(), 422],
      ['raw body', WV_URL + wvQuery(jwt), 'CAQ=', 422],
      ['no token', `${WV_URL}?schema=1.0&form=json&account=${encodeURIComponent(ACCOUNT)}`, await wvBody(), 401],
      ['forged', WV_URL + wvQuery(`${jwt}x`), await wvBody(), 401],
      ['expired', WV_URL + wvQuery(await mpxToken([PID], -1)), await wvBody(), 401],
      ['other account', WV_URL + wvQuery(await mpxToken([PID], 600, `${ACCOUNT}9`)), await wvBody(), 401],
      ['other release', WV_URL + wvQuery(jwt), await wvBody('otherPid'), 403],
    ];
    for (const [what, url, body, status] of cases) {
      expect((await post(url, body, { 'Content-Type': 'application/json' })).status)
        .withContext(what)
        .toBe(status);
    }
  });

  it('PlayReady: auth, account and releasePid in the query; a malformed URL is 422', async () => {
    const jwt = await mpxToken();
    const ok = `${PR_URL}?schema=1.0&account=${encodeURIComponent(ACCOUNT)}&auth=${jwt}&releasePid=${PID}`;
    expect((await post(ok, '<not-a-challenge/>', { SOAPAction: '"x"' })).status).toBe(400);
    expect((await post(`${PR_URL}?schema=1.0&auth=${jwt}`, '<x/>')).status).toBe(422);
  });

  it('FairPlay: answers {"getFairplayLicense":{"releasePid","spcMessage"}} with {"getFairplayLicenseResponse":{"ckcResponse"}}', async () => {
    const body = JSON.stringify({ getFairplayLicense: { releasePid: PID, spcMessage: base64(await spc()) } });
    const answer = await post(FP_URL + wvQuery(await mpxToken()), body, JSON_TYPE);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    const { ckcResponse } = (JSON.parse(answer.text) as { getFairplayLicenseResponse: { ckcResponse: string } }).getFairplayLicenseResponse;
    const ckc = decodeCkc(Uint8Array.from(atob(ckcResponse), (c) => c.charCodeAt(0)));
    expect(ckc.keys.map((k) => k.kid).sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('comcast');
    expect(record).toEqual(
      jasmine.objectContaining({ path: 'fpls/web/FairPlay', status: 200, drm: 'fp', contentType: 'application/json' }),
    );
  });

  it('FairPlay: a raw SPC, an spc= form or the Widevine wrapper is 422; another release 403; a bad SPC 400', async () => {
    const url = FP_URL + wvQuery(await mpxToken());
    const raw = await spc();
    const cases: Array<[string, Uint8Array | string, Record<string, string>, number]> = [
      ['raw SPC', raw, { 'Content-Type': 'application/octet-stream' }, 422],
      ['spc= form', `spc=${encodeURIComponent(base64(raw))}`, { 'Content-Type': 'application/x-www-form-urlencoded' }, 422],
      ['Widevine wrapper', JSON.stringify({ getWidevineLicense: { releasePid: PID, widevineChallenge: base64(raw) } }), JSON_TYPE, 422],
      ['other release', JSON.stringify({ getFairplayLicense: { releasePid: 'otherPid', spcMessage: base64(raw) } }), JSON_TYPE, 403],
      ['not an SPC', JSON.stringify({ getFairplayLicense: { releasePid: PID, spcMessage: 'AAEC' } }), JSON_TYPE, 400],
    ];
    for (const [what, body, headers, status] of cases) {
      expect((await post(url, body, headers)).status)
        .withContext(what)
        .toBe(status);
    }
  });
});
