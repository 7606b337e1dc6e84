/**
 * The ExpressPlay emulator's license endpoints: ClearKey (`/hms/ck/rights/`), Widevine
 * (`/hms/wv/rights/`, and its service certificate at `/hms/wv/certificate`), PlayReady
 * (`/playready/RightsManager.asmx`) and FairPlay (`/hms/fp/rights/`: the test tools' emulated SPC,
 * `src/testing/fairplay-messages.ts`, answered with `<ckc>base64 CKC</ckc>` as Apple's key server
 * examples answer; ExpressPlay does not document its CKC reply). Each checks the `ExpressPlayToken` query parameter, as
 * ExpressPlay's license URLs carry it, then answers the request with the granted keys.
 *
 * What the messages follow: the W3C EME ClearKey format (a real browser CDM's request, answered
 * with a JWK set, so playback works end to end); the Widevine and PlayReady messages of the
 * browser test CDM (`src/testing/widevine-messages.ts`, `src/testing/playready-messages.ts`:
 * Widevine's protobuf SignedMessage and PlayReady's SOAP AcquireLicense, with keys in clear, so
 * a real CDM's requests are not understood). A body of `08 04` at the Widevine URL is Widevine's
 * service certificate request, answered without a token as real license proxies do.
 *
 * License lifecycle: a token minted with a policy (`../license-policy.ts`) gets licenses with it
 * (Widevine `License.Policy`: `license_duration_seconds`, and with a renewal delay `can_renew`,
 * `renewal_delay_seconds`, `renewal_retry_interval_seconds`, `renewal_server_url`, field numbers of
 * Widevine's license_protocol.proto; PlayReady the emulated expiration object). A Widevine
 * LICENSE_REQUEST of type RENEWAL (it names the license in `content_id.existing_license`, as
 * Widevine CDMs send renewals) is answered, after the same token checks, with a renewal license:
 * the license id with the next version, the policy counted from the renewal's request time, no
 * keys (the emulator keeps no record of the licenses it issued: any license id is renewed). The
 * emulator's own `/hms/wv/renewal/` path answers like `/hms/wv/rights/` (a renewal server for
 * `renewalServerUrl` tests). PlayReady renewals are new AcquireLicense challenges, answered as
 * licenses.
 *
 * Emulator choices (ExpressPlay documents its license URLs' `ExpressPlayToken` parameter, not
 * its license endpoints' failures or replies): the ClearKey endpoint (`/hms/ck/*`; ExpressPlay
 * has no ClearKey service), `/hms/wv/certificate`, the token only from the `ExpressPlayToken`
 * query parameter; checks in the order method, body size,
 * token (missing 401 -4010; given twice, not authentic, for another DRM or expired 403 -4010,
 * the reason in the message: ExpressPlay documents no separate expired-token code), body (400
 * -4000), grant (every requested KID must be granted, else 403 -4012 naming the missing ones; no
 * partial licenses; duplicates answered once). The codes -4000 and -4012 are invented; -4010 is
 * a documented token-API code ("Invalid token") whose use here is the emulator's. Error bodies (JSON `{errorCode, errorMessage}`; a SOAP Fault with the code in
 * `detail/Exception/ErrorCode` for PlayReady), also emulator choices: see `errors.ts`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { URLSearchParams } from 'node:url';

import { buildClearKeyLicense, ClearKeyRequestError, parseClearKeyLicenseRequest } from '../clearkey.js';
import { bytesToHex, hexToBytes } from '../encoding.js';
import { readBodyToEnd } from '../http-kit.js';
import { openToken, type TokenPayload } from '../token-seal.js';
import { decodeSpc, encodeCkc } from '../../fairplay-messages';
import { EmulatedMessageError } from '../../message-error';
import { isServiceCertificateRequest } from '../../widevine-messages';
import { ApiError, ExpressPlayErrorCode, methodNotAllowed, sendJsonError, sendLicenseError, tooLarge } from './errors.js';
import { METHODS_DEFAULT, send, type Done } from './http.js';
import { buildPlayReadyLicenseResponse, playReadyChallengeKeyIds, readPlayReadyChallenge } from './playready-license.js';
import type { EmulatorSettings } from './settings.js';
import type { EmulatorDrm } from './types.js';
import { playReadyExpirationOf, type EmulatedLicensePolicy } from '../license-policy.js';
import {
  buildWidevineLicense,
  buildWidevineRenewalLicense,
  emulatorServiceCertificate,
  emulatorServiceCertificateResponse,
  readWidevineChallenge,
  widevineChallengeKeyIds,
} from './widevine-license.js';

const DRM_NAMES: Record<EmulatorDrm, string> = { ck: 'ClearKey', wv: 'Widevine', pr: 'PlayReady', fp: 'FairPlay' };

/** A granted key: KID (hex and bytes) and content key. */
interface LicenseKeyPair {
  hex: string;
  kid: Uint8Array;
  key: Uint8Array;
}

/** A license request body that parsed: the KIDs it asks for, and how to answer it. */
interface LicenseBody {
  /** Requested key IDs, lower-case hex, request order (duplicates possible). */
  kids: string[];
  /** A renewal (Widevine RENEWAL request): it names a license, not keys; no grant is checked. */
  renewal?: boolean;
  /** The success answer for the granted keys (deduplicated, request order) under the token's policy. */
  answer(keys: readonly LicenseKeyPair[], now: number, policy?: EmulatedLicensePolicy): { contentType: string; body: string | Uint8Array };
}

/**
 * Reads a license request body of the endpoint's DRM.
 *
 * @throws ClearKeyRequestError | EmulatedMessageError when it is not a request the endpoint understands
 */
function readLicenseBody(drm: EmulatorDrm, body: Uint8Array, req: IncomingMessage): LicenseBody {
  if (drm === 'wv') {
    const challenge = readWidevineChallenge(body);
    if (challenge.kind === 'renewal-request') {
      const { request, licenseId } = challenge;
      return {
        kids: [],
        renewal: true,
        answer: (_keys, now, policy) => ({
          contentType: 'application/octet-stream',
          body: buildWidevineRenewalLicense(request, licenseId, now, policy),
        }),
      };
    }
    if (challenge.kind !== 'license-request') throw new EmulatedMessageError('WRONG_TYPE', 'not a license request');
    return {
      kids: challenge.kids,
      answer: (keys, now, policy) => ({
        contentType: 'application/octet-stream',
        body: buildWidevineLicense(challenge.request, keys, now, policy),
      }),
    };
  }
  if (drm === 'pr') {
    const soapAction = req.headers['soapaction'];
    const challenge = readPlayReadyChallenge(body, Array.isArray(soapAction) ? soapAction[0] : soapAction);
    return {
      kids: challenge.header.keyIds,
      answer: (keys, now, policy) => ({
        contentType: 'text/xml; charset=utf-8',
        body: buildPlayReadyLicenseResponse(
          challenge,
          keys.map(({ hex, key }) => ({ kid: hex, key })),
          playReadyExpirationOf(policy, now),
        ),
      }),
    };
  }
  if (drm === 'fp') {
    const spc = decodeSpc(body);
    return {
      kids: spc.keyIds,
      // ExpressPlay does not document its CKC reply; the emulator answers as Apple's key server
      // examples do, <ckc>base64</ckc> (Shaka's commonFairPlayResponse reads it).
      answer: (keys) => ({
        contentType: 'text/plain; charset=utf-8',
        body: `<ckc>${Buffer.from(encodeCkc({ nonce: spc.nonce, keys: keys.map(({ hex, key }) => ({ kid: hex, key: bytesToHex(key) })) })).toString('base64')}</ckc>`,
      }),
    };
  }
  const parsed = parseClearKeyLicenseRequest(body);
  return {
    kids: parsed.kidBytes.map(bytesToHex),
    answer: (keys) => ({
      contentType: 'application/json',
      body: JSON.stringify(
        buildClearKeyLicense(
          keys.map(({ kid, key }) => ({ kid, key })),
          parsed.type,
        ),
      ),
    }),
  };
}

/** The body read for the record (which KIDs were asked for) before the token is checked. */
function parseForRecord(
  drm: EmulatorDrm,
  body: Uint8Array,
  req: IncomingMessage,
): { parsed?: LicenseBody; error?: string; kids: string[] | undefined } {
  try {
    const parsed = readLicenseBody(drm, body, req);
    return { parsed, kids: parsed.kids };
  } catch (error) {
    if (!(error instanceof ClearKeyRequestError) && !(error instanceof EmulatedMessageError)) throw error;
    const kids = drm === 'wv' ? widevineChallengeKeyIds(body) : drm === 'pr' ? playReadyChallengeKeyIds(body) : undefined;
    return { error: error.message, kids };
  }
}

/** The token's payload, or why it is refused. */
function checkToken(tokens: readonly string[], drm: EmulatorDrm, settings: EmulatorSettings): TokenPayload | ApiError {
  const present = tokens.filter((t) => t !== '');
  if (present.length === 0) return new ApiError(401, ExpressPlayErrorCode.INVALID_TOKEN, 'Missing ExpressPlayToken');
  if (tokens.length > 1)
    return new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Invalid token: ExpressPlayToken given more than once');
  const opened = openToken(present[0] ?? '', settings.secret);
  if (!opened.ok) return new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Invalid token');
  if (opened.payload.drm !== drm) return new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Token is not valid for this DRM');
  // ExpressPlay documents no expired-token code: an expired token is an invalid one (-4010), said in words.
  if (opened.payload.exp < settings.clock())
    return new ApiError(403, ExpressPlayErrorCode.INVALID_TOKEN, 'Invalid token: the token has expired');
  return opened.payload;
}

/** The keys for every requested KID (once each, request order), or the 403 naming those not granted. */
function grantedPairs(payload: TokenPayload, requestedKids: readonly string[]): LicenseKeyPair[] | ApiError {
  const grantedKeys = new Map(payload.keys.map(({ kid, key }) => [kid, key] as const));
  const requested = [...new Set(requestedKids)];
  const missing = requested.filter((hex) => !grantedKeys.has(hex));
  if (missing.length > 0) {
    const listed = `${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`;
    return new ApiError(403, ExpressPlayErrorCode.KIDS_NOT_GRANTED, `Token does not grant the requested key IDs: ${listed}`);
  }
  return requested.map((hex) => ({ hex, kid: hexToBytes(hex), key: hexToBytes(grantedKeys.get(hex) ?? '') }));
}

/** Answers a license request (`POST` at the DRM's license path). */
export async function handleLicense(
  req: IncomingMessage,
  res: ServerResponse,
  drm: EmulatorDrm,
  query: URLSearchParams,
  done: Done,
  settings: EmulatorSettings,
): Promise<void> {
  const tokens = query.getAll('ExpressPlayToken');
  const hadToken = tokens.some((t) => t !== '');
  if (req.method !== 'POST') {
    req.resume();
    const error = methodNotAllowed(req.method ?? '');
    sendJsonError(res, METHODS_DEFAULT, error, { Allow: 'POST, OPTIONS' });
    done(error.status, { hadToken, errorCode: error.code });
    return;
  }
  const body = await readBodyToEnd(req);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too-large') {
    const error = tooLarge();
    sendJsonError(res, METHODS_DEFAULT, error, { Connection: 'close' });
    done(error.status, { hadToken, errorCode: error.code });
    return;
  }
  if (drm === 'wv' && isServiceCertificateRequest(body.body)) {
    send(res, METHODS_DEFAULT, 200, 'application/octet-stream', emulatorServiceCertificateResponse());
    done(200, { hadToken, kind: 'certificate' });
    return;
  }
  // Parsed before the token checks for the record; a parse failure is answered after them.
  const { parsed, error: parseError, kids } = parseForRecord(drm, body.body, req);
  const recordKids = kids ? { kids } : {};
  const recordKind = parsed?.renewal ? { kind: 'renewal' as const } : {};
  const refuse = (error: ApiError): void =>
    done(sendLicenseError(res, drm, error), { hadToken, errorCode: error.code, ...recordKids, ...recordKind });
  const payload = checkToken(tokens, drm, settings);
  if (payload instanceof ApiError) return refuse(payload);
  if (parsed === undefined) {
    return refuse(
      new ApiError(
        400,
        ExpressPlayErrorCode.INVALID_LICENSE_REQUEST,
        `Invalid ${DRM_NAMES[drm]} license request: ${parseError ?? 'unreadable body'}`,
      ),
    );
  }
  if (parsed.renewal) {
    const answer = parsed.answer([], settings.clock(), payload.policy);
    send(res, METHODS_DEFAULT, 200, answer.contentType, answer.body);
    done(200, { hadToken, kind: 'renewal' });
    return;
  }
  // A content-id-only Widevine request names no KIDs: the token names the content's keys.
  const requested = parsed.kids.length > 0 ? parsed.kids : payload.keys.map((entry) => entry.kid);
  const pairs = grantedPairs(payload, requested);
  if (pairs instanceof ApiError) return refuse(pairs);
  const answer = parsed.answer(pairs, settings.clock(), payload.policy);
  send(res, METHODS_DEFAULT, 200, answer.contentType, answer.body);
  done(200, { hadToken, kids: requested });
}

/** Answers `GET`/`POST /hms/wv/certificate`: the emulator's service certificate, no token needed. */
export function handleCertificate(req: IncomingMessage, res: ServerResponse, done: Done): void {
  req.resume();
  const method = req.method ?? '';
  if (method !== 'GET' && method !== 'POST') {
    const error = methodNotAllowed(method);
    sendJsonError(res, METHODS_DEFAULT, error, { Allow: 'GET, POST, OPTIONS' });
    done(error.status, { errorCode: error.code });
    return;
  }
  send(res, METHODS_DEFAULT, 200, 'application/octet-stream', emulatorServiceCertificate());
  done(200, {});
}
