/**
 * The test CDM's license lifecycle: what happens to an emulated session in
 * time once a license was accepted (renewal messages on the license's
 * schedule, keys expiring when the license's duration passes without a
 * renewal), and the key statuses a test asks for.
 *
 * - **Renewals.** A license whose terms name a renewal time makes the
 *   session dispatch a `message` event of type `license-renewal` then (the
 *   key system's renewal challenge, built by the caller), and again every
 *   retry interval while no renewal license was accepted. A renewal license
 *   accepted by `update()` replaces the terms (new expiration, next renewal).
 * - **Expiry.** When the expiration passes with no renewal accepted, every
 *   key of the session reports `expired` (`keyStatuses`, an instance-level
 *   override over the real ClearKey session's map) and `keystatuseschange`
 *   is dispatched, as a CDM does. The real ClearKey session keeps its keys:
 *   decryption is not stopped, only reported (Shaka reacts to the statuses:
 *   error 6014 when every key expired).
 * - **Key statuses on demand.** {@link KeyStatusOverrides}: a test names key
 *   IDs and the status to report for them (`output-restricted`,
 *   `internal-error`, `expired`, ...); live sessions dispatch
 *   `keystatuseschange` at once, later sessions report them once keys arrive.
 *
 * Timers run in the page (`setTimeout`); a closed session stops them.
 *
 * @module
 */

import { bytesToHex } from '../pssh/bytes';

/** When a license expires and when it asks to be renewed. */
export interface LicenseTerms {
  /** Expiration, milliseconds since the epoch; NaN: never. */
  expiresAt: number;
  /** When to send the first renewal (ms since the epoch), or null: the license is not renewed. */
  renewAt: number | null;
  /** Milliseconds between renewal requests while none was answered; 0: one request only. */
  retryMs: number;
}

/** The statuses a test asks the test CDM to report, per key ID (32 lower-case hex digits). */
export class KeyStatusOverrides {
  private readonly statuses_ = new Map<string, MediaKeyStatus>();
  private readonly sessions_ = new Set<SessionLifecycle>();

  /** Sets (or with `null` clears) the status reported for `keyId`; live sessions holding it report the change. */
  set(keyId: string, status: MediaKeyStatus | null): void {
    const kid = keyId.replace(/-/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(kid)) throw new TypeError(`test CDM: a key ID is 32 hex digits, not ${keyId}`);
    if (status === null) this.statuses_.delete(kid);
    else this.statuses_.set(kid, status);
    for (const session of this.sessions_) session.statusesChanged(kid);
  }

  /** The status asked for `keyId`, if any. */
  get(keyId: string): MediaKeyStatus | undefined {
    return this.statuses_.get(keyId);
  }

  /** Follows a session (until it closes). */
  track(session: SessionLifecycle): void {
    this.sessions_.add(session);
  }

  /** Stops following a session. */
  untrack(session: SessionLifecycle): void {
    this.sessions_.delete(session);
  }
}

/** What the lifecycle needs of its session. */
export interface LifecycleHooks {
  /** Dispatches the key system's `license-renewal` message. */
  renew(): void;
  /** Sets the session's `expiration` (ms since the epoch, NaN: none). */
  setExpiration(ms: number): void;
  /** Whether the session is closed. */
  closed(): boolean;
}

const realKeyStatuses = Object.getOwnPropertyDescriptor(
  typeof MediaKeySession === 'undefined' ? {} : MediaKeySession.prototype,
  'keyStatuses',
)?.get;

/** One emulated session's timers and reported key statuses. */
export class SessionLifecycle {
  private timers_: Array<ReturnType<typeof setTimeout>> = [];
  private expired_ = false;

  /**
   * @param session_ the real ClearKey session (its `keyStatuses` is overridden on the instance)
   * @param hooks_ renewal messages, expiration, closed state
   * @param overrides_ the statuses the test asked for
   */
  constructor(
    private readonly session_: MediaKeySession,
    private readonly hooks_: LifecycleHooks,
    private readonly overrides_: KeyStatusOverrides,
  ) {
    Object.defineProperty(session_, 'keyStatuses', { get: () => this.view_(), configurable: true });
    overrides_.track(this);
  }

  /** A license (or a renewal license) was accepted: its terms replace the previous ones. */
  licensed(terms: LicenseTerms): void {
    this.stop();
    this.expired_ = false;
    this.hooks_.setExpiration(terms.expiresAt);
    if (terms.renewAt !== null) this.after_(terms.renewAt - Date.now(), () => this.renew_(terms.retryMs));
    if (Number.isFinite(terms.expiresAt)) this.after_(terms.expiresAt - Date.now(), () => this.expire_());
  }

  /** Stops the timers (the session closed, or new terms). */
  stop(): void {
    for (const timer of this.timers_) clearTimeout(timer);
    this.timers_ = [];
  }

  /** The session was closed: no more timers, no more overrides. */
  closed(): void {
    this.stop();
    this.overrides_.untrack(this);
  }

  /** A test changed the status of `keyId`: report it when this session holds that key. */
  statusesChanged(keyId: string): void {
    if (this.hooks_.closed()) return;
    if (this.entries_().some(([id]) => bytesToHex(id) === keyId)) this.session_.dispatchEvent(new Event('keystatuseschange'));
  }

  /** Runs `run` after `ms` (in steps past setTimeout's 2^31 - 1 ms limit); a fired timer leaves the list. */
  private after_(ms: number, run: () => void): void {
    const step = Math.min(Math.max(0, ms), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.timers_.splice(this.timers_.indexOf(timer), 1);
      if (this.hooks_.closed()) this.closed();
      else if (ms > step) this.after_(ms - step, run);
      else run();
    }, step);
    this.timers_.push(timer);
  }

  private renew_(retryMs: number): void {
    this.hooks_.renew();
    if (retryMs > 0) this.after_(retryMs, () => this.renew_(retryMs));
  }

  private expire_(): void {
    this.stop();
    this.expired_ = true;
    this.session_.dispatchEvent(new Event('keystatuseschange'));
  }

  /** The real session's key IDs with the statuses to report. */
  private entries_(): Array<[Uint8Array, MediaKeyStatus]> {
    const real = realKeyStatuses?.call(this.session_) as MediaKeyStatusMap | undefined;
    const entries: Array<[Uint8Array, MediaKeyStatus]> = [];
    real?.forEach((status, keyId) => {
      const id = toBytes(keyId);
      const asked = this.overrides_.get(bytesToHex(id));
      const usable = status === 'usable';
      entries.push([id, usable && this.expired_ ? 'expired' : usable && asked ? asked : status]);
    });
    return entries;
  }

  private view_(): MediaKeyStatusMap {
    return statusMap(this.entries_());
  }
}

function toBytes(keyId: BufferSource): Uint8Array {
  if (keyId instanceof Uint8Array) return keyId;
  if (ArrayBuffer.isView(keyId)) return new Uint8Array(keyId.buffer, keyId.byteOffset, keyId.byteLength);
  return new Uint8Array(keyId);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A read-only MediaKeyStatusMap over fixed entries (key IDs as ArrayBuffers, as browsers give them). */
function statusMap(entries: ReadonlyArray<[Uint8Array, MediaKeyStatus]>): MediaKeyStatusMap {
  const pairs = entries.map(([id, status]): [ArrayBuffer, MediaKeyStatus] => [Uint8Array.from(id).buffer, status]);
  const find = (keyId: BufferSource): number => pairs.findIndex(([id]) => sameBytes(new Uint8Array(id), toBytes(keyId)));
  const map = {
    size: pairs.length,
    has: (keyId: BufferSource) => find(keyId) >= 0,
    get: (keyId: BufferSource) => pairs[find(keyId)]?.[1],
    forEach(callback: (status: MediaKeyStatus, keyId: BufferSource, parent: MediaKeyStatusMap) => void, thisArg?: unknown) {
      for (const [id, status] of pairs) callback.call(thisArg, status, id, map as unknown as MediaKeyStatusMap);
    },
    entries: () => pairs[Symbol.iterator](),
    keys: () => pairs.map(([id]) => id)[Symbol.iterator](),
    values: () => pairs.map(([, status]) => status)[Symbol.iterator](),
    [Symbol.iterator]: () => pairs[Symbol.iterator](),
  };
  return map as unknown as MediaKeyStatusMap;
}
