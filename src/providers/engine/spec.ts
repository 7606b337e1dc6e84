/**
 * What a preset is: a {@link PresetSpec}, data the one engine runs
 * (`define-preset.ts`). The wire (where the token goes, headers, query,
 * wrapping, unwrapping, how errors read) is a {@link WireSpec}; the few
 * things data cannot say are optional hooks (a token API that answers a
 * license URL, an error body only code can read).
 *
 * The `custom` preset's options are a {@link WireSpec} written by the app.
 *
 * @module
 */

import type { LicenseServers } from '../../api/key-systems';
import type { SessionHooks } from '../../api/session-hooks';
import type { DrmRequest } from '../preset';
import type { ErrorExtraction, ErrorReply, ProviderErrorFields } from './errors';
import type { JsonTemplate } from './template';
import type { RequestWrapping, ResponseUnwrapping } from './wrap';
import type { FairPlayContentId } from './skd';

/** What a `contentId` function is told about the request. */
export interface ContentIdContext {
  /** The key system of the request, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The request's key IDs, lower-case hex, sorted. */
  keyIds: string[];
  /** The Widevine PSSH `content_id`, when the init data has one. */
  psshContentId: string | null;
}

/** How a preset treats Shaka's server-certificate request (`drm.advanced[ks].serverCertificateUri`). */
export interface CertificateSpec {
  /** Send `headers` and `query` (and so the token) with the certificate request too. Default true. */
  auth?: boolean;
  /** How to take the certificate out of the reply; default: the reply is the certificate. */
  unwrapResponse?: ResponseUnwrapping;
}

/** What a token must look like to be sent, e.g. as a Bearer token; `TOKEN_MALFORMED` otherwise. */
export interface TokenFormat {
  /** The pattern the token string must match. */
  pattern: RegExp;
  /** What it must be, for the message: "a Bearer token (no spaces ...)". */
  description: string;
}

/**
 * A header or query value written as JSON and then encoded, e.g. DRMtoday's
 * `x-dt-custom-data`: base64 of `{"userId":…,"sessionId":…,"merchant":…}`.
 */
export interface EncodedJsonValue {
  /** The JSON object (or any JSON value), its strings templates. */
  json: JsonTemplate;
  /** How the serialized JSON is written: `base64` (default), `base64url`, or `none` (the JSON text itself). */
  encoding?: 'base64' | 'base64url' | 'none';
}

/** A header value: a template, an encoded JSON value, or `null` to remove a header Shaka set. */
export type HeaderValue = string | EncodedJsonValue | null;

/** A query parameter value: a template or an encoded JSON value. */
export type QueryValue = string | EncodedJsonValue;

/**
 * What one key system changes of a {@link WireSpec}: `headers` and `query`
 * are merged by name over the spec's, the others replace the spec's (`null`
 * turns the spec's off for this key system, e.g. no JSON wrapping of
 * PlayReady's SOAP).
 */
export interface KeySystemWire {
  /** Headers for this key system, merged over the spec's (`null` removes one). */
  headers?: { [name: string]: HeaderValue };
  /** Query parameters for this key system, merged over the spec's. */
  query?: { [name: string]: QueryValue };
  /** How this key system's challenge is wrapped; `null`: sent as it is. */
  wrapRequest?: RequestWrapping | null;
  /** How this key system's license is unwrapped; `null`: the reply is the license. */
  unwrapResponse?: ResponseUnwrapping | null;
  /** How this key system's errors read; `null`: by HTTP status only. */
  errors?: ErrorExtraction | null;
}

/**
 * The wire of a license service, as data. Every string marked "template"
 * may use the placeholders of `template.ts` (`{token}`, `{keyIdHex}`, ...).
 */
export interface WireSpec {
  /** The `servers` URLs are templates (`custom`): placeholders in them are expanded. Default false. */
  serverTemplates?: boolean;
  /** The content id for `{contentId}`: a string, or a function of the request. */
  contentId?: string | ((context: ContentIdContext) => string);
  /** Request headers, each a template (or an encoded JSON value), or `null` to remove a header Shaka set. */
  headers?: { [name: string]: HeaderValue };
  /** Query parameters set on the license URL (replacing any of the same name), each a template (or an encoded JSON value). */
  query?: { [name: string]: QueryValue };
  /** Wrap the challenge in a JSON body. Default: the challenge is sent as it is. */
  wrapRequest?: RequestWrapping;
  /** Take the license out of a wrapped reply. Default: the reply is the license. */
  unwrapResponse?: ResponseUnwrapping;
  /** Where the server puts its error code and message, and what they mean. */
  errors?: ErrorExtraction;
  /** Shape the server-certificate request too. Default: it is left alone. */
  certificate?: CertificateSpec;
  /** What the token must look like to be sent. Default: any non-empty string. */
  tokenFormat?: TokenFormat;
  /**
   * `cached` (default): a token is reused until it expires, shared by the
   * requests of the same content. `per-request`: tokens are single use (a
   * `jti`, or documented as single use): every license request attempt gets
   * a token of its own, never replayed or shared (Shaka 4.x resends a failed
   * request as it was, token included: it cannot be helped there).
   */
  tokenReuse?: 'cached' | 'per-request';
  /**
   * FairPlay: which part of the `skd://` URI is the content id the CDM is
   * given, where the CDM wants one (Safari's legacy `WebKitMediaKeys`, which
   * Shaka polyfills): keyflow then sets Shaka's `drm.initDataTransform` to
   * build the init data as Shaka's FairPlay helpers do. Default: Shaka's own
   * (the URI's host).
   */
  fairPlayContentId?: FairPlayContentId;
  /**
   * What differs per key system, by EME name; an entry also applies to the
   * key systems that extend its name (`com.microsoft.playready` to
   * `com.microsoft.playready.recommendation`).
   */
  keySystems?: { [keySystem: string]: KeySystemWire };
}

/**
 * Where a token goes, as a hook decides it: the license URL (a token API may
 * answer one) and what the templates see as the token.
 */
export interface TokenPlacement {
  /** The license URL to send to (`request.url` when the token does not name one). */
  url: string;
  /** What the templates read as the token: a string, or an object with a `token` field. */
  token: unknown;
  /**
   * The token is already percent-encoded (it came out of a URL): URL
   * templates insert it byte for byte instead of encoding it.
   */
  urlEncoded?: boolean;
  /** More forms of the token to redact (e.g. its percent-decoded form). */
  secrets?: string[];
}

/** What a request says about the content: its key IDs (lower-case hex, sorted) and Widevine content id. */
export interface RequestFacts {
  /** The key IDs, lower-case hex, sorted, without duplicates. */
  keyIds: string[];
  /** The `content_id` of the Widevine PSSH, or null. */
  psshContentId: string | null;
  /** The FairPlay `skd://` URI of the session's init data, or null (absent: not read). */
  skdUri?: string | null;
}

/**
 * One preset: a name, its options, its default license URLs and its wire.
 *
 * @typeParam Options the preset's typed options (part of the keyflow config)
 * @typeParam Token what the preset's token source yields
 */
export interface PresetSpec<Options, Token> {
  /** The `provider` value that selects this preset, and the prefix of its configuration errors. */
  name: string;
  /** Who answers, in failure messages: `'ExpressPlay'` gives "ExpressPlay license server answered HTTP 403". */
  label?: string;
  /** The names of the options it takes besides the common ones. */
  optionNames: readonly string[];
  /** License URLs used when `servers` does not name a key system. */
  defaultServers: LicenseServers;
  /** The default license URLs for these options, where they depend on them (region, tenant, staging). */
  defaultServersFor?(options: Options): LicenseServers;
  /**
   * The service's server certificate URL per key system (a FairPlay
   * certificate endpoint), for these options; applied to
   * `drm.advanced[keySystem].serverCertificateUri` unless the app set a
   * certificate itself.
   */
  defaultCertificatesFor?(options: Options): Record<string, string>;
  /** The wire, as data; a function of the options where it depends on them. */
  wire: WireSpec | ((options: Options) => WireSpec);
  /** Throws an `INVALID_CONFIG` KeyflowError when the options are unusable. */
  validate(options: Options): void;
  /** Hook: where the token goes, for services whose token API answers a license URL. */
  placeToken?(token: Token | null, request: DrmRequest): TokenPlacement;
  /**
   * Where the key IDs, the Widevine content id and the FairPlay `skd://` URI
   * of a request come from. Default: the key IDs the glue knows (Shaka's, or
   * the init data's when it has a decoder), no content id, no `skd://` URI.
   * `custom` passes `readRequestFacts` (`request-info.ts`), which reads the
   * challenge and the init data itself and so brings the PSSH decoders into
   * the bundle: a preset whose templates use no key-ID, content-id or skd
   * placeholder should not.
   */
  requestFacts?(request: DrmRequest, challenge: Uint8Array): RequestFacts;
  /** Hook: reads the service's error code and message where a JSON path or header cannot (SOAP faults, HTML). */
  readError?(reply: ErrorReply): ProviderErrorFields;
  /**
   * The calls the service wants around playback (open a session once a title
   * is licensed, heartbeats, close it), for these options. Most services
   * need none.
   */
  session?(options: Options): SessionHooks | undefined;
  /**
   * When a token expires, in milliseconds since the epoch, for tokens that
   * carry it in a vendor-specific form (a timestamp field, a lifetime from
   * an issue time). The token cache asks it before its generic reader
   * (`expiresAt`, a JWT's `exp`); `null`, `undefined`, a value that is not a
   * finite number, or a throw leave the token to that reader.
   *
   * @param token what the token source returned
   */
  tokenExpiry?(token: Token, options: Options): number | null | undefined;
}

/** The wire of `spec` for `options`. */
export function wireOf<Options>(spec: PresetSpec<Options, unknown>, options: Options): WireSpec {
  return typeof spec.wire === 'function' ? spec.wire(options) : spec.wire;
}
