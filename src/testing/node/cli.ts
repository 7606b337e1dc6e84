/**
 * Command-line entry of the ExpressPlay emulator (the `bin` wrapper calls {@link main} with
 * `process.argv.slice(2)`): parses the options, reads the keys file, starts the server of
 * `cli-server.ts` and prints where it listens (never authenticators, keys or tokens);
 * SIGINT/SIGTERM close it. Options and what they do: {@link CLI_USAGE} and
 * `docs/emulators.md` ("From the command line").
 *
 * `--keys` requires `--authenticator`: the built-in test authenticator is public, so with it
 * anyone who can reach the emulator could mint a token for the stored keys and get them in clear.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';

import { normalizeOriginPattern, startCliServer } from './cli-server.js';
import type { EmulatorKey, ExpressPlayEmulator } from './expressplay/types.js';
import { isWildcardHost } from './http-kit.js';

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
const CLI_USAGE = `Usage: expressplay-emulator [options]

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

Token requests must carry what ExpressPlay's token API requires: Widevine securityLevel
(1-5) and hdcpOutputControl (0-2); PlayReady rightsType (BuyToOwn|Rental) and
analogVideoOPL, compressedDigitalAudioOPL, compressedDigitalVideoOPL,
uncompressedDigitalAudioOPL, uncompressedDigitalVideoOPL (0-999). ClearKey (/hms/ck/, the
emulator's own) needs none of them. Example:
  curl -d customerAuthenticator=AUTH -d kid=KID -d contentKey=KEY \\
       -d securityLevel=1 -d hdcpOutputControl=0 http://127.0.0.1:PORT/hms/wv/token
`;

/** An invalid command line. */
class CliUsageError extends Error {
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
    applyOption(options, arg, name, takeValue);
  }
  if (!options.help && options.keysPath !== undefined && options.authenticators.length === 0) {
    throw new CliUsageError(
      '--keys needs --authenticator: the built-in test authenticator is public, so anyone who can reach the emulator could mint tokens for these keys and read them in clear',
    );
  }
  return options;
}

/** Applies one `--name` option (its value from `takeValue`) to `options`. */
function applyOption(options: CliOptions, arg: string, name: string, takeValue: () => string): void {
  const nonEmpty = (): string => {
    const value = takeValue();
    if (value === '') throw new CliUsageError(`${name} must not be empty`);
    return value;
  };
  switch (name) {
    case '--port': {
      const value = takeValue();
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new CliUsageError(`--port must be 0..65535, got ${value}`);
      options.port = Number(value);
      return;
    }
    case '--host':
      options.host = nonEmpty();
      return;
    case '--authenticator':
      options.authenticators.push(nonEmpty());
      return;
    case '--keys':
      options.keysPath = takeValue();
      return;
    case '--allow-origin': {
      const value = takeValue();
      const pattern = normalizeOriginPattern(value);
      if (pattern === null) {
        throw new CliUsageError(
          `--allow-origin must be an origin (https://app.example:8443), an origin with any port (http://localhost:*) or *, got ${shorten(value)}`,
        );
      }
      options.allowOrigins.push(pattern);
      return;
    }
    case '--public-base-url':
      options.publicBaseUrl = takeValue();
      return;
    default:
      throw new CliUsageError(`Unknown argument: ${shorten(arg)}`);
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Turns the parsed content of a keys file into key storage entries:
 * `{"name":{"kid","key"},...}` (names are labels only) or `[{"kid","key"},...]`.
 * Hex validation happens in the emulator.
 *
 * @throws {CliUsageError} when the shape is wrong
 */
function keysFromJson(json: unknown): EmulatorKey[] {
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

/** Reads and checks the `--keys` file. */
async function readKeysFile(path: string): Promise<EmulatorKey[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read --keys file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliUsageError(`--keys file ${path} is not valid JSON`);
  }
  return keysFromJson(json);
}

/** The banner: where it listens, the endpoints, what it accepts (no authenticators, keys or tokens). */
function banner(
  emulator: ExpressPlayEmulator,
  options: CliOptions,
  keys: readonly EmulatorKey[] | undefined,
  allowOrigins: readonly string[],
): string {
  const base = options.publicBaseUrl?.replace(/\/+$/, '') ?? emulator.url;
  const host = options.host ?? '127.0.0.1';
  const authenticators =
    options.authenticators.length > 0
      ? `${options.authenticators.length} from --authenticator`
      : 'the built-in public test authenticator (no --keys: callers send their own content keys)';
  return [
    `ExpressPlay emulator listening on ${emulator.url}${isWildcardHost(host) ? ` (all interfaces: ${host})` : ''}`,
    `  token API:        ${base}/hms/{wv,pr,fp,ck}/token`,
    `  licenses:         ${base}/hms/ck/rights/ (ClearKey), ${base}/hms/wv/rights/ (Widevine),`,
    `                    ${base}/playready/RightsManager.asmx (PlayReady), ${base}/hms/fp/rights/ (FairPlay);`,
    `                    Widevine, PlayReady and FairPlay answer the test CDM's emulated messages`,
    `  requests log:     ${base}/_emulator/requests`,
    `  authenticators:   ${authenticators}`,
    `  key storage:      ${keys?.length ?? 0} key(s)`,
    `  browser origins:  ${allowOrigins.join(', ')}${options.allowOrigins.length > 0 ? '' : ' (default; --allow-origin to change)'}`,
    '',
  ].join('\n');
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
    if (options.keysPath !== undefined) keys = await readKeysFile(options.keysPath);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`expressplay-emulator: ${error.message}\n\n${CLI_USAGE}`);
    process.exitCode = 2;
    return undefined;
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
  process.stdout.write(banner(emulator, options, keys, allowOrigins));
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return emulator;
}
