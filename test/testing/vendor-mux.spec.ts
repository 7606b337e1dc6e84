// The Mux emulator against Mux's documentation (mux.com/docs, "Protect videos with DRM"): POST
// license/{widevine,playready}/<playbackId>?token=<DRM license token>, the token a JWT for the
// playback ID (sub) of the DRM license type (aud "d"). FairPlay: GET appcert/fairplay/<playbackId>
// ?token=… is the certificate; the SPC goes raw (application/octet-stream, Mux's native EME
// example) to license/fairplay/<playbackId>?token=…, the reply is the CKC itself.
import { decodeCkc } from '../../src/testing/fairplay-messages';
import { decodeLicense, decodeSignedMessage } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from '../helpers/env';
import { clearVendorRequests, fairPlaySpc, post, vendorRequests, vendorUrl, widevineChallenge } from '../helpers/vendors';

const ID = 'keyflowPlayback01';
const WV_URL = vendorUrl('mux', `license/widevine/${ID}`);
const PR_URL = vendorUrl('mux', `license/playready/${ID}`);
const FP_URL = vendorUrl('mux', `license/fairplay/${ID}`);
const CERT_URL = vendorUrl('mux', `appcert/fairplay/${ID}`);
const OCTETS = { 'Content-Type': 'application/octet-stream' };

async function fetchCertificate(token: string): Promise<Response> {
  return fetch(`${CERT_URL}?token=${token}`);
}

async function drmToken(playbackId = ID, aud = 'd', expiresInSeconds = 600): Promise<string> {
  return (await fetch(vendorUrl('mux', `_token?playbackId=${playbackId}&aud=${aud}&expiresInSeconds=${expiresInSeconds}`))).text();
}

describe('Mux emulator', () => {
  beforeEach(clearVendorRequests);

  it('issues a Widevine license for the playback ID, the token in the query', async () => {
    const answer = await post(`${WV_URL}?token=${await drmToken()}`, await widevineChallenge());
    expect(answer.status).toBe(200);
    const keys = decodeLicense(decodeSignedMessage(answer.bytes).msg!).keys.map((k) => bytesToHex(k.keyId));
    expect(keys.sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const [record] = await vendorRequests('mux');
    expect(record).toEqual(jasmine.objectContaining({ path: `license/widevine/${ID}`, status: 200, drm: 'wv', queryNames: ['token'] }));
  });

  it('refuses tokens that are missing, forged, expired, of another type or another playback ID', async () => {
    const challenge = await widevineChallenge();
    const cases: Array<[string, string, RegExp]> = [
      ['missing', WV_URL, /No token/],
      ['forged', `${WV_URL}?token=${await drmToken()}x`, /Invalid token/],
      ['expired', `${WV_URL}?token=${await drmToken(ID, 'd', -1)}`, /expired/],
      ['playback token', `${WV_URL}?token=${await drmToken(ID, 'v')}`, /Not a DRM license token/],
      ['other playback ID', `${WV_URL}?token=${await drmToken('other')}`, /another playback ID/],
    ];
    for (const [what, url, reason] of cases) {
      const answer = await post(url, challenge);
      expect(answer.status).withContext(what).toBe(403);
      expect(answer.text).withContext(what).toMatch(reason);
    }
  });

  it('PlayReady: an unreadable challenge is 400', async () => {
    expect((await post(`${PR_URL}?token=${await drmToken()}`, '<not-a-challenge/>', { SOAPAction: '"x"' })).status).toBe(400);
  });

  it('FairPlay: the certificate for a DRM license token of the playback ID, refused without one', async () => {
    const answer = await fetchCertificate(await drmToken());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Content-Type')).toBe('application/octet-stream');
    expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await fetch(CERT_URL)).status).toBe(403);
    expect((await fetchCertificate(await drmToken('other'))).status).toBe(403);
    const records = await vendorRequests('mux');
    expect(records[0]).toEqual(
      jasmine.objectContaining({ method: 'GET', path: `appcert/fairplay/${ID}`, status: 200, queryNames: ['token'] }),
    );
  });

  it('FairPlay: the raw SPC in, the raw CKC out, with every key asked for', async () => {
    const certificate = new Uint8Array(await (await fetchCertificate(await drmToken())).arrayBuffer());
    const answer = await post(`${FP_URL}?token=${await drmToken()}`, await fairPlaySpc(certificate), OCTETS);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Content-Type')).toBe('application/octet-stream');
    const ckc = decodeCkc(answer.bytes);
    expect(ckc.nonce).toBe('00112233445566778899aabbccddeeff');
    expect(ckc.keys.map((k) => k.kid).sort()).toEqual([CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid].sort());
    const license = (await vendorRequests('mux')).find((r) => r.method === 'POST');
    expect(license).toEqual(
      jasmine.objectContaining({
        path: `license/fairplay/${ID}`,
        status: 200,
        drm: 'fp',
        queryNames: ['token'],
        contentType: 'application/octet-stream',
      }),
    );
  });

  it('FairPlay: the SPC base64 or as an spc= form field is 400; another certificate 400; no token 403', async () => {
    const certificate = new Uint8Array(await (await fetchCertificate(await drmToken())).arrayBuffer());
    const spc = await fairPlaySpc(certificate);
    const base64 = btoa(String.fromCharCode(...spc));
    const url = `${FP_URL}?token=${await drmToken()}`;
    expect((await post(url, base64, { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect((await post(url, `spc=${encodeURIComponent(base64)}`, { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(
      400,
    );
    const other = await post(url, await fairPlaySpc(new TextEncoder().encode('another certificate')), OCTETS);
    expect(other.status).toBe(400);
    expect(other.text).toMatch(/certificate/);
    expect((await post(FP_URL, spc, OCTETS)).status).toBe(403);
  });
});
