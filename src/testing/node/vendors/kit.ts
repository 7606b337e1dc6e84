/**
 * What every vendor emulator shares, none of it vendor-specific: answering the test CDM's license
 * challenges (Widevine SignedMessage, PlayReady SOAP AcquireLicense, the emulated FairPlay SPC, W3C
 * ClearKey JSON) with the content keys in clear, HS256 JWTs (RFC 7519 / RFC 7515, as several services sign their license
 * tokens), and the request and reply shapes the emulators work with. Each emulator (one file per
 * service in this folder) follows its service's documentation for URLs, headers, bodies, replies
 * and errors, and never imports the preset it tests.
 *
 * License lifecycle: the handler's `licensePolicy` option (a test option; no service documents one
 * here) gives every Widevine and PlayReady license the same terms in time (`../license-policy.ts`),
 * and Widevine RENEWAL requests are answered with renewal licenses under it (any license id: no
 * record of issued licenses is kept).
 *
 * What no vendor emulator can prove: the services' real token cryptography (their keys are not
 * public), their real licenses (these carry keys in clear for the test CDM, see
 * `src/testing/widevine-messages.ts`, `playready-messages.ts` and `fairplay-messages.ts`), and anything their documentation
 * does not say (each emulator's module comment lists its own choices).
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { buildClearKeyLicense, ClearKeyRequestError, parseClearKeyLicenseRequest } from '../clearkey.js';
import { keyPairs } from '../key-store.js';
import { decodeSpc, encodeCkc } from '../../fairplay-messages';
import { EmulatedMessageError } from '../../message-error';
import { buildPlayReadyLicenseResponse, playReadyChallengeKeyIds, readPlayReadyChallenge } from '../expressplay/playready-license.js';
import {
  buildWidevineLicense,
  buildWidevineRenewalLicense,
  emulatorServiceCertificateResponse,
  readWidevineChallenge,
  widevineChallengeKeyIds,
} from '../expressplay/widevine-license.js';
import { playReadyExpirationOf, type EmulatedLicensePolicy } from '../license-policy.js';

/** The DRMs the emulators answer, as the test CDM speaks them. */
export type VendorDrm = 'wv' | 'pr' | 'ck' | 'fp';

/** A request to a vendor emulator, read. */
export interface VendorRequest {
  /** The HTTP method. */
  method: string;
  /** The path below the emulator's own prefix (`/vendors/<name>/`), without leading or trailing `/`. */
  path: string;
  /** The query parameters. */
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The request body (empty for GET). */
  body: Uint8Array;
}

/** A vendor emulator's reply. */
export interface VendorReply {
  /** The HTTP status. */
  status: number;
  /** Response headers (`Content-Type` included). */
  headers?: Record<string, string>;
  /** The body (text or bytes); none for an empty reply. */
  body?: string | Uint8Array;
  /** For the request log: the service's error code, when the reply is an error. */
  errorCode?: string | number;
  /** For the request log: the DRM of a license request and the key IDs it asked for. */
  drm?: VendorDrm;
  /** For the request log: the key IDs of a license request. */
  kids?: string[];
}

/** One vendor emulator, mounted at `/vendors/<name>/`. */
export interface VendorEmulator {
  /** The path segment and the log's `vendor` field, e.g. `drmtoday`. */
  name: string;
  /** Answers one request (CORS, body cap and the log are the handler's). */
  handle(request: VendorRequest, kit: VendorKit): VendorReply | Promise<VendorReply>;
}

/** A license the kit wrote: its bytes, their content type, the key IDs it carries. */
export interface LicenseGranted {
  /** Always true. */
  ok: true;
  /** The license (Widevine SignedMessage, PlayReady SOAP, ClearKey JWK set, FairPlay CKC). */
  body: Uint8Array;
  /** Its content type. */
  contentType: string;
  /** The key IDs it carries, 32 lower-case hex digits each. */
  kids: string[];
}

/** Why the kit wrote no license. */
export interface LicenseRefused {
  /** Always false. */
  ok: false;
  /** `unreadable`: not a challenge of that DRM; `not-granted`: a key the store or the grant lacks. */
  reason: 'unreadable' | 'not-granted';
  /** What was wrong, for the emulator's error reply. */
  message: string;
  /** The key IDs asked for, where they could be read. */
  kids: string[];
}

/** What a challenge turned out to be. */
export type LicenseAnswer = LicenseGranted | LicenseRefused;

/** An HS256 JWT checked: its claims, or why it is refused. */
export type JwtCheck =
  | {
      /** Always true. */
      ok: true;
      /** The token's claims. */
      claims: Record<string, unknown>;
    }
  | {
      /** Always false. */
      ok: false;
      /** `malformed`: not a JWT, or not HS256; `signature`: signed with another key. */
      why: 'malformed' | 'signature';
    };

/** The shared parts an emulator is given. */
export interface VendorKit {
  /** The secret the emulators sign and check their tokens with (the "service's key"). */
  readonly secret: string;
  /** Milliseconds since the epoch (settable in tests). */
  now(): number;
  /**
   * Answers a license challenge for `drm` with every requested key, or says why not (unreadable,
   * or a key the store or `granted` lacks). FairPlay (`fp`): the emulated SPC in, the raw emulated
   * CKC out (`src/testing/fairplay-messages.ts`), to be wrapped as the service documents. A
   * Widevine service-certificate request (`08 04`) is
   * answered with the emulated certificate. `soapAction` is PlayReady's `SOAPAction` header.
   */
  license(drm: VendorDrm, body: Uint8Array, options?: { soapAction?: string; granted?: readonly string[] }): LicenseAnswer;
  /** An HS256 JWT of `claims` signed with `secret` (default the kit's). */
  signJwt(claims: Record<string, unknown>, secret?: string): string;
  /** The claims of an HS256 JWT signed with `secret` (default the kit's), or why it is refused. */
  verifyJwt(token: string, secret?: string): JwtCheck;
}

function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');
}

function hs256(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** An HS256 JWT (RFC 7519) of `claims`. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(hs256(signingInput, secret))}`;
}

/** The claims of an HS256 JWT, checked against `secret`. */
export function verifyJwt(token: string, secret: string): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return { ok: false, why: 'malformed' };
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'malformed' };
  }
  if ((header as { alg?: unknown })?.alg !== 'HS256' || !claims || typeof claims !== 'object' || Array.isArray(claims)) {
    return { ok: false, why: 'malformed' };
  }
  const expected = hs256(`${parts[0]}.${parts[1]}`, secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'signature' };
  return { ok: true, claims: claims as Record<string, unknown> };
}

function refusal(error: unknown, kids: string[] | undefined): LicenseAnswer {
  if (error instanceof ClearKeyRequestError || error instanceof EmulatedMessageError) {
    return { ok: false, reason: 'unreadable', message: error.message, kids: kids ?? [] };
  }
  throw error;
}

/** The keys for `kids`, or the refusal naming those the store (or the grant) lacks. */
function grant(store: Map<string, Uint8Array>, kids: readonly string[], granted: readonly string[] | undefined) {
  const missing = kids.filter((kid) => !store.has(kid) || (granted !== undefined && !granted.includes(kid)));
  if (missing.length)
    return { ok: false as const, reason: 'not-granted' as const, message: `keys not granted: ${missing.join(', ')}`, kids: [...kids] };
  return { ok: true as const, pairs: keyPairs(store, kids) };
}

/** Answers a Widevine body: the service certificate for `08 04`, else a license. */
function widevineAnswer(
  store: Map<string, Uint8Array>,
  body: Uint8Array,
  granted: readonly string[] | undefined,
  now: number,
  policy: EmulatedLicensePolicy | undefined,
): LicenseAnswer {
  let challenge;
  try {
    challenge = readWidevineChallenge(body);
  } catch (error) {
    return refusal(error, widevineChallengeKeyIds(body));
  }
  if (challenge.kind === 'certificate-request') {
    return { ok: true, body: emulatorServiceCertificateResponse(), contentType: 'application/octet-stream', kids: [] };
  }
  if (challenge.kind === 'renewal-request') {
    // Any license id is renewed (no record of issued licenses is kept), under the emulators' policy.
    const renewal = buildWidevineRenewalLicense(challenge.request, challenge.licenseId, now, policy);
    return { ok: true, body: renewal, contentType: 'application/octet-stream', kids: [] };
  }
  // A content-id-only request names no KIDs: the service resolves them (here: what the token grants, else every key).
  const kids = challenge.kids.length > 0 ? challenge.kids : [...(granted ?? store.keys())];
  const keys = grant(store, kids, granted);
  if (!keys.ok) return keys;
  return {
    ok: true,
    body: buildWidevineLicense(challenge.request, keys.pairs, now, policy),
    contentType: 'application/octet-stream',
    kids,
  };
}

function playReadyAnswer(
  store: Map<string, Uint8Array>,
  body: Uint8Array,
  soapAction: string | undefined,
  granted: readonly string[] | undefined,
  expiration: { begin: number; end: number } | undefined,
): LicenseAnswer {
  let challenge;
  try {
    challenge = readPlayReadyChallenge(body, soapAction);
  } catch (error) {
    return refusal(error, playReadyChallengeKeyIds(body));
  }
  const kids = challenge.header.keyIds;
  const keys = grant(store, kids, granted);
  if (!keys.ok) return keys;
  const xml = buildPlayReadyLicenseResponse(
    challenge,
    keys.pairs.map(({ kid, key }) => ({ kid: Buffer.from(kid).toString('hex'), key })),
    expiration,
  );
  return { ok: true, body: new TextEncoder().encode(xml), contentType: 'text/xml; charset=utf-8', kids };
}

/** Answers an emulated FairPlay SPC with the raw emulated CKC (emulators wrap it as their service documents). */
function fairPlayAnswer(store: Map<string, Uint8Array>, body: Uint8Array, granted?: readonly string[]): LicenseAnswer {
  let spc;
  try {
    spc = decodeSpc(body);
  } catch (error) {
    return refusal(error, undefined);
  }
  const keys = grant(store, spc.keyIds, granted);
  if (!keys.ok) return keys;
  const ckc = encodeCkc({
    nonce: spc.nonce,
    keys: keys.pairs.map(({ kid, key }) => ({ kid: Buffer.from(kid).toString('hex'), key: Buffer.from(key).toString('hex') })),
  });
  return { ok: true, body: ckc, contentType: 'application/octet-stream', kids: spc.keyIds };
}

/**
 * The FairPlay application certificate the emulators serve at their certificate endpoints (any
 * bytes: the test CDM cannot check Apple's signature); an emulator may check that an SPC was made
 * with it (`certificateSha256`, see {@link fairPlayCertificateSha256}).
 */
export const FAIRPLAY_TEST_CERTIFICATE: Uint8Array = new TextEncoder().encode(
  'shaka-keyflow vendor emulators: test FairPlay application certificate, not issued by Apple\n',
);

/** The SHA-256 (hex) of {@link FAIRPLAY_TEST_CERTIFICATE}, as an emulated SPC names its certificate. */
export function fairPlayCertificateSha256(): string {
  return createHash('sha256').update(FAIRPLAY_TEST_CERTIFICATE).digest('hex');
}

/**
 * The `certificateSha256` an emulated SPC names (the certificate the CDM was given), or null when
 * the body is no emulated SPC (the license answer then refuses it as unreadable).
 */
export function spcCertificateSha256(body: Uint8Array): string | null {
  try {
    return decodeSpc(body).certificateSha256;
  } catch (error) {
    if (error instanceof EmulatedMessageError) return null;
    throw error;
  }
}

function clearKeyAnswer(store: Map<string, Uint8Array>, body: Uint8Array, granted?: readonly string[]): LicenseAnswer {
  let request;
  try {
    request = parseClearKeyLicenseRequest(body);
  } catch (error) {
    return refusal(error, undefined);
  }
  const kids = request.kidBytes.map((kid) => Buffer.from(kid).toString('hex'));
  const keys = grant(store, kids, granted);
  if (!keys.ok) return keys;
  const license = buildClearKeyLicense(keys.pairs, request.type);
  return { ok: true, body: new TextEncoder().encode(JSON.stringify(license)), contentType: 'application/json', kids };
}

/**
 * The kit for a key store.
 *
 * @param store content keys by KID (32 lower-case hex digits)
 * @param policy the terms in time of every Widevine and PlayReady license (duration, renewals; a
 *   test option: no service documents one), none by default
 */
export function createVendorKit(
  store: Map<string, Uint8Array>,
  secret: string,
  now: () => number = Date.now,
  policy?: EmulatedLicensePolicy,
): VendorKit {
  return {
    secret,
    now,
    license(drm, body, { soapAction, granted } = {}) {
      if (drm === 'wv') return widevineAnswer(store, body, granted, now(), policy);
      if (drm === 'pr') return playReadyAnswer(store, body, soapAction, granted, playReadyExpirationOf(policy, now()));
      if (drm === 'fp') return fairPlayAnswer(store, body, granted);
      return clearKeyAnswer(store, body, granted);
    },
    signJwt: (claims, key = secret) => signJwt(claims, key),
    verifyJwt: (token, key = secret) => verifyJwt(token, key),
  };
}
