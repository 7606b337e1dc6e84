// The whole ExpressPlay flow in the browser: Shaka Player + keyflow + the ExpressPlay emulator,
// real encrypted DASH (Shaka Packager output) and Chromium's real ClearKey CDM.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import type { LicenseRequestEvent, LicenseResponseEvent } from '../../src/api/events';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at, clearEmulatorRequests, CONTENT_KEYS, emulatorRequests, mintToken, waitFor } from '../helpers/env';
import { createAttachedPlayer, expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';

describe('ExpressPlay flow, end to end (ClearKey CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null;

  beforeEach(async () => {
    ({ video, player, dispose } = await createAttachedPlayer());
    keyflow = null;
    await clearEmulatorRequests();
  });

  afterEach(async () => {
    keyflow?.destroy();
    await dispose();
  });

  function useKeyflow(token: () => Promise<string>): {
    requests: LicenseRequestEvent[];
    responses: LicenseResponseEvent[];
    errors: KeyflowError[];
  } {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'expressplay',
      token,
      servers: { [CK]: at('hms/ck/rights/') },
    });
    const log = { requests: [] as LicenseRequestEvent[], responses: [] as LicenseResponseEvent[], errors: [] as KeyflowError[] };
    keyflow.on('licenserequest', (e) => log.requests.push(e));
    keyflow.on('licenseresponse', (e) => log.responses.push(e));
    keyflow.on('error', (e) => log.errors.push(e));
    return log;
  }

  for (const scheme of ['cenc', 'cbcs']) {
    it(`plays the ${scheme} sample with a token from the token API`, async () => {
      let tokenCalls = 0;
      const log = useKeyflow(() => {
        tokenCalls++;
        return mintToken({ drm: 'ck' });
      });
      await player.load(at(`content/${scheme}/manifest.mpd`));
      await expectPlaysPast(video, 2);

      expect(player.keySystem()).toBe(CK);
      expect(tokenCalls).toBe(1);
      expect(log.errors).toEqual([]);
      expect(log.requests.length).toBe(1);
      expect(log.requests[0]!.keySystem).toBe(CK);
      expect(log.requests[0]!.url).toBe(`${at('hms/ck/rights/')}?ExpressPlayToken=[redacted]`);
      expect(log.requests[0]!.keyIds.sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
      expect(log.responses.length).toBe(1);
      expect(log.responses[0]!.status).toBe(200);

      const licenses = (await emulatorRequests()).filter((r) => r.kind === 'license');
      expect(licenses.length).toBe(1);
      expect(licenses[0]!.status).toBe(200);
      expect(licenses[0]!.hadToken).toBe(true);
      expect((licenses[0]!.kids ?? []).sort()).toEqual([CONTENT_KEYS.audio.kid, CONTENT_KEYS.video.kid].sort());
      const statuses = player.getKeyStatuses();
      expect(statuses[CONTENT_KEYS.video.kid]).toBe('usable');
      expect(statuses[CONTENT_KEYS.audio.kid]).toBe('usable');
    });
  }

  it('plays with a bare token (the token only, URL from `servers`)', async () => {
    useKeyflow(async () => {
      const url = new URL(await mintToken({ drm: 'ck' }));
      return url.searchParams.get('ExpressPlayToken') ?? '';
    });
    await player.load(at('content/cenc/manifest.mpd'));
    await expectPlaysPast(video, 1);
  });

  function forge(url: string): string {
    const at = url.indexOf('ExpressPlayToken=') + 'ExpressPlayToken='.length + 5;
    return url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
  }

  it('a forged token (no refresh): no playback, TOKEN_INVALID on keyflow and in Shaka’s error', async () => {
    let sent = '';
    const log = useKeyflow(async () => (sent = forge(await mintToken({ drm: 'ck' }))));
    keyflow!.configure({ refreshRejectedToken: false });
    const { shakaError, keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(shakaError.code).toBe(6007);
    // Neither keyflow's error nor Shaka's own error chain carries the token.
    const token = sent.slice(sent.indexOf('ExpressPlayToken=') + 'ExpressPlayToken='.length);
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify(shakaError)).not.toContain(token.slice(0, 20));
    expect(keyflowError?.code).toBe('TOKEN_INVALID');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.providerCode).toBe(-4010);
    expect(log.errors.map((e) => e.code)).toEqual(['TOKEN_INVALID']);
    expect(video.currentTime).toBe(0);
    const licenses = (await emulatorRequests()).filter((r) => r.kind === 'license');
    expect(licenses.map((r) => r.status)).toEqual([403]);
  });

  it('a token source that keeps returning forged tokens: one refresh, then TOKEN_REJECTED', async () => {
    let calls = 0;
    const log = useKeyflow(async () => {
      calls++;
      return forge(await mintToken({ drm: 'ck' }));
    });
    await player.load(at('content/cenc/manifest.mpd')).catch(() => {});
    await waitFor(() => log.errors.some((e) => e.code === 'TOKEN_REJECTED'), 'TOKEN_REJECTED');
    const keyflowError = log.errors[log.errors.length - 1];
    expect(keyflowError?.code).toBe('TOKEN_REJECTED');
    expect((keyflowError?.cause as { code?: string } | undefined)?.code).toBe('TOKEN_INVALID');
    expect(keyflowError?.providerCode).toBe(-4010);
    // Shaka 5 replays the challenge within one request; Shaka 4 reports the first rejection, then keyflow reloads.
    expect(log.errors.map((e) => e.code)).toEqual(shakaMajor() >= 5 ? ['TOKEN_REJECTED'] : ['TOKEN_INVALID', 'TOKEN_REJECTED']);
    expect(calls).toBe(2);
    const licenses = (await emulatorRequests()).filter((r) => r.kind === 'license');
    expect(licenses.map((r) => r.status)).toEqual([403, 403]);
  });

  it('an expired token (no refresh): no playback, TOKEN_INVALID (-4010: ExpressPlay documents no expired code) on keyflow and in Shaka’s error', async () => {
    const token = await mintToken({ drm: 'ck', expirationTime: '+1' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const log = useKeyflow(async () => token);
    keyflow!.configure({ refreshRejectedToken: false });
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('TOKEN_INVALID');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.providerCode).toBe(-4010);
    expect(keyflowError?.message).toBe('ExpressPlay license server answered HTTP 403: Invalid token: the token has expired [-4010]');
    expect(log.errors.map((e) => e.code)).toEqual(['TOKEN_INVALID']);
    expect(JSON.stringify(log.errors.map((e) => e.message))).not.toContain(token.split('=').pop()!.slice(0, 12));
  });

  it('a token for other keys: NOT_ENTITLED', async () => {
    const log = useKeyflow(() =>
      mintToken({ drm: 'ck', keys: [{ kid: '00112233445566778899aabbccddeeff', key: '00112233445566778899aabbccddeeff' }] }),
    );
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(log.errors.length).toBe(1);
  });
});
