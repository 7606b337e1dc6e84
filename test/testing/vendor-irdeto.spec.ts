// The Irdeto emulator against what third-party code and issue threads show Irdeto Control's license
// servers doing (observed, not vendor documentation; see src/testing/node/vendors/irdeto.ts):
// POST /licenseServer/<drm>/v1/<tenant>/license with contentId and keyId in the query, the session
// JWT as ls_session or Authorization: Bearer, errors as JSON {code, message} (100100 for a request
// without a content id).
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const TENANT = 'keyflow';
const CONTENT = 'keyflow-sample';
const WV_URL = vendorUrl('irdeto', `licenseServer/widevine/v1/${TENANT}/license`);
const PR_URL = vendorUrl('irdeto', `licenseServer/playready/v1/${TENANT}/license`);
const KEY_ID = '7832df7f-bbd8-4082-9fb9-a1552efe6238';

async function session(contentId = CONTENT, expiresInSeconds = 600, tenant = TENANT): Promise<string> {
  return (await fetch(vendorUrl('irdeto', `_token?tenant=${tenant}&contentId=${contentId}&expiresInSeconds=${expiresInSeconds}`))).text();
}

const query = (token: string, contentId = CONTENT) => `?contentId=${contentId}&keyId=${KEY_ID}&ls_session=${token}`;

describe('Irdeto emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license, the session token as ls_session', async () => {
    const answer = await post(WV_URL + query(await session()), await widevineChallenge());
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('irdeto');
    expect(record).toEqual(jasmine.objectContaining({ path: `licenseServer/widevine/v1/${TENANT}/license`, status: 200, drm: 'wv' }));
  });

  it('takes the token as Authorization: Bearer too, but not in both places', async () => {
    const jwt = await session();
    const bearer = await post(`${WV_URL}?contentId=${CONTENT}`, await widevineChallenge(), { Authorization: `Bearer ${jwt}` });
    expect(bearer.status).toBe(200);
    const both = await post(WV_URL + query(jwt), await widevineChallenge(), { Authorization: `Bearer ${jwt}` });
    expect(both.status).toBe(400);
  });

  it('refuses as JSON {code, message}: 100100 without a content id, 401 tokens, 403 other content', async () => {
    const challenge = await widevineChallenge();
    const jwt = await session();
    const cases: Array<[string, string, number, number | null, RegExp]> = [
      ['no contentId', `${WV_URL}?ls_session=${jwt}`, 400, 100100, /^The request is invalid\. Error while parsing: contentId/],
      ['bad keyId', `${WV_URL}?contentId=${CONTENT}&keyId=nope&ls_session=${jwt}`, 400, 100100, /keyId/],
      ['no token', `${WV_URL}?contentId=${CONTENT}`, 401, null, /No session token/],
      ['forged', WV_URL + query(`${jwt}x`), 401, null, /not valid/],
      ['expired', WV_URL + query(await session(CONTENT, -1)), 401, null, /expired/],
      ['other account', WV_URL + query(await session(CONTENT, 600, 'other')), 401, null, /another account/],
      ['other content', WV_URL + query(await session('other-title')), 403, null, /does not entitle/],
    ];
    for (const [what, url, status, code, message] of cases) {
      const answer = await post(url, challenge);
      expect(answer.status).withContext(what).toBe(status);
      const body = JSON.parse(answer.text) as { code: unknown; message: string };
      expect(typeof body.code)
        .withContext(what)
        .toBe('number');
      if (code !== null) expect(body.code).withContext(what).toBe(code);
      expect(body.message).withContext(what).toMatch(message);
    }
  });

  it('PlayReady: refusals are the same JSON', async () => {
    const answer = await post(PR_URL + query(await session()), '<not-a-challenge/>', { SOAPAction: '"x"' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual(jasmine.objectContaining({ code: 100100 }));
  });
});
