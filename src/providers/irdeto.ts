import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import { readRequestFacts } from './engine/request-info';
import type { ContentIdContext, WireSpec } from './engine/spec';
import type { Provider } from './preset';

/**
 * Options of the `irdeto` preset. Irdeto publishes no license API documentation: everything here
 * follows third-party code and issue threads that show Irdeto Control's license servers at work
 * (see {@link irdetoProvider}).
 */
export interface IrdetoOptions {
  /**
   * The session token (a JWT your backend gets or signs for the user), or a function returning
   * it. Sent as the `ls_session` query parameter, or as `Authorization: Bearer` (see `tokenIn`).
   */
  token: TokenSource<string>;
  /**
   * Your Irdeto account id, as it appears in the license URL path (`SRG`, `rbm-rtbf`): the
   * default license URLs become `https://<host>/licenseServer/{widevine,playready}/v1/<tenant>/license`.
   * Without it there are no default URLs: give `servers`.
   */
  tenant?: string;
  /**
   * The license host. Default `<tenant, lower case>.live.ott.irdeto.com` (the form seen most);
   * some accounts are served by another host (`rng.live.ott.irdeto.com`, or `.stage.` for the
   * staging environment).
   */
  host?: string;
  /**
   * Irdeto's content id of the title, sent as the `contentId` query parameter (the service
   * refuses a request without one). A string (change it per title with `configure()`), or a
   * function of the request.
   */
  contentId?: string | ((context: ContentIdContext) => string);
  /**
   * Where the session token goes: `'query'` (default: `ls_session=<token>`) or `'header'`
   * (`Authorization: Bearer <token>`). Both forms are seen in use; which one your account takes
   * is Irdeto's configuration.
   */
  tokenIn?: 'query' | 'header';
}

/** The license URLs on the account's host, or none without a tenant. */
function irdetoServers({ tenant, host }: Pick<IrdetoOptions, 'tenant' | 'host'>): LicenseServers {
  if (!tenant) return {};
  const base = `https://${host ?? `${tenant.toLowerCase()}.live.ott.irdeto.com`}/licenseServer`;
  const playReady = `${base}/playready/v1/${tenant}/license`;
  return {
    [KeySystem.WIDEVINE]: `${base}/widevine/v1/${tenant}/license`,
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
  };
}

/**
 * The wire: `contentId` and `keyId` (the first key ID, as a UUID) in the query, the session token
 * as `ls_session` or a Bearer header; errors as JSON `{"code":100100,"message":"The request is
 * invalid. …"}`. Irdeto documents no error codes publicly, so none is mapped: the code passes
 * through as `providerCode`, the HTTP status decides.
 */
function irdetoWire({ contentId, tokenIn }: IrdetoOptions): WireSpec {
  const inHeader = tokenIn === 'header';
  return {
    ...(contentId !== undefined ? { contentId } : {}),
    query: { contentId: '{contentId}', keyId: '{keyIdUuid}', ...(inHeader ? {} : { ls_session: '{token}' }) },
    ...(inHeader ? { headers: { Authorization: 'Bearer {token}' } } : {}),
    errors: { code: 'code', message: 'message' },
  };
}

function validateIrdeto({ token, tenant, host, contentId, tokenIn }: IrdetoOptions): void {
  const fail = (message: string) => new KeyflowError('INVALID_CONFIG', `irdeto: ${message}`);
  if (tenant !== undefined && (typeof tenant !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(tenant)))
    throw fail('`tenant` must be your account id as in the license URL path (letters, digits, `-` and `_`)');
  if (host !== undefined && (typeof host !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(host)))
    throw fail('`host` must be a host name such as "rng.live.ott.irdeto.com"');
  if (contentId !== undefined && typeof contentId !== 'function' && !(typeof contentId === 'string' && contentId.trim()))
    throw fail('`contentId` must be a non-empty string or a function returning one');
  if (tokenIn !== undefined && tokenIn !== 'query' && tokenIn !== 'header')
    throw fail(`\`tokenIn\` must be 'query' or 'header', not ${JSON.stringify(tokenIn)}`);
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim()))
    throw fail('`token` is required: the session token (a JWT), or a function returning it');
}

/**
 * The Irdeto Control preset (observed, not from vendor documentation: Irdeto's license API is not
 * public). What it does is what third-party code and issue threads show Irdeto's servers taking
 * (medvm/widevine_keys#81, xbmc/inputstream.adaptive#1077, public player configurations): `POST
 * https://<tenant>.live.ott.irdeto.com/licenseServer/{widevine,playready}/v1/<tenant>/license
 * ?contentId=…&keyId=<uuid>&ls_session=<JWT>`, or the JWT as `Authorization: Bearer`; the CDM's
 * challenge as the body; errors as JSON `{code, message}`.
 * FairPlay is not preset: the observed FairPlay endpoints (`/licenseServer/streaming/v1/<tenant>/
 * getckc`, `getcertificate?applicationId=`) come without their request and reply formats.
 */
export const irdetoProvider: Provider<IrdetoOptions, string> = /* @__PURE__ */ definePreset<IrdetoOptions, string>({
  name: 'irdeto',
  label: 'Irdeto',
  optionNames: ['token', 'tenant', 'host', 'contentId', 'tokenIn'],
  defaultServers: {},
  defaultServersFor: irdetoServers,
  wire: irdetoWire,
  validate: validateIrdeto,
  requestFacts: readRequestFacts,
});
