// The engine capabilities of issue 12 end to end: Shaka Player + keyflow, real encrypted DASH and
// the browser's real ClearKey CDM. One playback goes through the wrapping proxy's form route
// (src/testing/node/wrapping-proxy.ts at /proxy/form/license) with a per-key-system override (the
// spec's own JSON shape would be refused by this route), a form body, an encoded JSON header and a
// template transform; others through the ExpressPlay emulator: the license URL from the token, an
// error rule by message pattern, a token's expiresAt, and a preset's license URL computed from its
// options (defaultServersFor, no servers configured).
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow as CoreKeyflow } from '../../src/core';
import { Keyflow } from '../../src/keyflow';
import { definePreset } from '../../src/providers/engine/define-preset';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken } from '../helpers/env';
import { proxyToken, SAMPLE, type ProxyRecord } from '../helpers/proxy';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';

const CK = 'org.w3.clearkey';

describe('Engine capabilities, end to end (ClearKey CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    await fetch(at('proxy/_requests'), { method: 'DELETE' });
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  it('plays through a form route: a key-system override, a form body, an encoded JSON header, a |uuid transform', async () => {
    const errors: KeyflowError[] = [];
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: at('proxy/form/license') },
      contentId: SAMPLE,
      token: () => proxyToken(),
      // The spec's shape for every other key system: this route would refuse it (not a form).
      wrapRequest: { challengeField: 'challenge' },
      unwrapResponse: { path: 'license' },
      keySystems: {
        [CK]: {
          wrapRequest: { format: 'form', challengeField: 'spc', fields: { assetId: '{contentId}' } },
          unwrapResponse: { path: 'ckc' },
          headers: { 'X-Custom-Data': { json: { token: '{token}', kid: '{keyIdHex|uuid}' } } },
        },
      },
    });
    keyflow.on('error', (e) => errors.push(e));
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 2);
    const statuses = player.getKeyStatuses();
    expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
    expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
    expect(errors).toEqual([]);

    const records = (await (await fetch(at('proxy/_requests'))).json()) as ProxyRecord[];
    expect(records.length).toBe(1);
    expect(records[0]).toEqual(
      jasmine.objectContaining({
        path: 'form/license',
        status: 200,
        hadToken: true,
        contentId: SAMPLE,
        contentType: 'application/x-www-form-urlencoded',
        kids: [CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort(),
      }),
    );
    // The form's fields in order, the challenge last (logged without its bytes).
    expect(Object.keys(records[0]!.json!)).toEqual(['assetId', 'spc']);
  });

  it('without the override the route refuses the request (no token where it reads one), typed', async () => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: at('proxy/form/license') },
      contentId: SAMPLE,
      token: () => proxyToken(),
      wrapRequest: { challengeField: 'challenge' },
      errors: { code: 'error.code', message: 'error.message' },
    });
    const { shakaError, keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(shakaError.code).toBe(6007);
    expect(keyflowError?.httpStatus).toBe(401);
    const records = (await (await fetch(at('proxy/_requests'))).json()) as ProxyRecord[];
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => r.errorCode)).toEqual(records.map(() => 'AUTH_TOKEN_MISSING'));
  });

  it('the license URL from the token ({token.url}): the token API’s tokenized URL is used as it is', async () => {
    const errors: KeyflowError[] = [];
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: '{token.url}' },
      token: async () => ({ url: await mintToken({ drm: 'ck' }) }),
    });
    keyflow.on('error', (e) => errors.push(e));
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(errors).toEqual([]);
    const licenses = (await emulatorRequests()).filter((r) => r.kind === 'license' && r.method === 'POST');
    expect(licenses.map((r) => [r.status, r.hadToken])).toEqual([[200, true]]);
  });

  it('an error rule by message pattern: the emulator’s "token has expired" is TOKEN_EXPIRED, not its status’s NOT_ENTITLED', async () => {
    const expired = await mintToken({ drm: 'ck', expirationTime: '+1' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: '{token.url}' },
      token: { url: expired },
      errors: { code: 'errorCode', message: 'errorMessage', rules: [{ status: 403, message: 'has expired', means: 'TOKEN_EXPIRED' }] },
    });
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('TOKEN_EXPIRED');
    expect(keyflowError?.providerCode).toBe(-4010);
    expect(keyflowError?.message).toBe('License server answered HTTP 403: Invalid token: the token has expired [-4010]');
  });

  it('a token’s expiresAt is honoured: reused until then, a load after it fetches a new token', async () => {
    const reasons: string[] = [];
    let expiresAt = 0;
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token: async () => {
        expiresAt = Date.now() + 6000;
        return { token: await mintToken({ drm: 'ck' }), expiresAt };
      },
      servers: { [CK]: at('hms/ck/rights/') },
      tokenRefreshMarginMs: 100,
    });
    keyflow.on('tokenrequest', (e) => reasons.push(e.reason));
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    const fetchesBefore = reasons.length;
    await player.unload();
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    expect(Date.now()).toBeLessThan(expiresAt - 100); // the check below is only meaningful while it is valid
    expect(reasons.length).toBe(fetchesBefore); // still valid: reused
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const fetchesThen = reasons.length;
    await player.unload();
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
    // Past expiresAt, long before tokenMaxAgeMs (10 min): a new token for the new load.
    expect(reasons.length).toBeGreaterThan(fetchesThen);
  });

  it('a preset’s defaultServersFor(options) gives the license URL when no servers are configured', async () => {
    const errors: KeyflowError[] = [];
    // A preset whose license host is an option (a tenant, a region): here the emulator's origin.
    const acme = definePreset<{ token: () => Promise<string>; base: string }, string>({
      name: 'acme',
      optionNames: ['token', 'base'],
      defaultServers: {},
      defaultServersFor: ({ base }) => ({ [CK]: `${base}hms/ck/rights/` }),
      wire: { query: { ExpressPlayToken: '{token}' } },
      validate: () => {},
    });
    // shaka-keyflow/core's Keyflow: it takes preset objects.
    const withPreset = new CoreKeyflow(player as unknown as ShakaPlayer, {
      provider: acme,
      base: at(''),
      // A bare token: the license URL can only come from defaultServersFor.
      token: async () => new URL(await mintToken({ drm: 'ck' })).searchParams.get('ExpressPlayToken') ?? '',
    });
    try {
      withPreset.on('error', (e) => errors.push(e));
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
    } finally {
      withPreset.destroy();
    }
    expect(errors).toEqual([]);
    const licenses = (await emulatorRequests()).filter((r) => r.kind === 'license' && r.method === 'POST');
    expect(licenses.map((r) => [r.path, r.status, r.hadToken])).toEqual([['/hms/ck/rights/', 200, true]]);
  });
});
