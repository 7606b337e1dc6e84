/**
 * # The test CDM: Widevine, PlayReady and FairPlay message formats over the real ClearKey CDM
 *
 * **A test tool with no protection at all.** It emulates the *message
 * formats* of the Widevine and PlayReady CDMs, nothing else: no device
 * keys, no signatures a server could trust, no encrypted client identity,
 * no key wrapping. Licenses for it carry their content keys in clear. Never
 * ship it to users, never point it at a production license server (it
 * cannot decrypt a real license anyway), and never read a test passing
 * with it as a statement about security.
 *
 * `installTestCdm()` makes `com.widevine.alpha`, `com.microsoft.playready`,
 * `com.microsoft.playready.recommendation` and `com.apple.fps` available
 * through EME in a browser that only has ClearKey (headless Chromium). It patches
 * `navigator.requestMediaKeySystemAccess` and
 * `navigator.mediaCapabilities.decodingInfo`: for an emulated key system they
 * ask the browser's **real `org.w3.clearkey` CDM** for an equivalent
 * configuration and hand out its real `MediaKeys` / `MediaKeySession`
 * objects (only real ones are accepted by `HTMLMediaElement.setMediaKeys`)
 * with instance-level overrides:
 *
 * - `MediaKeySystemAccess.keySystem` reports the emulated key system;
 *   `getConfiguration()` reports the requested robustness and init data types.
 * - `generateRequest()` validates and decodes the init data (Widevine /
 *   PlayReady / common PSSH boxes via `src/pssh`), starts the real ClearKey
 *   session with the key IDs found there (`keyids` init data), swallows
 *   ClearKey's own `message` event and dispatches the emulated one:
 *   - Widevine with privacy mode on (default) and no server certificate:
 *     exactly `08 04` (SERVICE_CERTIFICATE_REQUEST); after the certificate
 *     arrives (`update()` with the license server's SERVICE_CERTIFICATE reply,
 *     or `MediaKeys.setServerCertificate()` beforehand) a `SignedMessage` of
 *     type LICENSE_REQUEST (`08 01 12 …`) whose LicenseRequest carries the
 *     Widevine PSSH data it was given (see `widevine-messages.ts`);
 *   - PlayReady: the UTF-16LE `PlayReadyKeyMessage` wrapping a base64 SOAP
 *     `AcquireLicense` challenge with the WRMHEADER from the PSSH, plus the
 *     `Content-Type` and `SOAPAction` headers (see `playready-messages.ts`);
 *   - FairPlay (cbcs only): a server certificate must have been given
 *     (`setServerCertificate()`, any bytes: Apple's signature cannot be
 *     checked), else `generateRequest()` rejects with InvalidStateError; then
 *     the emulated SPC of `fairplay-messages.ts`: the key IDs of the init data
 *     (`skd`: a 32-hex-digit URI host, Shaka's convention; `sinf`: the `tenc`
 *     default KID; `cenc` PSSH boxes and `keyids`, which Chromium reports for
 *     HLS fMP4 and Safari would not), the content id (`skd`: everything after
 *     `skd://`; else empty), a nonce and the certificate's SHA-256.
 * - `update()` reads the emulated license (Widevine `SignedMessage` of type
 *   LICENSE; PlayReady `AcquireLicenseResponse`; FairPlay the emulated CKC,
 *   its nonce the SPC's), turns its clear keys into a
 *   ClearKey JWK set and passes that to the real session. So **decryption is
 *   real** (Chromium's ClearKey decryptor and the real media pipeline) and key
 *   statuses and `keystatuseschange` events come from the real session.
 *   Malformed licenses, SOAP Faults, a license for another request (Widevine
 *   `request_id`, PlayReady nonce) reject with `TypeError` as Chromium does
 *   for an invalid response.
 * - License lifecycle (`test-cdm-lifecycle.ts`): `expiration` is NaN unless
 *   the license has a duration (Widevine `license_duration_seconds`, counted
 *   from `license_start_time`; PlayReady the emulated expiration object's end
 *   date). A Widevine policy with `can_renew` and `renewal_delay_seconds`
 *   makes the session send a `license-renewal` message then — a
 *   LICENSE_REQUEST of type RENEWAL whose `content_id.existing_license`
 *   names the license (`License.id`), no client identification — and again
 *   every `renewal_retry_interval_seconds` until a renewal license (same
 *   license id, any keys) is accepted; its policy replaces the old one. A
 *   PlayReady license with an expiration is renewed (emulation choice:
 *   PlayReady in EME rarely renews) halfway to its end, by a new
 *   AcquireLicense challenge (new nonce) sent as `license-renewal`, retried
 *   every quarter of the remaining time; the answer is a full license. When
 *   the expiration passes without a renewal, every key reports `expired`
 *   and `keystatuseschange` fires (the real ClearKey keys stay usable:
 *   only the statuses say so). `keyStatuses` is the real session's map seen
 *   through that and through {@link TestCdm.setKeyStatus}.
 *   `close()`, `remove()`, `load()` and `closed` are the real session's (so
 *   `load()` of a temporary session fails with TypeError, as in Chromium).
 * - Unsupported requests fail as a real CDM's would: `persistent-license`
 *   sessions, `distinctiveIdentifier: 'required'`, hardware robustness
 *   (`HW_SECURE_*`, PlayReady `3000`) → NotSupportedError from
 *   `requestMediaKeySystemAccess` (or `supported: false` from `decodingInfo`);
 *   unknown init data types → NotSupportedError; empty or undecodable init
 *   data → TypeError; calls on closed or uninitialised sessions →
 *   InvalidStateError (the real session's checks).
 *
 * ## What a test with it can prove
 *
 * That your app, Shaka and keyflow drive the Widevine / PlayReady flows
 * correctly end to end in a real browser: key-system selection, the
 * Widevine service-certificate round trip, PlayReady challenge unwrapping
 * and headers, license URLs, tokens, request counts, error handling, and
 * real decryption and playback once keys arrive.
 *
 * ## What it cannot prove
 *
 * Anything about real CDMs or real license servers: that a real server
 * accepts these requests (real ones are signed and encrypted; FairPlay's SPC
 * and CKC cryptography and Apple's certificate rules are not emulated, nor is
 * Safari's legacy `WebKitMediaKeys` path), that your
 * content plays on devices (robustness, HDCP, output protection, device
 * revocation, VMP), how a real CDM enforces license policies (when it
 * renews, whether it stops decryption at expiry, persistence), or
 * performance. The renewal schedule proves only that the app and keyflow
 * answer `license-renewal` messages when a CDM sends them. Check those on real devices against the real service.
 *
 * Emulated sessions keep working after `uninstall()` (they are real
 * ClearKey sessions); `uninstall()` only stops *new* accesses being
 * emulated.
 *
 * @module
 */

import { bytesToHex, encodeBase64, encodeBase64Url, hexToBytes } from '../pssh/bytes';
import { splitPsshBoxes } from '../pssh/box';
import { decodeInitData } from '../pssh/init-data';
import { decodeCkc, encodeSpc } from './fairplay-messages';
import { KeyStatusOverrides, SessionLifecycle, type LicenseTerms } from './test-cdm-lifecycle';
import { parseKeyIdsInitData } from '../pssh/keyids';
import { decodePlayReadyObject } from '../pssh/playready';
import { decodeWidevinePsshData } from '../pssh/widevine';
import {
  buildAcquireLicenseChallenge,
  buildWrmHeaderForKeyIds,
  decodeEmulatedLicense,
  encodePlayReadyKeyMessage,
  parseAcquireLicenseAnswer,
  utf8Bytes,
} from './playready-messages';
import {
  decodeLicense,
  decodeServiceCertificate,
  decodeSignedMessage,
  encodeClientIdentification,
  encodeLicenseRequest,
  encodeSignedMessage,
  encodeWidevinePsshDataForKeyIds,
  KEY_TYPE_CONTENT,
  LICENSE_TYPE_STREAMING,
  PROTOCOL_VERSION_2_1,
  REQUEST_TYPE_NEW,
  REQUEST_TYPE_RENEWAL,
  TOKEN_TYPE_DRM_DEVICE_CERTIFICATE,
  WIDEVINE_SERVICE_CERTIFICATE_REQUEST,
  WidevineMessageType,
  type WidevineClientIdentification,
  type WidevineContentId,
  type WidevineLicense,
  type WidevineServiceCertificate,
} from './widevine-messages';

/** The key systems the test CDM can emulate. */
export const EMULATED_KEY_SYSTEMS = [
  'com.widevine.alpha',
  'com.microsoft.playready',
  'com.microsoft.playready.recommendation',
  'com.apple.fps',
] as const;

/** One of {@link EMULATED_KEY_SYSTEMS}. */
export type EmulatedKeySystem = (typeof EMULATED_KEY_SYSTEMS)[number];

/** Options of {@link installTestCdm}. */
export interface TestCdmOptions {
  /** Which key systems to emulate. Default: all of {@link EMULATED_KEY_SYSTEMS}. */
  keySystems?: readonly EmulatedKeySystem[];
  /**
   * Widevine privacy mode: when on and no server certificate is known, a
   * session's first message is the service certificate request `08 04` and
   * the license request carries the client identification "encrypted" (in
   * the emulation: in clear) for that certificate. Default `true`, as in
   * Chrome.
   */
  widevinePrivacyMode?: boolean;
  /**
   * Key statuses to report instead of `usable`, per key ID (32 hex digits),
   * e.g. `{ [hdKid]: 'output-restricted' }`; see also {@link TestCdm.setKeyStatus}.
   */
  keyStatuses?: Readonly<Record<string, MediaKeyStatus>>;
}

/** An installed test CDM. */
export interface TestCdm {
  /** The key systems it emulates. */
  readonly keySystems: readonly EmulatedKeySystem[];
  /** False once {@link TestCdm.uninstall} was called. */
  readonly installed: boolean;
  /**
   * Reports `status` instead of `usable` for `keyId` (32 hex digits) in every
   * emulated session holding it, from now on (`null`: the real status again);
   * live sessions dispatch `keystatuseschange` at once.
   */
  setKeyStatus(keyId: string, status: MediaKeyStatus | null): void;
  /**
   * Restores `navigator.requestMediaKeySystemAccess` and
   * `navigator.mediaCapabilities.decodingInfo`. Idempotent. MediaKeys and
   * sessions already handed out keep working.
   */
  uninstall(): void;
}

/** The ClientIdentification the test CDM sends (a label, no credential). */
export const TEST_CDM_CLIENT_IDENTIFICATION: WidevineClientIdentification = {
  type: TOKEN_TYPE_DRM_DEVICE_CERTIFICATE,
  token: utf8Bytes('shaka-keyflow test CDM: no device certificate, no protection'),
  clientInfo: [
    ['company_name', 'shaka-keyflow'],
    ['model_name', 'test-cdm'],
    ['architecture_name', 'emulated'],
    ['widevine_cdm_version', 'emulated'],
  ],
};

interface Profile {
  system: 'widevine' | 'playready' | 'fairplay';
  initDataTypes: readonly string[];
  robustness: readonly string[];
  encryptionSchemes: readonly string[];
}

const WIDEVINE: Profile = {
  system: 'widevine',
  initDataTypes: ['cenc', 'keyids', 'webm'],
  // A software CDM (Widevine L3): the SW levels and the empty string.
  robustness: ['', 'SW_SECURE_CRYPTO', 'SW_SECURE_DECODE'],
  encryptionSchemes: ['cenc', 'cbcs', 'cbcs-1-9'],
};

const PLAYREADY: Profile = {
  system: 'playready',
  initDataTypes: ['cenc', 'keyids'],
  // Software security levels only (150 test, 2000 production software); 3000 needs hardware.
  robustness: ['', '150', '2000'],
  encryptionSchemes: ['cenc', 'cbcs'],
};

const FAIRPLAY: Profile = {
  system: 'fairplay',
  // 'sinf' and 'skd' as Safari; 'cenc' and 'keyids' too, so the PSSH boxes Chromium reports for
  // HLS fMP4 content can start a session (Safari would not be given them).
  initDataTypes: ['sinf', 'skd', 'cenc', 'keyids'],
  robustness: [''],
  // FairPlay content is cbcs (Safari's MediaKeyEncryptionScheme has no cbcs-1-9).
  encryptionSchemes: ['cbcs'],
};

const PROFILES: Record<EmulatedKeySystem, Profile> = {
  'com.widevine.alpha': WIDEVINE,
  'com.microsoft.playready': PLAYREADY,
  'com.microsoft.playready.recommendation': PLAYREADY,
  'com.apple.fps': FAIRPLAY,
};

const CLEARKEY = 'org.w3.clearkey';

// ---------------------------------------------------------------------------
// Errors as Chromium words them
// ---------------------------------------------------------------------------

function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}

function invalidState(method: string, message: string): DOMException {
  return new DOMException(`Failed to execute '${method}' on 'MediaKeySession': ${message}`, 'InvalidStateError');
}

function typeError(method: string, message: string, detail?: string): TypeError {
  return new TypeError(
    `Failed to execute '${method}' on '${method === 'setServerCertificate' ? 'MediaKeys' : 'MediaKeySession'}': ${message}${detail ? ` (test CDM: ${detail})` : ''}`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------
// Bytes and crypto helpers
// ---------------------------------------------------------------------------

function toBytes(data: BufferSource | null | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function freshBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', freshBuffer(bytes)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function keyIdsInitData(kidsHex: readonly string[]): Uint8Array {
  return utf8Bytes(JSON.stringify({ kids: kidsHex.map((kid) => encodeBase64Url(hexToBytes(kid))) }));
}

function jwkSet(keys: ReadonlyArray<{ keyId: Uint8Array; key: Uint8Array }>): Uint8Array {
  return utf8Bytes(
    JSON.stringify({
      keys: keys.map(({ keyId, key }) => ({ kty: 'oct', kid: encodeBase64Url(keyId), k: encodeBase64Url(key) })),
      type: 'temporary',
    }),
  );
}

// ---------------------------------------------------------------------------
// Configuration mapping
// ---------------------------------------------------------------------------

interface MappedConfiguration {
  /** What the real ClearKey CDM is asked for. */
  clearKey: MediaKeySystemConfiguration;
  /** Surviving original capabilities, to restore robustness in getConfiguration(). */
  audio: MediaKeySystemMediaCapability[];
  video: MediaKeySystemMediaCapability[];
  initDataTypes: string[];
}

function mapCapabilities(
  profile: Profile,
  capabilities: readonly MediaKeySystemMediaCapability[] | undefined,
): { original: MediaKeySystemMediaCapability[]; clearKey: MediaKeySystemMediaCapability[] } | null {
  const list = capabilities ? Array.from(capabilities) : [];
  const original: MediaKeySystemMediaCapability[] = [];
  const clearKey: MediaKeySystemMediaCapability[] = [];
  for (const cap of list) {
    const robustness = cap.robustness ?? '';
    const scheme = (cap as { encryptionScheme?: string | null }).encryptionScheme;
    if (!profile.robustness.includes(robustness)) continue;
    if (scheme !== undefined && scheme !== null && !profile.encryptionSchemes.includes(scheme)) continue;
    original.push(cap);
    const mapped: MediaKeySystemMediaCapability & { encryptionScheme?: string | null } = {
      contentType: cap.contentType ?? '',
      robustness: '',
    };
    if (scheme !== undefined && scheme !== null) mapped.encryptionScheme = scheme;
    clearKey.push(mapped);
  }
  // A non-empty capability list of which nothing is supported makes the configuration unsupported.
  if (list.length > 0 && clearKey.length === 0) return null;
  return { original, clearKey };
}

function mapConfiguration(profile: Profile, config: MediaKeySystemConfiguration): MappedConfiguration | null {
  const sessionTypes = config.sessionTypes ?? ['temporary'];
  if (sessionTypes.some((type) => type !== 'temporary')) return null; // persistent sessions are not emulated
  if (config.distinctiveIdentifier === 'required') return null;
  let initDataTypes: string[] = [];
  if (config.initDataTypes && config.initDataTypes.length > 0) {
    initDataTypes = config.initDataTypes.filter((type) => profile.initDataTypes.includes(type));
    if (initDataTypes.length === 0) return null;
  }
  const audio = mapCapabilities(profile, config.audioCapabilities);
  const video = mapCapabilities(profile, config.videoCapabilities);
  if (!audio || !video) return null;
  const clearKey: MediaKeySystemConfiguration = {
    initDataTypes: ['keyids'],
    audioCapabilities: audio.clearKey,
    videoCapabilities: video.clearKey,
    distinctiveIdentifier: config.distinctiveIdentifier ?? 'optional',
    persistentState: config.persistentState ?? 'optional',
    sessionTypes: ['temporary'],
  };
  if (config.label !== undefined) clearKey.label = config.label;
  return { clearKey, audio: audio.original, video: video.original, initDataTypes };
}

function restoreCapabilities(
  real: readonly MediaKeySystemMediaCapability[] | undefined,
  originals: readonly MediaKeySystemMediaCapability[],
): MediaKeySystemMediaCapability[] {
  const unused = [...originals];
  return (real ?? []).map((cap) => {
    const scheme = (cap as { encryptionScheme?: string | null }).encryptionScheme ?? null;
    const index = unused.findIndex(
      (o) => (o.contentType ?? '') === cap.contentType && ((o as { encryptionScheme?: string | null }).encryptionScheme ?? null) === scheme,
    );
    const match = index >= 0 ? unused.splice(index, 1)[0] : undefined;
    return { ...cap, robustness: match?.robustness ?? '' } as MediaKeySystemMediaCapability;
  });
}

// ---------------------------------------------------------------------------
// Installation
// ---------------------------------------------------------------------------

type RequestAccess = (keySystem: string, configs: MediaKeySystemConfiguration[]) => Promise<MediaKeySystemAccess>;
type DecodingInfo = (config: DecodingConfig) => Promise<MediaCapabilitiesDecodingInfo>;

interface KeySystemTrackConfiguration {
  robustness?: string;
  encryptionScheme?: string | null;
}

/** MediaDecodingConfiguration with the EME extension (not in every TypeScript DOM lib). */
interface DecodingConfig extends MediaDecodingConfiguration {
  keySystemConfiguration?: {
    keySystem: string;
    initDataType?: string;
    distinctiveIdentifier?: MediaKeysRequirement;
    persistentState?: MediaKeysRequirement;
    sessionTypes?: string[];
    audio?: KeySystemTrackConfiguration;
    video?: KeySystemTrackConfiguration;
  };
}

interface Installation {
  active: boolean;
  overrides: KeyStatusOverrides;
  keySystems: ReadonlySet<string>;
  privacyMode: boolean;
  requestAccess: RequestAccess;
}

let installed: Installation | null = null;

function patch<T extends object, K extends keyof T>(target: T, name: K, value: T[K]): () => void {
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { value, configurable: true, writable: true, enumerable: own?.enumerable ?? false });
  return () => {
    if (own) Object.defineProperty(target, name, own);
    else delete (target as Record<PropertyKey, unknown>)[name as PropertyKey];
  };
}

/**
 * Installs the test CDM: from now on `navigator.requestMediaKeySystemAccess`
 * and `navigator.mediaCapabilities.decodingInfo` offer the emulated key
 * systems (see the module comment). Only one test CDM can be installed at a
 * time.
 *
 * Shaka Player memoizes `decodingInfo` results per page: after installing
 * or uninstalling, call {@link resetShakaDrmCaches} before the next
 * `player.load()` (or configure `streaming.clearDecodingCache: true` on
 * every player), or Shaka keeps using what it saw before. (As a safety net,
 * the `decodingInfo` results the test CDM hands out report
 * `supported: false` and no `keySystemAccess` once it is uninstalled, so a
 * stale cached result cannot keep selecting an emulated key system.)
 *
 * @throws Error when a test CDM is already installed, or the browser has no EME
 */
export function installTestCdm(options: TestCdmOptions = {}): TestCdm {
  if (installed) throw new Error('installTestCdm: a test CDM is already installed; call uninstall() on it first');
  if (typeof navigator === 'undefined' || typeof navigator.requestMediaKeySystemAccess !== 'function') {
    throw new Error('installTestCdm: this browser has no EME (navigator.requestMediaKeySystemAccess)');
  }
  const keySystems = [...new Set(options.keySystems ?? EMULATED_KEY_SYSTEMS)];
  for (const keySystem of keySystems) {
    if (!(EMULATED_KEY_SYSTEMS as readonly string[]).includes(keySystem)) {
      throw new Error(`installTestCdm: cannot emulate ${String(keySystem)}; choose from ${EMULATED_KEY_SYSTEMS.join(', ')}`);
    }
  }

  const originalRequestAccess: RequestAccess = navigator.requestMediaKeySystemAccess;
  const mediaCapabilities = (navigator as Navigator & { mediaCapabilities?: MediaCapabilities }).mediaCapabilities;
  const originalDecodingInfo = mediaCapabilities?.decodingInfo as DecodingInfo | undefined;

  const overrides = new KeyStatusOverrides();
  for (const [kid, status] of Object.entries(options.keyStatuses ?? {})) overrides.set(kid, status);
  const installation: Installation = {
    active: true,
    overrides,
    keySystems: new Set(keySystems),
    privacyMode: options.widevinePrivacyMode ?? true,
    requestAccess: async (keySystem, configs) => {
      const profile = PROFILES[keySystem as EmulatedKeySystem];
      if (!profile) throw notSupported('Unsupported keySystem or supportedConfigurations.');
      const list = configs ? Array.from(configs) : [];
      if (list.length === 0) {
        throw new TypeError(
          "Failed to execute 'requestMediaKeySystemAccess' on 'Navigator': The supportedConfigurations parameter is empty.",
        );
      }
      for (const config of list) {
        const mapped = mapConfiguration(profile, config);
        if (!mapped) continue;
        let real: MediaKeySystemAccess;
        try {
          real = await originalRequestAccess.call(navigator, CLEARKEY, [mapped.clearKey]);
        } catch {
          continue;
        }
        return createAccess(keySystem as EmulatedKeySystem, profile, real, mapped, installation);
      }
      throw notSupported('Unsupported keySystem or supportedConfigurations.');
    },
  };

  const restore: Array<() => void> = [];
  restore.push(
    patch(
      navigator,
      'requestMediaKeySystemAccess',
      function requestMediaKeySystemAccess(
        this: unknown,
        keySystem: string,
        configs: MediaKeySystemConfiguration[],
      ): Promise<MediaKeySystemAccess> {
        if (installation.active && installation.keySystems.has(keySystem)) return installation.requestAccess(keySystem, configs);
        return originalRequestAccess.call(navigator, keySystem, configs);
      },
    ),
  );
  if (mediaCapabilities && originalDecodingInfo) {
    const decodingInfo: DecodingInfo = async (config) => {
      const ksc = config?.keySystemConfiguration;
      if (!installation.active || !ksc || !installation.keySystems.has(ksc.keySystem)) {
        return originalDecodingInfo.call(mediaCapabilities, config);
      }
      return emulatedDecodingInfo(config, originalDecodingInfo.bind(mediaCapabilities), installation);
    };
    restore.push(patch(mediaCapabilities, 'decodingInfo', decodingInfo as MediaCapabilities['decodingInfo']));
  }

  installed = installation;
  return {
    keySystems,
    get installed() {
      return installation.active;
    },
    setKeyStatus: (keyId, status) => overrides.set(keyId, status),
    uninstall() {
      if (!installation.active) return;
      installation.active = false;
      for (const undo of restore.reverse()) undo();
      if (installed === installation) installed = null;
    },
  };
}

async function emulatedDecodingInfo(
  config: DecodingConfig,
  original: DecodingInfo,
  installation: Installation,
): Promise<MediaCapabilitiesDecodingInfo> {
  const ksc = config.keySystemConfiguration!;
  const { keySystemConfiguration: _ignored, ...mediaOnly } = config;
  const base = await original(mediaOnly as DecodingConfig);
  const unsupported = {
    supported: false,
    smooth: false,
    powerEfficient: false,
    keySystemAccess: null,
  } as unknown as MediaCapabilitiesDecodingInfo;
  if (!base.supported) return unsupported;
  const capability = (
    track: { contentType: string } | undefined,
    eme: KeySystemTrackConfiguration | undefined,
  ): MediaKeySystemMediaCapability[] => {
    if (!track) return [];
    const cap: MediaKeySystemMediaCapability & { encryptionScheme?: string | null } = {
      contentType: track.contentType,
      robustness: eme?.robustness ?? '',
    };
    if (eme?.encryptionScheme) cap.encryptionScheme = eme.encryptionScheme;
    return [cap];
  };
  const mksc: MediaKeySystemConfiguration = {
    initDataTypes: ksc.initDataType ? [ksc.initDataType] : [],
    distinctiveIdentifier: ksc.distinctiveIdentifier ?? 'optional',
    persistentState: ksc.persistentState ?? 'optional',
    sessionTypes: ksc.sessionTypes ?? ['temporary'],
    audioCapabilities: capability(config.audio, ksc.audio),
    videoCapabilities: capability(config.video, ksc.video),
  };
  let access: MediaKeySystemAccess;
  try {
    access = await installation.requestAccess(ksc.keySystem, [mksc]);
  } catch {
    return unsupported;
  }
  // "Live" result: Shaka caches decodingInfo results per page; once the test
  // CDM is uninstalled, a cached result stops claiming support.
  const result = {};
  Object.defineProperties(result, {
    supported: { get: () => installation.active, enumerable: true },
    smooth: { get: () => installation.active && base.smooth, enumerable: true },
    powerEfficient: { get: () => installation.active && base.powerEfficient, enumerable: true },
    keySystemAccess: { get: () => (installation.active ? access : null), enumerable: true },
  });
  return result as MediaCapabilitiesDecodingInfo;
}

// ---------------------------------------------------------------------------
// MediaKeySystemAccess and MediaKeys
// ---------------------------------------------------------------------------

interface KeysState {
  keySystem: EmulatedKeySystem;
  profile: Profile;
  privacyMode: boolean;
  /** Set by setServerCertificate(). */
  certificate: WidevineServiceCertificate | null;
  /** FairPlay: the server certificate's bytes, set by setServerCertificate(). */
  fairPlayCertificate: Uint8Array | null;
  /** The key statuses tests ask for. */
  overrides: KeyStatusOverrides;
}

function createAccess(
  keySystem: EmulatedKeySystem,
  profile: Profile,
  real: MediaKeySystemAccess,
  mapped: MappedConfiguration,
  installation: Installation,
): MediaKeySystemAccess {
  const privacyMode = installation.privacyMode;
  return {
    keySystem,
    getConfiguration(): MediaKeySystemConfiguration {
      const config = real.getConfiguration();
      return {
        ...config,
        initDataTypes: [...mapped.initDataTypes],
        audioCapabilities: restoreCapabilities(config.audioCapabilities, mapped.audio),
        videoCapabilities: restoreCapabilities(config.videoCapabilities, mapped.video),
      };
    },
    async createMediaKeys(): Promise<MediaKeys> {
      const mediaKeys = await real.createMediaKeys();
      emulateMediaKeys(mediaKeys, {
        keySystem,
        profile,
        privacyMode,
        certificate: null,
        fairPlayCertificate: null,
        overrides: installation.overrides,
      });
      return mediaKeys;
    },
  } as MediaKeySystemAccess;
}

function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, configurable: true, writable: true });
}

function emulateMediaKeys(mediaKeys: MediaKeys, state: KeysState): void {
  const realCreateSession = mediaKeys.createSession.bind(mediaKeys);
  define(mediaKeys, 'createSession', (sessionType?: MediaKeySessionType): MediaKeySession => {
    const session = realCreateSession(sessionType); // throws NotSupportedError for persistent-license, as in Chromium
    if (state.profile.system === 'widevine') emulateWidevineSession(session, state);
    else if (state.profile.system === 'fairplay') emulateFairPlaySession(session, state);
    else emulatePlayReadySession(session, state);
    return session;
  });
  define(mediaKeys, 'setServerCertificate', async (certificate: BufferSource): Promise<boolean> => {
    const bytes = toBytes(certificate);
    if (bytes.length === 0) throw typeError('setServerCertificate', 'The serverCertificate parameter is empty.');
    if (state.profile.system === 'fairplay') {
      state.fairPlayCertificate = bytes.slice(); // any bytes: the emulation cannot check Apple's signature
      return true;
    }
    if (state.profile.system !== 'widevine') return false; // PlayReady: server certificates are not used
    try {
      state.certificate = decodeServiceCertificate(bytes);
    } catch (error) {
      throw typeError('setServerCertificate', 'Invalid server certificate.', describe(error));
    }
    return true;
  });
}

// ---------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------

/** What every emulated session shares: the real session's methods and the message plumbing. */
interface SessionCore {
  session: MediaKeySession;
  realGenerateRequest(kidsHex: readonly string[]): Promise<void>;
  /** Starts the session without the real one: its key IDs come with the license (a content-id-only request). */
  deferRealSession(): void;
  /** Whether the real session is still to be started (see deferRealSession). */
  deferred(): boolean;
  realUpdate(jwk: Uint8Array): Promise<void>;
  /** Dispatches an emulated `message` event now. */
  dispatch(messageType: MediaKeyMessageType, message: Uint8Array): void;
  /** Dispatches an emulated `message` event in a later task (after the current promise settles). */
  dispatchLater(messageType: MediaKeyMessageType, message: () => Promise<Uint8Array>): void;
  closed(): boolean;
  checkCallable(method: string): void;
  /** Expiration, renewals and reported key statuses. */
  lifecycle: SessionLifecycle;
}

function prepareSession(session: MediaKeySession, overrides: KeyStatusOverrides, renew: () => void = () => undefined): SessionCore {
  const realGenerateRequest = session.generateRequest.bind(session);
  const realUpdate = session.update.bind(session);
  const realClose = session.close.bind(session);
  let generated = false;
  let realStarted = false;
  let closed = false;
  let expiration = NaN;

  // ClearKey's own messages are swallowed: a capture listener on the target
  // runs before every other listener (and the onmessage handler).
  session.addEventListener(
    'message',
    (event) => {
      if (event.isTrusted) event.stopImmediatePropagation();
    },
    { capture: true },
  );
  const lifecycle = new SessionLifecycle(session, { renew, setExpiration: (ms) => (expiration = ms), closed: () => closed }, overrides);
  const markClosed = (): void => {
    closed = true;
    lifecycle.closed();
  };
  void session.closed.then(markClosed, markClosed);
  Object.defineProperty(session, 'expiration', { get: () => expiration, configurable: true });
  define(session, 'close', async (): Promise<void> => {
    await realClose();
    markClosed();
  });

  const core: SessionCore = {
    session,
    async realGenerateRequest(kidsHex) {
      await realGenerateRequest('keyids', freshBuffer(keyIdsInitData(kidsHex)));
      generated = true;
      realStarted = true;
    },
    deferRealSession() {
      generated = true;
    },
    deferred: () => generated && !realStarted,
    realUpdate: (jwk) => realUpdate(freshBuffer(jwk)),
    dispatch(messageType, message) {
      if (closed) return;
      session.dispatchEvent(new MediaKeyMessageEvent('message', { messageType, message: freshBuffer(message) }));
    },
    dispatchLater(messageType, message) {
      setTimeout(() => {
        message().then(
          (bytes) => core.dispatch(messageType, bytes),
          () => undefined,
        );
      }, 0);
    },
    closed: () => closed,
    checkCallable(method) {
      if (closed) throw invalidState(method, 'The session is already closed.');
      if (!generated) throw invalidState(method, 'The session is not callable.');
    },
    lifecycle,
  };
  return core;
}

/** Spec order for generateRequest(): state, empty type, empty data, unsupported type. */
function checkGenerateRequest(
  core: SessionCore,
  profile: Profile,
  alreadyStarted: boolean,
  initDataType: string,
  initData: Uint8Array,
): void {
  if (core.closed()) throw invalidState('generateRequest', 'The session is already closed.');
  if (alreadyStarted) throw invalidState('generateRequest', 'The session is already initialized.');
  if (!initDataType) throw typeError('generateRequest', 'The initDataType parameter is empty.');
  if (initData.length === 0) throw typeError('generateRequest', 'The initData parameter is empty.');
  if (!profile.initDataTypes.includes(initDataType)) {
    throw notSupported(
      `Failed to execute 'generateRequest' on 'MediaKeySession': The initialization data type '${initDataType}' is not supported.`,
    );
  }
}

// --- Widevine --------------------------------------------------------------------------

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface WidevineContent {
  contentId: DistributiveOmit<WidevineContentId, 'licenseType' | 'requestId'>;
  kids: string[];
}

function widevineContent(initDataType: string, initData: Uint8Array): WidevineContent {
  if (initDataType === 'keyids') {
    const kids = parseKeyIdsInitData(initData);
    return { contentId: { kind: 'widevine-pssh-data', psshData: [encodeWidevinePsshDataForKeyIds(kids)] }, kids };
  }
  if (initDataType === 'webm') {
    return { contentId: { kind: 'webm-key-id', header: initData.slice() }, kids: [bytesToHex(initData)] };
  }
  const boxes = splitPsshBoxes(initData).filter((box) => box.systemName === 'widevine');
  if (boxes.length > 0) {
    const kids = boxes.flatMap((box) => [...box.keyIds, ...(box.data.length ? decodeWidevinePsshData(box.data).keyIds : [])]);
    return { contentId: { kind: 'widevine-pssh-data', psshData: boxes.map((box) => box.data) }, kids: [...new Set(kids)] };
  }
  // No Widevine box (e.g. only the common PSSH): the whole init data goes in ContentIdentification.init_data.
  const kids = decodeInitData('cenc', initData).systems.flatMap((system) => system.keyIds);
  return { contentId: { kind: 'init-data', initDataType: 1, initData: initData.slice() }, kids: [...new Set(kids)] };
}

/** Whether Widevine init data names a content id (`WidevinePsshData.content_id`). */
function hasWidevineContentId(content: WidevineContent): boolean {
  if (content.contentId.kind !== 'widevine-pssh-data') return false;
  return content.contentId.psshData.some((data) => {
    const decoded = decodeWidevinePsshData(data);
    return (decoded.contentId?.length ?? 0) > 0 || !!decoded.contentIdText;
  });
}

/** A Widevine license's terms (License.Policy, from license_start_time). */
function widevineTerms(license: WidevineLicense): LicenseTerms {
  const { licenseDurationSeconds, canRenew, renewalDelaySeconds, renewalRetryIntervalSeconds } = license.policy;
  const start = license.licenseStartTime * 1000;
  return {
    expiresAt: licenseDurationSeconds > 0 ? start + licenseDurationSeconds * 1000 : NaN,
    renewAt: canRenew && renewalDelaySeconds ? start + renewalDelaySeconds * 1000 : null,
    retryMs: canRenew ? (renewalRetryIntervalSeconds ?? 0) * 1000 : 0,
  };
}

function emulateWidevineSession(session: MediaKeySession, keys: KeysState): void {
  const core: SessionCore = prepareSession(session, keys.overrides, () => core.dispatchLater('license-renewal', renewalRequest));
  /** The license in force (renewals name it). */
  let current: WidevineLicense | null = null;
  let started = false;
  let content: WidevineContent | null = null;
  let requestId: Uint8Array = new Uint8Array(0);
  /** Set by update() with a SERVICE_CERTIFICATE reply. */
  let sessionCertificate: WidevineServiceCertificate | null = null;
  let awaitingCertificate = false;

  const licenseRequest = async (): Promise<Uint8Array> => {
    const certificate = sessionCertificate ?? keys.certificate;
    const contentId = { ...content!.contentId, licenseType: LICENSE_TYPE_STREAMING, requestId } as WidevineContentId;
    const clientId = encodeClientIdentification(TEST_CDM_CLIENT_IDENTIFICATION);
    const msg = encodeLicenseRequest({
      contentId,
      type: REQUEST_TYPE_NEW,
      requestTime: Math.floor(Date.now() / 1000),
      protocolVersion: PROTOCOL_VERSION_2_1,
      keyControlNonce: 1 + (new DataView(randomBytes(4).buffer).getUint32(0) % 0x7fffffff),
      ...(keys.privacyMode && certificate
        ? {
            encryptedClientId: {
              providerId: certificate.providerId,
              serviceCertificateSerialNumber: certificate.serialNumber,
              encryptedClientId: clientId, // NOT encrypted: the emulation has no keys
              encryptedClientIdIv: new Uint8Array(16),
            },
          }
        : { clientId: TEST_CDM_CLIENT_IDENTIFICATION }),
    });
    return encodeSignedMessage({ type: WidevineMessageType.LICENSE_REQUEST, msg, signature: await sha256(msg) });
  };

  /** A LICENSE_REQUEST of type RENEWAL naming the license in force (no client identification). */
  const renewalRequest = async (): Promise<Uint8Array> => {
    const id = current!.id;
    const msg = encodeLicenseRequest({
      contentId: { kind: 'existing-license', licenseId: id, licenseType: id.type, requestId: id.requestId },
      type: REQUEST_TYPE_RENEWAL,
      requestTime: Math.floor(Date.now() / 1000),
      protocolVersion: PROTOCOL_VERSION_2_1,
      keyControlNonce: 1 + (new DataView(randomBytes(4).buffer).getUint32(0) % 0x7fffffff),
    });
    return encodeSignedMessage({ type: WidevineMessageType.LICENSE_REQUEST, msg, signature: await sha256(msg) });
  };

  define(session, 'generateRequest', async (initDataType: string, initData: BufferSource): Promise<void> => {
    const bytes = toBytes(initData);
    checkGenerateRequest(core, keys.profile, started, initDataType, bytes);
    let parsed: WidevineContent;
    try {
      parsed = widevineContent(initDataType, bytes);
    } catch (error) {
      throw typeError('generateRequest', 'Invalid initData.', describe(error));
    }
    if (parsed.kids.length === 0 && !hasWidevineContentId(parsed)) {
      throw notSupported(
        "Failed to execute 'generateRequest' on 'MediaKeySession': the test CDM found neither key IDs nor a content id in the init data.",
      );
    }
    started = true;
    content = parsed;
    requestId = randomBytes(16);
    // A content id without key IDs: the license server resolves the keys, the real session starts with the license's.
    if (parsed.kids.length === 0) core.deferRealSession();
    else await core.realGenerateRequest(parsed.kids);
    if (keys.privacyMode && !keys.certificate) {
      awaitingCertificate = true;
      core.dispatch('license-request', WIDEVINE_SERVICE_CERTIFICATE_REQUEST);
    } else {
      core.dispatch('license-request', await licenseRequest());
    }
  });

  define(session, 'update', async (response: BufferSource): Promise<void> => {
    core.checkCallable('update');
    const bytes = toBytes(response);
    if (bytes.length === 0) throw typeError('update', 'The response parameter is empty.');
    let message;
    try {
      message = decodeSignedMessage(bytes);
    } catch (error) {
      throw typeError('update', 'Invalid response.', describe(error));
    }
    if (message.type === WidevineMessageType.SERVICE_CERTIFICATE) {
      try {
        sessionCertificate = decodeServiceCertificate(bytes);
      } catch (error) {
        throw typeError('update', 'Invalid response.', describe(error));
      }
      if (awaitingCertificate) {
        awaitingCertificate = false;
        core.dispatchLater('license-request', licenseRequest);
      }
      return;
    }
    if (message.type === WidevineMessageType.ERROR_RESPONSE) {
      throw typeError('update', 'Invalid response.', 'the license server sent an ERROR_RESPONSE');
    }
    if (message.type !== WidevineMessageType.LICENSE || !message.msg) {
      throw typeError('update', 'Invalid response.', `a Widevine SignedMessage of type ${message.type} is not a license`);
    }
    if (message.signature && !equalBytes(message.signature, await sha256(message.msg))) {
      throw typeError('update', 'Invalid response.', 'the license signature (SHA-256 of msg) does not match');
    }
    let license;
    try {
      license = decodeLicense(message.msg);
    } catch (error) {
      throw typeError('update', 'Invalid response.', describe(error));
    }
    if (license.id.requestId.length > 0 && !equalBytes(license.id.requestId, requestId)) {
      throw typeError('update', 'Invalid response.', "the license is for another request (request_id does not match this session's)");
    }
    const contentKeys = license.keys.filter((key) => key.type === KEY_TYPE_CONTENT && key.keyId.length > 0 && key.key.length === 16);
    const renewal = current !== null && equalBytes(license.id.sessionId, current.id.sessionId);
    if (contentKeys.length === 0 && !renewal) throw typeError('update', 'Invalid response.', 'the license has no content keys');
    if (core.deferred()) await core.realGenerateRequest(contentKeys.map((key) => bytesToHex(key.keyId)));
    if (contentKeys.length > 0) await core.realUpdate(jwkSet(contentKeys));
    current = license;
    core.lifecycle.licensed(widevineTerms(license));
  });
}

// --- PlayReady -------------------------------------------------------------------------

function playReadyContent(initDataType: string, initData: Uint8Array): { wrmHeaderXml: string; kids: string[] } {
  if (initDataType === 'keyids') {
    const kids = parseKeyIdsInitData(initData);
    return { wrmHeaderXml: buildWrmHeaderForKeyIds(kids), kids };
  }
  for (const box of splitPsshBoxes(initData)) {
    if (box.systemName !== 'playready' || box.data.length === 0) continue;
    const header = decodePlayReadyObject(box.data).headers[0];
    if (header) {
      return { wrmHeaderXml: header.xml.replace(/^\uFEFF/, '').replace(/\u0000+$/, ''), kids: header.keyIds };
    }
  }
  return { wrmHeaderXml: '', kids: [] };
}

/** An emulated PlayReady license's terms: expiry at the earliest end date; renewal halfway (emulation choice). */
function playReadyTerms(licenses: ReadonlyArray<{ expiration?: { end: number } }>): LicenseTerms {
  const ends = licenses.map((license) => license.expiration?.end ?? Infinity);
  const end = Math.min(...ends) * 1000;
  if (!Number.isFinite(end)) return { expiresAt: NaN, renewAt: null, retryMs: 0 };
  const left = Math.max(0, end - Date.now());
  return { expiresAt: end, renewAt: Date.now() + left / 2, retryMs: Math.max(250, left / 4) };
}

function emulatePlayReadySession(session: MediaKeySession, state: KeysState): void {
  const core: SessionCore = prepareSession(session, state.overrides, () => core.dispatchLater('license-renewal', challenge));
  const profile = PLAYREADY;
  let started = false;
  let nonce = '';
  let wrmHeaderXml = '';

  /** A new AcquireLicense challenge (a new nonce) for the session's header, as a PlayReady key message. */
  const challenge = async (): Promise<Uint8Array> => {
    const nonceBytes = randomBytes(16);
    nonce = encodeBase64(nonceBytes);
    const xml = buildAcquireLicenseChallenge({ wrmHeaderXml, nonce: nonceBytes, clientTime: Math.floor(Date.now() / 1000) });
    return encodePlayReadyKeyMessage(utf8Bytes(xml));
  };

  define(session, 'generateRequest', async (initDataType: string, initData: BufferSource): Promise<void> => {
    const bytes = toBytes(initData);
    checkGenerateRequest(core, profile, started, initDataType, bytes);
    let parsed;
    try {
      parsed = playReadyContent(initDataType, bytes);
    } catch (error) {
      throw typeError('generateRequest', 'Invalid initData.', describe(error));
    }
    if (!parsed.wrmHeaderXml || parsed.kids.length === 0) {
      throw notSupported(
        "Failed to execute 'generateRequest' on 'MediaKeySession': the test CDM found no PlayReady Header with key IDs in the init data.",
      );
    }
    started = true;
    wrmHeaderXml = parsed.wrmHeaderXml;
    await core.realGenerateRequest(parsed.kids);
    core.dispatch('license-request', await challenge());
  });

  define(session, 'update', async (response: BufferSource): Promise<void> => {
    core.checkCallable('update');
    const bytes = toBytes(response);
    if (bytes.length === 0) throw typeError('update', 'The response parameter is empty.');
    let answer;
    try {
      answer = parseAcquireLicenseAnswer(bytes);
    } catch (error) {
      throw typeError('update', 'Invalid response.', describe(error));
    }
    if (answer.kind === 'fault') {
      const { faultString, statusCode, errorCode } = answer.fault;
      const codes = [statusCode, errorCode].filter((c) => c !== undefined).join(' ');
      throw typeError(
        'update',
        'Invalid response.',
        `the license server answered a SOAP Fault${codes ? ` [${codes}]` : ''}${faultString ? `: ${faultString}` : ''}`,
      );
    }
    if (answer.nonce !== undefined && answer.nonce !== nonce) {
      throw typeError('update', 'Invalid response.', "the license is for another challenge (LicenseNonce does not match this session's)");
    }
    let licenses;
    try {
      licenses = answer.licenses.map((license) => decodeEmulatedLicense(license));
    } catch (error) {
      throw typeError('update', 'Invalid response.', describe(error));
    }
    await core.realUpdate(jwkSet(licenses.map((license) => ({ keyId: hexToBytes(license.keyId), key: license.key }))));
    core.lifecycle.licensed(playReadyTerms(licenses));
  });
}

// --- FairPlay --------------------------------------------------------------------------

/** The default key ID in a `sinf` box (`schi/tenc`, ISO/IEC 23001-7), or null. */
function sinfKeyId(initData: Uint8Array): string | null {
  for (let i = 4; i + 28 <= initData.length; i++) {
    // 'tenc' fourcc; its full box: version/flags (4), 2 reserved/pattern bytes, isProtected, IV size, KID (16).
    if (initData[i] === 0x74 && initData[i + 1] === 0x65 && initData[i + 2] === 0x6e && initData[i + 3] === 0x63) {
      return bytesToHex(initData.subarray(i + 12, i + 28));
    }
  }
  return null;
}

/** The content id and key IDs a FairPlay session's init data gives. */
function fairPlayContent(initDataType: string, initData: Uint8Array): { contentId: string; kids: string[] } {
  if (initDataType === 'skd') {
    const uri = decodeSkdText(initData);
    // Shaka's convention: a 32-hex-digit host is the key ID (FairPlay.defaultGetKeyId).
    const host = uri
      .slice('skd://'.length)
      .split(/[/?#;]/)[0]!
      .replace(/-/g, '')
      .toLowerCase();
    return { contentId: uri.slice('skd://'.length), kids: /^[0-9a-f]{32}$/.test(host) ? [host] : [] };
  }
  if (initDataType === 'sinf') {
    const kid = sinfKeyId(initData);
    return { contentId: '', kids: kid ? [kid] : [] };
  }
  if (initDataType === 'keyids') return { contentId: '', kids: parseKeyIdsInitData(initData) };
  const kids = decodeInitData('cenc', initData).systems.flatMap((system) => system.keyIds);
  return { contentId: '', kids: [...new Set(kids)] };
}

/** The `skd://` URI of `skd` init data (UTF-8 or UTF-16LE text). */
function decodeSkdText(initData: Uint8Array): string {
  const utf16 = initData.length % 2 === 0 && initData.length > 1 && initData[1] === 0;
  const text = new TextDecoder(utf16 ? 'utf-16le' : 'utf-8').decode(initData).replace(/\0+$/, '').trim();
  if (!/^skd:\/\/\S+$/i.test(text)) throw new Error('skd init data is not an skd:// URI');
  return text;
}

function emulateFairPlaySession(session: MediaKeySession, keys: KeysState): void {
  const core = prepareSession(session, keys.overrides);
  let started = false;
  let nonce = '';

  define(session, 'generateRequest', async (initDataType: string, initData: BufferSource): Promise<void> => {
    const bytes = toBytes(initData);
    checkGenerateRequest(core, FAIRPLAY, started, initDataType, bytes);
    const certificate = keys.fairPlayCertificate;
    if (!certificate) {
      // The emulation's choice, as FairPlay cannot make an SPC without the app's certificate.
      throw invalidState('generateRequest', 'FairPlay needs the server certificate (setServerCertificate) before a license request.');
    }
    let parsed;
    try {
      parsed = fairPlayContent(initDataType, bytes);
    } catch (error) {
      throw typeError('generateRequest', 'Invalid initData.', describe(error));
    }
    if (parsed.kids.length === 0) {
      throw notSupported(
        "Failed to execute 'generateRequest' on 'MediaKeySession': the test CDM found no key IDs in the FairPlay init data.",
      );
    }
    started = true;
    nonce = bytesToHex(randomBytes(16));
    await core.realGenerateRequest(parsed.kids);
    const certificateSha256 = bytesToHex(await sha256(certificate));
    core.dispatch('license-request', encodeSpc({ contentId: parsed.contentId, keyIds: parsed.kids, nonce, certificateSha256 }));
  });

  define(session, 'update', async (response: BufferSource): Promise<void> => {
    core.checkCallable('update');
    const bytes = toBytes(response);
    if (bytes.length === 0) throw typeError('update', 'The response parameter is empty.');
    let ckc;
    try {
      ckc = decodeCkc(bytes);
    } catch (error) {
      throw typeError('update', 'Invalid response.', describe(error));
    }
    if (ckc.nonce !== nonce)
      throw typeError('update', 'Invalid response.', "the CKC is for another SPC (its nonce does not match this session's)");
    await core.realUpdate(jwkSet(ckc.keys.map(({ kid, key }) => ({ keyId: hexToBytes(kid), key: hexToBytes(key) }))));
  });
}
