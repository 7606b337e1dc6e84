/**
 * The ExpressPlay emulator's error catalogue: the codes it answers with, and the bodies that
 * carry them (JSON, an HTML page, a PlayReady SOAP Fault). The list with each code's status and
 * cause is in `docs/emulators.md` ("Errors").
 *
 * Documented by ExpressPlay (Adobe Primetime's "Widevine/PlayReady/FairPlay license token request /
 * response" reference, `…/license-token-req-resp-ref/{widevine,playready,fairplay}-license-token-request.md`):
 * the negative codes of the token API with their meanings ("Event Error Codes"), the token API's
 * statuses (400 invalid args, 401 auth failed, 404, 50x) and `errorFormat=html|json` with the
 * `text/html` / `application/json` content types. -4010 "Invalid token" is in the Widevine and
 * FairPlay tables (not in the PlayReady one).
 *
 * Emulator choices, not documented by ExpressPlay:
 * - the JSON error shape `{"errorCode":<negative int>,"errorMessage":"<text>"}` (the documented
 *   one, `expressplay.com/developer/restapi/#json-errors`, was not available) and the HTML page;
 * - every license-endpoint error: which failure gets which status and code, -4010 there included,
 *   and the invented codes -4000 (unreadable license request) and -4012 (a requested KID not
 *   granted); an expired token is -4010 like any other invalid one (no expired-token code is
 *   documented);
 * - PlayReady license errors as SOAP 1.1 Faults with HTTP 500, as Microsoft's PlayReady license
 *   servers answer (`detail/Exception/StatusCode` a PlayReady server HRESULT, see
 *   `playready-license.ts`), with the ExpressPlay-style code in `detail/Exception/ErrorCode`;
 * - -6003 (documented for an invalid FairPlay `iv`) also for a missing `iv`: the reference has no
 *   separate code for it;
 * - the -9xxx codes (mirroring the HTTP status) and the 415 for a non-form POST body.
 *
 * @module
 */

import type { ServerResponse } from 'node:http';

import { MAX_REQUEST_BODY_BYTES, type EmulatorDrm } from './types.js';
import { METHODS_DEFAULT, send } from './http.js';
import { playReadyFault } from './playready-license.js';

/**
 * Error codes the emulator answers with. The first group is documented by
 * ExpressPlay (Adobe Primetime token request/response reference); the second
 * group is emulator-only (the -9xxx codes mirror the HTTP status).
 */
export const ExpressPlayErrorCode = {
  /** Invalid token expiration time (documented). */
  INVALID_EXPIRATION_TIME: -2002,
  /** Invalid content encryption key (documented). */
  INVALID_CONTENT_KEY: -2005,
  /** Authentication token (customer authenticator) must be supplied (documented). */
  AUTHENTICATOR_MISSING: -2017,
  /** Authentication token (customer authenticator) invalid (documented). */
  AUTHENTICATOR_INVALID: -2018,
  /** Missing rights type (documented, PlayReady: `rightsType` is required). */
  MISSING_RIGHTS_TYPE: -2020,
  /** Invalid rights type (documented, PlayReady). */
  INVALID_RIGHTS_TYPE: -2021,
  /** Missing rental period end time (documented, PlayReady: `rental.periodEndTime` with `rightsType=Rental`). */
  MISSING_RENTAL_PERIOD_END_TIME: -2022,
  /** Content encryption key must be 32 hexadecimal digits long (documented). */
  CONTENT_KEY_LENGTH: -2027,
  /** Invalid cookie (documented). */
  INVALID_COOKIE: -2033,
  /** Invalid output control, values out of range (documented). */
  INVALID_OUTPUT_CONTROL: -2034,
  /** Invalid error format specified (documented). */
  INVALID_ERROR_FORMAT: -3004,
  /** Invalid `iv` parameter specified (documented, FairPlay: `iv` is required; the emulator answers it for a missing `iv` too). */
  INVALID_IV: -6003,
  /** Invalid token (documented as a code; its use by license endpoints is an emulator choice). */
  INVALID_TOKEN: -4010,
  /** Missing kid (documented). */
  KID_MISSING: -4018,
  /** Failed to get content key from key storage service (documented). */
  KEY_STORAGE_FAILURE: -4019,
  /** kid must be 32 hexadecimal characters long (documented). */
  KID_LENGTH: -4020,
  /** kid name after '^' too long (documented). */
  KID_NAME_LENGTH: -4021,
  /** Invalid kid (documented). */
  INVALID_KID: -4022,
  /** Invalid encrypted key or kek (documented). */
  INVALID_KEK: -4024,
  /** PlayReady option is disabled for this service (documented; not answered since the PlayReady endpoint is emulated). */
  PLAYREADY_DISABLED: -5002,
  /** Missing OPL value (documented, PlayReady: the five `*OPL` parameters are required). */
  MISSING_OPL: -5006,
  /** Missing security level value (documented, Widevine: `securityLevel` is required). */
  MISSING_SECURITY_LEVEL: -7003,
  /** Invalid security level value (documented, Widevine). */
  INVALID_SECURITY_LEVEL: -7004,
  /** Missing HDCP output control value (documented, Widevine: `hdcpOutputControl` is required). */
  MISSING_HDCP_OUTPUT_CONTROL: -7006,
  /** Invalid license duration specified (documented, Widevine). */
  INVALID_LICENSE_DURATION: -7007,
  /** Widevine option disabled (documented; not answered since the Widevine endpoint is emulated). */
  WIDEVINE_DISABLED: -7011,
  /** Emulator choice: malformed license request body (ClearKey JSON, Widevine SignedMessage, PlayReady SOAP challenge). */
  INVALID_LICENSE_REQUEST: -4000,
  /** Emulator choice: the token does not grant every requested key ID. */
  KIDS_NOT_GRANTED: -4012,
  /** Emulator-only: unknown path. */
  NOT_FOUND: -9404,
  /** Emulator-only: method not allowed. */
  METHOD_NOT_ALLOWED: -9405,
  /** Emulator-only: request body too large. */
  BODY_TOO_LARGE: -9413,
  /** Emulator-only: unsupported request content type. */
  UNSUPPORTED_MEDIA_TYPE: -9415,
  /** Emulator-only: unexpected internal failure. */
  INTERNAL_ERROR: -9500,
} as const;

/** An error answer: HTTP status, ExpressPlay-style code, message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** How the token API writes its errors (`errorFormat`; HTML unless `json`). */
export type ErrorFormat = 'html' | 'json';

/** Cuts text from a request to `max` characters (code points) for a message. */
export function clip(text: string, max = 64): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

/** 405 (-9405). */
export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, ExpressPlayErrorCode.METHOD_NOT_ALLOWED, `Method ${clip(method, 16)} not allowed`);
}

/** 413 (-9413). */
export function tooLarge(): ApiError {
  return new ApiError(413, ExpressPlayErrorCode.BODY_TOO_LARGE, `Request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
}

/** 404 (-9404). */
export function notFound(): ApiError {
  return new ApiError(404, ExpressPlayErrorCode.NOT_FOUND, 'Not found');
}

/** 500 (-9500), with a generic message (nothing is logged). */
export function internalError(): ApiError {
  return new ApiError(500, ExpressPlayErrorCode.INTERNAL_ERROR, 'Internal emulator error');
}

/** The JSON error body. */
export function jsonErrorBody(error: ApiError): string {
  return JSON.stringify({ errorCode: error.code, errorMessage: error.message });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML error page (the token API's default `errorFormat`). */
function errorHtml(code: number, message: string): string {
  const text = escapeHtml(message);
  return (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>ExpressPlay error ' +
    `${code}</title></head>\n<body><h1>Error ${code}</h1>\n<p>${text}</p>\n` +
    '<p><small>ExpressPlay emulator (shaka-keyflow testing)</small></p></body></html>\n'
  );
}

/** Sends an error as JSON with its HTTP status. */
export function sendJsonError(res: ServerResponse, methods: string, error: ApiError, extra?: Record<string, string>): void {
  send(res, methods, error.status, 'application/json', jsonErrorBody(error), extra);
}

/** Sends a token API error in the requested format. */
export function sendFormattedError(res: ServerResponse, format: ErrorFormat, error: ApiError, extra?: Record<string, string>): void {
  if (format === 'json') sendJsonError(res, METHODS_DEFAULT, error, extra);
  else send(res, METHODS_DEFAULT, error.status, 'text/html; charset=utf-8', errorHtml(error.code, error.message), extra);
}

/**
 * Sends a license endpoint's error once the body was read: a SOAP Fault with HTTP 500 for
 * PlayReady, JSON with the error's status otherwise. Returns the status sent.
 */
export function sendLicenseError(res: ServerResponse, drm: EmulatorDrm, error: ApiError): number {
  if (drm !== 'pr') {
    sendJsonError(res, METHODS_DEFAULT, error);
    return error.status;
  }
  send(res, METHODS_DEFAULT, 500, 'text/xml; charset=utf-8', playReadyFault(error.status, error.code, error.message));
  return 500;
}
