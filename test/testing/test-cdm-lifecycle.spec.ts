// The test CDM's license lifecycle at the EME level (no Shaka, no server): a Widevine license whose
// policy asks for renewals makes the session send RENEWAL requests naming the license; a renewal
// license moves the expiration; no renewal: the keys report `expired`. PlayReady: a license with an
// expiration is renewed by a new challenge. Key statuses on demand. Durations are a few seconds;
// what is asserted is the messages and statuses, not when they came.
import { bytesToHex } from '../../src/pssh/bytes';
import { installTestCdm, type TestCdm } from '../../src/testing/test-cdm';
import {
  buildAcquireLicenseResponse,
  decodePlayReadyKeyMessage,
  encodeEmulatedLicense,
  parseAcquireLicenseChallenge,
} from '../../src/testing/playready-messages';
import {
  decodeLicenseRequest,
  decodeSignedMessage,
  encodeLicense,
  encodeSignedMessage,
  type WidevineLicense,
  type WidevineLicensePolicy,
} from '../../src/testing/widevine-messages';
import { hex } from '../pssh/helpers';
import { AUDIO_KID, PLAYREADY_V0_BOX, VIDEO_KID, WIDEVINE_V0_BOX, XML_V40_KID } from '../pssh/vectors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const AVC = 'video/mp4; codecs="avc1.4d400c"';
const b = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes.slice();
const KEY = '00112233445566778899aabbccddeeff';

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer));
}

async function session(keySystem: string): Promise<MediaKeySession> {
  const access = await navigator.requestMediaKeySystemAccess(keySystem, [
    { initDataTypes: ['cenc'], videoCapabilities: [{ contentType: AVC, robustness: '' }] },
  ]);
  return (await access.createMediaKeys()).createSession();
}

/** The next `message` event of `target` (of any type). */
function nextMessage(target: MediaKeySession, timeoutMs = 8000): Promise<{ type: string; bytes: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message event')), timeoutMs);
    target.addEventListener(
      'message',
      (event) => {
        clearTimeout(timer);
        resolve({ type: event.messageType, bytes: new Uint8Array(event.message) });
      },
      { once: true },
    );
  });
}

function statuses(target: MediaKeySession): Record<string, string> {
  const out: Record<string, string> = {};
  target.keyStatuses.forEach((status, kid) => (out[bytesToHex(new Uint8Array(kid as ArrayBuffer))] = status));
  return out;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A LICENSE SignedMessage (keys in clear) with `policy`, starting now. */
async function widevineLicense(id: WidevineLicense['id'], policy: Partial<WidevineLicensePolicy>, keys: string[]): Promise<Uint8Array> {
  const msg = encodeLicense({
    id,
    policy: { canPlay: true, canPersist: false, canRenew: false, licenseDurationSeconds: 0, ...policy },
    keys: keys.map((kid) => ({ keyId: hex(kid), key: hex(KEY) })),
    licenseStartTime: Math.floor(Date.now() / 1000),
  });
  return encodeSignedMessage({ type: 2, msg, signature: await sha256(msg) });
}

describe('test CDM license lifecycle (EME level)', () => {
  let cdm: TestCdm;

  beforeEach(() => {
    cdm = installTestCdm({ widevinePrivacyMode: false });
  });

  afterEach(() => cdm.uninstall());

  it('Widevine: can_renew + renewal_delay_seconds → a RENEWAL request naming the license; the renewal license moves the expiration', async () => {
    const s = await session(WV);
    const first = nextMessage(s);
    await s.generateRequest('cenc', b(WIDEVINE_V0_BOX));
    const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
    const id = { requestId: request.contentId.requestId, sessionId: hex('0a0b'), type: 1, version: 0 };
    const renewal = nextMessage(s);
    await s.update(
      b(await widevineLicense(id, { canRenew: true, licenseDurationSeconds: 30, renewalDelaySeconds: 1 }, [VIDEO_KID, AUDIO_KID])),
    );
    const firstExpiration = s.expiration;
    expect(firstExpiration).toBeGreaterThan(Date.now());

    const message = await renewal;
    expect(message.type).toBe('license-renewal');
    const signed = decodeSignedMessage(message.bytes);
    expect(signed.type).toBe(1); // LICENSE_REQUEST
    const renewalRequest = decodeLicenseRequest(signed.msg!);
    expect(renewalRequest.type).toBe(2); // RENEWAL
    expect(renewalRequest.contentId.kind).toBe('existing-license');
    if (renewalRequest.contentId.kind === 'existing-license') {
      expect(bytesToHex(renewalRequest.contentId.licenseId.sessionId)).toBe('0a0b');
      expect(bytesToHex(renewalRequest.contentId.licenseId.requestId)).toBe(bytesToHex(request.contentId.requestId));
    }
    expect(renewalRequest.clientId).toBeUndefined();

    // A renewal license: same id, next version, no keys, a longer duration.
    await s.update(b(await widevineLicense({ ...id, version: 1 }, { canRenew: true, licenseDurationSeconds: 600 }, [])));
    expect(s.expiration).toBeGreaterThan(firstExpiration);
    expect(statuses(s)).toEqual({ [VIDEO_KID]: 'usable', [AUDIO_KID]: 'usable' });
    await s.close();
  });

  it('Widevine: no renewal accepted before the duration passes → every key reports expired', async () => {
    const s = await session(WV);
    const first = nextMessage(s);
    await s.generateRequest('cenc', b(WIDEVINE_V0_BOX));
    const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
    const id = { requestId: request.contentId.requestId, sessionId: hex('0c'), type: 1, version: 0 };
    let changes = 0;
    s.addEventListener('keystatuseschange', () => changes++);
    await s.update(b(await widevineLicense(id, { licenseDurationSeconds: 1 }, [VIDEO_KID])));
    await until(() => statuses(s)[VIDEO_KID] === 'expired', 'the key to expire');
    expect(changes).toBeGreaterThanOrEqual(2); // usable, then expired
    await s.close();
  });

  it('PlayReady: a license with an expiration is renewed by a new AcquireLicense challenge (new nonce)', async () => {
    const s = await session(PR);
    const first = nextMessage(s);
    await s.generateRequest('cenc', b(PLAYREADY_V0_BOX));
    const challenge = parseAcquireLicenseChallenge(decodePlayReadyKeyMessage((await first).bytes).challenge);
    const now = Math.floor(Date.now() / 1000);
    const license = (end: number): Uint8Array =>
      encodeEmulatedLicense({
        keyId: XML_V40_KID,
        key: hex(KEY),
        cipher: 1,
        rightsId: hex('11'.repeat(16)),
        expiration: { begin: now, end },
      });
    const renewal = nextMessage(s);
    await s.update(
      b(
        new TextEncoder().encode(
          buildAcquireLicenseResponse({ licenses: [license(now + 2)], nonce: challenge.nonce!, responseId: hex('22'.repeat(16)) }),
        ),
      ),
    );
    expect(s.expiration).toBe((now + 2) * 1000);
    const message = await renewal;
    expect(message.type).toBe('license-renewal');
    const again = parseAcquireLicenseChallenge(decodePlayReadyKeyMessage(message.bytes).challenge);
    expect(again.header.keyIds).toEqual(challenge.header.keyIds);
    expect(again.nonce).not.toBe(challenge.nonce);
    await s.update(
      b(
        new TextEncoder().encode(
          buildAcquireLicenseResponse({ licenses: [license(now + 600)], nonce: again.nonce!, responseId: hex('33'.repeat(16)) }),
        ),
      ),
    );
    expect(s.expiration).toBe((now + 600) * 1000);
    await s.close();
  });

  it('setKeyStatus(): live sessions holding the key report the status asked for, and usable again after null', async () => {
    const s = await session(WV);
    const first = nextMessage(s);
    await s.generateRequest('cenc', b(WIDEVINE_V0_BOX));
    const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
    await s.update(
      b(
        await widevineLicense({ requestId: request.contentId.requestId, sessionId: hex('0d'), type: 1, version: 0 }, {}, [
          VIDEO_KID,
          AUDIO_KID,
        ]),
      ),
    );
    let changes = 0;
    s.addEventListener('keystatuseschange', () => changes++);
    cdm.setKeyStatus(VIDEO_KID, 'output-restricted');
    expect(statuses(s)).toEqual({ [VIDEO_KID]: 'output-restricted', [AUDIO_KID]: 'usable' });
    cdm.setKeyStatus(AUDIO_KID, 'internal-error');
    expect(statuses(s)[AUDIO_KID]).toBe('internal-error');
    expect(changes).toBe(2);
    cdm.setKeyStatus(VIDEO_KID, null);
    expect(statuses(s)[VIDEO_KID]).toBe('usable');
    expect(() => cdm.setKeyStatus('not-a-kid', 'expired')).toThrowError(TypeError);
    await s.close();
  });
});
