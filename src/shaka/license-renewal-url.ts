/**
 * The renewal server a Widevine license names: `License.policy.renewal_server_url`
 * (field 8 of `License.Policy`, field 2 of `License`, in the `msg` of a
 * LICENSE `SignedMessage`; Widevine's license_protocol.proto). keyflow reads
 * it from the license reply (the license is signed, not encrypted: only the
 * keys are) and sends that session's renewals there. A few lines of protobuf
 * reading of its own: the decoders of `src/pssh/` would cost the main
 * bundle more than this.
 *
 * @module
 */
const SIGNED_MESSAGE_TYPE = 1;
const SIGNED_MESSAGE_MSG = 2;
const MESSAGE_TYPE_LICENSE = 2;
const LICENSE_POLICY = 2;
const POLICY_CAN_RENEW = 3;
const POLICY_RENEWAL_SERVER_URL = 8;

/** A protobuf varint at `at`: its value (up to 2^53) and the offset after it. @throws RangeError when truncated */
function varint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 1, i = at; i < bytes.length && i < at + 8; i++, shift *= 128) {
    value += (bytes[i]! & 0x7f) * shift;
    if (bytes[i]! < 0x80) return [value, i + 1];
  }
  throw new RangeError('bad varint');
}

/**
 * The last field `field` of a protobuf message: its bytes (length-delimited) or value (varint);
 * null when absent. A small reader: only what a license's policy needs (wire types 0, 1, 2, 5).
 *
 * @throws RangeError on a malformed message
 */
function fieldOf(bytes: Uint8Array, field: number): Uint8Array | number | null {
  let found: Uint8Array | number | null = null;
  for (let at = 0; at < bytes.length;) {
    const [key, afterKey] = varint(bytes, at);
    const wire = key % 8;
    let value: Uint8Array | number;
    if (wire === 0) [value, at] = varint(bytes, afterKey);
    else if (wire === 2) {
      const [length, start] = varint(bytes, afterKey);
      if (start + length > bytes.length) throw new RangeError('truncated');
      [value, at] = [bytes.subarray(start, start + length), start + length];
    } else if (wire === 1 || wire === 5) [value, at] = [0, afterKey + (wire === 1 ? 8 : 4)];
    else throw new RangeError('bad wire type');
    if (Math.floor(key / 8) === field) found = value;
  }
  return found;
}

/** What keyflow reads of a Widevine license's policy. */
export interface WidevineRenewalPolicy {
  /** `can_renew`: the CDM will send renewals. */
  canRenew: boolean;
  /** `renewal_server_url`, or null. */
  renewalServerUrl: string | null;
}

/**
 * The renewal fields of a Widevine license reply (a LICENSE SignedMessage),
 * or null when it is not a readable license. Never throws.
 */
export function readWidevineRenewalPolicy(reply: Uint8Array): WidevineRenewalPolicy | null {
  try {
    if (fieldOf(reply, SIGNED_MESSAGE_TYPE) !== MESSAGE_TYPE_LICENSE) return null;
    const msg = fieldOf(reply, SIGNED_MESSAGE_MSG);
    const policy = msg instanceof Uint8Array ? fieldOf(msg, LICENSE_POLICY) : null;
    if (!(policy instanceof Uint8Array)) return null;
    const url = fieldOf(policy, POLICY_RENEWAL_SERVER_URL);
    const canRenew = fieldOf(policy, POLICY_CAN_RENEW);
    return {
      canRenew: typeof canRenew === 'number' && canRenew !== 0,
      renewalServerUrl: url instanceof Uint8Array && url.length > 0 ? new TextDecoder('utf-8', { fatal: true }).decode(url) : null,
    };
  } catch {
    return null;
  }
}

/**
 * Whether keyflow may send renewals (and the token with them) to
 * `renewalUrl`, named by a license of the session whose license went to
 * `licenseOrigin` (the origin of the license URL the app or the preset
 * configured, never one a license named): an http(s) URL on that origin, or
 * an https URL on one of the app's `renewal.renewalOrigins`. A license reply
 * must not be able to send the token anywhere else.
 */
export function isAllowedRenewalUrl(renewalUrl: string, licenseOrigin: string | null, allowedOrigins: readonly string[] = []): boolean {
  try {
    const renewal = new URL(renewalUrl);
    if (renewal.username || renewal.password) return false;
    if (renewal.protocol !== 'https:' && renewal.protocol !== 'http:') return false;
    if (renewal.origin === licenseOrigin) return true;
    return renewal.protocol === 'https:' && allowedOrigins.includes(renewal.origin);
  } catch {
    return false;
  }
}

/**
 * `url` with `{` and `}` percent-encoded: a URL a license named is sent as it
 * is, never expanded as a template (a `{token}` in it must not place the token).
 */
export function literalUrl(url: string): string {
  return url.replace(/\{/g, '%7B').replace(/\}/g, '%7D');
}
