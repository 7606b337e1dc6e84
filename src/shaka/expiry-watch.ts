/**
 * The `expiring` event: a warning `renewal.warnBeforeMs` before the
 * licenses (the sessions' earliest expiration, as Shaka reports it) or a
 * static token expire, when no renewal is in sight.
 *
 * A renewal is in sight while the license says it will be renewed (a
 * Widevine policy with `can_renew`) or a renewal was answered, and none has
 * failed since. So a renewable license is warned about only once a renewal
 * fails (the `renewalfailed` event comes first), a license that is not
 * renewed at the warning time; a renewal that succeeds moves the expiration
 * and the warning with it. A token keyflow can refresh (a token function)
 * is never warned about.
 *
 * @module
 */
import type { ExpiringEvent } from '../api/events';
import { tokenExpiry } from '../tokens/expiry';

/** The longest delay setTimeout takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** What the watch reads and uses of keyflow. */
export interface ExpiryContext {
  /** `renewal.warnBeforeMs` (0: no warnings). */
  warnBeforeMs(): number;
  emit(event: ExpiringEvent): void;
}

/** One thing that expires: when, and its warning timer. */
interface Watched {
  expiresAt: number | null;
  timer: ReturnType<typeof setTimeout> | null;
  warned: boolean;
}

/** Watches the licenses' and the token's expiry and warns before it. */
export class ExpiryWatch {
  private readonly license_: Watched = { expiresAt: null, timer: null, warned: false };
  private readonly token_: Watched = { expiresAt: null, timer: null, warned: false };
  private renewable_ = false;
  private renewalFailed_ = false;

  /** @param ctx_ what the watch reads and uses of keyflow */
  constructor(private readonly ctx_: ExpiryContext) {}

  /** The sessions' earliest expiration changed (keyflow's `expiration` event, returned). */
  licenseExpiration<E extends { expiration: number | null }>(event: E): E {
    this.watch_(this.license_, 'license', event.expiration);
    return event;
  }

  /** A license request got its token from `source`: a static token's own expiry (JWT `exp`, `expiresAt`) is watched. Returns `event`. */
  tokenUsed<E>(source: unknown, event: E): E {
    this.watch_(this.token_, 'token', typeof source === 'function' ? null : tokenExpiry(source));
    return event;
  }

  /** A license said whether it will be renewed (Widevine `can_renew`), or a renewal was answered (`true`). */
  renewable(willRenew: boolean): void {
    this.renewable_ = willRenew;
    if (willRenew) this.renewalFailed_ = false;
  }

  /** A renewal failed for good: no renewal is in sight; warn now if the warning time has come. */
  renewalFailed(): void {
    this.renewalFailed_ = true;
    this.check_(this.license_, 'license');
  }

  /** The content was unloaded or keyflow destroyed: nothing is watched. */
  stop(): void {
    for (const watched of [this.license_, this.token_]) {
      if (watched.timer !== null) clearTimeout(watched.timer);
      Object.assign(watched, { expiresAt: null, timer: null, warned: false });
    }
    this.renewable_ = false;
    this.renewalFailed_ = false;
  }

  private watch_(watched: Watched, what: ExpiringEvent['what'], expiresAt: number | null): void {
    if (expiresAt === watched.expiresAt) return;
    if (watched.timer !== null) clearTimeout(watched.timer);
    Object.assign(watched, { expiresAt, timer: null, warned: false });
    const warnBeforeMs = this.ctx_.warnBeforeMs();
    if (expiresAt === null || warnBeforeMs <= 0) return;
    this.arm_(watched, what);
  }

  /** Waits for the warning time; a wait past setTimeout's limit (24.8 days) is taken in steps. */
  private arm_(watched: Watched, what: ExpiringEvent['what']): void {
    const wait = Math.max(0, (watched.expiresAt ?? 0) - this.ctx_.warnBeforeMs() - Date.now());
    watched.timer = setTimeout(
      () => {
        watched.timer = null;
        if (wait > MAX_TIMEOUT_MS) this.arm_(watched, what);
        else this.check_(watched, what);
      },
      Math.min(wait, MAX_TIMEOUT_MS),
    );
  }

  /** Warns about `watched` once, when its warning time has come and no renewal is in sight. */
  private check_(watched: Watched, what: ExpiringEvent['what']): void {
    const { expiresAt } = watched;
    if (expiresAt === null || watched.warned || watched.timer !== null || this.ctx_.warnBeforeMs() <= 0) return;
    if (what === 'license' && this.renewable_ && !this.renewalFailed_) return;
    const inMs = expiresAt - Date.now();
    if (inMs <= 0) return;
    watched.warned = true;
    this.ctx_.emit({ what, expiresAt, inMs });
  }
}
