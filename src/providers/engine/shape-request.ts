/**
 * The engine's request half: shapes a license (or certificate) request as a
 * {@link WireSpec} says. The license URL is rebuilt from its template, query
 * parameters are set (never appended), headers are set by name, and a body
 * the engine wrapped is recognised and re-wrapped from the original
 * challenge, so shaping is idempotent across Shaka 5's per-attempt filter
 * runs.
 *
 * @module
 */

import { KeyflowError } from '../../api/errors';
import { isHttpUrl, setRawQueryParam } from '../../util/url';
import { TOKEN_URL } from '../../api/config';
import type { DrmRequest, RewrittenDrmRequest } from '../preset';
import { isHeaderValue, withHeader } from './headers';
import type { ContentIdContext, EncodedJsonValue, RequestFacts, TokenPlacement, WireSpec } from './spec';
import type { JsonTemplate, TemplateValues } from './template';
import { tokenString } from './token-string';
import { encodeBytes, utf8Bytes } from './encoding';
import { wrappedContentType } from './wrap';
import type { EngineParts } from './parts';

function checkHeaderValues(rewritten: Record<string, string>, secrets: readonly string[], keySystem: string, name: string): void {
  for (const [header, value] of Object.entries(rewritten)) {
    if (isHeaderValue(value)) continue;
    const fromToken = secrets.some((secret) => secret && value.includes(secret));
    throw new KeyflowError(
      fromToken ? 'TOKEN_MALFORMED' : 'INVALID_CONFIG',
      `${name}: header ${header} would contain a line break, a control character or non-Latin-1 text${fromToken ? ' (from the token)' : ''}`,
      { keySystem },
    );
  }
}

function contentIdFor(wire: WireSpec, context: ContentIdContext, name: string): string | null {
  const { contentId } = wire;
  if (contentId === undefined) return null;
  if (typeof contentId === 'string') return contentId;
  let value: unknown;
  try {
    value = contentId(context);
  } catch (error) {
    throw new KeyflowError('INVALID_CONFIG', `${name}: the contentId function threw: ${(error as Error)?.message ?? String(error)}`, {
      keySystem: context.keySystem,
      cause: error,
    });
  }
  if (typeof value !== 'string' || !value) {
    throw new KeyflowError('INVALID_CONFIG', `${name}: the contentId function must return a non-empty string`, {
      keySystem: context.keySystem,
    });
  }
  return value;
}

function checkTokenFormat(wire: WireSpec, token: unknown, keySystem: string): void {
  const format = wire.tokenFormat;
  if (!format || token === null) return;
  if (!format.pattern.test(tokenString(token, keySystem))) {
    throw new KeyflowError('TOKEN_MALFORMED', `Token source returned a token that cannot be sent as ${format.description}`, { keySystem });
  }
}

/** How the engine learns a request's key IDs and content id (a preset's `requestFacts`). */
export type RequestFactsReader = (request: DrmRequest, challenge: Uint8Array) => RequestFacts;

/** The facts the glue gives: its key IDs (Shaka's, or the init data's), no PSSH content id. */
export const knownRequestFacts: RequestFactsReader = (request) => ({
  keyIds: [...new Set(request.keyIds.map((id) => id.toLowerCase()))].sort(),
  psshContentId: null,
});

/** Expands templates for one request, collecting the secrets placed. */
function createExpander(values: TemplateValues, placed: readonly string[], { expandText, expandJson }: EngineParts) {
  const secrets: string[] = [...placed];
  const text = (template: string, where: string, escape?: (text: string) => string): string => {
    const expanded = expandText(template, values, where, escape);
    secrets.push(...expanded.secrets);
    return expanded.value;
  };
  const json = (template: JsonTemplate, where: string): unknown => {
    const expanded = expandJson(template, values, where);
    secrets.push(...expanded.secrets);
    return expanded.value;
  };
  /** A header or query value: a template, or JSON serialized and encoded (its secrets in every form). */
  const value = (template: string | EncodedJsonValue, where: string, escape?: (text: string) => string): string => {
    if (typeof template === 'string') return text(template, where, escape);
    const before = secrets.length;
    const serialized = JSON.stringify(json(template.json, `${where}.json`));
    const encoding = template.encoding ?? 'base64';
    const encoded = encoding === 'none' ? serialized : encodeBytes(utf8Bytes(serialized), encoding);
    if (secrets.length > before) secrets.push(serialized, encoded);
    return escape ? escape(encoded) : encoded;
  };
  return { secrets, text, json, value };
}

/**
 * The `fields` of a wrapped body: a JSON template, or for a form, text (a
 * list placeholder joined with `,`, as in headers).
 */
function wrappedFields(fields: Record<string, JsonTemplate>, form: boolean, out: ReturnType<typeof createExpander>): unknown {
  if (!form) return out.json(fields, 'wrapRequest.fields');
  const texts: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    texts[name] = typeof value === 'string' ? out.text(value, `wrapRequest.fields.${name}`) : value;
  }
  return texts;
}

/**
 * The license URL from its template. A template that is the token alone
 * (`{token.url}`) is the URL a token API answered: inserted as it is, and it
 * must be an absolute http(s) URL (keyflow's transport rule then refuses
 * `http:` to a remote host).
 */
function licenseUrl(
  template: string,
  keySystem: string,
  out: ReturnType<typeof createExpander>,
  escape?: (text: string) => string,
): string {
  const where = `servers['${keySystem}']`;
  if (!TOKEN_URL.test(template)) return out.text(template, where, escape);
  const url = out.text(template, where);
  if (!isHttpUrl(url))
    throw new KeyflowError(
      'TOKEN_MALFORMED',
      `${where} takes the license URL from the token, and the token's is not an absolute http(s) URL`,
      { keySystem },
    );
  return url;
}

/** The template values of a request: its key system, key IDs, content ids and token. */
function templateValues(request: DrmRequest, facts: RequestFacts, wire: WireSpec, token: unknown, name: string): TemplateValues {
  const { keySystem } = request;
  const { keyIds, psshContentId: pssh } = facts;
  return {
    keySystem,
    messageType: request.messageType,
    keyIds,
    contentId: contentIdFor(wire, { keySystem, keyIds, psshContentId: pssh }, name),
    psshContentId: pssh,
    skdUri: facts.skdUri ?? null,
    token,
  };
}

/**
 * Shapes `request` as `wire` says.
 *
 * @param placement where the token goes (the license URL and the token the templates read)
 * @param name the preset's name, for configuration errors
 * @param readFacts where the key IDs and content id come from
 * @param parts the engine's templates and wrapping
 */
export function shapeRequest(
  request: DrmRequest,
  wire: WireSpec,
  placement: TokenPlacement,
  name: string,
  readFacts: RequestFactsReader,
  parts: EngineParts,
): RewrittenDrmRequest {
  const { keySystem, kind } = request;
  const certificate = kind === 'certificate';
  if (certificate && !wire.certificate) return { url: request.url, headers: request.headers, body: request.body, secrets: [] };
  checkTokenFormat(wire, placement.token, keySystem);
  const wrapping = certificate ? undefined : wire.wrapRequest;
  const challenge = wrapping ? parts.recallChallenge(request.body, wrapping, request.attempt) : request.body;
  const values = templateValues(request, readFacts(request, challenge), wire, placement.token, name);
  const out = createExpander(values, placement.secrets ?? [], parts);
  const urlEscape = placement.urlEncoded ? undefined : encodeURIComponent;

  let url = wire.serverTemplates ? licenseUrl(placement.url, keySystem, out, urlEscape) : placement.url;
  let headers = request.headers;
  let body = request.body;
  if (wrapping) {
    const fields = wrapping.fields ? wrappedFields(wrapping.fields, wrapping.format === 'form', out) : undefined;
    body = parts.wrapChallenge(challenge, wrapping, fields);
    headers = withHeader(headers, 'Content-Type', wrappedContentType(wrapping));
  }
  if (!certificate || wire.certificate?.auth !== false) {
    for (const [param, value] of Object.entries(wire.query ?? {})) {
      url = setRawQueryParam(url, param, out.value(value, `query['${param}']`, urlEscape));
    }
    for (const [header, value] of Object.entries(wire.headers ?? {})) {
      headers = withHeader(headers, header, value === null ? null : out.value(value, `headers['${header}']`));
    }
  }
  const secrets = out.secrets;
  checkHeaderValues(headers, secrets, keySystem, name);
  return { url, headers, body, secrets: [...new Set(secrets)] };
}
