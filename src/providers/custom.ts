import { KeyflowError } from '../api/errors';
import { redactDeep } from '../util/redact';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { setRawQueryParam } from '../util/url';
import type { DrmHttpFailure, DrmRequest, DrmResponse, Provider, RewrittenDrmRequest } from './preset';
import { clearKeyLicenseProblem } from './engine/clearkey';
import { checkWireSpec } from './engine/spec-check';
import { classifyFailure, extractError, failureMessage, readProviderError, type ErrorExtraction } from './engine/errors';
import { isHeaderValue, withHeader } from './engine/headers';
import { psshContentId, requestKeyIds } from './engine/request-info';
import { expandJson, expandText, type TemplateValues } from './engine/template';
import { recallChallenge, unwrapLicense, wrapChallenge, type RequestWrapping, type ResponseUnwrapping } from './engine/wrap';

/**
 * What a `custom` token source may return: a token string, or an object
 * whose fields the templates read (`{token}` is its `token` field,
 * `{token.userId}` its `userId`).
 */
export type CustomToken = string | { [field: string]: unknown };

/** What a `contentId` function is told about the request. */
export interface ContentIdContext {
  /** The key system of the request, e.g. `com.widevine.alpha`. */
  keySystem: string;
  /** The request's key IDs, lower-case hex, sorted. */
  keyIds: string[];
  /** The Widevine PSSH `content_id`, when the init data has one. */
  psshContentId: string | null;
}

/** How the `custom` provider treats Shaka's server-certificate request (`drm.advanced[ks].serverCertificateUri`). */
export interface CustomCertificateOptions {
  /** Send `headers` and `query` (and so the token) with the certificate request too. Default true. */
  auth?: boolean;
  /** How to take the certificate out of the reply; default: the reply is the certificate. */
  unwrapResponse?: ResponseUnwrapping;
}

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
export interface CustomOptions {
  /**
   * The token, or a function returning it (sync or async), as for every
   * provider. Optional: a server that needs no token needs none. A string, or
   * an object whose fields the templates read.
   */
  token?: TokenSource<CustomToken>;
  /** The content id for `{contentId}`: a string (change it with `configure()`), or a function of the request. */
  contentId?: string | ((context: ContentIdContext) => string);
  /**
   * Request headers, each a template (`'Bearer {token}'`), or `null` to
   * remove a header Shaka set (e.g. `SOAPAction`).
   */
  headers?: { [name: string]: string | null };
  /** Query parameters set on the license URL (replacing any of the same name), each a template. */
  query?: { [name: string]: string };
  /** Wrap the challenge in a JSON body. Default: the challenge is sent as it is. */
  wrapRequest?: RequestWrapping;
  /** Take the license out of a wrapped reply. Default: the reply is the license. */
  unwrapResponse?: ResponseUnwrapping;
  /** Where the server puts its error code and message, and what they mean. */
  errors?: ErrorExtraction;
  /** Shape the server-certificate request too. Default: it is left alone. */
  certificate?: CustomCertificateOptions;
}

/** What the `custom` provider sees of the configuration: its options and the license URL templates. */
/** What the `custom` preset reads: its options plus the `servers` URL templates. */
export type CustomProviderOptions = CustomOptions & {
  /** License URL per key system (for `custom`: URL templates). */
  servers?: LicenseServers;
};

function checkHeaderValues(rewritten: Record<string, string>, secrets: readonly string[], keySystem: string): void {
  for (const [name, value] of Object.entries(rewritten)) {
    if (isHeaderValue(value)) continue;
    const fromToken = secrets.some((secret) => secret && value.includes(secret));
    throw new KeyflowError(
      fromToken ? 'TOKEN_MALFORMED' : 'INVALID_CONFIG',
      `custom: header ${name} would contain a line break, a control character or non-Latin-1 text${fromToken ? ' (from the token)' : ''}`,
      { keySystem },
    );
  }
}

function contentIdFor(options: CustomOptions, context: ContentIdContext): string | null {
  const { contentId } = options;
  if (contentId === undefined) return null;
  if (typeof contentId === 'string') return contentId;
  let value: unknown;
  try {
    value = contentId(context);
  } catch (error) {
    throw new KeyflowError('INVALID_CONFIG', `custom: the contentId function threw: ${(error as Error)?.message ?? String(error)}`, {
      keySystem: context.keySystem,
      cause: error,
    });
  }
  if (typeof value !== 'string' || !value) {
    throw new KeyflowError('INVALID_CONFIG', 'custom: the contentId function must return a non-empty string', { keySystem: context.keySystem });
  }
  return value;
}

function serverName(kind: DrmRequest['kind']): string {
  return kind === 'certificate' ? 'Certificate server' : 'License server';
}

/**
 * The `custom` preset: any license server or license proxy described by
 * options (URL templates, headers, query parameters, JSON request wrapping,
 * response unwrapping, error extraction), built from the shared wire
 * building blocks in `providers/engine/`.
 *
 * Idempotent across Shaka 5's per-attempt filter runs: the license URL is
 * rebuilt from its template, query parameters are set (never appended),
 * headers are set by name, and a body this provider wrapped is recognised
 * and re-wrapped from the original challenge (with fresh token values).
 */
export const customProvider: Provider<CustomProviderOptions, CustomToken> = {
  name: 'custom',
  optionNames: ['token', 'contentId', 'headers', 'query', 'wrapRequest', 'unwrapResponse', 'errors', 'certificate'],
  defaultServers: {},
  handlesCertificates: (options) => options.certificate !== undefined,

  validate(options) {
    checkWireSpec(options);
  },

  rewriteRequest(request, token, options): RewrittenDrmRequest {
    const { keySystem, kind } = request;
    const certificate = kind === 'certificate';
    if (certificate && !options.certificate) {
      return { url: request.url, headers: request.headers, body: request.body, secrets: [] };
    }
    const wrapping = certificate ? undefined : options.wrapRequest;
    const challenge = wrapping ? recallChallenge(request.body, wrapping, request.attempt) : request.body;
    const keyIds = requestKeyIds(request, challenge);
    const pssh = psshContentId(request);
    const values: TemplateValues = {
      keySystem,
      messageType: request.messageType,
      keyIds,
      contentId: contentIdFor(options, { keySystem, keyIds, psshContentId: pssh }),
      psshContentId: pssh,
      token,
    };
    const secrets: string[] = [];
    const expand = (template: string, where: string, escape?: (text: string) => string): string => {
      const expanded = expandText(template, values, where, escape);
      secrets.push(...expanded.secrets);
      return expanded.value;
    };

    let url = expand(request.url, `servers['${keySystem}']`, encodeURIComponent);
    const auth = !certificate || options.certificate?.auth !== false;
    let headers = request.headers;
    let body = request.body;
    if (wrapping) {
      let fields: unknown;
      if (wrapping.fields) {
        const expanded = expandJson(wrapping.fields, values, 'wrapRequest.fields');
        secrets.push(...expanded.secrets);
        fields = expanded.value;
      }
      body = wrapChallenge(challenge, wrapping, fields);
      headers = withHeader(headers, 'Content-Type', wrapping.contentType ?? 'application/json');
    }
    if (auth) {
      for (const [name, template] of Object.entries(options.query ?? {})) {
        url = setRawQueryParam(url, name, expand(template, `query['${name}']`, encodeURIComponent));
      }
      for (const [name, template] of Object.entries(options.headers ?? {})) {
        headers = withHeader(headers, name, template === null ? null : expand(template, `headers['${name}']`));
      }
    }
    checkHeaderValues(headers, secrets, keySystem);
    return { url, headers, body, secrets: [...new Set(secrets)] };
  },

  unwrapResponse(response: DrmResponse, options): Uint8Array {
    const { body, keySystem, kind, status } = response;
    const certificate = kind === 'certificate';
    const unwrapping = certificate ? options.certificate?.unwrapResponse : options.unwrapResponse;
    const server = serverName(kind);
    let license = body;
    if (unwrapping) {
      const secrets = response.secrets ?? [];
      const result = unwrapLicense(body, unwrapping, secrets);
      if (!result.ok) {
        if (options.errors && result.json !== undefined) {
          // A 2xx reply carrying the server's own error instead of a license.
          const reply = { status, headers: response.headers, bodyText: '' };
          const fields = readProviderError(options.errors, reply, redactDeep(result.json, secrets));
          if (fields.providerCode !== undefined || fields.message !== undefined) {
            throw new KeyflowError(classifyFailure(status, fields.providerCode, options.errors.rules), failureMessage(server, status, fields), {
              keySystem,
              httpStatus: status,
              ...(fields.providerCode !== undefined ? { providerCode: fields.providerCode } : {}),
            });
          }
        }
        const option = certificate ? 'certificate.unwrapResponse' : 'unwrapResponse';
        throw new KeyflowError('MALFORMED_RESPONSE', `custom: the ${server.toLowerCase()}'s reply ${result.reason} (see ${option})`, {
          keySystem,
          httpStatus: status,
        });
      }
      license = result.license;
    } else if (body.byteLength === 0) {
      throw new KeyflowError('MALFORMED_RESPONSE', `custom: the ${server.toLowerCase()}'s reply is empty`, { keySystem, httpStatus: status });
    }
    if (!certificate && keySystem === KeySystem.CLEARKEY) {
      const problem = clearKeyLicenseProblem(license);
      if (problem) {
        const what = unwrapping ? 'the unwrapped license' : 'the reply';
        const hint = unwrapping ? '' : ' (is the license wrapped? see unwrapResponse)';
        throw new KeyflowError('MALFORMED_RESPONSE', `custom: ${what} is not a ClearKey license: ${problem}${hint}`, {
          keySystem,
          httpStatus: status,
        });
      }
    }
    return license;
  },

  decodeFailure(failure: DrmHttpFailure, options): KeyflowError {
    return extractError(options.errors ?? {}, failure, serverName(failure.kind), failure.keySystem);
  },
};
