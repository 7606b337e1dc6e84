/**
 * Command-line entry of the ExpressPlay emulator (the `bin` wrapper calls
 * {@link main} with `process.argv.slice(2)`).
 *
 *     expressplay-emulator [--port N] [--host ADDR] [--authenticator VALUE]...
 *                          [--keys FILE] [--allow-origin ORIGIN]...
 *                          [--public-base-url URL]
 *
 * `--keys` names a JSON file, either `{"video":{"kid":"…","key":"…"},…}` or
 * `[{"kid":"…","key":"…"},…]` (hex, dashes/upper case accepted). With
 * `--keys`, `--authenticator` is required: the built-in test authenticator is
 * public, so with it anyone who can reach the emulator could mint a token for
 * the stored keys and get them in clear from a license endpoint.
 *
 * The server binds 127.0.0.1 unless `--host` says otherwise, and answers
 * browsers only from the origins `--allow-origin` names (default: pages on
 * loopback, `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`):
 * a request whose `Origin` is not allowed gets 403 JSON (`errorCode` -9403)
 * without reaching the emulator, and allowed ones get
 * `Access-Control-Allow-Origin: <that origin>` with `Vary: Origin` instead of
 * the emulator's `*`. Requests without an `Origin` (curl, a backend) are
 * answered without CORS headers. Paths outside the emulator's get 404 JSON
 * (-9404), not recorded in the request log.
 *
 * The CLI prints where it listens and the endpoint URLs; it never prints
 * authenticators, keys or tokens. SIGINT/SIGTERM close the server.
 *
 * Uses `node:fs/promises` to read the keys file and `node:http` for the server.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

import {
  createExpressPlayHandler,
  ExpressPlayErrorCode,
  type EmulatorKey,
  type ExpressPlayEmulator,
  type ExpressPlayRequestHandler,
} from './expressplay-emulator.js';
import { listen } from './http-kit.js';

/** Parsed command-line options. */
export interface CliOptions {
  /** `--port`, 0..65535 (default 0 = ephemeral). */
  port?: number;
  /** `--host` (default 127.0.0.1). */
  host?: string;
  /** `--authenticator` values, in order (empty: the built-in test authenticator; not allowed with `--keys`). */
  authenticators: string[];
  /** `--keys` file path. */
  keysPath?: string;
  /** `--allow-origin` values, in order (empty: {@link DEFAULT_ALLOWED_ORIGINS}). */
  allowOrigins: string[];
  /** `--public-base-url`. */
  publicBaseUrl?: string;
  /** `--help` / `-h` was given. */
  help: boolean;
}

/** The browser origins the CLI answers when no `--allow-origin` is given: pages served from loopback. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

/** Usage text printed by `--help` and after argument errors. */
export const CLI_USAGE = `Usage: expressplay-emulator [options]

Local emulator of the ExpressPlay token API and license endpoints (ClearKey,
Widevine and PlayReady, for the test CDM). For tests only: licenses carry keys in clear.

Options:
  --port N                listen port (default 0 = pick a free port)
  --host ADDR             listen address (default 127.0.0.1; 0.0.0.0 or :: opens it to the network)
  --authenticator VALUE   accepted customerAuthenticator; repeatable; required with --keys
                          (without --keys, default: the built-in public test authenticator)
  --keys FILE             key storage JSON: {"name":{"kid","key"},...} or [{"kid","key"},...]
  --allow-origin ORIGIN   browser origin allowed to call it (CORS); repeatable. An origin
                          (https://app.example:8443), any port (http://localhost:*) or *
                          (default: http://localhost:*, http://127.0.0.1:*, http://[::1]:*)
  --public-base-url URL   base of the URLs the token API returns
  -h, --help              show this help
`;

/** An invalid command line. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * Parses the emulator's command line. Accepts `--name value` and `--name=value`.
 *
 * @throws {CliUsageError} on unknown options, missing values or a bad port
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { authenticators: [], allowOrigins: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') {
      options.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new CliUsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--port': {
        const value = takeValue();
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new CliUsageError(`--port must be 0..65535, got ${value}`);
        options.port = Number(value);
        break;
      }
      case '--host': {
        const value = takeValue();
        if (value === '') throw new CliUsageError('--host must not be empty');
        options.host = value;
        break;
      }
      case '--authenticator': {
        const value = takeValue();
        if (value === '') throw new CliUsageError('--authenticator must not be empty');
        options.authenticators.push(value);
        break;
      }
      case '--keys':
        options.keysPath = takeValue();
        break;
      case '--allow-origin': {
        const value = takeValue();
        const pattern = normalizeOriginPattern(value);
        if (pattern === null) {
          throw new CliUsageError(
            `--allow-origin must be an origin (https://app.example:8443), an origin with any port (http://localhost:*) or *, got ${shorten(value)}`,
          );
        }
        options.allowOrigins.push(pattern);
        break;
      }
      case '--public-base-url':
        options.publicBaseUrl = takeValue();
        break;
      default:
        throw new CliUsageError(`Unknown argument: ${shorten(arg)}`);
    }
  }
  if (!options.help && options.keysPath !== undefined && options.authenticators.length === 0) {
    throw new CliUsageError(
      '--keys needs --authenticator: the built-in test authenticator is public, so anyone who can reach the emulator could mint tokens for these keys and read them in clear',
    );
  }
  return options;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

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
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
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
    return anyPort.some((base) => candidate === base || (candidate.startsWith(`${base}:`) && /^\d{1,5}$/.test(candidate.slice(base.length + 1))));
  };
}

/**
 * Turns the parsed content of a keys file into key storage entries:
 * `{"name":{"kid","key"},...}` (names are labels only) or `[{"kid","key"},...]`.
 * Hex validation happens in the emulator.
 *
 * @throws {CliUsageError} when the shape is wrong
 */
export function keysFromJson(json: unknown): EmulatorKey[] {
  const entries: [string, unknown][] = Array.isArray(json)
    ? json.map((entry, index) => [`[${index}]`, entry])
    : json !== null && typeof json === 'object'
      ? Object.entries(json as Record<string, unknown>)
      : [];
  if (entries.length === 0) throw new CliUsageError('--keys file must hold a non-empty object or array of {"kid","key"}');
  return entries.map(([label, entry]) => {
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || typeof e['kid'] !== 'string' || typeof e['key'] !== 'string') {
      throw new CliUsageError(`--keys entry ${label} must be {"kid":"<hex>","key":"<hex>"}`);
    }
    return { kid: e['kid'], key: e['key'] };
  });
}

/**
 * Runs the CLI: parses `argv`, loads keys, starts the emulator, prints its
 * URL, and closes it on SIGINT/SIGTERM. On `--help` prints usage and returns
 * `undefined`; on errors prints them to stderr, sets `process.exitCode = 2`
 * (usage) or `1` (startup failure) and returns `undefined`.
 *
 * @param argv the arguments after the script name
 * @returns the running emulator, or undefined when none was started
 */
export async function main(argv: readonly string[]): Promise<ExpressPlayEmulator | undefined> {
  let options: CliOptions;
  let keys: EmulatorKey[] | undefined;
  try {
    options = parseCliArgs(argv);
    if (options.help) {
      process.stdout.write(CLI_USAGE);
      return undefined;
    }
    if (options.keysPath !== undefined) {
      let text: string;
      try {
        text = await readFile(options.keysPath, 'utf8');
      } catch (error) {
        throw new CliUsageError(`cannot read --keys file ${options.keysPath}: ${(error as Error).message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CliUsageError(`--keys file ${options.keysPath} is not valid JSON`);
      }
      keys = keysFromJson(json);
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`expressplay-emulator: ${error.message}\n\n${CLI_USAGE}`);
      process.exitCode = 2;
      return undefined;
    }
    throw error;
  }

  const allowOrigins = options.allowOrigins.length > 0 ? options.allowOrigins : DEFAULT_ALLOWED_ORIGINS;
  let emulator: ExpressPlayEmulator;
  try {
    emulator = await startCliServer({
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      allowOrigins,
      ...(options.authenticators.length > 0 ? { customerAuthenticators: options.authenticators } : {}),
      ...(keys !== undefined ? { keys } : {}),
      ...(options.publicBaseUrl !== undefined ? { publicBaseUrl: options.publicBaseUrl } : {}),
    });
  } catch (error) {
    process.stderr.write(`expressplay-emulator: cannot start: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }

  const base = options.publicBaseUrl?.replace(/\/+$/, '') ?? emulator.url;
  const host = options.host ?? '127.0.0.1';
  process.stdout.write(
    [
      `ExpressPlay emulator listening on ${emulator.url}${isWildcardHost(host) ? ` (all interfaces: ${host})` : ''}`,
      `  token API:        ${base}/hms/{wv,pr,ck}/token`,
      `  licenses:         ${base}/hms/ck/rights/ (ClearKey), ${base}/hms/wv/rights/ (Widevine),`,
      `                    ${base}/playready/RightsManager.asmx (PlayReady); Widevine and PlayReady answer the test CDM's emulated messages`,
      `  requests log:     ${base}/_emulator/requests`,
      `  authenticators:   ${
        options.authenticators.length > 0
          ? `${options.authenticators.length} from --authenticator`
          : 'the built-in public test authenticator (no --keys: callers send their own content keys)'
      }`,
      `  key storage:      ${keys?.length ?? 0} key(s)`,
      `  browser origins:  ${allowOrigins.join(', ')}${options.allowOrigins.length > 0 ? '' : ' (default; --allow-origin to change)'}`,
      '',
    ].join('\n'),
  );

  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return emulator;
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** Options of {@link startCliServer}. */
interface CliServerOptions {
  port: number;
  host: string;
  allowOrigins: readonly string[];
  customerAuthenticators?: string[];
  keys?: EmulatorKey[];
  publicBaseUrl?: string;
}

/** Sends a JSON error the way the emulator does (`errorCode`, `errorMessage`). */
function sendCliError(res: ServerResponse, status: number, code: number, message: string, extra: OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify({ errorCode: code, errorMessage: message });
  res.writeHead(status, {
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

/**
 * Starts the emulator as the CLI runs it: its request handler behind an
 * origin check, on a server of the shared http kit.
 */
async function startCliServer(options: CliServerOptions): Promise<ExpressPlayEmulator> {
  const { port, host } = options;
  const allowed = originMatcher(options.allowOrigins);
  let handler: ExpressPlayRequestHandler | undefined;
  const server = await listen((req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed(origin)) {
      // No CORS headers: the page cannot read this, and its request never reached the emulator.
      req.resume();
      sendCliError(res, 403, -9403, 'Origin not allowed by this emulator (see its --allow-origin option)', { Vary: 'Origin', Connection: 'close' });
      return true;
    }
    narrowCors(res, origin);
    if (handler === undefined || !handler(req, res)) {
      req.resume();
      sendCliError(res, 404, ExpressPlayErrorCode.NOT_FOUND, 'Not found');
    }
    return true;
  }, port, host);
  const { url, close } = server;
  try {
    // Token URLs point at this server (as startExpressPlayEmulator's do), or at --public-base-url;
    // on a wildcard address they follow each request's Host header.
    const publicBaseUrl = options.publicBaseUrl ?? (isWildcardHost(host) ? undefined : url);
    handler = createExpressPlayHandler({
      ...(options.customerAuthenticators !== undefined ? { customerAuthenticators: options.customerAuthenticators } : {}),
      ...(options.keys !== undefined ? { keys: options.keys } : {}),
      ...(publicBaseUrl !== undefined ? { publicBaseUrl } : {}),
    });
  } catch (error) {
    await close();
    throw error;
  }
  const running = handler;
  return {
    url,
    port: server.port,
    get requests() {
      return running.requests;
    },
    clearRequests() {
      running.clearRequests();
    },
    close,
  };
}
