// The emulators' license lifecycle, from Node: a token minted with a policy gets licenses with it
// (Widevine License.Policy field numbers of license_protocol.proto; PlayReady the emulated
// expiration object), a Widevine RENEWAL request (type 2, content_id.existing_license) is answered
// with a renewal license (the license id's next version, no keys) after the same token checks, and
// the vendor emulators' licensePolicy option does the same for every vendor.
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { requireBuild, ROOT } from './helpers.mjs';

const AUTH = 'node-test-authenticator';
const KID = 'a8902072531212e8717f2aeeb98cea1c';
const KEY = '6665ff60772d4c153433dae79fd569b5';
const WV_PARAMS = { securityLevel: '1', hdcpOutputControl: '0' };

const sha256 = (bytes) => Uint8Array.from(createHash('sha256').update(bytes).digest());
const hexBytes = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('emulators: license lifecycle', () => {
  let emulator;
  let tools;
  before(async () => {
    requireBuild();
    const node = await import(pathToFileURL(path.join(ROOT, 'dist', 'testing', 'node.mjs')).href);
    tools = { ...(await import(pathToFileURL(path.join(ROOT, 'dist', 'testing', 'index.mjs')).href)), ...node };
    emulator = await node.startExpressPlayEmulator({ customerAuthenticators: [AUTH] });
  });
  after(async () => {
    await emulator?.close();
  });

  async function mint(drm, params, expirationTime = '+600') {
    const form = new URLSearchParams({ customerAuthenticator: AUTH, errorFormat: 'json', kid: KID, contentKey: KEY, expirationTime });
    for (const [name, value] of Object.entries(params)) form.append(name, value);
    const response = await fetch(`${emulator.url}/hms/${drm}/token`, { method: 'POST', body: form });
    return { status: response.status, text: (await response.text()).trim() };
  }

  /** A signed LICENSE_REQUEST: NEW for KID (privacy mode off), or RENEWAL naming `licenseId`. */
  function widevineRequest(licenseId) {
    const msg = tools.encodeWidevineLicenseRequest({
      contentId: licenseId
        ? { kind: 'existing-license', licenseId, licenseType: 1, requestId: licenseId.requestId }
        : {
            kind: 'widevine-pssh-data',
            psshData: [Uint8Array.from([0x12, 0x10, ...hexBytes(KID)])],
            licenseType: 1,
            requestId: hexBytes('0102'),
          },
      type: licenseId ? 2 : 1,
      requestTime: Math.floor(Date.now() / 1000),
      protocolVersion: 21,
      keyControlNonce: 9,
      ...(licenseId ? {} : { clientId: tools.TEST_CDM_CLIENT_IDENTIFICATION }),
    });
    return tools.encodeWidevineSignedMessage({ type: 1, msg, signature: sha256(msg) });
  }

  async function post(url, body, headers = {}) {
    const response = await fetch(url, { method: 'POST', body, headers });
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()) };
  }

  test('Widevine: the token policy is in the license (fields 3, 6, 8, 9, 10) and a RENEWAL gets a renewal license', async () => {
    const params = {
      ...WV_PARAMS,
      licenseDuration: '30',
      renewalDelay: '10',
      renewalRetryInterval: '2',
      renewalServerUrl: 'https://renew.example/wv',
    };
    const url = (await mint('wv', params)).text;
    const first = await post(url, widevineRequest(null));
    assert.equal(first.status, 200);
    const license = tools.decodeWidevineLicense(tools.decodeWidevineSignedMessage(first.body).msg);
    assert.deepEqual(license.policy, {
      canPlay: true,
      canPersist: false,
      canRenew: true,
      licenseDurationSeconds: 30,
      renewalServerUrl: 'https://renew.example/wv',
      renewalDelaySeconds: 10,
      renewalRetryIntervalSeconds: 2,
    });
    assert.equal(license.keys.length, 1);

    const renewed = await post(url.replace('/hms/wv/rights/', '/hms/wv/renewal/'), widevineRequest(license.id));
    assert.equal(renewed.status, 200);
    const renewal = tools.decodeWidevineLicense(tools.decodeWidevineSignedMessage(renewed.body).msg);
    assert.equal(renewal.keys.length, 0);
    assert.deepEqual(Buffer.from(renewal.id.sessionId), Buffer.from(license.id.sessionId));
    assert.equal(renewal.id.version, license.id.version + 1);
    assert.equal(renewal.policy.licenseDurationSeconds, 30);
    const records = emulator.requests.filter((r) => r.method === 'POST' && r.kind !== 'token');
    assert.deepEqual(
      records.slice(-2).map((r) => [r.path, r.kind, r.status]),
      [
        ['/hms/wv/rights/', 'license', 200],
        ['/hms/wv/renewal/', 'renewal', 200],
      ],
    );
  });

  test('Widevine: a RENEWAL with an expired token is refused as a license request is (403 -4010)', async () => {
    const url = (await mint('wv', { ...WV_PARAMS, licenseDuration: '30', renewalDelay: '10' }, '+1')).text;
    const first = await post(url, widevineRequest(null));
    const license = tools.decodeWidevineLicense(tools.decodeWidevineSignedMessage(first.body).msg);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const renewed = await post(url, widevineRequest(license.id));
    assert.equal(renewed.status, 403);
    assert.equal(JSON.parse(Buffer.from(renewed.body).toString()).errorCode, -4010);
  });

  test('token API: policy values that are not seconds (or a URL) are -7007; renewalServerUrl is Widevine only', async () => {
    for (const bad of [
      { renewalDelay: 'soon' },
      { renewalRetryInterval: '-1' },
      { renewalServerUrl: 'ftp://x' },
      { licenseDuration: '1.5' },
    ]) {
      const answer = await mint('wv', { ...WV_PARAMS, ...bad });
      assert.equal(answer.status, 400, JSON.stringify(bad));
      assert.equal(JSON.parse(answer.text).errorCode, -7007, JSON.stringify(bad));
    }
    const pr = {
      rightsType: 'BuyToOwn',
      analogVideoOPL: '0',
      compressedDigitalAudioOPL: '0',
      compressedDigitalVideoOPL: '0',
      uncompressedDigitalAudioOPL: '0',
      uncompressedDigitalVideoOPL: '0',
    };
    assert.equal(JSON.parse((await mint('pr', { ...pr, renewalServerUrl: 'https://x' })).text).errorCode, -7007);
    assert.equal((await mint('pr', { ...pr, licenseDuration: '60' })).status, 200);
  });

  test('vendor emulators: licensePolicy puts the terms in every Widevine license and answers renewals', async () => {
    const probe = {
      name: 'probe',
      handle: (request, kit) => {
        const answer = kit.license('wv', request.body);
        return answer.ok ? { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body } : { status: 400 };
      },
    };
    const handler = tools.createVendorHandler({
      keys: [{ kid: KID, key: KEY }],
      emulators: [probe],
      licensePolicy: { licenseDuration: 20, renewalDelay: 5, renewalRetryInterval: 1 },
    });
    const server = http.createServer((req, res) => handler(req, res) || res.end());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/vendors/probe/`;
      const first = await post(url, widevineRequest(null));
      assert.equal(first.status, 200);
      const license = tools.decodeWidevineLicense(tools.decodeWidevineSignedMessage(first.body).msg);
      assert.equal(license.policy.canRenew, true);
      assert.equal(license.policy.licenseDurationSeconds, 20);
      assert.equal(license.policy.renewalDelaySeconds, 5);
      const renewed = await post(url, widevineRequest(license.id));
      const renewal = tools.decodeWidevineLicense(tools.decodeWidevineSignedMessage(renewed.body).msg);
      assert.equal(renewal.id.version, 1);
      assert.equal(renewal.keys.length, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
