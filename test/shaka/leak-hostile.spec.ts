// Token confidentiality against hostile or careless servers, through the real Keyflow on Shaka's
// real NetworkingEngine (a fake https plugin answers): servers that echo the token at any offset
// of a long body, problem+json records quoting it, secrets that contain one another, and app
// listeners added before and after keyflow's. The leak sweep looks at everything an app sees.
import type S from 'shaka-player';
import { findKeyflowError, type KeyflowError } from '../../src/errors';
import { Keyflow } from '../../src/keyflow';
import type { KeyflowConfig } from '../../src/config';
import type { ShakaPlayer } from '../../src/shaka-types';
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
      start({ provider: 'expressplay', token: TOKEN, servers: { [CK]: URL_CK } }, [{ status: 403, body: `{"errorCode":-4012,"errorMessage":"${body}"}` }]);
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
    const problem = JSON.stringify({ type: 'https://dashif.org/drm-problems/insufficient-rights', title: 'no', detail: `token ${TOKEN} refused`, instance: `/t/${encodeURIComponent(TOKEN)}` });
    start({ provider: 'clearkey', token: TOKEN, servers: { [CK]: URL_CK } }, [{ status: 403, body: problem, headers: { 'content-type': 'application/problem+json' } }]);
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
      { provider: 'custom', token: TOKEN, servers: { [CK]: URL_CK }, headers: { Authorization: 'Bearer {token}' }, unwrapResponse: { path: 'license' } },
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

  it('a token source whose JSON parse fails (V8 quotes the text): the SyntaxError message is withheld', async () => {
    const rawToken = 'not-json-SECRETSECRET-0123456789';
    sweep.addSecret(rawToken);
    start({ provider: 'expressplay', token: async () => JSON.parse(rawToken) as string, servers: { [CK]: URL_CK } }, []);
    const error = await sendFailing();
    expect(error?.code).toBe('TOKEN_SOURCE_FAILED');
    expect(error?.message).toContain('SyntaxError');
    expect(sweep.leaks().join('\n')).toBe('');
  });
});
