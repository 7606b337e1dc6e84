// The NAGRA emulator against NAGRA's documentation (docs.nagra.com, NAGRA SSP Multi-DRM): POST
// /{tenantId}/{wvls,prls}/contentlicenseservice/v1/licenses, the ContentAuthZ JWT in
// nv-authorizations, refusals with HTTP 400 and the documented error codes (SSP 20.49 list).
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const TENANT = 'KEYFLOW1';
const WV_URL = vendorUrl('nagra', `${TENANT}/wvls/contentlicenseservice/v1/licenses`);
const PR_URL = vendorUrl('nagra', `${TENANT}/prls/contentlicenseservice/v1/licenses`);
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];

async function contentToken(kids: string[] = BOTH, expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('nagra', `_token?kids=${kids.join(',')}&expiresInSeconds=${expiresInSeconds}`))).text();
}

describe('NAGRA emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the token’s content rights, the token in nv-authorizations', async () => {
    const answer = await post(WV_URL, await widevineChallenge(), { 'nv-authorizations': await contentToken(), 'nv-tenant-id': TENANT });
    expect(answer.status).toBe(200);
    const license = decodeLicense(decodeSignedMessage(answer.bytes).msg!);
    expect(license.keys.map((k) => bytesToHex(k.keyId)).sort()).toEqual([...BOTH].sort());
    const [record] = await vendorRequests('nagra');
    expect(record).toEqual(jasmine.objectContaining({ path: `${TENANT}/wvls/contentlicenseservice/v1/licenses`, status: 200, drm: 'wv' }));
    expect(record!.headerNames).toEqual(jasmine.arrayContaining(['nv-authorizations', 'nv-tenant-id']));
  });

  it('refuses with HTTP 400 and the documented codes', async () => {
    const challenge = await widevineChallenge();
    const jwt = await contentToken();
    const cases: Array<[string, Promise<{ status: number; text: string }>, number]> = [
      ['no token', post(WV_URL, challenge), 4001],
      ['forged', post(WV_URL, challenge, { 'nv-authorizations': `${jwt}x` }), 3005],
      ['expired', post(WV_URL, challenge, { 'nv-authorizations': await contentToken(BOTH, -1) }), 4005],
      ['other tenant', post(WV_URL, challenge, { 'nv-authorizations': jwt, 'nv-tenant-id': 'OTHER' }), 4009],
      ['other keys', post(WV_URL, challenge, { 'nv-authorizations': await contentToken([CONTENT_KEYS.video.kid]) }), 4011],
      ['garbage', post(WV_URL, new Uint8Array([1, 2, 3]), { 'nv-authorizations': jwt }), 2001],
    ];
    for (const [what, answer, code] of cases) {
      const { status, text } = await answer;
      expect(status).withContext(what).toBe(400);
      expect((JSON.parse(text) as { errorCode: number }).errorCode)
        .withContext(what)
        .toBe(code);
    }
  });

  it('PlayReady at prls: refusals are the same', async () => {
    const answer = await post(PR_URL, '<not-a-challenge/>', { 'nv-authorizations': await contentToken(), SOAPAction: '"x"' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual(jasmine.objectContaining({ errorCode: 2001 }));
  });
});
