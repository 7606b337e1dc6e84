/**
 * Command-line entry of the ExpressPlay emulator (the `bin` wrapper calls
 * {@link main} with `process.argv.slice(2)`).
 *
 *     expressplay-emulator [--port N] [--host ADDR] [--authenticator VALUE]...
 *                          [--keys FILE] [--public-base-url URL]
 *
 * `--keys` names a JSON file, either `{"video":{"kid":"…","key":"…"},…}` or
 * `[{"kid":"…","key":"…"},…]` (hex, dashes/upper case accepted). The CLI
 * prints where it listens and the endpoint URLs; it never prints
 * authenticators, keys or tokens. SIGINT/SIGTERM close the server.
 *
 * Uses `node:fs/promises` to read the keys file (the emulator itself does not).
 *
 * @module
 */

import { readFile } from 'node:fs/promises';

import { startExpressPlayEmulator, type EmulatorKey, type ExpressPlayEmulator } from './expressplay-emulator.js';

/** Parsed command-line options. */
export interface CliOptions {
  /** `--port`, 0..65535 (default: emulator default, 0 = ephemeral). */
  port?: number;
  /** `--host` (default: emulator default, 127.0.0.1). */
  host?: string;
  /** `--authenticator` values, in order (empty: emulator default). */
  authenticators: string[];
  /** `--keys` file path. */
  keysPath?: string;
  /** `--public-base-url`. */
  publicBaseUrl?: string;
  /** `--help` / `-h` was given. */
  help: boolean;
}

/** Usage text printed by `--help` and after argument errors. */
export const CLI_USAGE = `Usage: expressplay-emulator [options]

Local emulator of the ExpressPlay token API and ClearKey license endpoint.

Options:
  --port N                listen port (default 0 = pick a free port)
  --host ADDR             listen address (default 127.0.0.1)
  --authenticator VALUE   accepted customerAuthenticator; repeatable
                          (default: the built-in test authenticator)
  --keys FILE             key storage JSON: {"name":{"kid","key"},...} or [{"kid","key"},...]
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
  const options: CliOptions = { authenticators: [], help: false };
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
      case '--public-base-url':
        options.publicBaseUrl = takeValue();
        break;
      default:
        throw new CliUsageError(`Unknown argument: ${arg.length > 40 ? `${arg.slice(0, 40)}…` : arg}`);
    }
  }
  return options;
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

  let emulator: ExpressPlayEmulator;
  try {
    emulator = await startExpressPlayEmulator({
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
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
  process.stdout.write(
    [
      `ExpressPlay emulator listening on ${emulator.url}`,
      `  token API:        ${base}/hms/{wv,pr,ck}/token`,
      `  ClearKey license: ${base}/hms/ck/rights/ (Widevine/PlayReady license endpoints answer 501)`,
      `  requests log:     ${base}/_emulator/requests`,
      `  authenticators:   ${options.authenticators.length > 0 ? `${options.authenticators.length} from --authenticator` : 'built-in test authenticator'}`,
      `  key storage:      ${keys?.length ?? 0} key(s)`,
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
