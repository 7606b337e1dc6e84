/**
 * Checks a wire spec as the `custom` preset takes it from the app's options
 * (the engine's spec in its declarative form): every template parses, every
 * header name and value is valid, every wrapping, unwrapping and error rule
 * is well formed, and every placeholder used has a value to come from.
 *
 * @module
 */
import { KeyflowError } from '../../api/errors';
import { errorExtractionProblem, type ErrorExtraction } from './errors';
import { isHeaderName, isHeaderValue } from './headers';
import { placeholdersOf, placeholdersOfJson, type PlaceholderName } from './template';
import { unwrappingProblem, wrappingProblem, type RequestWrapping, type ResponseUnwrapping } from './wrap';
import type { EncodedJsonValue, HeaderValue, QueryValue } from './spec';

/** The parts of a spec the check reads (the `custom` preset's options). */
export interface WireSpecOptions {
  servers?: Partial<Record<string, string>>;
  token?: unknown;
  contentId?: unknown;
  headers?: { [name: string]: HeaderValue };
  query?: { [name: string]: QueryValue };
  keySystems?: unknown;
  wrapRequest?: RequestWrapping;
  unwrapResponse?: ResponseUnwrapping;
  errors?: ErrorExtraction;
  certificate?: { auth?: boolean; unwrapResponse?: ResponseUnwrapping };
  tokenReuse?: unknown;
  fairPlayContentId?: unknown;
}

function invalid(message: string): KeyflowError {
  return new KeyflowError('INVALID_CONFIG', `custom: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function templatePlaceholders(where: string, read: () => PlaceholderName[]): PlaceholderName[] {
  try {
    return read();
  } catch (error) {
    throw invalid(`${where}: ${(error as Error).message}`);
  }
}

/** The placeholders the servers' URL templates use, after checking there is one and each parses. */
function checkServers(options: WireSpecOptions): PlaceholderName[] {
  const servers = Object.entries(options.servers ?? {}).filter(([, url]) => typeof url === 'string');
  if (!servers.length) {
    throw invalid(
      '`servers` must give the license URL (or URL template) of at least one key system, e.g. { "com.widevine.alpha": "https://lic.example.com/wv" }',
    );
  }
  const used: PlaceholderName[] = [];
  for (const [keySystem, url] of servers)
    used.push(...templatePlaceholders(`servers['${keySystem}']`, () => placeholdersOf(url as string)));
  return used;
}

/** The placeholders of an encoded JSON value, after checking its shape. */
function checkEncodedJson(value: object, where: string): PlaceholderName[] {
  const { json, encoding } = value as Partial<EncodedJsonValue>;
  if (json === undefined) throw invalid(`${where} must be a string template or { json, encoding? } (json is missing)`);
  if (encoding !== undefined && !['base64', 'base64url', 'none'].includes(encoding)) {
    throw invalid(`${where}.encoding must be "base64", "base64url" or "none"`);
  }
  return templatePlaceholders(`${where}.json`, () => placeholdersOfJson(json));
}

/** The placeholders one header or query value uses, after checking it. */
function checkValue(value: unknown, where: string, header: boolean): PlaceholderName[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return checkEncodedJson(value, where);
  if (typeof value !== 'string') throw invalid(`${where} must be a string template${header ? ' or null' : ''} (or { json, encoding? })`);
  const names = templatePlaceholders(where, () => placeholdersOf(value));
  if (header && !names.length && !isHeaderValue(value)) throw invalid(`${where} contains a line break or a character outside Latin-1`);
  return names;
}

/** The placeholders the headers and query use, after checking each. */
function checkHeadersAndQuery(options: Pick<WireSpecOptions, 'headers' | 'query'>, prefix = ''): PlaceholderName[] {
  const used: PlaceholderName[] = [];
  const { headers, query } = options;
  if (headers !== undefined) {
    if (!isPlainObject(headers)) throw invalid(`\`${prefix}headers\` must map header names to templates (or null)`);
    for (const [name, value] of Object.entries(headers)) {
      if (!isHeaderName(name)) throw invalid(`${prefix}headers: ${JSON.stringify(name)} is not a valid header name`);
      if (value !== null) used.push(...checkValue(value, `${prefix}headers['${name}']`, true));
    }
  }
  if (query !== undefined) {
    if (!isPlainObject(query)) throw invalid(`\`${prefix}query\` must map parameter names to templates`);
    for (const [name, value] of Object.entries(query)) {
      if (!name) throw invalid(`${prefix}query: a parameter name must not be empty`);
      used.push(...checkValue(value, `${prefix}query['${name}']`, false));
    }
  }
  return used;
}

/** The placeholders the `keySystems` entries use, after checking each like the spec itself. */
function checkKeySystems(keySystems: unknown): PlaceholderName[] {
  if (keySystems === undefined) return [];
  if (!isPlainObject(keySystems)) throw invalid('`keySystems` must map key system names to what changes for them');
  const used: PlaceholderName[] = [];
  for (const [keySystem, entry] of Object.entries(keySystems)) {
    const prefix = `keySystems['${keySystem}'].`;
    if (!isPlainObject(entry)) throw invalid(`keySystems['${keySystem}'] must be an object`);
    const unknown = Object.keys(entry).find((key) => !['headers', 'query', 'wrapRequest', 'unwrapResponse', 'errors'].includes(key));
    if (unknown)
      throw invalid(`${prefix}${unknown} is not something a key system can change (headers, query, wrapRequest, unwrapResponse, errors)`);
    used.push(...checkHeadersAndQuery(entry as WireSpecOptions, prefix));
    const { wrapRequest, unwrapResponse, errors } = entry as Record<string, unknown>;
    used.push(
      ...checkShapes(
        {
          ...(wrapRequest ? { wrapRequest } : {}),
          ...(unwrapResponse ? { unwrapResponse } : {}),
          ...(errors ? { errors } : {}),
        } as WireSpecOptions,
        prefix,
      ),
    );
  }
  return used;
}

/** Checks the body and reply shapes and the error rules; the placeholders the wrapped body uses. */
function checkShapes(options: WireSpecOptions, prefix = ''): PlaceholderName[] {
  const { wrapRequest, unwrapResponse, errors, certificate } = options;
  const used: PlaceholderName[] = [];
  if (wrapRequest !== undefined) {
    const problem = wrappingProblem(wrapRequest);
    if (problem) throw invalid(`${prefix}wrapRequest ${problem}`);
    if (wrapRequest.fields)
      used.push(...templatePlaceholders(`${prefix}wrapRequest.fields`, () => placeholdersOfJson(wrapRequest.fields!)));
  }
  if (unwrapResponse !== undefined) {
    const problem = unwrappingProblem(unwrapResponse);
    if (problem) throw invalid(`${prefix}unwrapResponse ${problem}`);
  }
  if (errors !== undefined) {
    const problem = errorExtractionProblem(errors);
    if (problem) throw invalid(`${prefix}errors ${problem}`);
  }
  if (certificate !== undefined) {
    if (!isPlainObject(certificate)) throw invalid('`certificate` must be an object');
    if (certificate.auth !== undefined && typeof certificate.auth !== 'boolean') throw invalid('certificate.auth must be true or false');
    if (certificate.unwrapResponse !== undefined) {
      const problem = unwrappingProblem(certificate.unwrapResponse);
      if (problem) throw invalid(`certificate.unwrapResponse ${problem}`);
    }
  }
  return used;
}

/**
 * Throws `INVALID_CONFIG` (message prefixed `custom:`) for the first problem
 * of a wire spec, in this order: servers, token, contentId, headers, query,
 * request wrapping, reply unwrapping, error rules, certificate, placeholders
 * without a value.
 */
export function checkWireSpec(options: WireSpecOptions): void {
  const { token, contentId } = options;
  const used = checkServers(options);
  if (token !== undefined && typeof token !== 'function' && !(typeof token === 'string' && token.trim()) && !isPlainObject(token)) {
    throw invalid('`token` must be a token string, an object, or a function returning one');
  }
  if (contentId !== undefined && typeof contentId !== 'function' && !(typeof contentId === 'string' && contentId)) {
    throw invalid('`contentId` must be a non-empty string or a function returning one');
  }
  if (options.tokenReuse !== undefined && options.tokenReuse !== 'cached' && options.tokenReuse !== 'per-request') {
    throw invalid("`tokenReuse` must be 'cached' or 'per-request'");
  }
  const { fairPlayContentId } = options;
  if (
    fairPlayContentId !== undefined &&
    fairPlayContentId !== 'host' &&
    fairPlayContentId !== 'after-scheme' &&
    fairPlayContentId !== 'after-semicolon'
  ) {
    throw invalid("`fairPlayContentId` must be 'host', 'after-scheme' or 'after-semicolon'");
  }
  used.push(...checkHeadersAndQuery(options), ...checkShapes(options), ...checkKeySystems(options.keySystems));
  if (token === undefined && used.some((name) => name === 'token' || name.startsWith('token.'))) {
    throw invalid('a template uses {token} but no `token` is configured');
  }
  if (contentId === undefined && used.includes('contentId')) {
    throw invalid('a template uses {contentId} but no `contentId` is configured');
  }
}
