// The test CDM at the EME level, in the real browser, without Shaka or a server: what
// requestMediaKeySystemAccess / decodingInfo offer, which messages sessions emit, how update()
// treats licenses, and that errors are the ones Chromium raises. The ClearKey CDM underneath is
// real, so key statuses are real too.
import { bytesToHex } from '../../src/pssh/bytes';
import { installTestCdm, TEST_CDM_CLIENT_IDENTIFICATION, type TestCdm } from '../../src/testing/test-cdm';
import {
  buildAcquireLicenseResponse,
  buildSoapFault,
  decodePlayReadyKeyMessage,
  encodeEmulatedLicense,
  parseAcquireLicenseChallenge,
  PLAYREADY_SOAP_ACTION,
} from '../../src/testing/playready-messages';
import {
  decodeClientIdentification,
  decodeLicenseRequest,
  decodeSignedMessage,
  encodeLicense,
  encodeServiceCertificate,
  encodeServiceCertificateResponse,
  encodeSignedMessage,
  licenseRequestKeyIds,
  type WidevineLicenseRequest,
} from '../../src/testing/widevine-messages';
import { ProtobufWriter } from '../../src/testing/protobuf-writer';
import { decodeSpc, encodeCkc } from '../../src/testing/fairplay-messages';
import { isFirefox } from '../helpers/browser';
import { ascii, concat, hex } from '../pssh/helpers';
import {
  AUDIO_KID,
  COMMON_V1_BOX,
  PLAYREADY_V0_BOX,
  VIDEO_KID,
  WIDEVINE_DATA,
  WIDEVINE_V0_BOX,
  XML_V40,
  XML_V40_KID,
} from '../pssh/vectors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const CK = 'org.w3.clearkey';
const FP = 'com.apple.fps';
const AVC = 'video/mp4; codecs="avc1.4d400c"';
const toHex = (bytes: Uint8Array): string => bytesToHex(bytes);
/** EME methods take ArrayBuffer-backed views. */
const b = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes.slice();
const CERT = { serialNumber: ascii('test-serial-0001'), providerId: 'license.example.test', creationTimeSeconds: 1, publicKey: ascii('k') };

function config(robustness = '', extra: Partial<MediaKeySystemConfiguration> = {}): MediaKeySystemConfiguration[] {
  return [
    {
      initDataTypes: ['cenc'],
      videoCapabilities: [{ contentType: AVC, robustness, encryptionScheme: 'cenc' } as MediaKeySystemMediaCapability],
      ...extra,
    },
  ];
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer));
}

/** Collects a session's message events. */
function messages(session: MediaKeySession): {
  list: Array<{ type: string; bytes: Uint8Array }>;
  next(): Promise<{ type: string; bytes: Uint8Array }>;
} {
  const list: Array<{ type: string; bytes: Uint8Array }> = [];
  const waiting: Array<(m: { type: string; bytes: Uint8Array }) => void> = [];
  session.addEventListener('message', (event) => {
    const m = { type: event.messageType, bytes: new Uint8Array(event.message) };
    list.push(m);
    waiting.shift()?.(m);
  });
  return {
    list,
    next: () =>
      new Promise((resolve, reject) => {
        const seen = list.length;
        setTimeout(() => reject(new Error('no message event')), 2000);
        if (list.length > seen) resolve(list[list.length - 1]!);
        else waiting.push(resolve);
      }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function mediaKeys(keySystem: string): Promise<MediaKeys> {
  const access = await navigator.requestMediaKeySystemAccess(keySystem, config(keySystem === WV ? 'SW_SECURE_CRYPTO' : ''));
  return access.createMediaKeys();
}

/** A LICENSE SignedMessage for `request`, keys in clear, as the emulator writes it. */
async function widevineLicense(
  request: WidevineLicenseRequest,
  keys: string[],
  options: { durationSeconds?: number; requestId?: Uint8Array } = {},
): Promise<Uint8Array> {
  const msg = encodeLicense({
    id: { requestId: options.requestId ?? request.contentId.requestId, sessionId: hex('01'), type: 1, version: 0 },
    policy: { canPlay: true, canPersist: false, canRenew: false, licenseDurationSeconds: options.durationSeconds ?? 0 },
    keys: keys.map((kid) => ({ keyId: hex(kid), key: hex('00112233445566778899aabbccddeeff') })),
    licenseStartTime: 1700000000,
  });
  return encodeSignedMessage({ type: 2, msg, signature: await sha256(msg) });
}

describe('test CDM (EME level)', () => {
  let cdm: TestCdm | null;

  beforeEach(() => {
    cdm = installTestCdm();
  });

  afterEach(() => {
    cdm?.uninstall();
  });

  describe('installation', () => {
    it('patches requestMediaKeySystemAccess and decodingInfo, and uninstall() restores both', () => {
      cdm!.uninstall();
      const rmksa = navigator.requestMediaKeySystemAccess;
      const decodingInfo = navigator.mediaCapabilities.decodingInfo;
      const again = installTestCdm();
      expect(navigator.requestMediaKeySystemAccess).not.toBe(rmksa);
      expect(navigator.mediaCapabilities.decodingInfo).not.toBe(decodingInfo);
      expect(again.installed).toBe(true);
      expect(again.keySystems).toEqual([WV, PR, 'com.microsoft.playready.recommendation', FP]);
      again.uninstall();
      again.uninstall();
      expect(again.installed).toBe(false);
      expect(navigator.requestMediaKeySystemAccess).toBe(rmksa);
      expect(navigator.mediaCapabilities.decodingInfo).toBe(decodingInfo);
      expect(Object.prototype.hasOwnProperty.call(navigator, 'requestMediaKeySystemAccess')).toBe(false);
    });

    it('only one at a time; only the four emulated key systems', () => {
      expect(() => installTestCdm()).toThrowError(/already installed/);
      cdm!.uninstall();
      expect(() => installTestCdm({ keySystems: ['com.example.drm' as typeof WV] })).toThrowError(/cannot emulate com\.example\.drm/);
      cdm = null;
    });

    it('emulates only the key systems asked for', async () => {
      cdm!.uninstall();
      cdm = installTestCdm({ keySystems: [PR] });
      expect((await navigator.requestMediaKeySystemAccess(PR, config())).keySystem).toBe(PR);
      const error = await rejection(navigator.requestMediaKeySystemAccess(WV, config()));
      expect(error.name).toBe('NotSupportedError');
    });
  });

  describe('requestMediaKeySystemAccess()', () => {
    it('offers Widevine with software robustness; getConfiguration() reports what was asked for', async () => {
      const access = await navigator.requestMediaKeySystemAccess(WV, config('SW_SECURE_CRYPTO', { sessionTypes: ['temporary'] }));
      expect(access.keySystem).toBe(WV);
      const got = access.getConfiguration();
      expect(got.initDataTypes).toEqual(['cenc']);
      expect(got.sessionTypes).toEqual(['temporary']);
      expect(got.videoCapabilities).toEqual([
        jasmine.objectContaining({ contentType: AVC, robustness: 'SW_SECURE_CRYPTO', encryptionScheme: 'cenc' }),
      ]);
    });

    it('offers both PlayReady key system names', async () => {
      for (const keySystem of [PR, 'com.microsoft.playready.recommendation']) {
        expect((await navigator.requestMediaKeySystemAccess(keySystem, config('2000'))).keySystem).toBe(keySystem);
      }
    });

    it('refuses what a software CDM without persistence refuses, with NotSupportedError', async () => {
      const refused = [
        [WV, config('', { sessionTypes: ['persistent-license'] })],
        [WV, config('HW_SECURE_ALL')],
        [WV, config('', { distinctiveIdentifier: 'required' })],
        [PR, config('3000')],
        [PR, config('', { initDataTypes: ['webm'] })],
      ] as const;
      for (const [keySystem, configs] of refused) {
        const error = await rejection(navigator.requestMediaKeySystemAccess(keySystem, [...configs]));
        expect(error.name).withContext(JSON.stringify(configs)).toBe('NotSupportedError');
      }
      expect((await rejection(navigator.requestMediaKeySystemAccess(WV, []))).name).toBe('TypeError');
    });

    it('picks the first supported configuration of several', async () => {
      const access = await navigator.requestMediaKeySystemAccess(WV, [...config('HW_SECURE_ALL'), ...config('SW_SECURE_DECODE')]);
      expect(access.getConfiguration().videoCapabilities?.[0]?.robustness).toBe('SW_SECURE_DECODE');
    });

    it('leaves ClearKey to the real CDM', async () => {
      const access = await navigator.requestMediaKeySystemAccess(CK, config());
      expect(access instanceof MediaKeySystemAccess).toBe(true);
      expect(access.keySystem).toBe(CK);
    });
  });

  describe('mediaCapabilities.decodingInfo()', () => {
    const query = (keySystem: string, robustness: string) =>
      navigator.mediaCapabilities.decodingInfo({
        type: 'media-source',
        video: { contentType: AVC, width: 320, height: 180, bitrate: 300000, framerate: 25 },
        keySystemConfiguration: { keySystem, initDataType: 'cenc', video: { robustness, encryptionScheme: 'cenc' } },
      } as MediaDecodingConfiguration);

    it('reports Widevine supported with an emulated access; the result goes stale-proof on uninstall', async () => {
      const result = (await query(WV, 'SW_SECURE_CRYPTO')) as MediaCapabilitiesDecodingInfo & {
        keySystemAccess: MediaKeySystemAccess | null;
      };
      expect(result.supported).toBe(true);
      expect(result.keySystemAccess?.keySystem).toBe(WV);
      cdm!.uninstall();
      // Shaka caches decodingInfo results: a cached one must not keep claiming Widevine.
      expect(result.supported).toBe(false);
      expect(result.keySystemAccess).toBeNull();
      expect((await query(WV, 'SW_SECURE_CRYPTO')).supported).toBe(false); // the real Chromium answer again
    });

    it('reports unsupported robustness as not supported, and leaves other queries alone', async () => {
      expect((await query(WV, 'HW_SECURE_ALL')).supported).toBe(false);
      expect((await query(CK, '')).supported).toBe(true);
    });
  });

  describe('MediaKeys', () => {
    it('are real ClearKey MediaKeys (setMediaKeys accepts them) with the test CDM’s createSession and setServerCertificate', async () => {
      const keys = await mediaKeys(WV);
      expect(keys instanceof MediaKeys).toBe(true);
      const video = document.createElement('video');
      await video.setMediaKeys(keys);
      expect(video.mediaKeys).toBe(keys);
      await video.setMediaKeys(null);
      expect((await rejection(Promise.resolve().then(() => keys.createSession('persistent-license')))).name).toBe('NotSupportedError');
    });

    it('setServerCertificate(): Widevine takes a service certificate in either form, refuses others; PlayReady answers false', async () => {
      const wv = await mediaKeys(WV);
      const signed = encodeServiceCertificate(CERT, hex('00'));
      expect(await wv.setServerCertificate(b(signed))).toBe(true);
      expect(await wv.setServerCertificate(b(encodeServiceCertificateResponse(signed)))).toBe(true);
      expect((await rejection(wv.setServerCertificate(b(hex('0102'))))).name).toBe('TypeError');
      expect((await rejection(wv.setServerCertificate(b(new Uint8Array(0))))).name).toBe('TypeError');
      expect(await (await mediaKeys(PR)).setServerCertificate(b(signed))).toBe(false);
    });
  });

  describe('Widevine session', () => {
    it('privacy mode: 08 04 first; after the certificate reply, a signed LICENSE_REQUEST carrying the PSSH data', async () => {
      const session = (await mediaKeys(WV)).createSession();
      const events = messages(session);
      const first = events.next();
      await session.generateRequest('cenc', b(WIDEVINE_V0_BOX));
      expect(session.sessionId).not.toBe('');
      expect(session.expiration).toBeNaN();
      const certRequest = await first;
      expect(certRequest.type).toBe('license-request');
      expect(toHex(certRequest.bytes)).toBe('0804');

      const second = events.next();
      await session.update(b(encodeServiceCertificateResponse(encodeServiceCertificate(CERT, hex('00')))));
      const { type, bytes } = await second;
      expect(type).toBe('license-request');
      expect(toHex(bytes.subarray(0, 3))).toBe('080112');
      const signed = decodeSignedMessage(bytes);
      expect(toHex(signed.signature!)).toBe(toHex(await sha256(signed.msg!)));
      const request = decodeLicenseRequest(signed.msg!);
      expect(request.type).toBe(1);
      expect(request.protocolVersion).toBe(21);
      expect(Math.abs(request.requestTime - Date.now() / 1000)).toBeLessThan(60);
      expect(request.contentId.kind).toBe('widevine-pssh-data');
      if (request.contentId.kind === 'widevine-pssh-data') expect(request.contentId.psshData.map(toHex)).toEqual([toHex(WIDEVINE_DATA)]);
      expect(request.contentId.requestId.length).toBe(16);
      expect(licenseRequestKeyIds(request)).toEqual([VIDEO_KID, AUDIO_KID]);
      expect(request.clientId).toBeUndefined();
      expect(request.encryptedClientId?.providerId).toBe(CERT.providerId);
      expect(toHex(request.encryptedClientId!.serviceCertificateSerialNumber)).toBe(toHex(CERT.serialNumber));
      expect(decodeClientIdentification(request.encryptedClientId!.encryptedClientId)).toEqual(TEST_CDM_CLIENT_IDENTIFICATION);
      expect(events.list.length).toBe(2); // ClearKey's own message event never got through

      let statusEvents = 0;
      session.addEventListener('keystatuseschange', () => statusEvents++);
      await session.update(b(await widevineLicense(request, [VIDEO_KID, AUDIO_KID], { durationSeconds: 60 })));
      const statuses: Record<string, string> = {};
      session.keyStatuses.forEach((status, kid) => (statuses[bytesToHex(new Uint8Array(kid as ArrayBuffer))] = status));
      expect(statuses).toEqual({ [VIDEO_KID]: 'usable', [AUDIO_KID]: 'usable' });
      await new Promise((resolve) => setTimeout(resolve, 50)); // keystatuseschange is queued as a task
      expect(statusEvents).toBeGreaterThan(0);
      expect(session.expiration).toBe((1700000000 + 60) * 1000);
      expect(events.list.length).toBe(2);
    });

    it('with setServerCertificate() first, the first message is the license request', async () => {
      const keys = await mediaKeys(WV);
      await keys.setServerCertificate(b(encodeServiceCertificate(CERT, hex('00'))));
      const session = keys.createSession();
      const events = messages(session);
      const first = events.next();
      await session.generateRequest('cenc', b(WIDEVINE_V0_BOX));
      expect(toHex((await first).bytes.subarray(0, 3))).toBe('080112');
    });

    it('privacy mode off: the license request comes first, client identification in clear', async () => {
      cdm!.uninstall();
      cdm = installTestCdm({ widevinePrivacyMode: false });
      const session = (await mediaKeys(WV)).createSession();
      const first = messages(session).next();
      await session.generateRequest('cenc', b(WIDEVINE_V0_BOX));
      const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
      expect(request.clientId).toEqual(TEST_CDM_CLIENT_IDENTIFICATION);
      expect(request.encryptedClientId).toBeUndefined();
    });

    it('keyids and common-PSSH-only init data; key IDs are what the real session is started with', async () => {
      cdm!.uninstall();
      cdm = installTestCdm({ widevinePrivacyMode: false });
      const keys = await mediaKeys(WV);
      const viaKeyIds = keys.createSession();
      const m1 = messages(viaKeyIds).next();
      await viaKeyIds.generateRequest('keyids', b(ascii('{"kids":["qJAgclMSEuhxfyruuYzqHA"]}')));
      const r1 = decodeLicenseRequest(decodeSignedMessage((await m1).bytes).msg!);
      if (r1.contentId.kind === 'widevine-pssh-data') expect(r1.contentId.psshData.map(toHex)).toEqual([`1210${VIDEO_KID}`]);

      const viaCommon = keys.createSession();
      const m2 = messages(viaCommon).next();
      await viaCommon.generateRequest('cenc', b(COMMON_V1_BOX));
      const r2 = decodeLicenseRequest(decodeSignedMessage((await m2).bytes).msg!);
      expect(r2.contentId.kind).toBe('init-data');
      expect(licenseRequestKeyIds(r2)).toEqual([VIDEO_KID, AUDIO_KID]);
    });

    it('a content-id-only Widevine PSSH: the request carries the content id; the keys (and key IDs) come with the license', async () => {
      cdm!.uninstall();
      cdm = installTestCdm({ widevinePrivacyMode: false });
      // WidevinePsshData { provider: "keyflow", content_id: "keyflow-sample" }: no key IDs
      const data = concat(hex('1a07'), ascii('keyflow'), hex('220e'), ascii('keyflow-sample'));
      const box = concat(
        hex(toHex(new Uint8Array([0, 0, 0, 32 + data.length]))),
        ascii('pssh'),
        hex('00000000'),
        hex('edef8ba979d64acea3c827dcd51d21ed'),
        hex(toHex(new Uint8Array([0, 0, 0, data.length]))),
        data,
      );
      const session = (await mediaKeys(WV)).createSession();
      const first = messages(session).next();
      await session.generateRequest('cenc', b(box));
      const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
      expect(request.contentId.kind).toBe('widevine-pssh-data');
      if (request.contentId.kind === 'widevine-pssh-data') expect(request.contentId.psshData.map(toHex)).toEqual([toHex(data)]);
      await session.update(b(await widevineLicense(request, [VIDEO_KID, AUDIO_KID])));
      const statuses: Record<string, string> = {};
      session.keyStatuses.forEach((status, kid) => (statuses[bytesToHex(new Uint8Array(kid as ArrayBuffer))] = status));
      expect(statuses).toEqual({ [VIDEO_KID]: 'usable', [AUDIO_KID]: 'usable' });
    });

    it('fails like Chromium: state, empty and unsupported init data, bad licenses, closed sessions', async () => {
      const keys = await mediaKeys(WV);
      const name = async (p: Promise<unknown>) => (await rejection(p)).name;

      const fresh = keys.createSession();
      expect(await name(fresh.update(b(hex('0802'))))).toBe('InvalidStateError');
      expect(await name(fresh.generateRequest('cenc', b(new Uint8Array(0))))).toBe('TypeError');
      expect(await name(fresh.generateRequest('foo', b(hex('00'))))).toBe('NotSupportedError');
      expect(await name(keys.createSession().load('x'))).toBe('TypeError'); // the real session's check: not persistent
      expect(await name(fresh.generateRequest('cenc', b(hex('00000008'))))).toBe('TypeError');
      // neither key IDs nor a content id (provider only): nothing a license server could resolve
      const providerOnly = new ProtobufWriter().bytes(3, ascii('movie')).finish();
      const box = concat(hex('00000027 70737368 00000000 edef8ba979d64acea3c827dcd51d21ed 00000007'), providerOnly);
      expect(await name(fresh.generateRequest('cenc', b(box)))).toBe('NotSupportedError');

      await keys.setServerCertificate(b(encodeServiceCertificate(CERT, hex('00'))));
      const session = keys.createSession();
      const first = messages(session).next();
      await session.generateRequest('cenc', b(WIDEVINE_V0_BOX));
      const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
      expect(await name(session.generateRequest('cenc', b(WIDEVINE_V0_BOX)))).toBe('InvalidStateError');
      expect(await name(session.update(b(new Uint8Array(0))))).toBe('TypeError');
      expect(await name(session.update(b(hex('ffff'))))).toBe('TypeError');
      expect(await name(session.update(b(encodeSignedMessage({ type: 3 }))))).toBe('TypeError');
      const otherRequest = await rejection(session.update(b(await widevineLicense(request, [VIDEO_KID], { requestId: hex('99') }))));
      expect(otherRequest.name).toBe('TypeError');
      expect(otherRequest.message).toContain('request_id');
      const tampered = await widevineLicense(request, [VIDEO_KID]);
      tampered[tampered.length - 1]! ^= 1;
      expect((await rejection(session.update(b(tampered)))).message).toContain('signature');

      await session.close();
      expect(await session.closed).toBe('closed-by-application');
      expect(await name(session.update(b(await widevineLicense(request, [VIDEO_KID]))))).toBe('InvalidStateError');
    });

    it('remove() releases the keys of the real session (Firefox: refuses it for temporary sessions)', async () => {
      // Firefox's EME refuses remove() on a temporary session ("InvalidAccessError: Calling
      // MediaKeySession.remove() on non-persistent session"), and the test CDM forwards it there.
      cdm!.uninstall();
      cdm = installTestCdm({ widevinePrivacyMode: false });
      const session = (await mediaKeys(WV)).createSession();
      const first = messages(session).next();
      await session.generateRequest('cenc', b(WIDEVINE_V0_BOX));
      const request = decodeLicenseRequest(decodeSignedMessage((await first).bytes).msg!);
      await session.update(b(await widevineLicense(request, [VIDEO_KID, AUDIO_KID])));
      if (isFirefox) {
        // The same refusal as Firefox's own CDMs give: a real-CDM behaviour, passed through.
        expect((await rejection(session.remove())).name).toBe('InvalidAccessError');
        return;
      }
      await session.remove();
      const statuses: string[] = [];
      session.keyStatuses.forEach((status) => statuses.push(status));
      expect(statuses.every((s) => s !== 'usable')).toBe(true);
    });
  });

  describe('PlayReady session', () => {
    async function started(initData = PLAYREADY_V0_BOX) {
      const session = (await mediaKeys(PR)).createSession();
      const first = messages(session).next();
      await session.generateRequest('cenc', b(initData));
      return { session, message: await first };
    }

    it('emits the UTF-16LE PlayReadyKeyMessage: SOAP challenge with the PSSH’s WRMHEADER, Content-Type and SOAPAction', async () => {
      const { message } = await started();
      expect(message.type).toBe('license-request');
      expect(toHex(message.bytes.subarray(0, 8))).toBe('3c0050006c006100');
      const unpacked = decodePlayReadyKeyMessage(message.bytes);
      expect(unpacked.headers).toEqual({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: PLAYREADY_SOAP_ACTION });
      const challenge = parseAcquireLicenseChallenge(unpacked.challenge);
      expect(challenge.wrmHeaderXml).toBe(XML_V40);
      expect(challenge.header.keyIds).toEqual([XML_V40_KID]);
      expect(challenge.nonce?.length).toBe(24);
      expect(Math.abs(challenge.clientTime! - Date.now() / 1000)).toBeLessThan(60);
    });

    it('update() with an AcquireLicenseResponse makes the keys usable; the nonce must match', async () => {
      const { session, message } = await started();
      const challenge = parseAcquireLicenseChallenge(decodePlayReadyKeyMessage(message.bytes).challenge);
      const license = encodeEmulatedLicense({
        keyId: XML_V40_KID,
        key: hex('00112233445566778899aabbccddeeff'),
        cipher: 1,
        rightsId: new Uint8Array(16),
      });
      const response = (nonce: string) =>
        ascii(buildAcquireLicenseResponse({ licenses: [license], nonce, responseId: new Uint8Array(16) }));

      const wrongNonce = await rejection(session.update(b(response('AAAAAAAAAAAAAAAAAAAAAA=='))));
      expect(wrongNonce.name).toBe('TypeError');
      expect(wrongNonce.message).toContain('LicenseNonce');

      await session.update(b(response(challenge.nonce!)));
      const statuses: Record<string, string> = {};
      session.keyStatuses.forEach((status, kid) => (statuses[bytesToHex(new Uint8Array(kid as ArrayBuffer))] = status));
      expect(statuses).toEqual({ [XML_V40_KID]: 'usable' });
    });

    it('a SOAP Fault passed to update() rejects with TypeError naming the fault', async () => {
      const { session } = await started();
      const fault = buildSoapFault({ faultCode: 'soap:Client', faultString: 'Invalid token', statusCode: '0x8004C604', errorCode: -4010 });
      const error = await rejection(session.update(b(ascii(fault))));
      expect(error.name).toBe('TypeError');
      expect(error.message).toContain('SOAP Fault [0x8004C604 -4010]: Invalid token');
    });

    it('needs a PlayReady header: cenc init data with only a Widevine box is NotSupportedError', async () => {
      const session = (await mediaKeys(PR)).createSession();
      expect((await rejection(session.generateRequest('cenc', b(WIDEVINE_V0_BOX)))).name).toBe('NotSupportedError');
      expect((await rejection(session.generateRequest('webm', b(hex('01'))))).name).toBe('NotSupportedError');
    });
  });

  describe('FairPlay session', () => {
    const FP_CERT = ascii('keyflow test FairPlay certificate (not Apple-issued)');
    const KEY = '00112233445566778899aabbccddeeff';

    async function fairPlayKeys(withCertificate = true): Promise<MediaKeys> {
      const access = await navigator.requestMediaKeySystemAccess(FP, [
        {
          initDataTypes: ['sinf', 'skd', 'cenc'],
          videoCapabilities: [{ contentType: AVC, robustness: '', encryptionScheme: 'cbcs' } as MediaKeySystemMediaCapability],
        },
      ]);
      expect(access.keySystem).toBe(FP);
      const keys = await access.createMediaKeys();
      if (withCertificate) expect(await keys.setServerCertificate(b(FP_CERT))).toBe(true);
      return keys;
    }

    it('is offered for cbcs only, with the init data types Safari and Chromium give', async () => {
      const cenc = await rejection(
        navigator.requestMediaKeySystemAccess(FP, [
          { videoCapabilities: [{ contentType: AVC, encryptionScheme: 'cenc' } as MediaKeySystemMediaCapability] },
        ]),
      );
      expect(cenc.name).toBe('NotSupportedError');
      expect((await fairPlayKeys(false)).createSession()).toBeDefined();
    });

    it('without a server certificate generateRequest() fails (InvalidStateError), as FairPlay cannot make an SPC', async () => {
      const session = (await fairPlayKeys(false)).createSession();
      const error = await rejection(session.generateRequest('cenc', b(COMMON_V1_BOX)));
      expect(error.name).toBe('InvalidStateError');
      expect(error.message).toContain('server certificate');
    });

    it('emits the emulated SPC: the init data’s key IDs, the skd content id, a nonce, the certificate’s SHA-256', async () => {
      const session = (await fairPlayKeys()).createSession();
      const first = messages(session).next();
      await session.generateRequest('skd', b(ascii(`skd://${VIDEO_KID};asset-7`)));
      const message = await first;
      expect(message.type).toBe('license-request');
      const spc = decodeSpc(message.bytes);
      expect(spc.keyIds).toEqual([VIDEO_KID]);
      expect(spc.contentId).toBe(`${VIDEO_KID};asset-7`);
      expect(spc.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(spc.certificateSha256).toBe(toHex(await sha256(FP_CERT)));
    });

    it('reads the key IDs of cenc (PSSH) and sinf (tenc default_KID) init data', async () => {
      const fromCenc = (await fairPlayKeys()).createSession();
      const cencMessage = messages(fromCenc).next();
      await fromCenc.generateRequest('cenc', b(COMMON_V1_BOX));
      expect(decodeSpc((await cencMessage).bytes).keyIds.sort()).toEqual([AUDIO_KID, VIDEO_KID].sort());
      // sinf > frma, schm, schi > tenc (version 1, cbcs 1:9, protected, constant IV) with the video KID
      const tenc = concat(hex('00000020'), ascii('tenc'), hex('01000000'), hex('00190108'), hex(VIDEO_KID));
      const sinf = concat(hex('00000030'), ascii('sinf'), hex('00000028'), ascii('schi'), tenc);
      const fromSinf = (await fairPlayKeys()).createSession();
      const sinfMessage = messages(fromSinf).next();
      await fromSinf.generateRequest('sinf', b(sinf));
      expect(decodeSpc((await sinfMessage).bytes)).toEqual(jasmine.objectContaining({ keyIds: [VIDEO_KID], contentId: '' }));
    });

    it('update() with the CKC for its nonce makes the keys usable; another nonce or a non-CKC is TypeError', async () => {
      const session = (await fairPlayKeys()).createSession();
      const first = messages(session).next();
      await session.generateRequest(
        'keyids',
        b(
          ascii(
            JSON.stringify({
              kids: [
                btoa(String.fromCharCode(...hex(VIDEO_KID)))
                  .replace(/=+$/, '')
                  .replace(/\+/g, '-')
                  .replace(/\//g, '_'),
              ],
            }),
          ),
        ),
      );
      const spc = decodeSpc((await first).bytes);
      const wrong = await rejection(session.update(b(encodeCkc({ nonce: 'ff'.repeat(16), keys: [{ kid: VIDEO_KID, key: KEY }] }))));
      expect(wrong.name).toBe('TypeError');
      expect(wrong.message).toContain('nonce');
      expect((await rejection(session.update(b(ascii('<ckc>QUJD</ckc>'))))).name).toBe('TypeError');
      await session.update(b(encodeCkc({ nonce: spc.nonce, keys: [{ kid: VIDEO_KID, key: KEY }] })));
      const statuses: Record<string, string> = {};
      session.keyStatuses.forEach((status, kid) => (statuses[bytesToHex(new Uint8Array(kid as ArrayBuffer))] = status));
      expect(statuses).toEqual({ [VIDEO_KID]: 'usable' });
    });
  });
});
