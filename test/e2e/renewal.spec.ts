// License renewal end to end: the ExpressPlay emulator mints licenses with a policy (a duration of a
// few seconds, a renewal delay, a renewal URL), the test CDM sends `license-renewal` messages on
// that schedule and expires the keys when no renewal is accepted, Shaka sends the renewals through
// keyflow's filters. What is asserted: keyflow's events and counts, the URLs the renewals went to,
// the emulator's records, Shaka's error codes (never timings).
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type {
  ExpiringEvent,
  KeyStatusEvent,
  LicenseRequestEvent,
  RenewalEvent,
  RenewalFailedEvent,
  TokenRequestEvent,
} from '../../src/api/events';
import type { TestCdm } from '../../src/testing/index';
import { explain } from '../../src/diagnostics/explain';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import {
  at,
  CONTENT_KEYS,
  clearEmulatorRequests,
  clearFaults,
  queueFaults,
  emulatorRequests,
  mintToken,
  waitFor,
  type EmulatorRecord,
  type MintOptions,
} from '../helpers/env';
import { LeakSweep } from '../helpers/leak-sweep';
import { expectPlaysPast } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { shakaMajor } from '../helpers/shaka-version';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const CENC = 'content/cenc/manifest.mpd';

/** Short license terms, in seconds (the token API's `licenseDuration`, and the emulator's renewal parameters). */
function policy(duration: number, renewalDelay: number, extra: Record<string, string> = {}): Record<string, string> {
  return { licenseDuration: String(duration), renewalDelay: String(renewalDelay), renewalRetryInterval: '1', ...extra };
}

/** The emulator's license-endpoint POSTs (preflights and token API calls left out), oldest first. */
async function licensePosts(): Promise<EmulatorRecord[]> {
  return (await emulatorRequests()).filter((r) => r.method === 'POST' && r.kind !== 'token');
}

describe('License renewal under the test CDM', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let cdm: TestCdm;
  let keyflow: Keyflow | null;
  let sweep: LeakSweep;
  let log: {
    requests: LicenseRequestEvent[];
    renewals: RenewalEvent[];
    failures: RenewalFailedEvent[];
    expiring: ExpiringEvent[];
    tokenRequests: TokenRequestEvent[];
    errors: KeyflowError[];
    shakaErrors: S.util.Error[];
    keyStatuses: KeyStatusEvent[];
    order: string[];
  };

  beforeEach(async () => {
    ({ video, player, cdm, dispose } = await createTestCdmPlayer());
    keyflow = null;
    sweep = new LeakSweep();
    sweep.watchShaka(player, 'listener added before keyflow:');
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    await dispose();
    await clearFaults();
    expect(sweep.leaks().join('\n')).toBe('');
  });

  /** keyflow on the ExpressPlay preset; `token` answers what the app backend would (each answer is a secret of the sweep). */
  function useKeyflow(keySystem: string, token: () => Promise<string>, extra: Record<string, unknown> = {}): Keyflow {
    player.configure({ drm: { preferredKeySystems: [keySystem] } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: async () => {
        const answer = await token();
        sweep.addExpressPlayToken(answer);
        return answer.startsWith('{') ? (JSON.parse(answer) as { licenseAcquisitionUrl: string; token: string }) : answer;
      },
      servers: { [WV]: at('hms/wv/rights/'), [PR]: at('playready/RightsManager.asmx') },
      ...extra,
    });
    sweep.watchShaka(player, 'listener added after keyflow:');
    sweep.watchKeyflow(keyflow);
    log = {
      requests: [],
      renewals: [],
      failures: [],
      expiring: [],
      tokenRequests: [],
      errors: [],
      shakaErrors: [],
      keyStatuses: [],
      order: [],
    };
    keyflow.on('keystatus', (e) => log.keyStatuses.push(e));
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    keyflow.on('renewal', (e) => log.order.push('renewal') && log.renewals.push(e));
    keyflow.on('renewalfailed', (e) => log.order.push('renewalfailed') && log.failures.push(e));
    keyflow.on('expiring', (e) => log.order.push('expiring') && log.expiring.push(e));
    keyflow.on('tokenrequest', (e) => log.tokenRequests.push(e));
    keyflow.on('error', (e) => log.errors.push(e));
    player.addEventListener('error', (event) => {
      const error = (event as unknown as { detail: S.util.Error }).detail;
      log.order.push(`shaka ${error.code}`);
      log.shakaErrors.push(error);
    });
    return keyflow;
  }

  const mint =
    (options: MintOptions): (() => Promise<string>) =>
    () =>
      mintToken(options);

  /**
   * A bare Widevine token (not the tokenized URL the token API answers, whose URL the preset
   * would use), so the preset places it on whatever URL keyflow routes to: a renewal server too.
   */
  const bareToken =
    (params: Record<string, string>): (() => Promise<string>) =>
    async () => {
      const url = await mintToken({ drm: 'wv', params: { securityLevel: '1', hdcpOutputControl: '0', ...params } });
      return new URL(url).searchParams.get('ExpressPlayToken')!;
    };

  it('Widevine: the CDM renews on the license policy, keyflow shapes and counts the renewals, the keys stay usable', async () => {
    useKeyflow(WV, mint({ drm: 'wv', params: { securityLevel: '1', hdcpOutputControl: '0', ...policy(5, 1) } }));
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 2, 'two renewals');
    await expectPlaysPast(video, 1);
    // Renewals went out as license requests of type license-renewal, to the license URL, with the token.
    const renewalRequests = log.requests.filter((r) => r.messageType === 'license-renewal');
    expect(renewalRequests.length).toBeGreaterThanOrEqual(2);
    expect(renewalRequests.every((r) => r.keySystem === WV && r.url.startsWith(at('hms/wv/rights/')))).toBeTrue();
    expect(log.renewals.every((r) => r.keySystem === WV && !r.toLicenseRenewalUrl)).toBeTrue();
    // The emulator answered RENEWAL requests (a license id, no keys) with renewal licenses.
    const renewed = (await licensePosts()).filter((r) => r.kind === 'renewal');
    expect(renewed.length).toBeGreaterThanOrEqual(2);
    expect(renewed.every((r) => r.status === 200 && r.hadToken && r.path === '/hms/wv/rights/')).toBeTrue();
    expect(keyflow!.getStats().renewals).toBeGreaterThanOrEqual(2);
    expect(keyflow!.getStats().renewalFailures).toBe(0);
    expect(log.failures).toEqual([]);
    expect(log.shakaErrors.map((e) => e.code)).toEqual([]);
  });

  it('PlayReady: a license with an expiration is renewed by a new AcquireLicense challenge', async () => {
    useKeyflow(PR, mint({ drm: 'pr', params: { licenseDuration: '4' } }));
    await player.load(at(CENC));
    await expectPlaysPast(video, 1);
    await waitFor(() => log.renewals.length >= 1, 'a renewal');
    expect(log.renewals[0]!.keySystem).toBe(PR);
    const renewals = log.requests.filter((r) => r.messageType === 'license-renewal');
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    expect(renewals.every((r) => r.url.startsWith(at('playready/RightsManager.asmx')))).toBeTrue();
    // More AcquireLicense POSTs than sessions (the first ones): the renewals, each answered with a license.
    const posts = (await licensePosts()).filter((r) => r.drm === 'pr');
    const first = log.requests.filter((r) => r.messageType === 'license-request').length;
    expect(posts.length).toBeGreaterThan(first);
    expect(posts.every((r) => r.status === 200)).toBeTrue();
    expect(keyflow!.getStats().renewals).toBe(log.renewals.length);
    expect(log.shakaErrors).toEqual([]);
  });

  it('Widevine: renewals go to the renewal server the license names (renewal_server_url)', async () => {
    useKeyflow(WV, bareToken(policy(5, 1, { renewalServerUrl: at('hms/wv/renewal/') })));
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 1, 'a renewal');
    expect(log.renewals[0]!.toLicenseRenewalUrl).toBeTrue();
    expect(log.renewals[0]!.url.startsWith(at('hms/wv/renewal/'))).toBeTrue();
    const posts = await licensePosts();
    expect(posts.filter((r) => r.path === '/hms/wv/renewal/').every((r) => r.kind === 'renewal' && r.status === 200)).toBeTrue();
    expect(posts.filter((r) => r.path === '/hms/wv/renewal/').length).toBeGreaterThanOrEqual(1);
    // The license requests themselves stayed on the license URL.
    expect(posts.filter((r) => r.path === '/hms/wv/rights/' && r.kind === 'license').length).toBeGreaterThanOrEqual(1);
    expect(posts.some((r) => r.path === '/hms/wv/rights/' && r.kind === 'renewal')).toBeFalse();
  });

  it('Widevine: a renewal rejected for an expired token gets a fresh token and is sent again', async () => {
    let minted = 0;
    // The first token expires 6 s after minting: after the license (a busy machine still gets it
    // out by then), before the first renewal (10 s after the license); later ones last.
    useKeyflow(WV, () => {
      minted++;
      const params = { securityLevel: '1', hdcpOutputControl: '0', ...policy(16, 10) };
      return mintToken({ drm: 'wv', params, expirationTime: minted === 1 ? '+6' : '+600' });
    });
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 1, 'a renewal after the token refresh', 25000);
    // The license went out with the fresh token; the emulator refused a renewal with the expired
    // one (403, ExpressPlay -4010), then renewed.
    const posts = await licensePosts();
    expect(posts.filter((r) => r.kind === 'license').every((r) => r.status === 200))
      .withContext(JSON.stringify(posts))
      .toBeTrue();
    const refused = posts.findIndex((r) => r.kind === 'renewal' && r.status === 403);
    expect(refused).toBeGreaterThan(-1);
    expect(posts.slice(refused + 1).some((r) => r.kind === 'renewal' && r.status === 200)).toBeTrue();
    expect(log.tokenRequests.some((r) => r.reason === 'rejected')).toBeTrue();
    expect(minted).toBeGreaterThanOrEqual(2);
    expect(log.errors.every((e) => e.code === 'TOKEN_INVALID')).toBeTrue();
    expect(keyflow!.getStats().renewals).toBeGreaterThanOrEqual(1);
  });

  it('Widevine: a token keyflow knows has expired is refreshed before the renewal goes out (no refusal)', async () => {
    const bare = bareToken(policy(9, 4));
    // The token says it expires 2.5 s after it was fetched: long before the first renewal (4 s).
    useKeyflow(WV, async () => JSON.stringify({ token: await bare(), expiresAt: Date.now() + 2500 }), { tokenRefreshMarginMs: 0 });
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 1, 'a renewal', 20000);
    expect(log.tokenRequests.map((r) => r.reason)).toContain('expired');
    expect(log.tokenRequests.some((r) => r.reason === 'rejected')).toBeFalse();
    const posts = await licensePosts();
    expect(posts.every((r) => r.status === 200))
      .withContext(JSON.stringify(posts.map((r) => [r.kind, r.status])))
      .toBeTrue();
    expect(posts.some((r) => r.kind === 'renewal')).toBeTrue();
  });

  it('Widevine: a renewal that never succeeds: renewalfailed, then expiring, then the expiry error, each explained', async () => {
    // The license names a renewal server that does not exist (404): every renewal fails.
    useKeyflow(WV, bareToken(policy(4, 1, { renewalServerUrl: at('hms/wv/nowhere/') })), { renewal: { warnBeforeMs: 3000 } });
    await player.load(at(CENC));
    await waitFor(() => log.shakaErrors.some((e) => e.code === 6014), 'the keys to expire (Shaka 6014)', 20000);
    expect(log.failures.length).toBeGreaterThanOrEqual(1);
    const failure = log.failures[0]!.error;
    expect(failure.code).toBe('RENEWAL_FAILED');
    expect(failure.keySystem).toBe(WV);
    expect((failure.cause as KeyflowError).httpStatus).toBe(404);
    expect(explain(failure).evidence.keyflowCode).toBe('RENEWAL_FAILED');
    expect(explain(failure).summary).toContain('renewal');
    expect(log.expiring.length).toBe(1);
    expect(log.expiring[0]!.what).toBe('license');
    // In that order: the renewal failed, the warning, then Shaka's EXPIRED.
    const order = log.order.filter((e) => e !== 'renewal' && !e.startsWith('shaka 600'));
    expect(order.indexOf('renewalfailed')).toBeLessThan(order.indexOf('expiring'));
    expect(order.indexOf('expiring')).toBeLessThan(order.indexOf('shaka 6014'));
    const expired = log.shakaErrors.find((e) => e.code === 6014)!;
    expect(explain(expired).evidence.shakaCode).toBe(6014);
    expect(keyflow!.getStats().renewalFailures).toBeGreaterThanOrEqual(1);
    expect(keyflow!.getStats().renewals).toBe(0);
  });

  it('a license naming a renewal server on another origin is not followed: the token stays with the license server', async () => {
    useKeyflow(WV, bareToken(policy(5, 1, { renewalServerUrl: 'https://renewals.elsewhere.test/collect' })));
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 1, 'a renewal');
    expect(log.renewals.every((r) => !r.toLicenseRenewalUrl && r.url.startsWith(at('hms/wv/rights/')))).toBeTrue();
    expect(log.requests.every((r) => r.url.startsWith(at('hms/wv/rights/')))).toBeTrue();
  });

  it('Widevine: a renewal license the CDM rejects is a renewalfailed (cause LICENSE_REJECTED), explained; the next renewal goes on', async () => {
    useKeyflow(WV, bareToken(policy(8, 2)));
    await player.load(at(CENC));
    await expectPlaysPast(video, 1);
    // The next answer on the license path (the first renewal) is 200 but no Widevine license: keyflow
    // passes it on (ExpressPlay's Widevine replies are opaque), the CDM refuses it (Shaka 6008).
    await queueFaults({ pathPrefix: '/hms/wv/rights', status: 200, body: 'this is not a Widevine license' });
    await waitFor(() => log.failures.length >= 1, 'renewalfailed', 20000);
    const failure = log.failures[0]!.error;
    expect(failure.code).toBe('RENEWAL_FAILED');
    expect((failure.cause as KeyflowError).code).toBe('LICENSE_REJECTED');
    expect(explain(failure).causes.join(' ')).toContain('The CDM rejected the renewal license');
    expect(explain(failure.cause as KeyflowError).summary).toBe('The CDM rejected the license.');
    expect(log.shakaErrors.map((e) => e.code)).toContain(6008);
    // The CDM retries its renewal (renewal_retry_interval_seconds): that one is accepted.
    await waitFor(() => log.renewals.length >= 2, 'the next renewal', 20000);
    expect(keyflow!.getStats().renewalFailures).toBe(1);
  });

  it('renewal.useLicenseRenewalUrl: false keeps renewals on the license URL', async () => {
    useKeyflow(WV, bareToken(policy(5, 1, { renewalServerUrl: at('hms/wv/renewal/') })), { renewal: { useLicenseRenewalUrl: false } });
    await player.load(at(CENC));
    await waitFor(() => log.renewals.length >= 1, 'a renewal');
    expect(log.renewals[0]!.toLicenseRenewalUrl).toBeFalse();
    const posts = await licensePosts();
    expect(posts.some((r) => r.path === '/hms/wv/renewal/')).toBeFalse();
    expect(posts.some((r) => r.path === '/hms/wv/rights/' && r.kind === 'renewal' && r.status === 200)).toBeTrue();
  });

  describe('key statuses', () => {
    const statusOf = (event: KeyStatusEvent, kid: string): KeyStatusEvent['keys'][number] | undefined =>
      event.keys.find((k) => k.keyId === kid);

    it('output-restricted and internal-error are explained in the keystatus event; by default keyflow only reports', async () => {
      useKeyflow(WV, mint({ drm: 'wv' }));
      await player.load(at(CENC));
      await expectPlaysPast(video, 1);
      const licenses = log.requests.length;
      cdm.setKeyStatus(CONTENT_KEYS.video.kid, 'output-restricted');
      cdm.setKeyStatus(CONTENT_KEYS.audio.kid, 'internal-error');
      await waitFor(() => log.keyStatuses.some((e) => statusOf(e, CONTENT_KEYS.audio.kid)?.status === 'internal-error'), 'the statuses');
      const event = log.keyStatuses.find((e) => statusOf(e, CONTENT_KEYS.audio.kid)?.status === 'internal-error')!;
      expect(statusOf(event, CONTENT_KEYS.video.kid)?.status).toBe('output-restricted');
      expect(statusOf(event, CONTENT_KEYS.video.kid)?.explanation).toContain('output protection');
      expect(statusOf(event, CONTENT_KEYS.audio.kid)?.explanation).toContain('CDM failed');
      expect(event.action).toBeUndefined();
      expect(log.keyStatuses[0]!.keys.every((k) => k.status === 'usable' && k.explanation === undefined)).toBeTrue();
      expect(log.requests.length).toBe(licenses);
    });

    it("onInternalError: 'reload' reloads once at the current position, with a new license", async () => {
      useKeyflow(WV, mint({ drm: 'wv' }), { renewal: { onInternalError: 'reload' } });
      keyflow!.on('keystatus', (e) => e.action === 'reload' && cdm.setKeyStatus(CONTENT_KEYS.audio.kid, null)); // the CDM recovers
      await player.load(at(CENC));
      await expectPlaysPast(video, 1);
      const licenses = log.requests.filter((r) => r.messageType === 'license-request').length;
      cdm.setKeyStatus(CONTENT_KEYS.audio.kid, 'internal-error');
      await waitFor(() => log.keyStatuses.some((e) => e.action === 'reload'), 'the reload');
      await waitFor(() => log.requests.filter((r) => r.messageType === 'license-request').length > licenses, 'a new license request');
      const position = video.currentTime;
      await video.play().catch(() => undefined); // a reload may leave the element paused (Shaka 4.x)
      await waitFor(() => video.currentTime > position + 1, 'playback to go on after the reload');
      // The same failure again on the same asset: reported, never a second reload.
      cdm.setKeyStatus(CONTENT_KEYS.audio.kid, 'internal-error');
      const failing = () => log.keyStatuses.filter((e) => statusOf(e, CONTENT_KEYS.audio.kid)?.status === 'internal-error').length;
      await waitFor(() => failing() >= 2, 'the second internal-error');
      expect(log.keyStatuses.filter((e) => e.action === 'reload').length).toBe(1);
      cdm.setKeyStatus(CONTENT_KEYS.audio.kid, null);
    });

    it("onExpired: 'renew' renews now (Shaka 5: renewLicense for PlayReady; Shaka 4: a reload)", async () => {
      useKeyflow(PR, mint({ drm: 'pr' }), { renewal: { onExpired: 'renew' } });
      keyflow!.on('keystatus', (e) => e.action && cdm.setKeyStatus(CONTENT_KEYS.video.kid, null));
      await player.load(at(CENC));
      await expectPlaysPast(video, 1);
      const before = log.requests.length;
      cdm.setKeyStatus(CONTENT_KEYS.video.kid, 'expired');
      await waitFor(() => log.keyStatuses.some((e) => e.action !== undefined), 'the action');
      const acted = log.keyStatuses.find((e) => e.action !== undefined)!;
      expect(acted.action).toBe(shakaMajor() >= 5 ? 'renew' : 'reload');
      expect(statusOf(acted, CONTENT_KEYS.video.kid)?.explanation).toContain('expired');
      await waitFor(() => log.requests.length > before, 'a new license exchange');
      if (shakaMajor() >= 5) expect(log.requests.slice(before).some((r) => r.messageType === 'license-renewal')).toBeTrue();
    });
  });
});
