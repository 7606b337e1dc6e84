/**
 * The vendor emulators behind one HTTP handler: `/<basePath>/<vendor>/<path>` goes to that
 * vendor's emulator (see `emulators.ts` for the list), `GET`/`DELETE /<basePath>/_requests` reads
 * or clears the log of every exchange (`?vendor=` narrows it). The handler owns what is not the
 * services' business: CORS (any origin, the preflight's requested headers allowed, every response
 * header exposed, never credentials), the 64 KiB body cap (413), and the log.
 *
 * @module
 */

import type { EmulatedLicensePolicy } from '../license-policy.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { createRequestLog, normalizeBasePath, readBody, sendReply, setCommonHeaders } from '../http-kit.js';
import { keyStore, type EmulatorContentKey } from '../key-store.js';
import { VENDOR_EMULATORS } from './emulators.js';
import { createVendorKit, type VendorEmulator, type VendorReply } from './kit.js';
import type { VendorRecord } from './record.js';

export type { VendorRecord } from './record.js';

/** Options of {@link createVendorHandler}. */
export interface VendorHandlerOptions {
  /** Where the emulators are mounted. Default `/vendors` (not `/vendor`: the demo serves Shaka from `/vendor/shaka-player/`). */
  basePath?: string;
  /** The content keys the emulators license. */
  keys: readonly EmulatorContentKey[];
  /** The secret the emulators sign their tokens with. Default: a fixed test secret. */
  secret?: string;
  /** The clock. Default `Date.now`. */
  now?: () => number;
  /** The emulators to mount. Default {@link VENDOR_EMULATORS}. */
  emulators?: readonly VendorEmulator[];
  /**
   * The terms in time of every Widevine and PlayReady license the emulators issue (a test option:
   * the duration, renewal delay and retry interval in seconds, a renewal URL), for renewal tests
   * under the test CDM; renewals are answered under it. Default: none (unlimited, not renewed).
   */
  licensePolicy?: EmulatedLicensePolicy;
}

/** The handler's log. */
export interface VendorLogAccess {
  /** Every exchange logged so far, oldest first (a copy). */
  records(): VendorRecord[];
}

/** The handler: true when it answered the request (it was under `basePath`). */
export type VendorHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function send(res: ServerResponse, reply: VendorReply): void {
  const headers = { ...(reply.headers ?? {}) };
  const type = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
  const contentType = type ? headers[type]! : reply.body === undefined ? null : 'application/octet-stream';
  if (type) delete headers[type];
  sendReply(res, reply.status, contentType, reply.body ?? '', headers);
}

/** The vendor emulators' handler, for the demo server and tests. */
export function createVendorHandler(options: VendorHandlerOptions): VendorHandler & VendorLogAccess {
  const basePath = normalizeBasePath(options.basePath ?? '/vendors');
  const secret = options.secret ?? 'shaka-keyflow vendor emulators: test secret';
  const kit = createVendorKit(keyStore(options.keys), secret, options.now, options.licensePolicy);
  const emulators = new Map((options.emulators ?? VENDOR_EMULATORS).map((emulator) => [emulator.name, emulator]));
  const log = createRequestLog<VendorRecord>();

  const answer = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const [vendor = '', ...rest] = url.pathname.slice(basePath.length).replace(/^\/+/, '').split('/');
    const method = req.method ?? 'GET';
    if (vendor === '_requests') {
      if (method === 'DELETE') log.clear();
      const only = url.searchParams.get('vendor');
      const rows = log.read().filter((record) => !only || record.vendor === only);
      return sendReply(res, method === 'DELETE' ? 204 : 200, method === 'DELETE' ? null : 'application/json', JSON.stringify(rows));
    }
    const emulator = emulators.get(vendor);
    if (!emulator) return sendReply(res, 404, 'application/json', JSON.stringify({ error: `no vendor emulator "${vendor}"` }));
    const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
    if (body === null) return sendReply(res, 413, 'application/json', JSON.stringify({ error: 'body over 64 KiB' }));
    const headers = headersOf(req);
    const path = rest.join('/').replace(/\/+$/, '');
    const reply = await emulator.handle({ method, path, query: url.searchParams, headers, body: new Uint8Array(body) }, kit);
    // `_token` and the like play the app's backend, not the service: not logged.
    if (!path.startsWith('_'))
      log.push({
        vendor,
        method,
        path,
        status: reply.status,
        headerNames: Object.keys(headers).sort(),
        queryNames: [...new Set(url.searchParams.keys())].sort(),
        ...(headers['content-type'] !== undefined ? { contentType: headers['content-type'] } : {}),
        ...(reply.errorCode !== undefined ? { errorCode: reply.errorCode } : {}),
        ...(reply.drm !== undefined ? { drm: reply.drm } : {}),
        ...(reply.kids !== undefined ? { kids: reply.kids } : {}),
      });
    send(res, reply);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://vendor.invalid');
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return false;
    setCommonHeaders(res, { allowHeaders: req.headers['access-control-request-headers'] ?? '*', exposeHeaders: '*' });
    if (req.method === 'OPTIONS') {
      sendReply(res, 204, null);
      return true;
    }
    answer(req, res, url).catch((error: unknown) => {
      sendReply(res, 500, 'application/json', JSON.stringify({ error: `vendor emulator failed: ${(error as Error)?.message ?? error}` }));
    });
    return true;
  };
  return Object.assign(handler, { records: () => log.read() });
}
