/**
 * Reading a license server's error replies: where its own error code and
 * message are (a JSON path or a response header), which statuses and codes
 * mean "token rejected" versus "not entitled", and RFC 7807
 * `application/problem+json` records (the DASH-IF license request model).
 *
 * @module
 */

import { KeyflowError, type KeyflowErrorCode } from '../../api/errors';
import { codeForStatus, parseJsonOrUndefined } from './failures';
import { isHeaderName } from './headers';
import { getPath, isValidPath, type JsonPath } from './json-path';

/** Where a value is in an error reply: a path into a JSON body, or `{ header: 'X-Error-Code' }`. */
export type ErrorValueSource =
  | JsonPath
  | {
      /** The name of the response header that holds the value (the server must expose it to CORS). */
      header: string;
    };

/** The keyflow codes an error rule may give. */
export type ErrorRuleCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'NOT_ENTITLED' | 'BAD_REQUEST' | 'LICENSE_SERVER_ERROR';

const RULE_CODES: readonly ErrorRuleCode[] = ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'NOT_ENTITLED', 'BAD_REQUEST', 'LICENSE_SERVER_ERROR'];

/**
 * One classification rule: when a reply matches every condition given, the
 * error gets the code in `means`.
 *
 * @example `{ providerCode: 'AUTH_EXPIRED', means: 'TOKEN_EXPIRED' }`,
 * `{ status: 403, providerCode: [1020, 1021], means: 'TOKEN_INVALID' }`
 */
export interface ErrorRule {
  /** The HTTP status or statuses this rule is for; any when absent. */
  status?: number | readonly number[];
  /** The provider's error code(s) this rule is for, compared as text (`89` matches `"89"`); any when absent. */
  providerCode?: string | number | readonly (string | number)[];
  /**
   * A pattern the provider's error message must match (a regular expression,
   * case-insensitive), for services that say "expired" only in words; any
   * when absent.
   */
  message?: string;
  /** What the error means. */
  means: ErrorRuleCode;
}

/**
 * How to read a provider's error replies.
 *
 * Without rules (or when none matches) the code follows the HTTP status:
 * 401 `TOKEN_INVALID` (token rejected), 403 `NOT_ENTITLED`, 400
 * `BAD_REQUEST`, anything else `LICENSE_SERVER_ERROR`.
 */
export interface ErrorExtraction {
  /** Where the provider's error code is: `'error.code'`, `'errorCode'`, `{ header: 'X-Error-Code' }`. */
  code?: ErrorValueSource;
  /** Where the provider's error message is: `'error.message'`, `{ header: 'X-AxDRM-ErrorMessage' }`. */
  message?: ErrorValueSource;
  /** Classification rules, tried in order; the first that matches decides. */
  rules?: readonly ErrorRule[];
  /**
   * Read RFC 7807 `application/problem+json` records (the DASH-IF license
   * request model): the code is the problem `type`, the message its `title`
   * and `detail`, the error's `cause` the record. Default false.
   */
  problemDetails?: boolean;
  /**
   * The service also signals errors inside 2xx replies (e.g.
   * `200 {"errorCode":7011,"message":"expired"}`): a 2xx JSON reply that does
   * not unwrap to a license, and where the `code` or `message` JSON path finds
   * a value, is the service's error. Default false.
   */
  inSuccessReplies?: boolean;
}

/** An error reply, as much of it as the client could read. */
export interface ErrorReply {
  /** The HTTP status. */
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body as text (may be empty). */
  bodyText: string;
}

/** What an error reply says, in the provider's own terms. */
export interface ProviderErrorFields {
  /** The service's own error code. */
  providerCode?: string | number;
  /** The service's error message, cut to 200 characters. */
  message?: string;
  /**
   * The HTTP status the reply stands for when no rule matches, where the
   * transport status says nothing: a SOAP 1.1 `Client` fault arrives with
   * HTTP 500 but means "do not resend this unchanged" (SOAP 1.1 §4.4.1), so
   * a reader gives 400 for it. Absent: the reply's own status.
   */
  classifyAsStatus?: number;
}

const MAX_MESSAGE = 200;

function isSource(value: unknown): value is ErrorValueSource {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const header = (value as { header?: unknown }).header;
    return typeof header === 'string' && isHeaderName(header);
  }
  return isValidPath(value);
}

function asArray<T>(value: T | readonly T[] | undefined): readonly T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/** Why an {@link ErrorExtraction} option is unusable, or null when it is fine. */
export function errorExtractionProblem(extraction: unknown): string | null {
  if (!extraction || typeof extraction !== 'object') return 'must be an object';
  const e = extraction as Partial<ErrorExtraction>;
  if (e.code !== undefined && !isSource(e.code)) return '`code` must be a JSON path such as "error.code" or { header: "X-Error-Code" }';
  if (e.message !== undefined && !isSource(e.message))
    return '`message` must be a JSON path such as "error.message" or { header: "X-Error-Message" }';
  if (e.problemDetails !== undefined && typeof e.problemDetails !== 'boolean') return '`problemDetails` must be true or false';
  if (e.inSuccessReplies !== undefined && typeof e.inSuccessReplies !== 'boolean') return '`inSuccessReplies` must be true or false';
  const isPathSource = (source: unknown): boolean => source !== undefined && (typeof source !== 'object' || Array.isArray(source));
  if (e.inSuccessReplies && !isPathSource(e.code) && !isPathSource(e.message))
    return '`inSuccessReplies` needs `code` or `message` as a JSON path to find the error by (headers are not read in 2xx replies)';
  if (e.rules === undefined) return null;
  if (!Array.isArray(e.rules)) return '`rules` must be an array';
  for (const [index, rule] of (e.rules as unknown[]).entries()) {
    const r = (rule ?? {}) as Partial<ErrorRule>;
    if (!RULE_CODES.includes(r.means as ErrorRuleCode)) return `\`rules[${index}].means\` must be one of ${RULE_CODES.join(', ')}`;
    const statuses = asArray(r.status);
    if (statuses && !statuses.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
      return `\`rules[${index}].status\` must be an HTTP status or a list of them`;
    }
    const codes = asArray(r.providerCode);
    if (codes && !codes.every((c) => typeof c === 'string' || typeof c === 'number')) {
      return `\`rules[${index}].providerCode\` must be a string, a number or a list of them`;
    }
    if (r.message !== undefined && !isPattern(r.message))
      return `\`rules[${index}].message\` must be a regular expression pattern (a string)`;
  }
  return null;
}

function isPattern(value: unknown): boolean {
  if (typeof value !== 'string' || !value) return false;
  try {
    new RegExp(value, 'i');
    return true;
  } catch {
    return false;
  }
}

function readSource(source: ErrorValueSource, headers: Record<string, string>, json: unknown): unknown {
  if (typeof source === 'object' && !Array.isArray(source)) {
    return headers[(source as { header: string }).header.toLowerCase()];
  }
  return json === undefined ? undefined : getPath(json, source as JsonPath);
}

/**
 * Reads the provider's error code and message from a reply as `extraction`
 * says. A code that is a JSON number stays a number; a message is cut to
 * 200 characters. Absent or unusable values are left out.
 */
export function readProviderError(
  extraction: ErrorExtraction,
  reply: Pick<ErrorReply, 'headers' | 'bodyText'>,
  json?: unknown,
): ProviderErrorFields {
  const parsed = json !== undefined ? json : parseJsonOrUndefined(reply.bodyText);
  const out: ProviderErrorFields = {};
  if (extraction.code !== undefined) {
    const code = readSource(extraction.code, reply.headers, parsed);
    if (typeof code === 'number' && Number.isFinite(code)) out.providerCode = code;
    else if (typeof code === 'string' && code.trim()) out.providerCode = code.trim().slice(0, MAX_MESSAGE);
  }
  if (extraction.message !== undefined) {
    const message = readSource(extraction.message, reply.headers, parsed);
    if (typeof message === 'string' && message.trim()) out.message = message.trim().slice(0, MAX_MESSAGE);
  }
  return out;
}

function ruleHolds(rule: ErrorRule, status: number, { providerCode, message }: ProviderErrorFields): boolean {
  const statuses = asArray(rule.status);
  if (statuses && !statuses.includes(status)) return false;
  const codes = asArray(rule.providerCode);
  if (codes && (providerCode === undefined || !codes.some((c) => String(c) === String(providerCode)))) return false;
  return rule.message === undefined || (message !== undefined && new RegExp(rule.message, 'i').test(message));
}

/**
 * The keyflow code for a failure: the first rule whose conditions all hold,
 * else the default for the HTTP status.
 *
 * @param message the provider's error message, for rules with a `message` pattern
 * @param fallbackStatus the status to classify by when no rule matches (see {@link ProviderErrorFields.classifyAsStatus})
 */
export function classifyFailure(
  status: number,
  providerCode: string | number | undefined,
  rules: readonly ErrorRule[] = [],
  message?: string,
  fallbackStatus: number = status,
): KeyflowErrorCode {
  return rules.find((rule) => ruleHolds(rule, status, { providerCode, message }))?.means ?? codeForStatus(fallbackStatus);
}

/**
 * The message of a failure: `"<server> answered HTTP 403: <message> [<code>]"`.
 *
 * @param server who answered, e.g. `"License server"`, `"ClearKey license server"`
 */
export function failureMessage(server: string, status: number, fields: ProviderErrorFields): string {
  const said = [fields.message, fields.providerCode !== undefined ? `[${fields.providerCode}]` : undefined].filter(Boolean).join(' ');
  return `${server} answered HTTP ${status}${said ? `: ${said}` : ''}`;
}

/**
 * A KeyflowError for an error reply, read and classified as `extraction` says.
 *
 * @param server who answered, for the message
 * @param keySystem the key system of the exchange
 */
export function extractError(
  extraction: ErrorExtraction,
  reply: ErrorReply,
  server: string,
  keySystem: string,
  json?: unknown,
): KeyflowError {
  const fields = readProviderError(extraction, reply, json);
  const code = classifyFailure(reply.status, fields.providerCode, extraction.rules, fields.message);
  return new KeyflowError(code, failureMessage(server, reply.status, fields), {
    keySystem,
    httpStatus: reply.status,
    ...(fields.providerCode !== undefined ? { providerCode: fields.providerCode } : {}),
  });
}

/** An RFC 7807 problem record (string members only; others dropped). */
export interface ProblemDetails {
  /** A URI naming the problem type; `about:blank` when the record has none. */
  type: string;
  /** A short, human-readable summary of the problem type. */
  title?: string;
  /** A human-readable explanation of this occurrence of the problem. */
  detail?: string;
  /** A URI identifying this occurrence of the problem. */
  instance?: string;
  /** DASH-IF: a URL where the user can fix the problem (e.g. subscribe). */
  href?: string;
  /** DASH-IF: a title for `href`. */
  hrefTitle?: string;
}

/**
 * Reads an `application/problem+json` record (RFC 7807) from a reply body:
 * a JSON object with at least a string `type` or `title`. Returns null for
 * anything else. Strings are cut to 500 characters.
 */
export function parseProblemDetails(bodyText: string): ProblemDetails | null {
  const json = parseJsonOrUndefined(bodyText);
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const record = json as Record<string, unknown>;
  if (typeof record.type !== 'string' && typeof record.title !== 'string') return null;
  const problem: ProblemDetails = { type: typeof record.type === 'string' && record.type ? record.type.slice(0, 500) : 'about:blank' };
  for (const key of ['title', 'detail', 'instance', 'href', 'hrefTitle'] as const) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) problem[key] = value.trim().slice(0, 500);
  }
  return problem;
}
