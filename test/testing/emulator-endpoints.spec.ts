// The ExpressPlay emulator's Widevine and PlayReady endpoints, spoken to directly with the
// emulated messages (built here with the same codecs the test CDM uses): certificate, licenses,
// token checks, and the error shapes (JSON for Widevine, SOAP Faults with HTTP 500 for PlayReady);
// and the token API's required DRM parameters, with the codes of Adobe Primetime's Widevine /
// PlayReady license token request references (written out here, not read from the emulator).
import { parseSoapFault } from '../../src/providers/engine/soap-fault';
import {
  buildAcquireLicenseChallenge,
  decodeEmulatedLicense,
  parseAcquireLicenseAnswer,
  PLAYREADY_SOAP_ACTION,
  utf8Bytes,
} from '../../src/testing/playready-messages';
import { TEST_CDM_CLIENT_IDENTIFICATION } from '../../src/testing/test-cdm';
import {
  decodeLicense,
  decodeServiceCertificate,
  decodeSignedMessage,
  encodeClientIdentification,
  encodeLicenseRequest,
  encodeSignedMessage,
  type WidevineLicenseRequest,
} from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { decodeCkc, encodeSpc } from '../../src/testing/fairplay-messages';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken, tokenRequest, type MintOptions } from '../helpers/env';
import { ascii, hex } from '../pssh/helpers';
import { WIDEVINE_DATA, XML_V43 } from '../pssh/vectors';

const SERIAL = ascii('keyflow-emulator');
const PROVIDER = 'expressplay-emulator.shaka-keyflow.test';

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer));
}

function widevineRequest(serial = SERIAL, psshData = WIDEVINE_DATA): WidevineLicenseRequest {
  return {
    contentId: { kind: 'widevine-pssh-data', psshData: [psshData], licenseType: 1, requestId: hex('0f0e0d0c0b0a09080706050403020100') },
    type: 1,
    requestTime: Math.floor(Date.now() / 1000),
    protocolVersion: 21,
    keyControlNonce: 7,
    encryptedClientId: {
      providerId: PROVIDER,
      serviceCertificateSerialNumber: serial,
      encryptedClientId: encodeClientIdentification(TEST_CDM_CLIENT_IDENTIFICATION),
      encryptedClientIdIv: new Uint8Array(16),
    },
  };
}

async function signed(request: WidevineLicenseRequest, tamper = false): Promise<Uint8Array> {
  const msg = encodeLicenseRequest(request);
  const signature = await sha256(msg);
  if (tamper) signature[0]! ^= 1;
  return encodeSignedMessage({ type: 1, msg, signature });
}

async function post(
  url: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; bytes: Uint8Array; text: string }> {
  const response = await fetch(url, { method: 'POST', body: body.slice().buffer, headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, type: response.headers.get('content-type') ?? '', bytes, text: new TextDecoder().decode(bytes) };
}

describe('ExpressPlay emulator: Widevine endpoints', () => {
  beforeEach(clearEmulatorRequests);

  it('serves its service certificate at /hms/wv/certificate (GET, no token) and logs it', async () => {
    const response = await fetch(at('hms/wv/certificate'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const cert = decodeServiceCertificate(new Uint8Array(await response.arrayBuffer()));
    expect(cert.providerId).toBe(PROVIDER);
    expect(bytesToHex(cert.serialNumber)).toBe(bytesToHex(SERIAL));
    const log = await emulatorRequests();
    expect(log.map((r) => `${r.method} ${r.kind} ${r.drm} ${r.status}`)).toEqual(['GET certificate wv 200']);
  });

  it('answers 08 04 at the license URL with a SERVICE_CERTIFICATE message, without a token', async () => {
    const answer = await post(at('hms/wv/rights/'), hex('0804'));
    expect(answer.status).toBe(200);
    expect(bytesToHex(answer.bytes.subarray(0, 2))).toBe('0805');
    expect(decodeServiceCertificate(answer.bytes).providerId).toBe(PROVIDER);
    expect((await emulatorRequests()).map((r) => `${r.kind} ${r.path} ${r.hadToken}`)).toEqual(['certificate /hms/wv/rights/ false']);
  });

  it('answers a license request with a LICENSE carrying the granted keys in clear, request_id echoed', async () => {
    const url = await mintToken({ drm: 'wv' });
    const answer = await post(url, await signed(widevineRequest()));
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/octet-stream');
    const message = decodeSignedMessage(answer.bytes);
    expect(message.type).toBe(2);
    expect(bytesToHex(message.signature!)).toBe(bytesToHex(await sha256(message.msg!)));
    const license = decodeLicense(message.msg!);
    expect(bytesToHex(license.id.requestId)).toBe('0f0e0d0c0b0a09080706050403020100');
    expect(license.policy.canPlay).toBe(true);
    expect(license.protectionScheme).toBe(0x63626373); // 'cbcs', from the PSSH data
    expect(license.keys.map((k) => [bytesToHex(k.keyId), bytesToHex(k.key), k.type])).toEqual([
      [CONTENT_KEYS.video.kid, CONTENT_KEYS.video.key, 2],
      [CONTENT_KEYS.audio.kid, CONTENT_KEYS.audio.key, 2],
    ]);
    const log = (await emulatorRequests()).filter((r) => r.kind === 'license');
    expect(log.map((r) => [r.status, r.hadToken, r.kids])).toEqual([[200, true, [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid]]]);
  });

  it('checks the token like the ClearKey endpoint and the request itself; errors are JSON with the HTTP status', async () => {
    const url = await mintToken({ drm: 'wv' });
    const bare = url.split('?')[0]!;
    const cases: Array<[string, Promise<{ status: number; text: string }>, number, number]> = [
      ['no token', post(bare, await signed(widevineRequest())), 401, -4010],
      [
        'a ClearKey token',
        post(`${bare}?${new URL(await mintToken({ drm: 'ck' })).search.slice(1)}`, await signed(widevineRequest())),
        403,
        -4010,
      ],
      ['bad signature', post(url, await signed(widevineRequest(), true)), 400, -4000],
      ['client id for another certificate', post(url, await signed(widevineRequest(ascii('another-serial-0')))), 400, -4000],
      ['garbage', post(url, hex('ffff')), 400, -4000],
      ['keys not granted', post(await mintToken({ drm: 'wv', keys: [CONTENT_KEYS.video] }), await signed(widevineRequest())), 403, -4012],
    ];
    for (const [what, answer, status, code] of cases) {
      const { status: got, text } = await answer;
      expect(got).withContext(what).toBe(status);
      expect((JSON.parse(text) as { errorCode: number }).errorCode)
        .withContext(what)
        .toBe(code);
    }
  });

  it('answers an expired token with 403 -4010 (ExpressPlay documents no expired-token code), the reason in words', async () => {
    const url = await mintToken({ drm: 'wv', expirationTime: '+1' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const { status, text } = await post(url, await signed(widevineRequest()));
    expect(status).toBe(403);
    expect(JSON.parse(text)).toEqual({ errorCode: -4010, errorMessage: 'Invalid token: the token has expired' });
  });
});

describe('ExpressPlay emulator: PlayReady endpoint', () => {
  beforeEach(clearEmulatorRequests);

  const challenge = (nonce = hex('000102030405060708090a0b0c0d0e0f')) =>
    utf8Bytes(buildAcquireLicenseChallenge({ wrmHeaderXml: XML_V43, nonce, clientTime: Math.floor(Date.now() / 1000) }));
  const SOAP = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: PLAYREADY_SOAP_ACTION };
  const licenseUrl = async (options: Parameters<typeof mintToken>[0] = {}) => {
    const { licenseAcquisitionUrl, token } = JSON.parse(await mintToken({ drm: 'pr', ...options })) as {
      licenseAcquisitionUrl: string;
      token: string;
    };
    return `${licenseAcquisitionUrl}?ExpressPlayToken=${token}`;
  };

  it('answers the SOAP challenge with an AcquireLicenseResponse: one emulated license per KID, nonce echoed', async () => {
    const answer = await post(await licenseUrl(), challenge(), SOAP);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('text/xml; charset=utf-8');
    const parsed = parseAcquireLicenseAnswer(answer.text);
    expect(parsed.kind).toBe('licenses');
    if (parsed.kind !== 'licenses') return;
    expect(parsed.nonce).toBe('AAECAwQFBgcICQoLDA0ODw==');
    const licenses = parsed.licenses.map(decodeEmulatedLicense);
    expect(licenses.map((l) => [l.keyId, bytesToHex(l.key), l.cipher])).toEqual([
      [CONTENT_KEYS.video.kid, CONTENT_KEYS.video.key, 2], // AESCBC header → AES-128-CBC
      [CONTENT_KEYS.audio.kid, CONTENT_KEYS.audio.key, 2],
    ]);
    const log = (await emulatorRequests()).filter((r) => r.method === 'POST' && r.kind !== 'token');
    expect(log.map((r) => [r.kind, r.status, r.kids])).toEqual([['license', 200, [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid]]]);
  });

  it('every refusal is an HTTP 500 SOAP Fault with a PlayReady StatusCode and the ExpressPlay ErrorCode', async () => {
    const url = await licenseUrl();
    const cases: Array<[string, Promise<{ status: number; type: string; text: string }>, string, number, string]> = [
      ['no token', post(url.split('?')[0]!, challenge(), SOAP), '0x8004C604', -4010, 'Missing ExpressPlayToken'],
      [
        'forged token',
        post(url.slice(0, -3) + (url.endsWith('AAA') ? 'BBB' : 'AAA'), challenge(), SOAP),
        '0x8004C604',
        -4010,
        'Invalid token',
      ],
      [
        'keys not granted',
        post(await licenseUrl({ keys: [CONTENT_KEYS.audio] }), challenge(), SOAP),
        '0x8004C604',
        -4012,
        'does not grant',
      ],
      ['no SOAPAction', post(url, challenge(), { 'Content-Type': 'text/xml; charset=utf-8' }), '0x8004C601', -4000, 'SOAPAction'],
      ['not a challenge', post(url, ascii('<x/>'), SOAP), '0x8004C601', -4000, 'Invalid PlayReady license request'],
    ];
    for (const [what, answer, statusCode, errorCode, message] of cases) {
      const { status, type, text } = await answer;
      expect(status).withContext(what).toBe(500);
      expect(type).withContext(what).toBe('text/xml; charset=utf-8');
      const fault = parseSoapFault(text);
      expect(fault?.faultCode).withContext(what).toBe('soap:Client');
      expect(fault?.statusCode).withContext(what).toBe(statusCode);
      expect(fault?.errorCode).withContext(what).toBe(errorCode);
      expect(fault?.faultString).withContext(what).toContain(message);
    }
    const log = (await emulatorRequests()).filter((r) => r.method === 'POST' && r.kind === 'license');
    expect(log.map((r) => r.status)).toEqual([500, 500, 500, 500, 500]);
  });

  it('transport errors before any SOAP stay JSON (405)', async () => {
    const response = await fetch(at('playready/RightsManager.asmx'));
    expect(response.status).toBe(405);
    expect(((await response.json()) as { errorCode: number }).errorCode).toBe(-9405);
  });
});

describe('ExpressPlay emulator: token API required parameters', () => {
  /** The token API's answer to mintToken's request with `params` over the defaults (null: left out). */
  async function answer(drm: 'wv' | 'pr' | 'fp', params: MintOptions['params']): Promise<{ status: number; type: string; text: string }> {
    const { url, form } = tokenRequest({ drm, params });
    const response = await fetch(url, { method: 'POST', body: form });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  // [drm, parameter, code when missing (and empty), an out-of-range value, code when out of range]
  const REQUIRED: Array<['wv' | 'pr' | 'fp', string, number, string, number]> = [
    ['fp', 'iv', -6003, '0123', -6003], // "Invalid iv parameter specified" (FairPlay reference: iv required, 16 bytes hex; no separate missing code)
    ['wv', 'securityLevel', -7003, '0', -7004], // "Missing security level value" / "Invalid security level value" (1-5)
    ['wv', 'hdcpOutputControl', -7006, '3', -2034], // "Missing HDCP output control value" / "Invalid Output Control, values out of specified range" (0-2)
    ['pr', 'rightsType', -2020, 'rental', -2021], // "Missing rights type" / "Invalid rights type" (BuyToOwn, Rental)
    ['pr', 'analogVideoOPL', -5006, '1000', -2034], // "Missing OPL value" / "Invalid Output Control…" (0-999)
    ['pr', 'compressedDigitalAudioOPL', -5006, 'high', -2034],
    ['pr', 'compressedDigitalVideoOPL', -5006, '-1', -2034],
    ['pr', 'uncompressedDigitalAudioOPL', -5006, '1e2', -2034],
    ['pr', 'uncompressedDigitalVideoOPL', -5006, '1000', -2034],
  ];

  for (const [drm, name, missing, outOfRange, invalid] of REQUIRED) {
    it(`${drm} ${name}: missing or empty is 400 ${missing}, out of range 400 ${invalid}`, async () => {
      for (const [what, value, code] of [
        ['missing', null, missing],
        ['empty', '', missing],
        ['out of range', outOfRange, invalid],
      ] as const) {
        const got = await answer(drm, { [name]: value });
        expect(got.status).withContext(what).toBe(400);
        expect(got.type).withContext(what).toBe('application/json');
        expect((JSON.parse(got.text) as { errorCode: number }).errorCode)
          .withContext(what)
          .toBe(code);
      }
    });
  }

  it('with every required parameter: a Widevine license URL and a PlayReady {licenseAcquisitionUrl, token}', async () => {
    const wv = await answer('wv', {});
    expect(wv.status).toBe(200);
    expect(wv.type).toBe('text/uri-list');
    expect(wv.text).toMatch(/\/hms\/wv\/rights\/\?ExpressPlayToken=\S+$/);
    const pr = await answer('pr', {});
    expect(pr.status).toBe(200);
    const body = JSON.parse(pr.text) as { licenseAcquisitionUrl: unknown; token: unknown };
    expect(typeof body.licenseAcquisitionUrl).toBe('string');
    expect(typeof body.token).toBe('string');
  });
});

describe('ExpressPlay emulator: FairPlay endpoint', () => {
  const CERT_SHA256 = 'ab'.repeat(32);
  const NONCE = '00112233445566778899aabbccddeeff';
  const spc = (keyIds = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid]) =>
    encodeSpc({ contentId: 'keyflow-sample', keyIds, nonce: NONCE, certificateSha256: CERT_SHA256 });
  const octets = { 'Content-Type': 'application/octet-stream' };

  beforeEach(clearEmulatorRequests);

  it('mints a FairPlay license URL (text/uri-list) and answers the SPC with <ckc>base64</ckc>, nonce echoed, keys granted', async () => {
    const url = await mintToken({ drm: 'fp' });
    expect(url).toMatch(/\/hms\/fp\/rights\/\?ExpressPlayToken=\S+$/);
    const answer = await post(url, spc(), octets);
    expect(answer.status).toBe(200);
    const match = /^<ckc>([A-Za-z0-9+/=]+)<\/ckc>$/.exec(answer.text);
    expect(match).not.toBeNull();
    const ckc = decodeCkc(Uint8Array.from(atob(match![1]!), (c) => c.charCodeAt(0)));
    expect(ckc.nonce).toBe(NONCE);
    expect(ckc.keys).toEqual([
      { kid: CONTENT_KEYS.video.kid, key: CONTENT_KEYS.video.key },
      { kid: CONTENT_KEYS.audio.kid, key: CONTENT_KEYS.audio.key },
    ]);
    const [record] = (await emulatorRequests()).filter((r) => r.kind === 'license' && r.method === 'POST');
    expect(record).toEqual(jasmine.objectContaining({ drm: 'fp', status: 200 }));
  });

  it('refuses a Widevine token (403 -4010), an SPC that is not one (400 -4000) and keys the token lacks (403 -4012)', async () => {
    const url = await mintToken({ drm: 'fp', keys: [CONTENT_KEYS.video] });
    const wvToken = new URL(await mintToken({ drm: 'wv' })).search;
    const cases: Array<[string, Promise<{ status: number; text: string }>, number, number]> = [
      ['a Widevine token', post(`${url.split('?')[0]}${wvToken}`, spc([CONTENT_KEYS.video.kid]), octets), 403, -4010],
      ['not an SPC', post(url, hex('00010203'), octets), 400, -4000],
      ['other keys', post(url, spc(), octets), 403, -4012],
    ];
    for (const [what, answer, status, code] of cases) {
      const got = await answer;
      expect(got.status).withContext(what).toBe(status);
      expect((JSON.parse(got.text) as { errorCode: number }).errorCode)
        .withContext(what)
        .toBe(code);
    }
  });
});
