/**
 * The engine's reply half: takes the license (or certificate) out of a 2xx
 * reply as a {@link WireSpec} says, checks a Clear Key license before the
 * CDM sees it, and turns error replies (non-2xx, or an error the service
 * signals inside a 2xx) into typed KeyflowErrors.
 *
 * @module
 */

import { KeyflowError } from '../../api/errors';
import { KeySystem } from '../../api/key-systems';
import { redactDeep } from '../../util/redact';
import type { DrmHttpFailure, DrmRequestKind, DrmResponse } from '../preset';
import { clearKeyLicenseProblem } from './clearkey';
import {
  classifyFailure,
  failureMessage,
  parseProblemDetails,
  readProviderError,
  type ErrorReply,
  type ErrorValueSource,
  type ProblemDetails,
  type ProviderErrorFields,
} from './errors';
import type { WireSpec } from './spec';
import type { EngineParts } from './parts';
import { utf8Text } from './encoding';
import { parseJsonOrUndefined } from './failures';

/** Who a preset is, for messages: its name (configuration errors) and label (who answers). */
export interface ReplyReader {
  /** The preset's name, the prefix of its `MALFORMED_RESPONSE` messages. */
  name: string;
  /** Who answers: `'ExpressPlay'` gives "ExpressPlay license server"; none gives "License server". */
  label?: string;
  /** Whether the app can set `unwrapResponse` (the messages then point at it). */
  unwrapOption: boolean;
  /** Reads the service's error fields where the wire's paths cannot. */
  readError?: (reply: ErrorReply) => ProviderErrorFields;
  /** The engine's unwrapping ({@link EngineParts}). */
  unwrapLicense: EngineParts['unwrapLicense'];
}

/** "License server", "Certificate server", "ExpressPlay license server". */
function serverName(kind: DrmRequestKind, label?: string): string {
  const what = kind === 'certificate' ? 'certificate' : 'license';
  return label ? `${label} ${what} server` : `${what[0]!.toUpperCase()}${what.slice(1)} server`;
}

type Reply = ErrorReply & { kind: DrmRequestKind; keySystem: string };

/** What an error reply says: from a problem record, the reader's hook, or the wire's paths and headers. */
function errorFields(
  reader: ReplyReader,
  wire: WireSpec,
  reply: Reply,
  json?: unknown,
): ProviderErrorFields & { problem?: ProblemDetails } {
  const problem = wire.errors?.problemDetails && json === undefined ? parseProblemDetails(reply.bodyText) : null;
  if (problem) {
    const message = [problem.title, problem.detail].filter(Boolean).join(': ');
    return { providerCode: problem.type, ...(message ? { message } : {}), problem };
  }
  if (reader.readError && json === undefined) return reader.readError(reply);
  return readProviderError(wire.errors ?? {}, reply, json);
}

/** A typed error from what an error reply says; `cause` is the problem record when there is one. */
function replyError(
  reader: ReplyReader,
  wire: WireSpec,
  reply: Reply,
  fields: ProviderErrorFields & { problem?: ProblemDetails },
): KeyflowError {
  const asStatus = fields.classifyAsStatus;
  const fallbackStatus = Number.isInteger(asStatus) && asStatus! >= 100 && asStatus! <= 599 ? asStatus : reply.status;
  const code = classifyFailure(reply.status, fields.providerCode, wire.errors?.rules, fields.message, fallbackStatus);
  return new KeyflowError(code, failureMessage(serverName(reply.kind, reader.label), reply.status, fields), {
    keySystem: reply.keySystem,
    httpStatus: reply.status,
    ...(fields.providerCode !== undefined ? { providerCode: fields.providerCode, provider: reader.name } : {}),
    ...(fields.problem ? { cause: fields.problem } : {}),
  });
}

/** Turns a non-2xx reply into a typed KeyflowError, as the wire's `errors` (or the reader's hook) says. */
export function readFailure(failure: DrmHttpFailure, wire: WireSpec, reader: ReplyReader): KeyflowError {
  return replyError(reader, wire, failure, errorFields(reader, wire, failure));
}

function malformed(response: DrmResponse, reader: ReplyReader, what: string): KeyflowError {
  return new KeyflowError('MALFORMED_RESPONSE', `${reader.name}: ${what}`, { keySystem: response.keySystem, httpStatus: response.status });
}

/** Whether the wire unwraps a license out of this reply (then it is a license, whatever else it holds). */
function unwrapsToLicense(response: DrmResponse, wire: WireSpec, reader: ReplyReader): boolean {
  const unwrapping = response.kind === 'certificate' ? wire.certificate?.unwrapResponse : wire.unwrapResponse;
  return !!unwrapping && reader.unwrapLicense(response.body, unwrapping, response.secrets ?? []).ok;
}

/**
 * A 2xx JSON reply in which the wire's `code` or `message` path finds a
 * value is the service's error (`errors.inSuccessReplies`). Header sources
 * are not read here: services send some headers on every reply.
 */
function throwSignalledError(response: DrmResponse, wire: WireSpec, reader: ReplyReader): void {
  const text = utf8Text(response.body);
  const json = text === null ? undefined : parseJsonOrUndefined(text);
  if (!json || typeof json !== 'object') return;
  const extraction = wire.errors ?? {};
  const fromBody = (source: ErrorValueSource | undefined) =>
    source !== undefined && typeof source === 'object' && !Array.isArray(source) ? undefined : source;
  const code = fromBody(extraction.code);
  const message = fromBody(extraction.message);
  const bodyOnly = { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
  const reply = { kind: response.kind, keySystem: response.keySystem, status: response.status, headers: {}, bodyText: '' };
  const fields = readProviderError(bodyOnly, reply, redactDeep(json, response.secrets ?? []));
  if (fields.providerCode !== undefined || fields.message !== undefined) throw replyError(reader, wire, reply, fields);
}

/** The license (or certificate) in a 2xx reply, or an error when the reply is the service's error or unusable. */
function takeLicense(response: DrmResponse, wire: WireSpec, reader: ReplyReader): Uint8Array {
  const certificate = response.kind === 'certificate';
  const unwrapping = certificate ? wire.certificate?.unwrapResponse : wire.unwrapResponse;
  const server = serverName(response.kind).toLowerCase();
  if (!unwrapping) {
    if (response.body.byteLength === 0) throw malformed(response, reader, `the ${server}'s reply is empty`);
    return response.body;
  }
  const secrets = response.secrets ?? [];
  const result = reader.unwrapLicense(response.body, unwrapping, secrets);
  if (result.ok) return result.license;
  if (wire.errors && result.json !== undefined) {
    // A 2xx reply carrying the server's own error instead of a license.
    const reply = { kind: response.kind, keySystem: response.keySystem, status: response.status, headers: response.headers, bodyText: '' };
    const fields = errorFields(reader, wire, reply, redactDeep(result.json, secrets));
    if (fields.providerCode !== undefined || fields.message !== undefined) throw replyError(reader, wire, reply, fields);
  }
  const option = certificate ? 'certificate.unwrapResponse' : 'unwrapResponse';
  throw malformed(response, reader, `the ${server}'s reply ${result.reason} (see ${option})`);
}

/**
 * Turns a 2xx reply into the bytes for the CDM: unwrapped as the wire says,
 * never empty, and, for Clear Key, a JWK set (an `application/problem+json`
 * record in its place is read as the service's error when the wire reads
 * problem records).
 */
export function readLicense(response: DrmResponse, wire: WireSpec, reader: ReplyReader): Uint8Array {
  if (wire.errors?.inSuccessReplies && !unwrapsToLicense(response, wire, reader)) throwSignalledError(response, wire, reader);
  const license = takeLicense(response, wire, reader);
  if (response.kind === 'certificate' || response.keySystem !== KeySystem.CLEARKEY) return license;
  const problem = clearKeyLicenseProblem(license);
  if (!problem) return license;
  if (wire.errors?.problemDetails && /problem\+json/i.test(response.headers['content-type'] ?? '')) {
    const reply = { ...response, bodyText: new TextDecoder().decode(response.body) };
    const fields = errorFields(reader, wire, reply);
    if (fields.problem) throw replyError(reader, wire, reply, fields);
  }
  const unwrapped = !!wire.unwrapResponse;
  const hint = !unwrapped && reader.unwrapOption ? ' (is the license wrapped? see unwrapResponse)' : '';
  throw malformed(response, reader, `${unwrapped ? 'the unwrapped license' : 'the reply'} is not a ClearKey license: ${problem}${hint}`);
}
