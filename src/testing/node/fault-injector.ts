/**
 * Fault injection for license servers in tests: put it in front of any
 * license server handler (the ExpressPlay emulator, a wrapping proxy) and
 * queue faults over HTTP; each queued fault is used by the next license
 * request that matches it.
 *
 * - `POST /_faults` with JSON `{ "faults": [LicenseFault, ...] }` queues faults (204); a
 *   malformed list is refused whole with 400 and `{ "error": "<what is wrong>" }` (a `status` must
 *   be an integer 100..599, `headers` names RFC 7230 tokens with string values free of CR, LF and
 *   NUL, `delayMs` 0..60000); a body over 64 KiB gets 413;
 * - `DELETE /_faults` clears the queue and the log (204);
 * - `GET /_faults/requests` returns the log of license requests seen, faulted or not (the
 *   newest 10 000).
 *
 * A fault can answer with a status, headers and body (e.g. `503` with
 * `Retry-After`), answer 200 with garbage, or hold the request for a while
 * (to trip the client's timeout) and then let the real server answer.
 * License requests are the POSTs other than token API calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { MAX_BODY_BYTES, MAX_LOG_RECORDS, readBody } from './http-kit.js';

/** One fault for one license request. */
export interface LicenseFault {
  /** Only requests whose path starts with this prefix use the fault. Default: any license request. */
  pathPrefix?: string;
  /** Answer with this HTTP status instead of passing the request on. */
  status?: number;
  /** Reply body for `status` (text). */
  body?: string;
  /** Reply headers for `status` (e.g. `{ "Retry-After": "1" }`); exposed to browsers through CORS. */
  headers?: Record<string, string>;
  /** Answer 200 with random bytes instead of a license. */
  garbage?: boolean;
  /** Hold the request this long first; with no `status`/`garbage`, the real server answers after it. */
  delayMs?: number;
}

/** One license request the injector saw. */
export interface FaultLogRecord {
  /** When the request arrived, ms since the epoch. */
  time: number;
  /** The request path. */
  path: string;
  /** The fault used, or null when the request passed through untouched. */
  fault: LicenseFault | null;
}

/** A fault injector: a request handler plus its queue. */
export interface FaultInjector {
  /**
   * Handles fault-control requests and faulted license requests. Resolves to
   * true when it answered, false when the real server should answer.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /**
   * Queues faults programmatically.
   *
   * @throws {TypeError} on a malformed fault (the same checks as `POST /_faults`); nothing is queued then
   */
  queue(faults: LicenseFault[]): void;
  /** Clears the queue and the log. */
  clear(): void;
  /** License requests seen. */
  readonly requests: readonly FaultLogRecord[];
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
};

function isLicenseRequest(req: IncomingMessage, path: string): boolean {
  return req.method === 'POST' && !path.startsWith('/_') && !path.startsWith('/api/') && !/\/token\/?$/.test(path);
}

/** An HTTP header name: an RFC 7230 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A header value Node will send: no CR, LF, NUL or other control characters but tab. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A short rendering of a rejected value for an error message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** Describes what is wrong with a fault, or returns null when it is valid. */
function faultProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  const fault = value as Record<string, unknown>;
  const { status, delayMs, body, pathPrefix, garbage, headers } = fault;
  if (status !== undefined && !(typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)) {
    return `status must be an integer 100..599, got ${shown(status)}`;
  }
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0 && delayMs <= 60_000)) {
    return `delayMs must be a number 0..60000, got ${shown(delayMs)}`;
  }
  if (body !== undefined && typeof body !== 'string') return 'body must be a string';
  if (pathPrefix !== undefined && typeof pathPrefix !== 'string') return 'pathPrefix must be a string';
  if (garbage !== undefined && typeof garbage !== 'boolean') return 'garbage must be true or false';
  if (headers !== undefined) {
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return 'headers must be an object of name: value strings';
    for (const [name, headerValue] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) return `headers: ${JSON.stringify(name.slice(0, 64))} is not a valid header name (an RFC 7230 token)`;
      if (typeof headerValue !== 'string' || !HEADER_VALUE.test(headerValue)) {
        return `headers: the value of ${name} must be a string without CR, LF or other control characters`;
      }
    }
  }
  return null;
}

/** Describes what is wrong with a fault list, or returns null when every fault is valid. */
function faultsProblem(faults: unknown): string | null {
  if (!Array.isArray(faults)) return 'expected {"faults": [...]}';
  for (let i = 0; i < faults.length; i++) {
    const problem = faultProblem(faults[i]);
    if (problem) return `faults[${i}]: ${problem}`;
  }
  return null;
}

/** Creates a fault injector with an empty queue. */
export function createFaultInjector(): FaultInjector {
  let queue: LicenseFault[] = [];
  let log: FaultLogRecord[] = [];

  const take = (path: string): LicenseFault | null => {
    const index = queue.findIndex((fault) => !fault.pathPrefix || path.startsWith(fault.pathPrefix));
    if (index < 0) return null;
    return queue.splice(index, 1)[0] ?? null;
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
    } else if (path === '/_faults' && req.method === 'POST') {
      const body = await readBody(req);
      if (body === null) {
        res
          .writeHead(413, { ...CORS, 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: `body larger than ${MAX_BODY_BYTES} bytes` }));
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = null;
      }
      const faults = (parsed as { faults?: unknown } | null)?.faults;
      const problem = faultsProblem(faults);
      if (problem !== null) {
        res.writeHead(400, { ...CORS, 'Content-Type': 'application/json' }).end(JSON.stringify({ error: problem }));
        return;
      }
      queue.push(...(faults as LicenseFault[]));
      res.writeHead(204, CORS).end();
    } else if (path === '/_faults' && req.method === 'DELETE') {
      queue = [];
      log = [];
      res.writeHead(204, CORS).end();
    } else if (path === '/_faults/requests' && req.method === 'GET') {
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(log));
    } else {
      res.writeHead(404, { ...CORS, 'Content-Type': 'application/json' }).end('{"error":"not found"}');
    }
  };

  return {
    get requests() {
      return log;
    },
    queue(faults) {
      const problem = faultsProblem(faults);
      if (problem !== null) throw new TypeError(problem);
      queue.push(...faults);
    },
    clear() {
      queue = [];
      log = [];
    },
    async handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/_faults' || path.startsWith('/_faults/')) {
        await control(req, res, path);
        return true;
      }
      if (!isLicenseRequest(req, path)) return false;
      const fault = take(path);
      log.push({ time: Date.now(), path, fault });
      if (log.length > MAX_LOG_RECORDS) log.splice(0, log.length - MAX_LOG_RECORDS);
      if (!fault) return false;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status === undefined && !fault.garbage) return false;
      req.resume(); // drain the challenge
      if (res.destroyed) return true;
      const headers = fault.headers ?? {};
      const exposed = Object.keys(headers).join(', ');
      const common = { ...CORS, ...(exposed ? { 'Access-Control-Expose-Headers': exposed } : {}), ...headers };
      if (fault.garbage) {
        const bytes = Buffer.alloc(64);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
        res.writeHead(200, { ...common, 'Content-Type': 'application/octet-stream' }).end(bytes);
      } else {
        res.writeHead(fault.status!, { 'Content-Type': 'application/json', ...common }).end(fault.body ?? '');
      }
      return true;
    },
  };
}
