// The irdeto preset end to end: Shaka + keyflow + the Irdeto emulator (src/testing/node/vendors/
// irdeto.ts, observed behaviour), Widevine and PlayReady through the test CDM over the browser's
// real ClearKey CDM, so decryption and playback are real. The app's backend is the emulator's _token.
import type S from 'shaka-player';
import type { KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { at } from '../helpers/env';
import { expectPlaysPast, loadExpectingError } from '../helpers/playback';
import { createTestCdmPlayer } from '../helpers/test-cdm-player';
import { clearVendorRequests, vendorRequests, vendorUrl } from '../helpers/vendors';

const WV = 'com.widevine.alpha';
const PR = 'com.microsoft.playready';
const TENANT = 'keyflow';
const CONTENT = 'keyflow-sample';

describe('irdeto preset, end to end (test CDM)', () => {
  let video: HTMLVideoElement;
  let player: S.Player;
  let dispose: () => Promise<void>;
  let keyflow: Keyflow | null = null;
  let errors: KeyflowError[];

  beforeEach(async () => {
    ({ video, player, dispose } = await createTestCdmPlayer());
    await clearVendorRequests();
    errors = [];
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await dispose();
  });

  function useIrdeto(keySystem: string, { entitled = CONTENT, tokenIn = 'query' as 'query' | 'header' } = {}): void {
    player.configure({ drm: { preferredKeySystems: [keySystem], retryParameters: { maxAttempts: 1 } } });
    const license = (drm: string) => vendorUrl('irdeto', `licenseServer/${drm}/v1/${TENANT}/license`);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'irdeto',
      tenant: TENANT,
      contentId: CONTENT,
      tokenIn,
      // Your backend gets the session token; here the emulator plays it.
      token: async () => (await fetch(vendorUrl('irdeto', `_token?tenant=${TENANT}&contentId=${entitled}`))).text(),
      servers: { [WV]: license('widevine'), [PR]: license('playready') },
    });
    keyflow.on('error', (e) => errors.push(e));
  }

  for (const [name, keySystem, drm, tokenIn] of [
    ['Widevine', WV, 'wv', 'query'],
    ['PlayReady', PR, 'pr', 'header'],
  ] as const) {
    it(`${name}: plays, contentId and keyId in the query, the token ${tokenIn === 'query' ? 'as ls_session' : 'as a Bearer header'}`, async () => {
      useIrdeto(keySystem, { tokenIn });
      await player.load(at('content/cenc/manifest.mpd'));
      await expectPlaysPast(video, 1);
      expect(errors).toEqual([]);
      const licenses = (await vendorRequests('irdeto')).filter((r) => r.method === 'POST' && r.status === 200 && (r.kids?.length ?? 0) > 0);
      expect(licenses.length).toBeGreaterThan(0);
      for (const record of licenses) {
        expect(record.drm).toBe(drm);
        expect(record.queryNames).toEqual(tokenIn === 'query' ? ['contentId', 'keyId', 'ls_session'] : ['contentId', 'keyId']);
        expect(record.headerNames.includes('authorization')).toBe(tokenIn === 'header');
      }
    });
  }

  it('Widevine: a token for other content is NOT_ENTITLED, the reason from the JSON reply', async () => {
    useIrdeto(WV, { entitled: 'other-title' });
    const { keyflowError } = await loadExpectingError(player, at('content/cenc/manifest.mpd'));
    expect(keyflowError?.code).toBe('NOT_ENTITLED');
    expect(keyflowError?.httpStatus).toBe(403);
    expect(keyflowError?.message).toMatch(
      /^Irdeto license server answered HTTP 403: The session token does not entitle content keyflow-sample\./,
    );
    expect(video.currentTime).toBe(0);
  });
});
