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

/** The parts of a spec the check reads (the `custom` preset's options). */
export interface WireSpecOptions {
  servers?: Partial<Record<string, string>>;
  token?: unknown;
  contentId?: unknown;
  headers?: { [name: string]: string | null };
  query?: { [name: string]: string };
  wrapRequest?: RequestWrapping;
  unwrapResponse?: ResponseUnwrapping;
  errors?: ErrorExtraction;
  certificate?: { auth?: boolean; unwrapResponse?: ResponseUnwrapping };
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

/** The placeholders the headers and query use, after checking each. */
function checkHeadersAndQuery(options: WireSpecOptions): PlaceholderName[] {
  const used: PlaceholderName[] = [];
  const { headers, query } = options;
  if (headers !== undefined) {
    if (!isPlainObject(headers)) throw invalid('`headers` must map header names to templates (or null)');
    for (const [name, value] of Object.entries(headers)) {
      if (!isHeaderName(name)) throw invalid(`headers: ${JSON.stringify(name)} is not a valid header name`);
      if (value === null) continue;
      if (typeof value !== 'string') throw invalid(`headers['${name}'] must be a string template or null`);
      const names = templatePlaceholders(`headers['${name}']`, () => placeholdersOf(value));
      if (!names.length && !isHeaderValue(value)) throw invalid(`headers['${name}'] contains a line break or a character outside Latin-1`);
      used.push(...names);
    }
  }
  if (query !== undefined) {
    if (!isPlainObject(query)) throw invalid('`query` must map parameter names to templates');
    for (const [name, value] of Object.entries(query)) {
      if (!name) throw invalid('query: a parameter name must not be empty');
      if (typeof value !== 'string') throw invalid(`query['${name}'] must be a string template`);
      used.push(...templatePlaceholders(`query['${name}']`, () => placeholdersOf(value)));
    }
  }
  return used;
}

/** Checks the body and reply shapes and the error rules; the placeholders the wrapped body uses. */
function checkShapes(options: WireSpecOptions): PlaceholderName[] {
  const { wrapRequest, unwrapResponse, errors, certificate } = options;
  const used: PlaceholderName[] = [];
  if (wrapRequest !== undefined) {
    const problem = wrappingProblem(wrapRequest);
    if (problem) throw invalid(`wrapRequest ${problem}`);
    if (wrapRequest.fields) used.push(...templatePlaceholders('wrapRequest.fields', () => placeholdersOfJson(wrapRequest.fields!)));
  }
  if (unwrapResponse !== undefined) {
    const problem = unwrappingProblem(unwrapResponse);
    if (problem) throw invalid(`unwrapResponse ${problem}`);
  }
  if (errors !== undefined) {
    const problem = errorExtractionProblem(errors);
    if (problem) throw invalid(`errors ${problem}`);
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
  used.push(...checkHeadersAndQuery(options), ...checkShapes(options));
  if (token === undefined && used.some((name) => name === 'token' || name.startsWith('token.'))) {
    throw invalid('a template uses {token} but no `token` is configured');
  }
  if (contentId === undefined && used.includes('contentId')) {
    throw invalid('a template uses {contentId} but no `contentId` is configured');
  }
}
