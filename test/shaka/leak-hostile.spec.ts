// Token confidentiality against hostile or careless servers, through the real Keyflow on Shaka's
// real NetworkingEngine (a fake https plugin answers): servers that echo the token at any offset
// of a long body, problem+json records quoting it, secrets that contain one another, and app
// listeners added before and after keyflow's. The leak sweep looks at everything an app sees.
import type S from 'shaka-player';
import { findKeyflowError, type KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { KeyflowConfig } from '../../src/providers/registry';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installFakeHttps, licenseRequest, type FakeReply } from '../helpers/fake-license-server';
import { LeakSweep } from '../helpers/leak-sweep';
import { shaka } from '../helpers/shaka-global';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';
const URL_CK = 'https://ck.example.test/license';
const LICENSE = 2;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTc2NzIyNTYwMH0.S3cr3tS1gnatur3Xyz0123456789abcdef';

describe('token confidentiality against hostile replies', () => {
  let player: S.Player;
  let fake: ReturnType<typeof installFakeHttps> | null = null;
  let keyflow: Keyflow | null = null;
  let sweep: LeakSweep;

  beforeEach(() => {
    player = new shaka.Player();
    sweep = new LeakSweep();
    sweep.watchShaka(player, 'before keyflow:');
  });
  afterEach(async () => {
    // the support report of what happened (exchanges, failures explained, configuration) is swept too
    if (keyflow) {
      sweep.observe('the support report', await keyflow.report());
      expect(sweep.leaks().join('\n')).toBe('');
    }
    keyflow?.destroy();
    keyflow = null;
    fake?.uninstall();
    fake = null;
    await player.destroy();
  });

  function start(config: KeyflowConfig, replies: FakeReply[]): void {
    fake = installFakeHttps(replies);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, config);
    sweep.watchShaka(player, 'after keyflow:');
    sweep.watchKeyflow(keyflow);
  }

  /**
   * Sends a license request that fails. Shaka 5 types every failure in the filters; Shaka 4.x
   * types HTTP failures only from the player's `error` event (there is none here), so for those
   * the result is null on 4.x and the checks are on what the app can see: the Shaka error.
   */
  async function sendFailing(maxAttempts = 1): Promise<KeyflowError | null> {
    const net = player.getNetworkingEngine()!;
    try {
      await net.request(LICENSE as S.net.NetworkingEngine.RequestType, licenseRequest(CK, URL_CK, maxAttempts)).promise;
    } catch (error) {
      sweep.observe('the rejected request', error);
      const typed = findKeyflowError(error);
      if (shakaMajor() >= 5) expect(typed).not.toBeNull();
      sweep.observe('the KeyflowError', typed);
      sweep.observe('the KeyflowError as JSON', JSON.stringify(typed));
      return typed;
    }
    throw new Error('expected the request to fail');
  }

  for (const offset of [0, 25, 150, 187, 480]) {
    it(`a 403 body echoing the token at offset ${offset} of 600 characters: nothing of the token in any message, cause or event`, async () => {
      sweep.addSecret(TOKEN);
      const body = `${'x'.repeat(offset)}${TOKEN}`.padEnd(600, 'y');
      start({ provider: 'expressplay', token: TOKEN, servers: { [CK]: URL_CK } }, [
        { status: 403, body: `{"errorCode":-4012,"errorMessage":"${body}"}` },
      ]);
      const error = await sendFailing();
      if (error) expect(error.code).toBe('NOT_ENTITLED');
      expect(sweep.count).toBeGreaterThan(3);
      expect(sweep.leaks().join('\n')).toBe('');
    });
  }

  it('a PlayReady SOAP fault echoing the token: redacted before the fault string is cut', async () => {
    sweep.addSecret(TOKEN);
    const fault = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>${'z'.repeat(180)}${TOKEN}</faultstring></s:Fault></s:Body></s:Envelope>`;
    start({ provider: 'expressplay', token: TOKEN, servers: { [CK]: URL_CK } }, [{ status: 500, body: fault }]);
    await sendFailing();
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('a problem+json reply quoting the token in detail and instance: the cause is redacted too', async () => {
    sweep.addSecret(TOKEN);
    const problem = JSON.stringify({
      type: 'https://dashif.org/drm-problems/insufficient-rights',
      title: 'no',
      detail: `token ${TOKEN} refused`,
      instance: `/t/${encodeURIComponent(TOKEN)}`,
    });
    start({ provider: 'clearkey', token: TOKEN, servers: { [CK]: URL_CK } }, [
      { status: 403, body: problem, headers: { 'content-type': 'application/problem+json' } },
    ]);
    const error = await sendFailing();
    if (error) expect(error.cause).toBeDefined();
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('secrets that contain one another (userId "alice", token "alice:…:<T>"): the whole token is redacted everywhere', async () => {
    const token = { userId: 'alice', token: `alice:1893456000:${TOKEN}` };
    sweep.addSecret(token.token);
    start(
      {
        provider: 'custom',
        token,
        servers: { [CK]: URL_CK },
        headers: { 'X-User': '{token.userId}' },
        query: { user: '{token.userId}', auth: '{token}' },
      },
      [{ status: 401, body: `bad user alice, bad token ${token.token}` }],
    );
    const error = await sendFailing();
    if (error) expect(error.code).toBe('TOKEN_INVALID');
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('a 2xx reply that is not a license, starting with the token: the quote in MALFORMED_RESPONSE is redacted', async () => {
    sweep.addSecret(TOKEN);
    start(
      {
        provider: 'custom',
        token: TOKEN,
        servers: { [CK]: URL_CK },
        headers: { Authorization: 'Bearer {token}' },
        unwrapResponse: { path: 'license' },
      },
      [{ status: 200, body: `${TOKEN} is what you sent` }],
    );
    const error = await sendFailing();
    expect(error?.code).toBe('MALFORMED_RESPONSE');
    expect(error?.message).toContain('[redacted]');
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('retries (Shaka 5 re-runs filters; 4.x resends): downloadfailed, retry and the final error carry no token', async () => {
    sweep.addSecret(TOKEN);
    start({ provider: 'expressplay', token: TOKEN, servers: { [CK]: URL_CK } }, [
      { status: 503, body: `busy ${TOKEN}` },
      { status: 503, body: `busy ${TOKEN}` },
      { status: 503, body: `busy ${TOKEN}` },
    ]);
    const net = player.getNetworkingEngine()!;
    const retries: unknown[] = [];
    net.addEventListener('retry', (event) => retries.push(event));
    const request = licenseRequest(CK, URL_CK, 3);
    request.retryParameters.baseDelay = 1;
    try {
      await net.request(LICENSE as S.net.NetworkingEngine.RequestType, request).promise;
    } catch (error) {
      sweep.observe('the rejected request', error);
    }
    expect(retries.length).toBeGreaterThan(0);
    expect(fake!.captured.length).toBe(3);
    // What went on the wire did carry the token each time (the scrubbing is for observers only).
    expect(fake!.captured.every((r) => r.uri.includes('ExpressPlayToken='))).toBe(true);
    expect(sweep.leaks().join('\n')).toBe('');
  });

  for (const format of ['json', 'form'] as const) {
    it(`a ${format} body carrying the token, retried: downloadfailed's copies show the CDM's challenge, never an earlier wrapped body`, async () => {
      sweep.addSecret(TOKEN);
      const license = btoa('{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","kid":"AAAAAAAAAAAAAAAAAAAAAA"}]}');
      start(
        {
          provider: 'custom',
          token: TOKEN,
          servers: { [CK]: URL_CK },
          wrapRequest: { format, challengeField: 'challenge', fields: { auth: '{token}' } },
          unwrapResponse: { path: 'license' },
        },
        [
          { status: 503, body: 'busy' },
          { status: 503, body: 'busy' },
          { status: 200, body: JSON.stringify({ license }) },
        ],
      );
      const net = player.getNetworkingEngine()!;
      const request = licenseRequest(CK, URL_CK, 3);
      request.retryParameters.baseDelay = 1;
      await net.request(LICENSE as S.net.NetworkingEngine.RequestType, request).promise;
      expect(fake!.captured.length).toBe(3);
      // The wire carried the token in every attempt's body; observers never see it.
      expect(
        fake!.captured.every((r) => new TextDecoder().decode(r.body).includes(format === 'json' ? TOKEN : encodeURIComponent(TOKEN))),
      ).toBe(true);
      expect(sweep.leaks().join('\n')).toBe('');
    });
  }

  it('a token source whose JSON parse fails (V8 quotes the text): the SyntaxError message is withheld', async () => {
    const rawToken = 'not-json-SECRETSECRET-0123456789';
    sweep.addSecret(rawToken);
    start({ provider: 'expressplay', token: async () => JSON.parse(rawToken) as string, servers: { [CK]: URL_CK } }, []);
    const error = await sendFailing();
    expect(error?.code).toBe('TOKEN_SOURCE_FAILED');
    expect(error?.message).toContain('SyntaxError');
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('a wrapped body carrying the token, and a reply header echoing it: downloadheadersreceived and downloadcompleted show neither', async () => {
    sweep.addSecret(TOKEN);
    const license = btoa('{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","kid":"AAAAAAAAAAAAAAAAAAAAAA"}]}');
    start(
      {
        provider: 'custom',
        token: TOKEN,
        servers: { [CK]: URL_CK },
        wrapRequest: { challengeField: 'challenge', fields: { auth: '{token}' } },
        unwrapResponse: { path: 'license' },
      },
      [{ status: 200, body: JSON.stringify({ license }), headers: { 'x-echo': `you sent ${TOKEN}` } }],
    );
    const net = player.getNetworkingEngine()!;
    await net.request(LICENSE as S.net.NetworkingEngine.RequestType, licenseRequest(CK, URL_CK, 1)).promise;
    // The wire carried the token in the body (the scrubbing is for observers only).
    expect(new TextDecoder().decode(fake!.captured[0]!.body)).toContain(TOKEN);
    expect(sweep.count).toBeGreaterThan(2);
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it("destroy() while Shaka waits to retry: the retried attempt's events are still scrubbed, then the guards go", async () => {
    sweep.addSecret(TOKEN);
    start({ provider: 'expressplay', token: TOKEN, servers: { [CK]: URL_CK } }, [
      { status: 503, body: 'busy' },
      { status: 200, body: '{"keys":[]}', headers: { 'x-echo': TOKEN } },
    ]);
    const net = player.getNetworkingEngine()!;
    const request = licenseRequest(CK, URL_CK, 2);
    request.retryParameters.baseDelay = 300;
    request.retryParameters.fuzzFactor = 0;
    // The response itself goes to Shaka's DrmEngine, never to the app: only the events are swept.
    const sent = net.request(LICENSE as S.net.NetworkingEngine.RequestType, request).promise.then(
      () => undefined,
      (error: unknown) => sweep.observe('the rejected request', error),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    keyflow!.destroy();
    keyflow = null;
    await sent;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake!.captured.length).toBe(2);
    expect(sweep.leaks().join('\n')).toBe('');
    for (const [target, method] of [
      [player, 'dispatchEvent'],
      [player, 'load'],
      [net, 'dispatchEvent'],
    ] as const) {
      expect(Object.prototype.hasOwnProperty.call(target, method)).withContext(method).toBe(false);
    }
  });

  it('a token source that fails quoting the token it gave before: the cause (an Error) is redacted too', async () => {
    sweep.addSecret(TOKEN);
    let calls = 0;
    start(
      {
        provider: 'expressplay',
        token: () => {
          if (calls++ === 0) return TOKEN;
          throw new Error(`backend refused to renew ${TOKEN}`);
        },
        servers: { [CK]: URL_CK },
      },
      [{ status: 401, body: 'expired' }],
    );
    const error = await sendFailing(3);
    if (shakaMajor() >= 5) {
      // Shaka 5 re-runs the filter: keyflow asks for a new token, which fails.
      expect(error?.code).toBe('TOKEN_SOURCE_FAILED');
      expect(error?.cause).toEqual(jasmine.any(Error));
      expect(calls).toBe(2);
    }
    expect(sweep.leaks().join('\n')).toBe('');
  });

  it('a secret of 1-3 characters does not corrupt the provider code keyflow decodes (token "01", code -4012)', async () => {
    start({ provider: 'expressplay', token: '01', servers: { [CK]: URL_CK } }, [
      { status: 403, body: '{"errorCode":-4012,"errorMessage":"no"}' },
    ]);
    const error = await sendFailing();
    if (shakaMajor() >= 5) {
      expect(error?.code).toBe('NOT_ENTITLED');
      expect(error?.providerCode).toBe(-4012);
    } else {
      expect(error).toBeNull(); // 4.x: typed from the player's error event (load-failures.spec.ts)
    }
  });
});
