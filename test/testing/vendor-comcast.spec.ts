// The Comcast mpx emulator against what public player code sends and reads (observed, not vendor
// documentation; see src/testing/node/vendors/comcast.ts): JSON-wrapped Widevine with token and
// account in the query, raw PlayReady with auth/account/releasePid, 422 for a malformed URL.
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const ACCOUNT = 'http://access.auth.theplatform.com/data/Account/1234567890';
const PID = 'keyflowPid01';
const WV_URL = vendorUrl('comcast', 'wv/web/ModularDrm');
const PR_URL = vendorUrl('comcast', 'playready/rightsmanager.asmx');

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
});
