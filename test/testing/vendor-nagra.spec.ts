// The NAGRA emulator against NAGRA's documentation (docs.nagra.com, NAGRA SSP Multi-DRM): POST
// /{tenantId}/{wvls,prls}/contentlicenseservice/v1/licenses, the ContentAuthZ JWT in
// nv-authorizations, refusals with HTTP 400 and the documented error codes (SSP 20.49 list).
// FairPlay as NAGRA's player samples use it: GET …/fpls/contentlicenseservice/v1/certificates (no
// token), the SPC raw to …/fpls/…/licenses, the reply {"CkcMessage": "<base64 CKC>"}.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const TENANT = 'KEYFLOW1';
const WV_URL = vendorUrl('nagra', `${TENANT}/wvls/contentlicenseservice/v1/licenses`);
const PR_URL = vendorUrl('nagra', `${TENANT}/prls/contentlicenseservice/v1/licenses`);
const FP_URL = vendorUrl('nagra', `${TENANT}/fpls/contentlicenseservice/v1/licenses`);
const CERT_URL = vendorUrl('nagra', `${TENANT}/fpls/contentlicenseservice/v1/certificates`);
const BOTH = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid];
const OCTETS = { 'Content-Type': 'application/octet-stream' };

async function certificate(): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(CERT_URL)).arrayBuffer());
}

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

  it('FairPlay: the certificate without a token, raw', async () => {
    const answer = await fetch(CERT_URL);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Content-Type')).toBe('application/octet-stream');
    expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('FairPlay: the raw SPC in, {"CkcMessage": "<base64 CKC>"} out, with the entitled keys', async () => {
    const headers = { ...OCTETS, 'nv-authorizations': await contentToken(), 'nv-tenant-id': TENANT };
    const answer = await post(FP_URL, await fairPlaySpc(await certificate()), headers);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    const { CkcMessage } = JSON.parse(answer.text) as { CkcMessage: string };
    const ckc = decodeCkc(Uint8Array.from(atob(CkcMessage), (c) => c.charCodeAt(0)));
    expect(ckc.keys.map((k) => k.kid).sort()).toEqual([...BOTH].sort());
    const license = (await vendorRequests('nagra')).find((r) => r.method === 'POST');
    expect(license).toEqual(jasmine.objectContaining({ status: 200, drm: 'fp', contentType: 'application/octet-stream' }));
  });

  it('FairPlay: an SPC base64, as a form field or made with another certificate is 2001; no token 4001; other keys 4011', async () => {
    const spc = await fairPlaySpc(await certificate());
    const base64 = btoa(String.fromCharCode(...spc));
    const token = { 'nv-authorizations': await contentToken() };
    const cases: Array<[string, Promise<{ status: number; text: string }>, number]> = [
      ['base64', post(FP_URL, base64, { ...token, 'Content-Type': 'text/plain' }), 2001],
      ['form', post(FP_URL, `spc=${encodeURIComponent(base64)}`, { ...token, 'Content-Type': 'application/x-www-form-urlencoded' }), 2001],
      [
        'other certificate',
        post(FP_URL, await fairPlaySpc(new TextEncoder().encode('another certificate')), { ...token, ...OCTETS }),
        2001,
      ],
      ['no token', post(FP_URL, spc, OCTETS), 4001],
      ['other keys', post(FP_URL, spc, { ...OCTETS, 'nv-authorizations': await contentToken([CONTENT_KEYS.video.kid]) }), 4011],
    ];
    for (const [what, answer, code] of cases) {
      const { status, text } = await answer;
      expect(status).withContext(what).toBe(400);
      expect((JSON.parse(text) as { errorCode: number }).errorCode)
        .withContext(what)
        .toBe(code);
    }
  });
});
