/**
 * A local emulator of the Intertrust ExpressPlay token API and license endpoints, for tests, the
 * demo server and manual runs: the public entry points, composing the parts under
 * `expressplay/`. Node only (`node:http`, `node:crypto`, `node:url`, `node:buffer`).
 *
 * How to use it, its endpoints, its errors and what it cannot prove: `docs/emulators.md` ("The
 * ExpressPlay emulator"). Which documented source each behaviour follows (the ExpressPlay/Adobe
 * Primetime token API reference, Microsoft's PlayReady docs, the W3C ClearKey format), and which
 * are emulator choices, is said where it is done: `expressplay/token-api.ts` (token API),
 * `expressplay/expiration-time.ts`, `expressplay/license-endpoints.ts` (license endpoints),
 * `expressplay/errors.ts` (error codes and bodies), `expressplay/http.ts` (paths, CORS),
 * `expressplay/core.ts` (dispatch, request records), `expressplay/settings.ts` (options,
 * returned URLs). Public types: `expressplay/types.ts`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

import { createCore } from './expressplay/core.js';
import type { ExpressPlayEmulator, ExpressPlayEmulatorOptions, ExpressPlayRequestHandler } from './expressplay/types.js';
import { isWildcardHost, listen, withLog } from './http-kit.js';

/**
 * Creates the emulator as a request handler to mount in an existing
 * `node:http`/`node:https` server (the demo server). Call it first in the
 * host's request listener; if it returns `false`, serve the request yourself.
 *
 * Token API responses point at the base derived from each request's `Host`
 * header unless `publicBaseUrl` is given. `port` and `host` options are ignored.
 *
 * @param options see {@link ExpressPlayEmulatorOptions}
 * @throws {TypeError} on invalid options (keys, secret, authenticators, publicBaseUrl)
 *
 * @example
 * const emulator = createExpressPlayHandler({ keys });
 * http.createServer((req, res) => { if (!emulator(req, res)) serveStatic(req, res); });
 */
export function createExpressPlayHandler(options: ExpressPlayEmulatorOptions = {}): ExpressPlayRequestHandler {
  const core = createCore(options);
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => core.handle(req, res, false);
  return withLog(handler, { read: () => core.snapshot(), clear: () => core.clear() }, {});
}

/**
 * Starts a standalone emulator server (the Karma setup and the CLI use this).
 * Every path is answered: the emulator's endpoints, anything else 404 JSON.
 *
 * @param options see {@link ExpressPlayEmulatorOptions}; `port` 0 (default) picks a free port
 * @returns the running emulator once it listens
 * @throws {TypeError} on invalid options; rejects if the port cannot be bound
 *
 * @example
 * const emulator = await startExpressPlayEmulator({ keys: [{ kid, key }] });
 * const url = await (await fetch(`${emulator.url}/hms/ck/token?customerAuthenticator=keyflow-test-authenticator&kid=${kid}`)).text();
 * await emulator.close();
 */
export async function startExpressPlayEmulator(options: ExpressPlayEmulatorOptions = {}): Promise<ExpressPlayEmulator> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (typeof host !== 'string') throw new TypeError('host must be a string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer 0..65535');
  const core = createCore(options);
  const running = await listen((req, res) => core.handle(req, res, true), port, host);
  core.setServerBase(isWildcardHost(host) ? undefined : running.url);
  return {
    url: running.url,
    port: running.port,
    get requests() {
      return core.snapshot();
    },
    clearRequests() {
      core.clear();
    },
    close: () => running.close(),
  };
}
