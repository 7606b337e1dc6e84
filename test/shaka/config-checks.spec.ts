// Configurations that used to fail silently, and tokens that must not travel in clear, through
// the real Keyflow on a real Shaka player (a fake https plugin records what would be sent).
import type S from 'shaka-player';
import { Keyflow as CoreKeyflow, expressPlay } from '../../src/core';
import { findKeyflowError, KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { KeyflowConfig } from '../../src/providers/registry';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installFakeHttps, licenseRequest } from '../helpers/fake-license-server';
import { shaka } from '../helpers/shaka-global';

const CK = 'org.w3.clearkey';
const LICENSE = 2;

function configError(make: () => unknown): KeyflowError {
  try {
    make();
  } catch (error) {
    expect(error).toEqual(jasmine.any(KeyflowError));
    return error as KeyflowError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('configuration checks', () => {
  let player: S.Player;
  let fake: ReturnType<typeof installFakeHttps> | null = null;
  const made: Array<{ destroy(): void }> = [];

  beforeEach(() => {
    player = new shaka.Player();
  });
  afterEach(async () => {
    for (const keyflow of made.splice(0)) keyflow.destroy();
    fake?.uninstall();
    fake = null;
    await player.destroy();
  });

  function make(config: object): Keyflow {
    const keyflow = new Keyflow(player as unknown as ShakaPlayer, config as KeyflowConfig);
    made.push(keyflow);
    return keyflow;
  }

  async function send(keySystem: string, url: string): Promise<unknown> {
    const net = player.getNetworkingEngine()!;
    return net.request(LICENSE as S.net.NetworkingEngine.RequestType, licenseRequest(keySystem, url, 1)).promise;
  }

  it('names an unknown option, with the closest known one', () => {
    const error = configError(() => make({ provider: 'expressplay', token: 't', tokenTimeOutMs: 5 }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('unknown option `tokenTimeOutMs`');
    expect(error.message).toContain('did you mean `tokenTimeoutMs`?');
  });

  it('checks option names in configure() too, keeping the configuration in force', () => {
    const keyflow = make({ provider: 'expressplay', token: 't' });
    const error = configError(() => keyflow.configure({ severs: {} } as never));
    expect(error.message).toContain('unknown option `severs`');
    expect(error.message).toContain('did you mean `servers`?');
    expect(keyflow.getConfiguration().token).toBe('t');
  });

  it("knows each preset's own options (custom, clearkey) and the core entry's initDataDecoder", () => {
    expect(() =>
      make({ provider: 'custom', servers: { [CK]: 'https://l.example.test/' }, headers: { A: 'b' }, wrapRequest: undefined }),
    ).not.toThrow();
    made.pop()!.destroy();
    expect(() => make({ provider: 'clearkey', servers: { [CK]: 'https://l.example.test/' }, problemTypes: {} })).not.toThrow();
    made.pop()!.destroy();
    const core = new CoreKeyflow(player as unknown as ShakaPlayer, { provider: expressPlay, token: 't', initDataDecoder: undefined });
    core.destroy();
    const error = configError(() => make({ provider: 'clearkey', servers: { [CK]: 'https://l.example.test/' }, header: {} }));
    expect(error.message).toContain('unknown option `header`');
    expect(error.message).toContain("for provider 'clearkey'");
  });

  it('names an unknown key system in servers, with the known ones', () => {
    const error = configError(() =>
      make({ provider: 'expressplay', token: 't', servers: { 'com.widevine.alhpa': 'https://l.example.test/' } }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain("unknown key system 'com.widevine.alhpa'");
    expect(error.message).toContain("did you mean 'com.widevine.alpha'?");
    expect(error.message).toContain('org.w3.clearkey');
    // Vendor variants are key systems too.
    expect(() =>
      make({ provider: 'expressplay', token: 't', servers: { 'com.microsoft.playready.recommendation.3000': 'https://l.example.test/' } }),
    ).not.toThrow();
  });

  it('refuses a data: URI as a license server (Shaka licenses data: URIs itself: no server, nowhere for a token)', () => {
    const error = configError(() => make({ provider: 'expressplay', token: 't', servers: { [CK]: 'DATA:application/json;base64,e30=' } }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe("keyflow: servers['org.w3.clearkey'] must be an absolute http(s) URL");
  });

  it('refuses a second Keyflow on the same player (main or core entry), with one set of filters left', async () => {
    let calls = 0;
    make({ provider: 'expressplay', token: () => (calls++, 'T1'), servers: { [CK]: 'https://ck.example.test/' } });
    const second = configError(() => make({ provider: 'expressplay', token: 'T2' }));
    expect(second.message).toContain('already has a Keyflow');
    expect(second.message).toContain('destroy()');
    const core = configError(() => new CoreKeyflow(player as unknown as ShakaPlayer, { provider: expressPlay, token: 'T3' }));
    expect(core.message).toContain('already has a Keyflow');
    fake = installFakeHttps([{ status: 200, body: '{"keys":[]}' }]);
    await send(CK, 'https://ck.example.test/').catch(() => undefined);
    expect(fake.captured.length).toBe(1);
    expect(fake.captured[0]!.uri).toBe('https://ck.example.test/?ExpressPlayToken=T1');
    expect(calls).toBe(1);
  });

  it('allows a new Keyflow once the first is destroyed (React StrictMode: mount, cleanup, mount)', () => {
    const first = make({ provider: 'expressplay', token: 't' });
    first.destroy();
    expect(() => make({ provider: 'expressplay', token: 't' })).not.toThrow();
  });

  describe('tokens never travel in clear', () => {
    it('refuses an http: license URL on a remote host when a token is configured', () => {
      const error = configError(() => make({ provider: 'expressplay', token: 't', servers: { [CK]: 'http://license.example.test/ck' } }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain('allowInsecureHttp');
    });

    it('allows http: on loopback, and anywhere with allowInsecureHttp', () => {
      for (const url of ['http://localhost:8080/ck', 'http://127.0.0.2/ck', 'http://[::1]:9/ck', 'http://app.localhost/ck']) {
        expect(() => make({ provider: 'expressplay', token: 't', servers: { [CK]: url } }))
          .withContext(url)
          .not.toThrow();
        made.pop()!.destroy();
      }
      expect(() =>
        make({ provider: 'expressplay', token: 't', allowInsecureHttp: true, servers: { [CK]: 'http://license.example.test/ck' } }),
      ).not.toThrow();
    });

    it('does not send a request whose token-carrying URL (from the token source) is http: on a remote host: INSECURE_TRANSPORT', async () => {
      const errors: KeyflowError[] = [];
      fake = installFakeHttps([{ status: 200, body: '{"keys":[]}' }]);
      const keyflow = make({
        provider: 'expressplay',
        token: () => 'http://license.example.test/hms/ck/rights/?ExpressPlayToken=SECRET-TOKEN-123',
        servers: { [CK]: 'https://ck.example.test/' },
      });
      keyflow.on('error', (e) => errors.push(e));
      const failure = await send(CK, 'https://ck.example.test/').then(
        () => null,
        (e: unknown) => e,
      );
      const typed = findKeyflowError(failure);
      expect(typed?.code).toBe('INSECURE_TRANSPORT');
      expect(typed?.message).toContain('license.example.test');
      expect(typed?.message).not.toContain('SECRET-TOKEN-123');
      expect(errors.map((e) => e.code)).toEqual(['INSECURE_TRANSPORT']);
      expect(fake.captured.length).toBe(0);
    });

    it('refuses when the player forces http (networking.forceHTTP; Shaka 4.x applies it after the filters)', async () => {
      fake = installFakeHttps([{ status: 200, body: '{"keys":[]}' }]);
      player.configure({ networking: { forceHTTP: true } });
      make({ provider: 'expressplay', token: 'SECRET-TOKEN-123', servers: { [CK]: 'https://ck.example.test/' } });
      const failure = await send(CK, 'https://ck.example.test/').then(
        () => null,
        (e: unknown) => e,
      );
      expect(findKeyflowError(failure)?.code).toBe('INSECURE_TRANSPORT');
      expect(findKeyflowError(failure)?.message).toContain('forceHTTP');
      expect(fake.captured.length).toBe(0);
    });

    it('resolves a relative license URL the app configured before checking it (//host on an http: page is http:)', async () => {
      expect(location.protocol).toBe('http:');
      fake = installFakeHttps([{ status: 200, body: '{"keys":[]}' }]);
      player.configure({ drm: { servers: { [CK]: '//license.example.test/ck' } } });
      make({ provider: 'expressplay', token: 'SECRET-TOKEN-123', servers: { [CK]: 'https://ck.example.test/' } });
      const failure = await send(CK, 'https://ck.example.test/').then(
        () => null,
        (e: unknown) => e,
      );
      expect(findKeyflowError(failure)?.code).toBe('INSECURE_TRANSPORT');
      expect(fake.captured.length).toBe(0);
    });

    it("upgrades ExpressPlay's own http:// license URLs (PlayReady token API) to https:", async () => {
      fake = installFakeHttps([{ status: 200, body: '{"keys":[]}' }]);
      make({
        provider: 'expressplay',
        token: () => ({ licenseAcquisitionUrl: 'http://pr.test.expressplay.com/playready/RightsManager.asmx', token: 'PRTOKEN' }),
        servers: { [CK]: 'https://ck.example.test/' },
      });
      await send(CK, 'https://ck.example.test/').catch(() => undefined);
      expect(fake.captured.map((r) => r.uri)).toEqual([
        'https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=PRTOKEN',
      ]);
    });
  });
});
