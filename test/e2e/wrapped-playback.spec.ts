// Wrapped license exchanges end to end: Shaka Player + keyflow + the wrapping proxy
// (src/testing/node/wrapping-proxy.ts at /proxy) and the DASH-IF ClearKey license server
// (src/testing/node/dashif-clearkey-server.ts at /dashif), real encrypted DASH and Chromium's
// real ClearKey CDM. keyflow is configured only through `new Keyflow(player, {...})`.
import type S from 'shaka-player';
import type { KeyflowConfig } from '../../src/providers/registry';
import type { KeyflowError } from '../../src/api/errors';
import type { LicenseRequestEvent, LicenseResponseEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, CONTENT_KEYS, waitFor } from '../helpers/env';
import { proxyToken, SAMPLE, type ProxyRecord } from '../helpers/proxy';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';
const BOTH_KIDS = [CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort();

interface DashIfRecord {
  path: string;
  kind: string;
  status: number;
  problemType?: string;
  kids?: string[];
  grantedKids?: string[];
  hadBearer: boolean;
  contentType?: string;
}

async function log<T>(path: string): Promise<T[]> {
  return (await fetch(at(path))).json() as Promise<T[]>;
}

/** A token from the DASH-IF authorization service: GET …/authorize?kids=<default_KIDs>. */
async function dashIfToken(kids: readonly string[], ttl = 600): Promise<string> {
  const response = await fetch(at(`dashif/authorize?kids=${(kids.length ? kids : BOTH_KIDS).join(',')}&ttl=${ttl}`));
  if (!response.ok) throw new Error(`authorization service answered ${response.status}`);
  return response.text();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Wrapped license servers, end to end (ClearKey CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null;

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    keyflow = null;
    await fetch(at('proxy/_requests'), { method: 'DELETE' });
    await fetch(at('dashif/_requests'), { method: 'DELETE' });
  });

  afterEach(async () => {
    keyflow?.destroy();
    await dispose();
  });

  function useKeyflow(config: KeyflowConfig) {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, config);
    const events = { requests: [] as LicenseRequestEvent[], responses: [] as LicenseResponseEvent[], errors: [] as KeyflowError[] };
    keyflow.on('licenserequest', (e) => events.requests.push(e));
    keyflow.on('licenseresponse', (e) => events.responses.push(e));
    keyflow.on('error', (e) => events.errors.push(e));
    return events;
  }

  function expectKeysUsable(): void {
    const statuses = player.getKeyStatuses();
    expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
    expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
  }

  describe('custom provider through the wrapping proxy', () => {
    it("plays through Shaka's tutorial shape (rawLicenseRequestBase64 / rawLicenseBase64)", async () => {
      const events = useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/shaka/wrapped_request_and_response') },
        wrapRequest: { challengeField: 'rawLicenseRequestBase64' },
        unwrapResponse: { path: 'rawLicenseBase64' },
      });
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 2);
      expectKeysUsable();
      expect(events.errors).toEqual([]);
      expect(events.requests.map((e) => e.url)).toEqual([at('proxy/shaka/wrapped_request_and_response')]);
      expect(events.responses.map((e) => e.status)).toEqual([200]);

      const records = await log<ProxyRecord>('proxy/_requests');
      expect(records.length).toBe(1);
      expect(records[0]).toEqual(
        jasmine.objectContaining({
          path: 'shaka/wrapped_request_and_response',
          status: 200,
          contentType: 'application/json',
          kids: BOTH_KIDS,
        }),
      );
      expect(Object.keys(records[0]!.json as object)).toEqual(['rawLicenseRequestBase64']);
    });

    for (const scheme of ['cenc', 'cbcs']) {
      it(`plays ${scheme} through a JSON proxy with a token and a content id`, async () => {
        const contexts: string[][] = [];
        const events = useKeyflow({
          provider: 'custom',
          servers: { [CK]: at('proxy/json/license?contentId={contentId}') },
          contentId: SAMPLE,
          token: (ctx) => {
            contexts.push(ctx.keyIds);
            return proxyToken();
          },
          headers: { 'X-Proxy-Token': '{token}' },
          wrapRequest: { challengeField: 'licenseRequest.challenge', fields: { kids: '{keyIdsHex}', keySystem: '{keySystem}' } },
          unwrapResponse: { path: 'data.license' },
          errors: { code: 'error.code', message: { header: 'X-Proxy-Error' } },
        });
        await player.load(at(`content/${scheme}/manifest.mpd`));
        await expectPlaysPast(video, 2);
        expectKeysUsable();
        expect(events.errors).toEqual([]);
        expect(events.requests.length).toBe(1);
        expect(events.requests[0]!.url).toBe(at(`proxy/json/license?contentId=${SAMPLE}`));

        const records = await log<ProxyRecord>('proxy/_requests');
        expect(records.length).toBe(1);
        expect(records[0]).toEqual(
          jasmine.objectContaining({ path: 'json/license', status: 200, hadToken: true, contentId: SAMPLE, kids: BOTH_KIDS }),
        );
        // The exact body keyflow sent, challenge elided by the proxy's log.
        const json = records[0]!.json as { kids: string[]; keySystem: string; licenseRequest: { challenge: string } };
        expect(Object.keys(json)).toEqual(['kids', 'keySystem', 'licenseRequest']);
        expect(json.kids).toEqual(BOTH_KIDS);
        expect(json.keySystem).toBe(CK);
        expect(json.licenseRequest.challenge).toMatch(/^\[challenge: \d+ bytes\]$/);
      });
    }

    it('plays through a plain-text base64 reply', async () => {
      useKeyflow({ provider: 'custom', servers: { [CK]: at('proxy/text/license') }, unwrapResponse: { path: '' } });
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expectKeysUsable();
    });

    it('an expired token: TOKEN_EXPIRED (by an error rule) on keyflow and in Shaka’s error chain', async () => {
      const token = await proxyToken(SAMPLE, 1);
      await sleep(1200);
      const events = useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/json/license?contentId={contentId}') },
        contentId: SAMPLE,
        token: async () => token,
        refreshRejectedToken: false,
        headers: { 'X-Proxy-Token': '{token}' },
        wrapRequest: { challengeField: 'licenseRequest.challenge' },
        unwrapResponse: { path: 'data.license' },
        errors: {
          code: 'error.code',
          message: { header: 'X-Proxy-Error' },
          rules: [{ providerCode: 'AUTH_TOKEN_EXPIRED', means: 'TOKEN_EXPIRED' }],
        },
      } as KeyflowConfig);
      const { shakaError, keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(shakaError.code).toBe(6007);
      expect(keyflowError?.code).toBe('TOKEN_EXPIRED');
      expect(keyflowError?.httpStatus).toBe(401);
      expect(keyflowError?.providerCode).toBe('AUTH_TOKEN_EXPIRED');
      expect(keyflowError?.message).toBe('License server answered HTTP 401: The token has expired [AUTH_TOKEN_EXPIRED]');
      expect(events.errors.map((e) => e.code)).toEqual(['TOKEN_EXPIRED']);
      expect(events.errors[0]).toBe(keyflowError!);
      expect(video.currentTime).toBe(0);
      expect((await log<ProxyRecord>('proxy/_requests')).map((r) => [r.status, r.errorCode])).toEqual([[401, 'AUTH_TOKEN_EXPIRED']]);
    });

    it('a token rejected once: keyflow fetches a new one, wraps the challenge again with it and plays', async () => {
      const expired = await proxyToken(SAMPLE, 1);
      await sleep(1200);
      let calls = 0;
      const events = useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/json/license?contentId={contentId}') },
        contentId: SAMPLE,
        token: async () => (++calls === 1 ? expired : proxyToken()),
        prefetchToken: false,
        headers: { 'X-Proxy-Token': '{token}' },
        wrapRequest: { challengeField: 'licenseRequest.challenge', fields: { kids: '{keyIdsHex}' } },
        unwrapResponse: { path: 'data.license' },
        errors: { code: 'error.code', rules: [{ providerCode: 'AUTH_TOKEN_EXPIRED', means: 'TOKEN_EXPIRED' }] },
      } as KeyflowConfig);
      if (shakaMajor() >= 5) {
        await player.load(at('content/cenc/manifest.mpd'));
      } else {
        // Shaka 4 runs the request filter once: keyflow fetches a new token and reloads the content.
        await player.load(at('content/cenc/manifest.mpd')).catch(() => {});
        await waitFor(() => events.responses.length > 0, 'the license after the reload');
      }
      await expectPlaysPast(video, 1);
      expect(calls).toBe(2);
      expect(events.errors.map((e) => e.code)).toEqual(shakaMajor() >= 5 ? [] : ['TOKEN_EXPIRED']);
      const records = await log<ProxyRecord>('proxy/_requests');
      expect(records.map((r) => r.status)).toEqual([401, 200]);
      expect(records[1]!.json).toEqual(records[0]!.json); // same body shape, challenge wrapped once
    });

    it('a content id the token does not cover: NOT_ENTITLED', async () => {
      const events = useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/json/license?contentId={contentId}') },
        contentId: `${SAMPLE}-first-key`, // covers only one of the sample's two keys
        token: () => proxyToken(`${SAMPLE}-first-key`),
        headers: { 'X-Proxy-Token': '{token}' },
        wrapRequest: { challengeField: 'licenseRequest.challenge' },
        unwrapResponse: { path: 'data.license' },
        errors: { code: 'error.code', message: { header: 'X-Proxy-Error' } },
      });
      const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(keyflowError?.code).toBe('NOT_ENTITLED');
      expect(keyflowError?.httpStatus).toBe(403);
      expect(keyflowError?.providerCode).toBe('CONTENT_NOT_ALLOWED');
      expect(events.errors.map((e) => e.code)).toEqual(['NOT_ENTITLED']);
    });

    it('a wrong unwrap path: MALFORMED_RESPONSE naming the path, not a bare 6008', async () => {
      const events = useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/shaka/wrapped_request_and_response') },
        wrapRequest: { challengeField: 'rawLicenseRequestBase64' },
        unwrapResponse: { path: 'license' },
      });
      const { shakaError, keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(shakaError.code).toBe(6007);
      expect(keyflowError?.code).toBe('MALFORMED_RESPONSE');
      expect(keyflowError?.message).toBe('custom: the license server\'s reply has no "license" (see unwrapResponse)');
      expect(events.errors.map((e) => e.code)).toEqual(['MALFORMED_RESPONSE']);
    });

    it('a wrapped reply that is not unwrapped: MALFORMED_RESPONSE with a hint, not a bare 6008', async () => {
      useKeyflow({
        provider: 'custom',
        servers: { [CK]: at('proxy/shaka/wrapped_request_and_response') },
        wrapRequest: { challengeField: 'rawLicenseRequestBase64' },
      });
      const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(keyflowError?.code).toBe('MALFORMED_RESPONSE');
      expect(keyflowError?.message).toContain('is the license wrapped? see unwrapResponse');
    });
  });

  describe('clearkey provider against the DASH-IF ClearKey server', () => {
    for (const scheme of ['cenc', 'cbcs']) {
      it(`plays ${scheme} with a token from the authorization service`, async () => {
        const events = useKeyflow({
          provider: 'clearkey',
          servers: { [CK]: at('dashif/license') },
          token: (ctx) => dashIfToken(ctx.keyIds),
        });
        await player.load(at(`content/${scheme}/manifest.mpd`));
        await expectPlaysPast(video, 2);
        expectKeysUsable();
        expect(events.errors).toEqual([]);
        expect(events.requests.map((e) => e.url)).toEqual([at('dashif/license')]);

        const licenses = (await log<DashIfRecord>('dashif/_requests')).filter((r) => r.kind === 'license');
        expect(licenses.length).toBe(1);
        expect(licenses[0]).toEqual(
          jasmine.objectContaining({
            status: 200,
            hadBearer: true,
            contentType: 'application/json',
            kids: jasmine.arrayWithExactContents(BOTH_KIDS),
            grantedKids: BOTH_KIDS,
          }),
        );
      });
    }

    it('a forged token: TOKEN_INVALID from the problem record, on keyflow and in Shaka’s error chain', async () => {
      const events = useKeyflow({
        provider: 'clearkey',
        servers: { [CK]: at('dashif/license') },
        token: async () => {
          const token = await dashIfToken(BOTH_KIDS);
          return `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
        },
        refreshRejectedToken: false,
      } as KeyflowConfig);
      const { shakaError, keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(shakaError.code).toBe(6007);
      expect(keyflowError?.code).toBe('TOKEN_INVALID');
      expect(keyflowError?.httpStatus).toBe(403);
      expect(keyflowError?.providerCode).toBe('https://dashif.org/drm-problems/insufficient-proof-of-authorization');
      expect(keyflowError?.message).toBe(
        'ClearKey license server answered HTTP 403: Not authorized: The authorization token is not authentic. [https://dashif.org/drm-problems/insufficient-proof-of-authorization]',
      );
      expect(events.errors.map((e) => e.code)).toEqual(['TOKEN_INVALID']);
      expect(video.currentTime).toBe(0);
    });

    it('an expired token: TOKEN_EXPIRED', async () => {
      const token = await dashIfToken(BOTH_KIDS, 1);
      await sleep(1200);
      const events = useKeyflow({
        provider: 'clearkey',
        servers: { [CK]: at('dashif/license') },
        token: async () => token,
        refreshRejectedToken: false,
      } as KeyflowConfig);
      const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(keyflowError?.code).toBe('TOKEN_EXPIRED');
      expect(keyflowError?.message).toContain('The authorization token has expired.');
      expect(events.errors.map((e) => e.code)).toEqual(['TOKEN_EXPIRED']);
      expect(JSON.stringify(events.errors.map((e) => e.message))).not.toContain(token.slice(-20));
    });

    it('no token configured: the server asks for proof of authorization (TOKEN_INVALID)', async () => {
      const events = useKeyflow({ provider: 'clearkey', servers: { [CK]: at('dashif/license') } });
      const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
      expect(keyflowError?.code).toBe('TOKEN_INVALID');
      expect(keyflowError?.message).toContain('No authorization token was provided');
      expect(events.errors.length).toBe(1);
      const licenses = (await log<DashIfRecord>('dashif/_requests')).filter((r) => r.kind === 'license');
      expect(licenses.map((r) => [r.status, r.hadBearer])).toEqual([[403, false]]);
    });
  });
});
