// The `custom` and `clearkey` providers against Shaka's real NetworkingEngine (fake `https` plugin):
// what goes on the wire across retries, what the CDM would get, and how failures reach the app.
import type S from 'shaka-player';
import { findKeyflowError, KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { KeyflowConfig } from '../../src/providers/registry';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installFakeHttps, licenseRequest, type FakeReply } from '../helpers/fake-license-server';
import { shaka } from '../helpers/shaka-global';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';
const LICENSE = 2;
const CK_CHALLENGE = '{"kids":["qJAgclMSEuhxfyruuYzqHA"],"type":"temporary"}';
const CK_LICENSE = '{"keys":[{"kty":"oct","k":"ZmX_YHctTBU0M9rnn9VptQ","kid":"qJAgclMSEuhxfyruuYzqHA"}],"type":"temporary"}';
const text = (bytes: Uint8Array | ArrayBuffer): string => new TextDecoder().decode(bytes);

/**
 * Shaka 4.x runs request filters once per request and does not tell filters about retries, so
 * there the NetworkingEngine hands back its own 1001 and keyflow types the failure later, from the
 * player's `error` event (covered end to end in test/e2e/wrapped-playback.spec.ts).
 */
const shaka4 = (): boolean => shakaMajor() < 5;

describe('Wrapped license exchanges on Shaka NetworkingEngine', () => {
  let player: S.Player;
  let fake: ReturnType<typeof installFakeHttps> | null = null;
  let keyflow: Keyflow | null = null;

  beforeEach(() => {
    player = new shaka.Player();
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    fake?.uninstall();
    fake = null;
    await player.destroy();
  });

  function start(replies: FakeReply[], config: KeyflowConfig): Keyflow {
    fake = installFakeHttps(replies);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, config);
    return keyflow;
  }

  async function send(url: string, maxAttempts = 2): Promise<S.extern.Response> {
    const net = player.getNetworkingEngine()!;
    const request = licenseRequest(CK, url, maxAttempts, new TextEncoder().encode(CK_CHALLENGE));
    return net.request(LICENSE as S.net.NetworkingEngine.RequestType, request).promise;
  }

  async function failure(promise: Promise<unknown>): Promise<S.util.Error> {
    try {
      await promise;
    } catch (error) {
      return error as S.util.Error;
    }
    throw new Error('expected the request to fail');
  }

  const proxyConfig = (): KeyflowConfig => ({
    provider: 'custom',
    servers: { [CK]: 'https://proxy.test/{contentId}/license' },
    contentId: 'movie-1',
    token: 'tok+1',
    headers: { 'X-Token': '{token}' },
    query: { kid: '{keyIdHex}' },
    wrapRequest: { challengeField: 'rawLicenseRequestBase64', fields: { kids: '{keyIdsHex}' } },
    unwrapResponse: { path: 'rawLicenseBase64' },
    errors: { code: 'error.code', message: 'error.message', rules: [{ providerCode: 'AUTH_TOKEN_EXPIRED', means: 'TOKEN_EXPIRED' }] },
  });

  it('custom: sends the wrapped body to the expanded URL and hands the CDM the unwrapped license', async () => {
    const kf = start([{ status: 200, body: JSON.stringify({ rawLicenseBase64: btoa(CK_LICENSE) }) }], proxyConfig());
    const urls: string[] = [];
    kf.on('licenserequest', (e) => urls.push(e.url));
    const response = await send('https://manifest.test/laurl');
    expect(fake!.captured.length).toBe(1);
    const sent = fake!.captured[0]!;
    expect(sent.uri).toBe('https://proxy.test/movie-1/license?kid=a8902072531212e8717f2aeeb98cea1c');
    expect(sent.headers).toEqual(jasmine.objectContaining({ 'Content-Type': 'application/json', 'X-Token': 'tok+1' }));
    expect(text(sent.body)).toBe(`{"kids":["a8902072531212e8717f2aeeb98cea1c"],"rawLicenseRequestBase64":"${btoa(CK_CHALLENGE)}"}`);
    expect(text(response.data as ArrayBuffer)).toBe(CK_LICENSE);
    expect(urls).toEqual(['https://proxy.test/movie-1/license?kid=a8902072531212e8717f2aeeb98cea1c']);
  });

  it('custom: wraps the challenge exactly once across Shaka 5 retries', async () => {
    start(
      [
        { status: 503, body: 'busy' },
        { status: 503, body: 'busy' },
        { status: 200, body: JSON.stringify({ rawLicenseBase64: btoa(CK_LICENSE) }) },
      ],
      proxyConfig(),
    );
    await send('https://manifest.test/laurl', 3);
    expect(fake!.captured.length).toBe(3);
    const bodies = fake!.captured.map((r) => text(r.body));
    expect(bodies[1]).toBe(bodies[0]!);
    expect(bodies[2]).toBe(bodies[0]!);
    expect(JSON.parse(bodies[0]!)).toEqual({ kids: ['a8902072531212e8717f2aeeb98cea1c'], rawLicenseRequestBase64: btoa(CK_CHALLENGE) });
    expect(new Set(fake!.captured.map((r) => r.uri)).size).toBe(1);
  });

  it('custom: an error reply reaches the app typed, through the 1006 chain, without a retry', async () => {
    const kf = start(
      [
        { status: 403, body: '{"error":{"code":"CONTENT_NOT_ALLOWED","message":"not in your plan"}}' },
        { status: 200, body: 'never' },
      ],
      proxyConfig(),
    );
    const emitted: KeyflowError[] = [];
    kf.on('error', (e) => emitted.push(e));
    const error = await failure(send('https://manifest.test/laurl', 4));
    expect(fake!.captured.length).toBe(1);
    if (shaka4()) {
      expect(error.code).toBe(shaka.util.Error.Code.BAD_HTTP_STATUS);
      expect(emitted).toEqual([]);
      return;
    }
    expect(error.code).toBe(shaka.util.Error.Code.REQUEST_FILTER_ERROR);
    const keyflowError = findKeyflowError(error);
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.providerCode).toBe('CONTENT_NOT_ALLOWED');
    expect(keyflowError?.message).toBe('License server answered HTTP 403: not in your plan [CONTENT_NOT_ALLOWED]');
    expect(emitted).toEqual([keyflowError!]);
  });

  it('custom: a malformed 2xx reply is MALFORMED_RESPONSE through the response filter (1007), not a 6008', async () => {
    start([{ status: 200, body: '{"license":"x"}' }], proxyConfig());
    const error = await failure(send('https://manifest.test/laurl'));
    expect(error.code).toBe(shaka.util.Error.Code.RESPONSE_FILTER_ERROR);
    expect(findKeyflowError(error)?.code).toBe('MALFORMED_RESPONSE');
    expect(findKeyflowError(error)?.message).toBe('custom: the license server\'s reply has no "rawLicenseBase64" (see unwrapResponse)');
  });

  describe("custom: tokenReuse 'per-request' (single-use tokens)", () => {
    const license = JSON.stringify({ rawLicenseBase64: btoa(CK_LICENSE) });
    const config = (tokenReuse: 'cached' | 'per-request', token: () => string): KeyflowConfig => ({
      provider: 'custom',
      servers: { [CK]: 'https://proxy.test/license' },
      token,
      query: { t: '{token}' },
      wrapRequest: { challengeField: 'rawLicenseRequestBase64' },
      unwrapResponse: { path: 'rawLicenseBase64' },
      tokenReuse,
    });
    const sentTokens = () => fake!.captured.map((r) => new URL(r.uri).searchParams.get('t'));

    it('two license requests never share a token (cached ones do)', async () => {
      let n = 0;
      start(
        [
          { status: 200, body: license },
          { status: 200, body: license },
        ],
        config('per-request', () => `T${++n}`),
      );
      await Promise.all([send('https://manifest.test/laurl'), send('https://manifest.test/laurl')]);
      expect(n).toBe(2);
      expect(new Set(sentTokens()).size).toBe(2);
    });

    it('the same configuration with tokenReuse cached fetches one token for both', async () => {
      let n = 0;
      start(
        [
          { status: 200, body: license },
          { status: 200, body: license },
        ],
        config('cached', () => `T${++n}`),
      );
      await Promise.all([send('https://manifest.test/laurl'), send('https://manifest.test/laurl')]);
      expect(n).toBe(1);
      expect(sentTokens()).toEqual(['T1', 'T1']);
    });

    it('a retried request carries a new token on Shaka 5 (4.x resends the request as it was)', async () => {
      let n = 0;
      start(
        [
          { status: 503, body: 'busy' },
          { status: 200, body: license },
        ],
        config('per-request', () => `T${++n}`),
      );
      await send('https://manifest.test/laurl', 2);
      expect(sentTokens()).toEqual(shaka4() ? ['T1', 'T1'] : ['T1', 'T2']);
    });
  });

  it('custom: the license URL from the token ({token.url}): Shaka sends the request there, events show it redacted', async () => {
    const license = JSON.stringify({ rawLicenseBase64: btoa(CK_LICENSE) });
    const kf = start([{ status: 200, body: license }], {
      provider: 'custom',
      servers: { [CK]: '{token.url}' },
      token: () => ({ token: 'unused', url: 'https://per-asset.test/license?sig=S3CR3T-SIG' }),
      wrapRequest: { challengeField: 'rawLicenseRequestBase64' },
      unwrapResponse: { path: 'rawLicenseBase64' },
    });
    const urls: string[] = [];
    kf.on('licenserequest', (e) => urls.push(e.url));
    const response = await send('https://manifest.test/laurl');
    expect(fake!.captured.map((r) => r.uri)).toEqual(['https://per-asset.test/license?sig=S3CR3T-SIG']);
    expect(text(response.data as ArrayBuffer)).toBe(CK_LICENSE);
    expect(urls.join(' ')).not.toContain('S3CR3T-SIG');
  });

  it('custom: the token never appears in events or errors', async () => {
    const kf = start([{ status: 500, body: '{"error":{"code":"X","message":"bad token tok+1"}}' }], {
      ...proxyConfig(),
      query: { t: '{token}' },
    } as KeyflowConfig);
    const seen: string[] = [];
    kf.on('licenserequest', (e) => seen.push(e.url));
    kf.on('error', (e) => seen.push(e.message));
    const error = await failure(send('https://manifest.test/laurl', 2));
    expect(findKeyflowError(error)?.code).toBe(shaka4() ? undefined : 'LICENSE_SERVER_ERROR');
    seen.push(String(findKeyflowError(error)?.message));
    expect(seen.join(' ')).toContain('[redacted]');
    expect(seen.join(' ')).not.toContain('tok+1');
    expect(seen.join(' ')).not.toContain('tok%2B1');
  });

  it('custom certificate: the token goes on the configured serverCertificateUri only, never on another certificate URL', async () => {
    const WV = 'com.widevine.alpha';
    start([{ status: 200, body: new Uint8Array([8, 5, 18, 0]) }], {
      provider: 'custom',
      token: 'T-cert',
      headers: { 'X-Token': '{token}' },
      certificate: {},
      servers: { [WV]: 'https://lic.test/wv' },
    } as KeyflowConfig);
    player.configure({ drm: { advanced: { [WV]: { serverCertificateUri: 'https://cert.test/service' } } } });
    const net = player.getNetworkingEngine()!;
    const certificateRequest = (uri: string) => {
      // As Shaka's DrmEngine builds it: a GET with no DRM info (lib/drm/drm_engine.js setServerCertificate).
      const request = shaka.net.NetworkingEngine.makeRequest([uri], shaka.net.NetworkingEngine.defaultRetryParameters());
      return net.request(5 as S.net.NetworkingEngine.RequestType, request).promise;
    };
    await certificateRequest('https://cert.test/service');
    await certificateRequest('https://manifest-certurl.test/cert');
    expect(fake!.captured.map((r) => [r.uri, r.headers['X-Token'] ?? null])).toEqual([
      ['https://cert.test/service', 'T-cert'],
      ['https://manifest-certurl.test/cert', null],
    ]);
  });

  it('clearkey: Bearer token and JSON content type on the wire; problem+json errors typed', async () => {
    const problem = {
      type: 'https://dashif.org/drm-problems/insufficient-proof-of-authorization',
      title: 'Not authorized',
      detail: 'The authorization token has expired.',
    };
    const kf = start(
      [
        { status: 200, body: CK_LICENSE },
        { status: 403, body: JSON.stringify(problem), headers: { 'content-type': 'application/problem+json' } },
      ],
      {
        provider: 'clearkey',
        token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln',
        servers: { [CK]: 'https://dashif.test/license' },
        refreshRejectedToken: false,
      } as KeyflowConfig,
    );
    const response = await send('https://manifest.test/laurl');
    expect(text(response.data as ArrayBuffer)).toBe(CK_LICENSE);
    const sent = fake!.captured[0]!;
    expect(sent.uri).toBe('https://dashif.test/license');
    expect(sent.headers).toEqual(
      jasmine.objectContaining({ 'Content-Type': 'application/json', Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }),
    );
    expect(text(sent.body)).toBe(CK_CHALLENGE);

    const errors: KeyflowError[] = [];
    kf.on('error', (e) => errors.push(e));
    const error = await failure(send('https://manifest.test/laurl', 3));
    if (shaka4()) {
      expect(error.code).toBe(shaka.util.Error.Code.BAD_HTTP_STATUS);
      expect(errors).toEqual([]);
      return;
    }
    const keyflowError = findKeyflowError(error);
    expect(keyflowError?.code).toBe('TOKEN_EXPIRED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.providerCode).toBe(problem.type);
    expect(keyflowError?.message).toContain('The authorization token has expired.');
    expect(errors.map((e) => e.code)).toEqual(['TOKEN_EXPIRED']);
  });
});
