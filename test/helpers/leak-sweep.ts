// A leak check that cannot be fooled by one encoding: every object an app can observe (keyflow
// events and errors, Shaka events and errors, on the player and its networking engine, with
// listeners added before and after keyflow's) is serialised, and no substring of 8 or more
// characters of any secret may appear in it, in raw, percent-encoded or base64 form.
import type S from 'shaka-player';
import type { Keyflow } from '../../src/keyflow';

/** Shaka events an app can listen to that may carry a request, a response or an error. */
export const SHAKA_EVENTS = [
  'error',
  'downloadfailed',
  'downloadcompleted',
  'downloadheadersreceived',
  'drmsessionupdate',
  'keystatuschanged',
  'expirationupdated',
  'loaded',
];

/** Every keyflow event. */
export const KEYFLOW_EVENTS = [
  'licenserequest',
  'licenseresponse',
  'tokenrequest',
  'token',
  'error',
  'initdata',
  'timing',
  'keystatus',
  'expiration',
  'renewal',
  'renewalfailed',
  'expiring',
] as const;

const WINDOW = 8;
const SKIPPED_KEYS = new Set(['target', 'currentTarget', 'srcElement', 'path', 'view']);

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/** Text of everything reachable from `value` (strings, numbers, bytes as text, errors). */
export function serialise(value: unknown, out: string[] = [], seen = new Set<unknown>(), depth = 0): string[] {
  if (value === null || value === undefined || depth > 8) return out;
  if (typeof value === 'string') {
    out.push(value);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    out.push(String(value));
    return out;
  }
  if (typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (typeof Node !== 'undefined' && value instanceof Node) return out;
  if (value === window) return out;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    out.push(new TextDecoder('latin1').decode(bytes.subarray(0, 1 << 16)));
    return out;
  }
  if (value instanceof Error) {
    out.push(value.name, value.message);
    serialise((value as { cause?: unknown }).cause, out, seen, depth + 1);
  }
  const proto = Object.getPrototypeOf(value);
  if (value instanceof Error || Array.isArray(value) || proto === Object.prototype || proto === null) {
    try {
      out.push(JSON.stringify(value)); // what an error reporter would send
    } catch {
      // cycles: the walk below covers it
    }
  }
  const keys = new Set<string>(Object.keys(value));
  for (const key of [
    'code',
    'data',
    'providerCode',
    'httpStatus',
    'cause',
    'detail',
    'error',
    'request',
    'response',
    'uri',
    'originalUri',
    'uris',
    'headers',
    'body',
  ]) {
    if (key in (value as object)) keys.add(key);
  }
  for (const key of keys) {
    if (SKIPPED_KEYS.has(key)) continue;
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (typeof item === 'function') continue;
    serialise(item, out, seen, depth + 1);
  }
  if (value instanceof Map) for (const [k, v] of value) serialise([k, v], out, seen, depth + 1);
  return out;
}

/** Collects secrets and observed objects; {@link LeakSweep.leaks} lists what leaked where. */
export class LeakSweep {
  private readonly windows = new Map<string, string>();
  /** What each observer saw, serialised when it saw it (keyflow may scrub the objects later). */
  private readonly observed: Array<{ where: string; texts: string[] }> = [];

  /** A secret keyflow must never show: every 8-character window of its raw, percent-encoded and base64 forms. */
  addSecret(secret: string): void {
    for (const form of [secret, encodeURIComponent(secret), base64(secret)]) {
      for (let i = 0; i + WINDOW <= form.length; i++) this.windows.set(form.slice(i, i + WINDOW), secret);
    }
  }

  /** The secret inside what an ExpressPlay token source returned (a tokenized URL, PlayReady JSON, or the token). */
  addExpressPlayToken(answer: string): void {
    const text = answer.trim();
    if (text.startsWith('{')) {
      this.addSecret(String((JSON.parse(text) as { token: string }).token));
      return;
    }
    if (/^https?:/.test(text)) {
      const token = new URL(text).searchParams.get('ExpressPlayToken');
      if (token) this.addSecret(token);
      return;
    }
    this.addSecret(text);
  }

  /**
   * Records something an app could see, as it is now: a listener that reads an event reads it
   * while it is dispatched, so later scrubbing must not hide what it saw.
   */
  observe(where: string, value: unknown): void {
    this.observed.push({ where, texts: serialise(value) });
  }

  /** Listens to the player's and its networking engine's events (call before and after new Keyflow()). */
  watchShaka(player: S.Player, label: string): void {
    for (const type of SHAKA_EVENTS) player.addEventListener(type, (event) => this.observe(`${label} player ${type}`, event));
    player.getNetworkingEngine()!.addEventListener('retry', (event) => this.observe(`${label} networking retry`, event));
  }

  /** Listens to every keyflow event. */
  watchKeyflow(keyflow: Keyflow): void {
    for (const type of KEYFLOW_EVENTS) keyflow.on(type, (event: unknown) => this.observe(`keyflow ${type}`, event));
  }

  /** How many objects were observed. */
  get count(): number {
    return this.observed.length;
  }

  /** "where: window" for each observed object that shows part of a secret. */
  leaks(): string[] {
    const found: string[] = [];
    for (const { where, texts } of this.observed) {
      for (const text of texts) {
        for (let i = 0; i + WINDOW <= text.length; i++) {
          const window = text.slice(i, i + WINDOW);
          if (this.windows.has(window)) {
            found.push(`${where}: …${text.slice(Math.max(0, i - 20), i + 28)}…`);
            break;
          }
        }
      }
    }
    return [...new Set(found)];
  }
}
