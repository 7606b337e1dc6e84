/**
 * The ExpressPlay emulator's dispatch: routes each request to the token API, a license endpoint,
 * the certificate or the request log, records it, and turns any failure into an answer.
 *
 * Emulator choices (not ExpressPlay's): one record per handled request but `/_emulator/`
 * requests, preflights included (`OPTIONS` is 204 without any check); a record has the path
 * without the query and never a token, an authenticator or a key; at most 10 000 are kept.
 * `GET /_emulator/requests` lists them, `DELETE` forgets them (204). Any exception is a 500
 * (-9500) with a generic message; nothing is logged.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { URLSearchParams } from 'node:url';

import { createRequestLog, type RequestLog } from '../http-kit.js';
import { internalError, methodNotAllowed, notFound, sendJsonError } from './errors.js';
import { METHODS_DEFAULT, METHODS_INTROSPECTION, routeFor, send, splitTarget, type Done, type Route } from './http.js';
import { handleCertificate, handleLicense } from './license-endpoints.js';
import { emulatorSettings, type EmulatorSettings } from './settings.js';
import { handleToken } from './token-api.js';
import type { EmulatorDrm, EmulatorRequestRecord, ExpressPlayEmulatorOptions } from './types.js';

/** One emulator: its request handler and its request log. */
export interface Core {
  /** Takes a request of the emulator's (all of them with `takeEverything`); false when it is the host's. */
  handle(req: IncomingMessage, res: ServerResponse, takeEverything: boolean): boolean;
  snapshot(): readonly EmulatorRequestRecord[];
  clear(): void;
  setServerBase(base: string | undefined): void;
}

type Log = RequestLog<EmulatorRequestRecord>;

/** One request being answered: where it goes, and how it is recorded. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  pathname: string;
  query: URLSearchParams;
  done: Done;
}

/** `/_emulator/requests`: the request log (GET), forgetting it (DELETE). Not recorded. */
function answerIntrospection({ req, res }: Exchange, log: Log): void {
  req.resume();
  switch (req.method) {
    case 'OPTIONS':
      send(res, METHODS_INTROSPECTION, 204, null, '');
      return;
    case 'GET':
      send(res, METHODS_INTROSPECTION, 200, 'application/json', JSON.stringify(log.read()));
      return;
    case 'DELETE':
      log.clear();
      send(res, METHODS_INTROSPECTION, 204, null, '');
      return;
    default:
      sendJsonError(res, METHODS_INTROSPECTION, methodNotAllowed(req.method ?? ''), { Allow: METHODS_INTROSPECTION });
  }
}

const methodsFor = (pathname: string): string => (pathname.startsWith('/_emulator') ? METHODS_INTROSPECTION : METHODS_DEFAULT);

/** Answers a request at its route (preflights without any check). */
async function answer(exchange: Exchange, settings: EmulatorSettings, log: Log): Promise<void> {
  const { req, res, route, pathname, query, done } = exchange;
  if (route.kind === 'introspection') return answerIntrospection(exchange, log);
  if (req.method === 'OPTIONS') {
    req.resume();
    send(res, methodsFor(pathname), 204, null, '');
    if (route.kind !== 'not-found' || !pathname.startsWith('/_emulator')) {
      done(204, { hadToken: route.kind === 'license' && query.getAll('ExpressPlayToken').some((t) => t !== '') });
    }
    return;
  }
  switch (route.kind) {
    case 'token':
      return handleToken(req, res, route.drm, query, done, settings);
    case 'license':
      return handleLicense(req, res, route.drm, query, done, settings);
    case 'certificate':
      return handleCertificate(req, res, done);
    case 'not-found': {
      req.resume();
      const error = notFound();
      sendJsonError(res, methodsFor(pathname), error);
      if (!pathname.startsWith('/_emulator')) done(404, { errorCode: error.code });
    }
  }
}

/** The request's record-maker: its time, method, path and endpoint, and what the answer adds. */
function recorder(req: IncomingMessage, route: Route, pathname: string, settings: EmulatorSettings, log: Log): Done {
  let time: number;
  try {
    time = settings.clock();
  } catch {
    time = Date.now(); // a broken clock still gets its 500, from the first real use
  }
  const method = req.method ?? '';
  const endpoint = route.kind === 'token' || route.kind === 'license' || route.kind === 'certificate' ? route : null;
  const kind: EmulatorRequestRecord['kind'] = endpoint ? endpoint.kind : 'other';
  const drm: EmulatorDrm | null = endpoint ? endpoint.drm : null;
  const type = req.headers['content-type'];
  const contentType = typeof type === 'string' ? { contentType: type.slice(0, 200) } : {};
  return (status, extra) =>
    log.push(Object.freeze({ time, method, path: pathname, drm, kind, status, hadToken: false, ...contentType, ...extra }));
}

/** Answers a request; any failure becomes a 500 (or a reset once the answer has started). */
async function processRequest(exchange: Exchange, settings: EmulatorSettings, log: Log): Promise<void> {
  const { res, route, pathname, done } = exchange;
  try {
    await answer(exchange, settings, log);
  } catch {
    const error = internalError();
    if (!res.headersSent && !res.destroyed) {
      sendJsonError(res, methodsFor(pathname), error);
    } else if (!res.writableEnded) {
      res.destroy();
    }
    try {
      if (route.kind !== 'introspection') done(500, { errorCode: error.code });
    } catch {
      // Recording must never turn an error into a crash.
    }
  }
}

/**
 * Creates an emulator from its options.
 *
 * @throws {TypeError} on invalid options
 */
export function createCore(options: ExpressPlayEmulatorOptions): Core {
  const settings = emulatorSettings(options);
  const log: Log = createRequestLog<EmulatorRequestRecord>();
  return {
    handle(req, res, takeEverything) {
      const { pathname, query } = splitTarget(req.url ?? '/');
      const route = routeFor(pathname) ?? (takeEverything ? ({ kind: 'not-found' } as const) : null);
      if (route === null) return false;
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      const done = recorder(req, route, pathname, settings, log);
      processRequest({ req, res, route, pathname, query, done }, settings, log).catch(() => {
        // Last resort (processRequest catches its own errors): never leave the request hanging.
        if (!res.headersSent && !res.destroyed) sendJsonError(res, METHODS_DEFAULT, internalError());
        else if (!res.destroyed) res.destroy();
      });
      return true;
    },
    snapshot: () => log.read(),
    clear: () => log.clear(),
    setServerBase: (base) => settings.setServerBase(base),
  };
}
