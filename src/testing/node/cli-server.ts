/**
 * The server the ExpressPlay emulator's CLI runs: the emulator's request handler behind an
 * origin check, on the shared http kit. Browsers are answered only from the allowed origins
 * (`--allow-origin`), with `Access-Control-Allow-Origin: <that origin>` and `Vary: Origin`
 * instead of the emulator's `*`; a request from another origin gets 403 JSON (-9403) without
 * reaching the emulator; requests without an `Origin` (curl, a backend) are answered without
 * CORS headers; paths outside the emulator's get 404 JSON (-9404), not recorded. See
 * `docs/emulators.md` ("From the command line").
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import { createExpressPlayHandler } from './expressplay-emulator.js';
import { ApiError, ExpressPlayErrorCode, jsonErrorBody } from './expressplay/errors.js';
import type { EmulatorKey, ExpressPlayEmulator, ExpressPlayRequestHandler } from './expressplay/types.js';
import { isWildcardHost, listen } from './http-kit.js';

/**
 * Normalises an `--allow-origin` value: `*`, `null` (sandboxed and file: pages),
 * `scheme://host[:port]` or `scheme://host:*` (lower case, no trailing slash).
 * Returns null when the value is none of these.
 */
export function normalizeOriginPattern(value: string): string | null {
  if (value === '*' || value === 'null') return value;
  const match = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}|\*))?\/?$/.exec(value);
  if (!match) return null;
  const [, scheme, host, port] = match;
  if (port !== undefined && port !== '*' && Number(port) > 65535) return null;
  return `${scheme!.toLowerCase()}://${host!.toLowerCase()}${port !== undefined ? `:${port}` : ''}`;
}

/**
 * Builds the test for a request's `Origin` header from normalised patterns
 * (see {@link normalizeOriginPattern}): `*` allows any origin, `scheme://host:*`
 * that host with any port (or none), anything else that exact origin.
 */
function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const anyPort: string[] = [];
  let any = false;
  for (const pattern of patterns) {
    if (pattern === '*') any = true;
    else if (pattern.endsWith(':*')) anyPort.push(pattern.slice(0, -2));
    else exact.add(pattern);
  }
  return (origin) => {
    if (any) return true;
    const candidate = origin.toLowerCase();
    if (exact.has(candidate)) return true;
    return anyPort.some(
      (base) => candidate === base || (candidate.startsWith(`${base}:`) && /^\d{1,5}$/.test(candidate.slice(base.length + 1))),
    );
  };
}

/** Options of {@link startCliServer}. */
export interface CliServerOptions {
  port: number;
  host: string;
  allowOrigins: readonly string[];
  customerAuthenticators?: string[];
  keys?: EmulatorKey[];
  publicBaseUrl?: string;
}

/** Sends a JSON error the way the emulator does (`errorCode`, `errorMessage`), without CORS headers. */
function sendCliError(res: ServerResponse, error: ApiError, extra: OutgoingHttpHeaders = {}): void {
  const body = jsonErrorBody(error);
  res.writeHead(error.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

/**
 * Puts the request's own origin (allowed by then) in place of the emulator's
 * `Access-Control-Allow-Origin: *`, or drops the CORS header when the request
 * had no `Origin`. Done in `writeHead`, which every reply goes through (an
 * implicit header write calls it too).
 */
function narrowCors(res: ServerResponse, origin: string | undefined): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (this.hasHeader('Access-Control-Allow-Origin')) {
      if (origin === undefined) {
        this.removeHeader('Access-Control-Allow-Origin');
      } else {
        this.setHeader('Access-Control-Allow-Origin', origin);
        this.setHeader('Vary', 'Origin');
      }
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

/** The emulator's handler for the CLI's options: token URLs point at `url` unless told otherwise. */
function cliHandler(options: CliServerOptions, url: string): ExpressPlayRequestHandler {
  // Token URLs point at this server (as startExpressPlayEmulator's do), or at --public-base-url;
  // on a wildcard address they follow each request's Host header.
  const publicBaseUrl = options.publicBaseUrl ?? (isWildcardHost(options.host) ? undefined : url);
  return createExpressPlayHandler({
    ...(options.customerAuthenticators !== undefined ? { customerAuthenticators: options.customerAuthenticators } : {}),
    ...(options.keys !== undefined ? { keys: options.keys } : {}),
    ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
  });
}

/**
 * Starts the emulator as the CLI runs it: its request handler behind an
 * origin check, on a server of the shared http kit.
 */
export async function startCliServer(options: CliServerOptions): Promise<ExpressPlayEmulator> {
  const allowed = originMatcher(options.allowOrigins);
  let handler: ExpressPlayRequestHandler | undefined;
  const server = await listen(
    (req: IncomingMessage, res: ServerResponse) => {
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      const origin = req.headers.origin;
      if (origin !== undefined && !allowed(origin)) {
        // No CORS headers: the page cannot read this, and its request never reached the emulator.
        req.resume();
        const refusal = new ApiError(403, -9403, 'Origin not allowed by this emulator (see its --allow-origin option)');
        sendCliError(res, refusal, { Vary: 'Origin', Connection: 'close' });
        return true;
      }
      narrowCors(res, origin);
      if (handler === undefined || !handler(req, res)) {
        req.resume();
        sendCliError(res, new ApiError(404, ExpressPlayErrorCode.NOT_FOUND, 'Not found'));
      }
      return true;
    },
    options.port,
    options.host,
  );
  try {
    handler = cliHandler(options, server.url);
  } catch (error) {
    await server.close();
    throw error;
  }
  const running = handler;
  return {
    url: server.url,
    port: server.port,
    get requests() {
      return running.requests;
    },
    clearRequests() {
      running.clearRequests();
    },
    close: () => server.close(),
  };
}
