/**
 * The ExpressPlay emulator's HTTP surface: which path is which endpoint, and replies with the
 * emulator's CORS headers, on the shared http kit.
 *
 * Paths follow the ExpressPlay REST API (`/hms/{wv,pr,fp}/token`, `/hms/wv/rights/`,
 * `/hms/fp/rights/`) and Microsoft's PlayReady license server path (`/playready/RightsManager.asmx`).
 * Emulator choices, not documented by ExpressPlay: `/hms/ck/token`, `/hms/ck/rights/` (ClearKey),
 * `/hms/wv/certificate`, `/hms/wv/renewal/` (Widevine renewals) and `/_emulator/requests`; a trailing slash is optional everywhere and the PlayReady path is
 * matched in any case; unknown paths under `/hms/` and `/_emulator/` are the emulator's (404),
 * others are left to the host server. CORS: any origin (`*`, never credentials), methods `GET,
 * POST, OPTIONS` (`GET, DELETE, OPTIONS` under `/_emulator/`), headers `Content-Type,
 * Authorization, SOAPAction`; no `Access-Control-Max-Age`, so tests see preflights.
 *
 * @module
 */

import type { ServerResponse } from 'node:http';
import { URL, URLSearchParams } from 'node:url';

import { canReply, sendReply, setCommonHeaders } from '../http-kit.js';
import type { EmulatorDrm, EmulatorRequestRecord } from './types.js';

/** Where the PlayReady license endpoint lives (matched in any case). */
export const PR_LICENSE_PATH = '/playready/RightsManager.asmx';
/** `Access-Control-Allow-Methods` of the endpoints. */
export const METHODS_DEFAULT = 'GET, POST, OPTIONS';
/** `Access-Control-Allow-Methods` under `/_emulator/`. */
export const METHODS_INTROSPECTION = 'GET, DELETE, OPTIONS';
const CORS_HEADERS = 'Content-Type, Authorization, SOAPAction';

/** Which endpoint a path is. */
export type Route =
  | { kind: 'token'; drm: EmulatorDrm }
  | { kind: 'license'; drm: EmulatorDrm }
  | { kind: 'certificate'; drm: 'wv' }
  | { kind: 'introspection' }
  | { kind: 'not-found' };

/** Records a handled request: the status answered and what the endpoint adds to the record. */
export type Done = (status: number, extra: Partial<EmulatorRequestRecord>) => void;

const FIXED_ROUTES: Record<string, Route> = {
  '/hms/wv/token': { kind: 'token', drm: 'wv' },
  '/hms/pr/token': { kind: 'token', drm: 'pr' },
  '/hms/ck/token': { kind: 'token', drm: 'ck' },
  '/hms/fp/token': { kind: 'token', drm: 'fp' },
  '/hms/wv/rights': { kind: 'license', drm: 'wv' },
  // The emulator's own: a renewal server a license can name (renewal_server_url).
  '/hms/wv/renewal': { kind: 'license', drm: 'wv' },
  '/hms/ck/rights': { kind: 'license', drm: 'ck' },
  '/hms/fp/rights': { kind: 'license', drm: 'fp' },
  '/hms/wv/certificate': { kind: 'certificate', drm: 'wv' },
  '/_emulator/requests': { kind: 'introspection' },
};

/** The endpoint at `pathname`, `not-found` for other paths of the emulator's, null for the host's. */
export function routeFor(pathname: string): Route | null {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const fixed = Object.prototype.hasOwnProperty.call(FIXED_ROUTES, path) ? FIXED_ROUTES[path] : undefined;
  if (fixed) return fixed;
  if (path.toLowerCase() === PR_LICENSE_PATH.toLowerCase()) return { kind: 'license', drm: 'pr' };
  if (path === '/hms' || path.startsWith('/hms/') || path === '/_emulator' || path.startsWith('/_emulator/')) {
    return { kind: 'not-found' };
  }
  return null;
}

/** Splits a request target into path and query without URL-resolving it (so `//x` stays a path). */
export function splitTarget(target: string): { pathname: string; query: URLSearchParams } {
  let rest = target;
  if (/^https?:\/\//i.test(rest)) {
    try {
      const url = new URL(rest);
      rest = url.pathname + url.search;
    } catch {
      rest = '/';
    }
  }
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const pathname = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const query = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  return { pathname: pathname || '/', query };
}

/** Sends a complete reply with the emulator's CORS headers (`methods`: the path's allowed methods). */
export function send(
  res: ServerResponse,
  methods: string,
  status: number,
  contentType: string | null,
  body: string | Uint8Array,
  extra?: Record<string, string>,
): void {
  if (!canReply(res)) return;
  setCommonHeaders(res, { allowHeaders: CORS_HEADERS, allowMethods: methods });
  sendReply(res, status, contentType, body, extra);
}
