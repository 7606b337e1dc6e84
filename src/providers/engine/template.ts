/**
 * Placeholder templates for license URLs, header and query values and JSON
 * body fields: `https://lic.example.com/{contentId}/license?kid={keyIdHex}`,
 * `Bearer {token}`, `{ "kids": "{keyIdsHex}" }`.
 *
 * ## Placeholders
 *
 * `{keySystem}`, `{messageType}`, the key IDs (`{keyIdHex}` / `{keyIdsHex}`,
 * `Uuid`, `Base64`, `Base64Url`), `{contentId}`, `{psshContentId}`,
 * `{token}` and `{token.<path>}`: docs/custom-engine.md#placeholders says
 * what each holds. The key IDs of a request are, in this order of
 * preference: the `kids` of a Clear Key challenge, the KIDs in the
 * session's init data, the KIDs Shaka knows from the manifest; lower-case,
 * sorted, without duplicates. "First" means first in that sorted list.
 *
 * ## Substitution
 *
 * URL and query values are percent-encoded; header values and longer JSON
 * strings get the text (lists joined by `,`); a JSON string that is exactly
 * one placeholder keeps the value's JSON type; `{{` and `}}` are literal
 * braces; `{name|transform}` transforms a value (`template-transforms.ts`).
 * Values from the token are secrets. A placeholder the request has no value
 * for fails the request with a typed error instead of sending a wrong one.
 * docs/custom-engine.md says all of it with examples.
 *
 * @module
 */

import { KeyflowError } from '../../api/errors';
import { encodeBytes, hexToUuid } from './encoding';
import { getPath, isValidPath } from './json-path';
import { hexToBytes } from '../../pssh/bytes';
import { tokenString } from './token-string';
import { skdValue } from './skd';
import { applyTransform, isTransformName, TRANSFORMS, type TransformName } from './template-transforms';

/** A JSON value whose strings may hold placeholders (see the module documentation). */
export type JsonTemplate = string | number | boolean | null | JsonTemplate[] | { [field: string]: JsonTemplate };

/** Every placeholder name except the `token.<path>` form. */
const PLACEHOLDERS = [
  'keySystem',
  'messageType',
  'keyIdHex',
  'keyIdsHex',
  'keyIdUuid',
  'keyIdsUuid',
  'keyIdBase64',
  'keyIdsBase64',
  'keyIdBase64Url',
  'keyIdsBase64Url',
  'contentId',
  'psshContentId',
  'skdUri',
  'skdHost',
  'skdAssetId',
  'token',
] as const;

/** A placeholder name (without braces), `token.<path>` included. */
export type PlaceholderName = (typeof PLACEHOLDERS)[number] | `token.${string}`;

/** What the placeholders of one request resolve to. */
export interface TemplateValues {
  keySystem: string;
  messageType: string | null;
  /** Lower-case hex, sorted, without duplicates. */
  keyIds: readonly string[];
  contentId: string | null;
  psshContentId: string | null;
  /** The FairPlay `skd://` URI of the session's init data, or null. */
  skdUri?: string | null;
  /** What the token source returned, or null when no token is configured. */
  token: unknown;
}

type Part = { text: string } | { name: PlaceholderName; transforms?: TransformName[] };

/** A template that cannot be parsed: unknown placeholder or unbalanced brace. */
export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

function isPlaceholderName(name: string): name is PlaceholderName {
  if ((PLACEHOLDERS as readonly string[]).includes(name)) return true;
  return name.startsWith('token.') && isValidPath(name.slice('token.'.length));
}

/** `name|transform|...` as a part, after checking the name and each transform. */
function placeholderPart(inner: string): Part {
  const [name = '', ...transforms] = inner.split('|');
  if (!isPlaceholderName(name)) {
    throw new TemplateSyntaxError(`unknown placeholder {${name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')} {token.<field>}`);
  }
  const unknown = transforms.find((t) => !isTransformName(t));
  if (unknown !== undefined)
    throw new TemplateSyntaxError(`unknown transform |${unknown} in {${inner}}; known: ${TRANSFORMS.map((t) => `|${t}`).join(' ')}`);
  return transforms.length ? { name, transforms: transforms as TransformName[] } : { name };
}

/**
 * Splits a template into literal text and placeholders.
 *
 * @throws TemplateSyntaxError on an unknown placeholder or a lone `{` / `}`
 */
export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) throw new TemplateSyntaxError(`unclosed "{" in ${JSON.stringify(template)} (write "{{" for a literal brace)`);
      if (text) parts.push({ text });
      text = '';
      parts.push(placeholderPart(template.slice(i + 1, end)));
      i = end;
    } else if (c === '}') {
      throw new TemplateSyntaxError(`lone "}" in ${JSON.stringify(template)} (write "}}" for a literal brace)`);
    } else {
      text += c;
    }
  }
  if (text) parts.push({ text });
  return parts;
}

/** The placeholder names a template uses. @throws TemplateSyntaxError */
export function placeholdersOf(template: string): PlaceholderName[] {
  return parseTemplate(template).flatMap((part) => ('name' in part ? [part.name] : []));
}

/** Every placeholder used by the strings of a JSON template. @throws TemplateSyntaxError */
export function placeholdersOfJson(template: JsonTemplate): PlaceholderName[] {
  if (typeof template === 'string') return placeholdersOf(template);
  if (Array.isArray(template)) return template.flatMap(placeholdersOfJson);
  if (template && typeof template === 'object') return Object.values(template).flatMap(placeholdersOfJson);
  return [];
}

/** A resolved placeholder: one string, a list, or (token fields) any JSON value. */
type Resolved = { kind: 'text'; value: string } | { kind: 'list'; value: string[] } | { kind: 'json'; value: unknown };

function keyIdsAs(keyIds: readonly string[], form: string): string[] {
  if (form === 'Hex') return [...keyIds];
  if (form === 'Uuid') return keyIds.map(hexToUuid);
  return keyIds.map((hex) => encodeBytes(hexToBytes(hex), form === 'Base64' ? 'base64' : 'base64url'));
}

function resolve(name: PlaceholderName, values: TemplateValues, where: string, secrets: string[]): Resolved {
  const { keySystem } = values;
  const missing = (what: string): KeyflowError => new KeyflowError('INVALID_CONFIG', `${where} uses {${name}} but ${what}`, { keySystem });
  if (name === 'keySystem') return { kind: 'text', value: keySystem };
  if (name === 'messageType') return { kind: 'text', value: values.messageType ?? '' };
  if (name === 'contentId') {
    if (values.contentId === null) throw missing('no `contentId` is configured');
    return { kind: 'text', value: values.contentId };
  }
  if (name === 'psshContentId') {
    if (values.psshContentId === null) throw missing('the init data has no Widevine content_id');
    return { kind: 'text', value: values.psshContentId };
  }
  if (name === 'skdUri' || name === 'skdHost' || name === 'skdAssetId')
    return { kind: 'text', value: skdValue(name, values.skdUri ?? null, missing) };
  if (name === 'token') {
    const value = tokenString(values.token, keySystem);
    secrets.push(value);
    return { kind: 'text', value };
  }
  if (name.startsWith('token.')) {
    const path = name.slice('token.'.length);
    const token = values.token;
    if (!token || typeof token !== 'object') {
      throw new KeyflowError('TOKEN_MALFORMED', `${where} uses {${name}} but the token source did not return an object`, { keySystem });
    }
    const value = getPath(token, path);
    if (value === undefined || value === null) {
      throw new KeyflowError('TOKEN_MALFORMED', `${where} uses {${name}} but the token has no \`${path}\``, { keySystem });
    }
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    secrets.push(text);
    if (typeof value === 'string') secrets.push(value);
    return { kind: 'json', value };
  }
  // keyId / keyIds in some form
  const match = /^keyIds?(Hex|Uuid|Base64|Base64Url)$/.exec(name)!;
  if (values.keyIds.length === 0) {
    throw missing('the request has no key IDs (none in the challenge, the init data or the manifest)');
  }
  const all = keyIdsAs(values.keyIds, match[1]!);
  return name.startsWith('keyIds') ? { kind: 'list', value: all } : { kind: 'text', value: all[0]! };
}

/** A placeholder's value after its transforms; a transformed value from the token is a secret in that form too. */
function resolvePart(
  part: { name: PlaceholderName; transforms?: TransformName[] },
  values: TemplateValues,
  where: string,
  secrets: string[],
): Resolved {
  const before = secrets.length;
  const resolved = resolve(part.name, values, where, secrets);
  if (!part.transforms) return resolved;
  const fromToken = secrets.length > before;
  const transform = (text: string): string =>
    part.transforms!.reduce(
      (value, name) => applyTransform(value, name, `${where} {${part.name}|${name}}`, values.keySystem, fromToken),
      text,
    );
  const out: Resolved =
    resolved.kind === 'list'
      ? { kind: 'list', value: resolved.value.map(transform) }
      : { kind: 'text', value: transform(asText(resolved, (t) => t)) };
  if (fromToken) secrets.push(...(out.kind === 'list' ? out.value : [out.value]));
  return out;
}

function asText(resolved: Resolved, escape: (text: string) => string): string {
  if (resolved.kind === 'list') return resolved.value.map(escape).join(',');
  if (resolved.kind === 'text') return escape(resolved.value);
  const { value } = resolved;
  return escape(typeof value === 'object' ? JSON.stringify(value) : String(value));
}

/** The result of an expansion and the secret strings placed in it. */
export interface Expanded<T> {
  value: T;
  secrets: string[];
}

/**
 * Expands a text template.
 *
 * @param template the template
 * @param values what the placeholders resolve to
 * @param where the option the template came from, for error messages (e.g. `headers['X-Token']`)
 * @param escape applied to every substituted value (e.g. `encodeURIComponent` for URLs)
 * @throws KeyflowError `INVALID_CONFIG` (value missing, bad template) or `TOKEN_MALFORMED`
 */
export function expandText(
  template: string,
  values: TemplateValues,
  where: string,
  escape: (text: string) => string = (text) => text,
): Expanded<string> {
  const secrets: string[] = [];
  let out = '';
  for (const part of parseChecked(template, where, values.keySystem)) {
    out += 'text' in part ? part.text : asText(resolvePart(part, values, where, secrets), escape);
  }
  return { value: out, secrets };
}

/**
 * Expands a JSON template: every string is a text template, and a string that
 * is exactly one placeholder keeps the placeholder's JSON type.
 *
 * @throws KeyflowError as {@link expandText}
 */
export function expandJson(template: JsonTemplate, values: TemplateValues, where: string): Expanded<unknown> {
  const secrets: string[] = [];
  const walk = (node: JsonTemplate, at: string): unknown => {
    if (typeof node === 'string') {
      const parts = parseChecked(node, at, values.keySystem);
      const only = parts.length === 1 ? parts[0]! : null;
      if (only && 'name' in only) return resolvePart(only, values, at, secrets).value;
      const expanded = expandText(node, values, at);
      secrets.push(...expanded.secrets);
      return expanded.value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${at}[${index}]`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) out[key] = walk(value, `${at}.${key}`);
      return out;
    }
    return node;
  };
  return { value: walk(template, where), secrets };
}

function parseChecked(template: string, where: string, keySystem: string): Part[] {
  try {
    return parseTemplate(template);
  } catch (error) {
    throw new KeyflowError('INVALID_CONFIG', `${where}: ${(error as Error).message}`, { keySystem });
  }
}
