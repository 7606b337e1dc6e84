/**
 * Fault injection for license servers in tests: put it in front of any
 * license server handler (the ExpressPlay emulator, a wrapping proxy) and
 * queue faults over HTTP; each queued fault is used by the next license
 * request that matches it.
 *
 * - `POST /_faults` with JSON `{ "faults": [LicenseFault, ...] }` queues faults (204);
 * - `DELETE /_faults` clears the queue and the log (204);
 * - `GET /_faults/requests` returns the log of license requests seen, faulted or not.
 *
 * A fault can answer with a status, headers and body (e.g. `503` with
 * `Retry-After`), answer 200 with garbage, or hold the request for a while
 * (to trip the client's timeout) and then let the real server answer.
 * License requests are the POSTs other than token API calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

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
  /** Queues faults programmatically. */
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

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function validFault(value: unknown): value is LicenseFault {
  if (!value || typeof value !== 'object') return false;
  const fault = value as LicenseFault;
  return (
    (fault.status === undefined || (Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) &&
    (fault.delayMs === undefined || (typeof fault.delayMs === 'number' && fault.delayMs >= 0 && fault.delayMs <= 60_000)) &&
    (fault.body === undefined || typeof fault.body === 'string') &&
    (fault.pathPrefix === undefined || typeof fault.pathPrefix === 'string')
  );
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
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req, 64 * 1024));
      } catch {
        parsed = null;
      }
      const faults = (parsed as { faults?: unknown } | null)?.faults;
      if (!Array.isArray(faults) || !faults.every(validFault)) {
        res.writeHead(400, { ...CORS, 'Content-Type': 'application/json' }).end('{"error":"expected {\\"faults\\": [...]}"}');
        return;
      }
      queue.push(...faults);
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
