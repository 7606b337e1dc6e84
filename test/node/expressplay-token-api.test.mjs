// The ExpressPlay emulator's token API enforces the DRM parameters ExpressPlay documents as
// required, with the documented codes, so an app backend tested against it sends what production
// needs. Expectations come from Adobe Primetime's "Widevine license token request / response" and
// "PlayReady license token request / response" references (help/digital-rights-management/
// multi-drm-workflows/license-token-req-resp-ref/{widevine,playready}-license-token-request.md):
// the "Required?" column and the "Event Error Codes" table. The numbers are written out here, not
// read from the emulator's ExpressPlayErrorCode.
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { requireBuild, ROOT } from './helpers.mjs';

const AUTH = 'node-test-authenticator';
const KID = 'a8902072531212e8717f2aeeb98cea1c';
const KEY = '6665ff60772d4c153433dae79fd569b5';

/** A request the reference's samples would accept: every required parameter, permissive values. */
const COMPLETE = {
  wv: { securityLevel: '1', hdcpOutputControl: '0' },
  pr: {
    rightsType: 'BuyToOwn',
    analogVideoOPL: '0',
    compressedDigitalAudioOPL: '0',
    compressedDigitalVideoOPL: '0',
    uncompressedDigitalAudioOPL: '0',
    uncompressedDigitalVideoOPL: '0',
  },
};

/** Required parameter → [code when missing, a malformed value, code when malformed], from the reference. */
const REQUIRED = {
  wv: {
    securityLevel: [-7003, '6', -7004], // Missing / Invalid security level value; allowed 1-5
    hdcpOutputControl: [-7006, '3', -2034], // Missing HDCP output control value / Invalid Output Control, values out of specified range; allowed 0, 1, 2
  },
  pr: {
    rightsType: [-2020, 'Lease', -2021], // Missing rights type / Invalid rights type; BuyToOwn or Rental
    analogVideoOPL: [-5006, '1000', -2034], // Missing OPL value / Invalid Output Control…; valid range 0-999
    compressedDigitalAudioOPL: [-5006, 'x', -2034],
    compressedDigitalVideoOPL: [-5006, '-1', -2034],
    uncompressedDigitalAudioOPL: [-5006, '1000', -2034],
    uncompressedDigitalVideoOPL: [-5006, '2.5', -2034],
  },
};

describe('ExpressPlay emulator token API: required DRM parameters', () => {
  let emulator;
  before(async () => {
    requireBuild();
    const { startExpressPlayEmulator } = await import(pathToFileURL(path.join(ROOT, 'dist', 'testing', 'node.mjs')).href);
    emulator = await startExpressPlayEmulator({ customerAuthenticators: [AUTH] });
  });
  after(async () => {
    await emulator?.close();
  });

  /** POSTs a token request (form body, errorFormat=json); `drmParams` values of null are left out. */
  async function requestToken(drm, drmParams, { method = 'POST' } = {}) {
    const form = new URLSearchParams({ customerAuthenticator: AUTH, errorFormat: 'json', kid: KID, contentKey: KEY });
    for (const [name, value] of Object.entries(drmParams)) if (value !== null) form.append(name, value);
    const url = `${emulator.url}/hms/${drm}/token`;
    const response = method === 'GET' ? await fetch(`${url}?${form}`) : await fetch(url, { method: 'POST', body: form });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }

  test('Widevine: with securityLevel and hdcpOutputControl, a text/uri-list license URL with ExpressPlayToken', async () => {
    for (const method of ['POST', 'GET']) {
      const answer = await requestToken('wv', COMPLETE.wv, { method });
      assert.equal(answer.status, 200, `${method}: ${answer.text}`);
      assert.equal(answer.type, 'text/uri-list');
      assert.match(answer.text, /\/hms\/wv\/rights\/\?ExpressPlayToken=[^&\s]+$/);
    }
  });

  test('PlayReady: with rightsType and the five OPLs, {licenseAcquisitionUrl, token}', async () => {
    for (const method of ['POST', 'GET']) {
      const answer = await requestToken('pr', COMPLETE.pr, { method });
      assert.equal(answer.status, 200, `${method}: ${answer.text}`);
      const body = JSON.parse(answer.text);
      assert.equal(typeof body.licenseAcquisitionUrl, 'string');
      assert.ok(typeof body.token === 'string' && body.token.length > 0);
    }
  });

  for (const drm of ['wv', 'pr']) {
    for (const [name, [missingCode, malformed, malformedCode]] of Object.entries(REQUIRED[drm])) {
      test(`${drm}: ${name} missing is 400 ${missingCode}, empty likewise, ${JSON.stringify(malformed)} is 400 ${malformedCode}`, async () => {
        const cases = [
          ['missing', null, missingCode],
          ['empty', '', missingCode],
          ['malformed', malformed, malformedCode],
        ];
        for (const [what, value, code] of cases) {
          const answer = await requestToken(drm, { ...COMPLETE[drm], [name]: value });
          assert.equal(answer.status, 400, `${what}: ${answer.text}`); // the reference: 400 Bad Request, invalid args
          assert.equal(answer.type, 'application/json', what);
          assert.equal(JSON.parse(answer.text).errorCode, code, what);
        }
      });
    }
  }

  test('every allowed value of the documented ranges is accepted', async () => {
    for (const securityLevel of ['1', '2', '3', '4', '5']) {
      for (const hdcpOutputControl of ['0', '1', '2']) {
        const answer = await requestToken('wv', { securityLevel, hdcpOutputControl });
        assert.equal(answer.status, 200, `${securityLevel}/${hdcpOutputControl}: ${answer.text}`);
      }
    }
    for (const value of ['0', '150', '999']) {
      const opls = Object.fromEntries(
        Object.keys(COMPLETE.pr)
          .filter((n) => n.endsWith('OPL'))
          .map((n) => [n, value]),
      );
      const answer = await requestToken('pr', { ...COMPLETE.pr, ...opls });
      assert.equal(answer.status, 200, `OPL ${value}: ${answer.text}`);
    }
  });

  test('PlayReady Rental needs rental.periodEndTime (-2022 "Missing rental period end time")', async () => {
    const missing = await requestToken('pr', { ...COMPLETE.pr, rightsType: 'Rental' });
    assert.equal(missing.status, 400);
    assert.equal(JSON.parse(missing.text).errorCode, -2022);
    const given = await requestToken('pr', { ...COMPLETE.pr, rightsType: 'Rental', 'rental.periodEndTime': '+3600' });
    assert.equal(given.status, 200, given.text);
  });

  test('the first missing parameter in the documented order is the one answered', async () => {
    const none = await requestToken('wv', {});
    assert.equal(JSON.parse(none.text).errorCode, -7003);
    const noPr = await requestToken('pr', {});
    assert.equal(JSON.parse(noPr.text).errorCode, -2020);
  });

  test('ClearKey (the emulator’s own endpoint) keeps its parameters: none of these are required', async () => {
    const answer = await requestToken('ck', {});
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /\/hms\/ck\/rights\/\?ExpressPlayToken=/);
  });
});
