// The pure parts of license renewal: reading a Widevine license's renewal policy (field numbers of
// license_protocol.proto: License.policy = 2, Policy.can_renew = 3, Policy.renewal_server_url = 8),
// which renewal URLs keyflow accepts, the `renewal` option, the `expiring` warnings, and the test
// tools' Widevine renewal messages and PlayReady expiration object.
import { normalizeRenewalOptions } from '../../src/api/renewal-options';
import { ExpiryWatch } from '../../src/shaka/expiry-watch';
import { isAllowedRenewalUrl, literalUrl, readWidevineRenewalPolicy } from '../../src/shaka/license-renewal-url';
import type { ExpiringEvent } from '../../src/api/events';
import { decodeEmulatedLicense, encodeEmulatedLicense } from '../../src/testing/playready-messages';
import { decodeLicense, decodeLicenseRequest, encodeLicense, encodeLicenseRequest } from '../../src/testing/widevine-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { hex } from '../pssh/helpers';

/** A protobuf field: key (field << 3 | wire type), then a varint or length-prefixed bytes (all lengths < 128 here). */
function field(number: number, value: number | Uint8Array | string): number[] {
  if (typeof value === 'number') return [(number << 3) | 0, value];
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return [(number << 3) | 2, bytes.length, ...bytes];
}

const URL_TEXT = 'https://renew.example/wv';

/** SignedMessage { type: LICENSE (2), msg: License { policy: { can_renew, renewal_server_url } } }, written by hand. */
function licenseReply(type = 2, policy: number[] = [...field(3, 1), ...field(8, URL_TEXT)]): Uint8Array {
  const license = field(2, Uint8Array.from(policy));
  return Uint8Array.from([...field(1, type), ...field(2, Uint8Array.from(license))]);
}

describe('Widevine renewal policy (keyflow reads the license reply)', () => {
  it('reads can_renew (3) and renewal_server_url (8) of License.policy (2)', () => {
    expect(readWidevineRenewalPolicy(licenseReply())).toEqual({ canRenew: true, renewalServerUrl: URL_TEXT });
    expect(readWidevineRenewalPolicy(licenseReply(2, field(6, 60)))).toEqual({ canRenew: false, renewalServerUrl: null });
  });

  it('skips fields it does not know (fixed32, fixed64, other varints) and reads what the test tools write', () => {
    const policy = [(4 << 3) | 5, 1, 2, 3, 4, (5 << 3) | 1, 0, 0, 0, 0, 0, 0, 0, 0, ...field(9, 10), ...field(8, URL_TEXT), ...field(3, 1)];
    expect(readWidevineRenewalPolicy(licenseReply(2, policy))?.renewalServerUrl).toBe(URL_TEXT);
    const msg = encodeLicense({
      id: { requestId: hex('01'), sessionId: hex('02'), type: 1, version: 0 },
      policy: {
        canPlay: true,
        canPersist: false,
        canRenew: true,
        licenseDurationSeconds: 6,
        renewalServerUrl: URL_TEXT,
        renewalDelaySeconds: 2,
      },
      keys: [],
      licenseStartTime: 1,
    });
    expect(readWidevineRenewalPolicy(Uint8Array.from([...field(1, 2), ...field(2, msg)]))).toEqual({
      canRenew: true,
      renewalServerUrl: URL_TEXT,
    });
  });

  it('is null for anything but a readable LICENSE', () => {
    expect(readWidevineRenewalPolicy(licenseReply(5))).toBeNull(); // SERVICE_CERTIFICATE
    expect(readWidevineRenewalPolicy(Uint8Array.of(0x08, 0x04))).toBeNull();
    expect(readWidevineRenewalPolicy(Uint8Array.of(0x12, 0x7f, 0x01))).toBeNull(); // truncated
    expect(readWidevineRenewalPolicy(new TextEncoder().encode('{"keys":[]}'))).toBeNull();
    expect(readWidevineRenewalPolicy(new Uint8Array(0))).toBeNull();
  });
});

describe('isAllowedRenewalUrl', () => {
  const licenseOrigin = 'http://127.0.0.1:8090';
  it('accepts the configured license URL origin only, and https origins the app allows; nothing a license invents', () => {
    expect(isAllowedRenewalUrl('http://127.0.0.1:8090/renew', licenseOrigin)).toBeTrue();
    // a license reply naming any other host is not followed: the token would go where the app never said
    expect(isAllowedRenewalUrl('https://renew.example/x', licenseOrigin)).toBeFalse();
    expect(isAllowedRenewalUrl('https://renew.example/x', licenseOrigin, ['https://renew.example'])).toBeTrue();
    expect(isAllowedRenewalUrl('http://renew.example/x', licenseOrigin, ['https://renew.example'])).toBeFalse();
    expect(isAllowedRenewalUrl('http://127.0.0.1:9999/renew', licenseOrigin)).toBeFalse();
    expect(isAllowedRenewalUrl('https://user:pass@127.0.0.1:8090/x', 'https://127.0.0.1:8090')).toBeFalse();
    expect(isAllowedRenewalUrl('blob:http://127.0.0.1:8090/7f1c', licenseOrigin)).toBeFalse();
    expect(isAllowedRenewalUrl('javascript:alert(1)', licenseOrigin)).toBeFalse();
    expect(isAllowedRenewalUrl('not a url', licenseOrigin)).toBeFalse();
    expect(isAllowedRenewalUrl('http://127.0.0.1:8090/renew', null)).toBeFalse();
  });

  it('a license-named URL is sent as a literal: braces are percent-encoded, never a template', () => {
    expect(literalUrl('https://l.test/renew/{token}?x={token.url}')).toBe('https://l.test/renew/%7Btoken%7D?x=%7Btoken.url%7D');
    expect(literalUrl('https://l.test/renew?a=1')).toBe('https://l.test/renew?a=1');
  });
});

describe('the renewal option', () => {
  it('defaults: renewal URL from the license, warnings 30 s ahead, key statuses only reported', () => {
    expect(normalizeRenewalOptions(undefined)).toEqual({
      useLicenseRenewalUrl: true,
      renewalOrigins: [],
      warnBeforeMs: 30000,
      onExpired: 'report',
      onInternalError: 'report',
    });
    const chosen = { useLicenseRenewalUrl: false, warnBeforeMs: 0, onExpired: 'renew', onInternalError: 'reload' } as const;
    expect(normalizeRenewalOptions(chosen)).toEqual({ ...chosen, renewalOrigins: [] });
    expect(normalizeRenewalOptions({ renewalOrigins: ['https://Renew.Example.com/'] }).renewalOrigins).toEqual([
      'https://renew.example.com',
    ]);
  });

  it('refuses wrong types and unknown names with INVALID_CONFIG', () => {
    const bads: unknown[] = [
      { useLicenseRenewalUrl: 'no' },
      { warnBeforeMs: -1 },
      { warnBeforeMs: NaN },
      { warnBefore: 1 },
      { onExpired: 'reload' },
    ];
    bads.push(
      ...[{ renewalOrigins: 'https://a.test' }, { renewalOrigins: ['http://a.test'] }, { renewalOrigins: ['https://a.test/path'] }],
    );
    for (const bad of [...bads, { onInternalError: 'renew' }, 'yes', []]) {
      expect(() => normalizeRenewalOptions(bad)).toThrowMatching((e: unknown) => (e as { code?: string }).code === 'INVALID_CONFIG');
    }
  });
});

describe('ExpiryWatch (the expiring event)', () => {
  let events: ExpiringEvent[];
  let warnBeforeMs: number;
  let watch: ExpiryWatch;
  const NOW = Date.UTC(2030, 0, 1);

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(NOW));
    events = [];
    warnBeforeMs = 10_000;
    watch = new ExpiryWatch({ warnBeforeMs: () => warnBeforeMs, emit: (event) => events.push(event) });
  });

  afterEach(() => {
    watch.stop();
    jasmine.clock().uninstall();
  });

  it('a license that is not renewed: warned once, warnBeforeMs before it expires', () => {
    watch.licenseExpiration({ expiration: NOW + 60_000 });
    jasmine.clock().tick(49_999);
    expect(events).toEqual([]);
    jasmine.clock().tick(1);
    expect(events).toEqual([{ what: 'license', expiresAt: NOW + 60_000, inMs: 10_000 }]);
    jasmine.clock().tick(20_000);
    expect(events.length).toBe(1);
  });

  it('a license of 30 days (past setTimeout’s 24.8-day limit): warned on time, never at once', () => {
    // A browser runs a longer setTimeout delay at once: the delays asked for are recorded (the
    // clock's own setTimeout does not emulate that limit), and put back before the clock goes.
    const delays: number[] = [];
    const mocked = window.setTimeout;
    window.setTimeout = ((run: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return mocked(run, ms);
    }) as typeof window.setTimeout;
    try {
      const thirtyDays = 30 * 24 * 3600_000;
      watch.licenseExpiration({ expiration: NOW + thirtyDays });
      jasmine.clock().tick(thirtyDays - 10_001);
      expect(events).toEqual([]);
      jasmine.clock().tick(1);
      expect(events).toEqual([{ what: 'license', expiresAt: NOW + thirtyDays, inMs: 10_000 }]);
      expect(delays.length).toBeGreaterThan(1);
      expect(delays.every((ms) => ms <= 2 ** 31 - 1))
        .withContext(JSON.stringify(delays))
        .toBeTrue();
    } finally {
      window.setTimeout = mocked;
    }
  });

  it('a renewable license: no warning while renewals are in sight; one once a renewal failed', () => {
    watch.renewable(true);
    watch.licenseExpiration({ expiration: NOW + 20_000 });
    jasmine.clock().tick(15_000);
    expect(events).toEqual([]);
    watch.renewalFailed();
    expect(events.map((e) => e.what)).toEqual(['license']);
    expect(events[0]!.inMs).toBe(5_000);
  });

  it('a renewal that moves the expiration moves the warning; none when warnings are off or the license never expires', () => {
    watch.licenseExpiration({ expiration: NOW + 20_000 });
    jasmine.clock().tick(5_000);
    watch.licenseExpiration({ expiration: NOW + 80_000 });
    jasmine.clock().tick(60_000);
    expect(events).toEqual([]);
    jasmine.clock().tick(5_000);
    expect(events.length).toBe(1);
    watch.licenseExpiration({ expiration: null });
    warnBeforeMs = 0;
    watch.licenseExpiration({ expiration: NOW + 100_000 });
    watch.renewalFailed();
    jasmine.clock().tick(40_000);
    expect(events.length).toBe(1);
  });

  it('a static token with an expiry is warned about; a token function never', () => {
    watch.tokenUsed(() => 'refreshable', {});
    jasmine.clock().tick(1_000_000);
    expect(events).toEqual([]);
    const expiresAt = NOW + 1_000_000 + 30_000;
    watch.tokenUsed({ token: 'static', expiresAt }, {});
    jasmine.clock().tick(20_000);
    expect(events).toEqual([{ what: 'token', expiresAt, inMs: 10_000 }]);
  });
});

describe('test tools: renewal messages', () => {
  it('Widevine License.Policy renewal fields are written with the proto field numbers 8, 9, 10', () => {
    const msg = encodeLicense({
      id: { requestId: hex('01'), sessionId: hex('02'), type: 1, version: 3 },
      policy: {
        canPlay: true,
        canPersist: false,
        canRenew: true,
        licenseDurationSeconds: 6,
        renewalServerUrl: 'https://r',
        renewalDelaySeconds: 2,
        renewalRetryIntervalSeconds: 1,
      },
      keys: [],
      licenseStartTime: 1,
    });
    // License.policy (field 2, 21 bytes): can_play 08 01, can_renew 18 01, duration 30 06, url 42 09 "https://r", delay 48 02, retry 50 01.
    expect(bytesToHex(msg)).toContain(`12150801180130064209${bytesToHex(new TextEncoder().encode('https://r'))}48025001`);
    const decoded = decodeLicense(msg);
    expect(decoded.policy).toEqual({
      canPlay: true,
      canPersist: false,
      canRenew: true,
      licenseDurationSeconds: 6,
      renewalServerUrl: 'https://r',
      renewalDelaySeconds: 2,
      renewalRetryIntervalSeconds: 1,
    });
    expect(decoded.id.version).toBe(3);
  });

  it('a RENEWAL LicenseRequest (type 2) names the license in content_id.existing_license (field 3)', () => {
    const licenseId = { requestId: hex('aa'), sessionId: hex('bb'), type: 1, version: 0 };
    const bytes = encodeLicenseRequest({
      contentId: { kind: 'existing-license', licenseId, licenseType: 1, requestId: licenseId.requestId },
      type: 2,
      requestTime: 5,
      protocolVersion: 21,
      keyControlNonce: 7,
    });
    // content_id (12 ..) holding existing_license (1a ..) holding license_id (0a ..): request_id 0a 01 aa, session_id 12 01 bb, type 20 01,
    // version 28 00; then type RENEWAL 18 02.
    expect(bytesToHex(bytes)).toContain('120e1a0c0a0a0a01aa1201bb200128001802');
    const decoded = decodeLicenseRequest(bytes);
    expect(decoded.type).toBe(2);
    expect(decoded.contentId).toEqual({ kind: 'existing-license', licenseId, licenseType: 1, requestId: licenseId.requestId });
  });

  it('the emulated PlayReady license carries an optional expiration object (begin, end)', () => {
    const base = { keyId: 'f81d4fae7dec11d0a76500a0c91e6bf6', key: hex('00'.repeat(16)), cipher: 1, rightsId: hex('11'.repeat(16)) };
    expect(decodeEmulatedLicense(encodeEmulatedLicense(base)).expiration).toBeUndefined();
    const withEnd = encodeEmulatedLicense({ ...base, expiration: { begin: 100, end: 160 } });
    expect(withEnd.length).toBe(70 + 16);
    expect(bytesToHex(withEnd.subarray(70, 78))).toBe('0001001200000010');
    expect(decodeEmulatedLicense(withEnd).expiration).toEqual({ begin: 100, end: 160 });
  });
});
