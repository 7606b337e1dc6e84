/**
 * What an emulated license allows in time, shared by the emulators that mint
 * licenses for the test CDM: a duration, a renewal schedule and a renewal
 * URL, read from a token request's parameters, sealed in the token, and
 * written into the license (Widevine `License.Policy`; PlayReady the
 * emulated expiration object).
 *
 * Parameters (seconds, whole numbers): `licenseDuration` (ExpressPlay
 * documents it for Widevine tokens; here it also applies to PlayReady, the
 * emulator's choice), and the emulator's own `renewalDelay`,
 * `renewalRetryInterval` and `renewalServerUrl` (an absolute http(s) URL;
 * Widevine only: it becomes `renewal_server_url`). ExpressPlay documents no
 * renewal parameters: a real ExpressPlay license's renewal policy is the
 * service's, not the token's.
 *
 * @module
 */

import type { URLSearchParams } from 'node:url';

import type { WidevineLicensePolicy } from '../widevine-messages';

/** An emulated license's terms in time. */
export interface EmulatedLicensePolicy {
  /** Seconds from the license start until it expires (0: unlimited). */
  licenseDuration: number;
  /** Seconds from the license start until the CDM renews (0: never). */
  renewalDelay: number;
  /** Seconds between renewal requests while none is answered (0: no retry). */
  renewalRetryInterval: number;
  /** Where renewals go (Widevine `renewal_server_url`); absent: the license URL. */
  renewalServerUrl?: string;
}

const SECONDS = /^\d{1,7}$/;
const NAMES = ['licenseDuration', 'renewalDelay', 'renewalRetryInterval'] as const;

/**
 * The policy a token request asks for, undefined when it names none.
 *
 * @throws {RangeError} naming the parameter that is not a number of seconds (or not an http(s) URL)
 */
export function readLicensePolicy(params: URLSearchParams): EmulatedLicensePolicy | undefined {
  if (![...NAMES, 'renewalServerUrl'].some((name) => params.has(name))) return undefined;
  const policy: EmulatedLicensePolicy = { licenseDuration: 0, renewalDelay: 0, renewalRetryInterval: 0 };
  for (const name of NAMES) {
    const value = params.get(name);
    if (value === null || value === '') continue;
    if (!SECONDS.test(value)) throw new RangeError(`${name} must be a whole number of seconds`);
    policy[name] = Number(value);
  }
  const url = params.get('renewalServerUrl');
  if (url) {
    if (!/^https?:\/\/[^\s]+$/i.test(url) || url.length > 2048) throw new RangeError('renewalServerUrl must be an absolute http(s) URL');
    policy.renewalServerUrl = url;
  }
  return policy;
}

/** Whether `value` has exactly the {@link EmulatedLicensePolicy} shape (a token payload's `policy`). */
export function isLicensePolicy(value: unknown): value is EmulatedLicensePolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  if (Object.keys(p).some((name) => !(NAMES as readonly string[]).includes(name) && name !== 'renewalServerUrl')) return false;
  if (!NAMES.every((name) => Number.isSafeInteger(p[name]) && (p[name] as number) >= 0)) return false;
  return p['renewalServerUrl'] === undefined || typeof p['renewalServerUrl'] === 'string';
}

/** The Widevine `License.Policy` for a policy (none: playable, unlimited, not renewable). */
export function widevinePolicyOf(policy: EmulatedLicensePolicy | undefined): WidevineLicensePolicy {
  const base: WidevineLicensePolicy = { canPlay: true, canPersist: false, canRenew: false, licenseDurationSeconds: 0 };
  if (!policy) return base;
  const canRenew = policy.renewalDelay > 0;
  return {
    ...base,
    canRenew,
    licenseDurationSeconds: policy.licenseDuration,
    ...(canRenew ? { renewalDelaySeconds: policy.renewalDelay, renewalRetryIntervalSeconds: policy.renewalRetryInterval } : {}),
    ...(canRenew && policy.renewalServerUrl ? { renewalServerUrl: policy.renewalServerUrl } : {}),
  };
}

/** The emulated PlayReady expiration (seconds since the epoch) for a policy with a duration, else undefined. */
export function playReadyExpirationOf(
  policy: EmulatedLicensePolicy | undefined,
  nowMs: number,
): { begin: number; end: number } | undefined {
  if (!policy || policy.licenseDuration <= 0) return undefined;
  const begin = Math.floor(nowMs / 1000);
  return { begin, end: begin + policy.licenseDuration };
}
