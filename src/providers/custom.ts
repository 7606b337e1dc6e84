import { KeyflowError } from '../api/errors';
import type { LicenseServers } from '../api/key-systems';
import { sessionHooksProblem, type SessionHooks } from '../api/session-hooks';
import type { TokenSource } from '../tokens/source';
import type { Provider } from './preset';
import { definePreset } from './engine/define-preset';
import { checkWireSpec } from './engine/spec-check';
import { readRequestFacts } from './engine/request-info';
import type { CertificateSpec, ContentIdContext, HeaderValue, KeySystemWire, QueryValue, WireSpec } from './engine/spec';
import type { ErrorExtraction } from './engine/errors';
import type { RequestWrapping, ResponseUnwrapping } from './engine/wrap';

export type { ContentIdContext } from './engine/spec';

/**
 * What a `custom` token source may return: a token string, or an object
 * whose fields the templates read (`{token}` is its `token` field,
 * `{token.userId}` its `userId`).
 */
export type CustomToken = string | { [field: string]: unknown };

/** How the `custom` provider treats Shaka's server-certificate request (`drm.advanced[ks].serverCertificateUri`). */
export type CustomCertificateOptions = CertificateSpec;

/**
 * Options of the `custom` provider: a declarative description of a license
 * server or in-house license proxy.
 *
 * The license URL of each key system is the `servers` entry, and it may be a
 * template: `https://lic.example.com/{contentId}/license?kid={keyIdHex}`.
 * Every string marked "template" may use the placeholders `{keySystem}`,
 * `{messageType}`, `{keyIdHex}`, `{keyIdsHex}`, `{keyIdUuid}`, `{keyIdsUuid}`,
 * `{keyIdBase64}`, `{keyIdsBase64}`, `{keyIdBase64Url}`, `{keyIdsBase64Url}`,
 * `{contentId}`, `{psshContentId}`, `{token}` and `{token.<field>}` (see the
 * README, "Wrapped license servers").
 */
export interface CustomOptions extends Omit<WireSpec, 'tokenFormat' | 'serverTemplates'> {
  /**
   * The token, or a function returning it (sync or async), as for every
   * provider. Optional: a server that needs no token needs none. A string, or
   * an object whose fields the templates read.
   */
  token?: TokenSource<CustomToken>;
  /** The content id for `{contentId}`: a string (change it with `configure()`), or a function of the request. */
  contentId?: string | ((context: ContentIdContext) => string);
  /**
   * Request headers, each a template (`'Bearer {token}'`), an encoded JSON
   * value (`{ json: { userId: '{token.userId}' }, encoding: 'base64' }`), or
   * `null` to remove a header Shaka set (e.g. `SOAPAction`).
   */
  headers?: { [name: string]: HeaderValue };
  /** Query parameters set on the license URL (replacing any of the same name), each a template or an encoded JSON value. */
  query?: { [name: string]: QueryValue };
  /**
   * What differs per key system: headers, query, request wrapping, response
   * unwrapping and error reading, e.g. Widevine wrapped in JSON while
   * PlayReady's SOAP goes as it is (`{ 'com.microsoft.playready': { wrapRequest: null } }`).
   */
  keySystems?: { [keySystem: string]: KeySystemWire };
  /** Wrap the challenge in a JSON body. Default: the challenge is sent as it is. */
  wrapRequest?: RequestWrapping;
  /** Take the license out of a wrapped reply. Default: the reply is the license. */
  unwrapResponse?: ResponseUnwrapping;
  /** Where the server puts its error code and message, and what they mean. */
  errors?: ErrorExtraction;
  /** Shape the server-certificate request too. Default: it is left alone. */
  certificate?: CustomCertificateOptions;
  /**
   * `'per-request'` for single-use tokens: every license request attempt gets
   * a token of its own, never reused or shared. Default `'cached'`.
   */
  tokenReuse?: 'cached' | 'per-request';
  /**
   * Calls the service wants around playback: `started` after the title's
   * first license, `heartbeat` every `heartbeatMs`, `stopped` when it is
   * unloaded (see docs/custom-engine.md). Default: none.
   */
  session?: SessionHooks;
}

/** What the `custom` preset reads: its options plus the `servers` URL templates. */
export type CustomProviderOptions = CustomOptions & {
  /** License URL per key system (for `custom`: URL templates). */
  servers?: LicenseServers;
};

/**
 * The `custom` preset: any license server or license proxy described by
 * options. Its options are the engine's {@link WireSpec}, written by the app
 * (URL templates, headers, query parameters, JSON request wrapping, response
 * unwrapping, error extraction); the engine runs it as it runs every preset.
 */
export const customProvider: Provider<CustomProviderOptions, CustomToken> = /* @__PURE__ */ definePreset<
  CustomProviderOptions,
  CustomToken
>({
  name: 'custom',
  optionNames: [
    'token',
    'contentId',
    'headers',
    'query',
    'keySystems',
    'wrapRequest',
    'unwrapResponse',
    'errors',
    'certificate',
    'tokenReuse',
    'fairPlayContentId',
    'session',
  ],
  defaultServers: {},
  wire: (options) => ({ ...options, serverTemplates: true }),
  validate: (options) => {
    checkWireSpec(options);
    const problem = options.session === undefined ? null : sessionHooksProblem(options.session);
    if (problem) throw new KeyflowError('INVALID_CONFIG', `custom: \`session\` ${problem}`);
  },
  session: (options) => options.session,
  requestFacts: readRequestFacts,
});
