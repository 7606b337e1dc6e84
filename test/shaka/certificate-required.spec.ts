// Shaka's 6015 (SERVER_CERTIFICATE_REQUIRED: FairPlay asked for a session without a server
// certificate) reaches the app explained, as keyflow's INVALID_CONFIG, attached to Shaka's error
// and sent once through keyflow's `error` event. The error event is dispatched on a real
// shaka.Player, as Shaka's DrmEngine raises it (Shaka's FairPlay.initDataTransform throws 6015
// when drmInfo.serverCertificate is empty).
import type S from 'shaka-player';
import { findKeyflowError, type KeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import type { ShakaPlayer } from '../../src/shaka/types';
import { shaka } from '../helpers/shaka-global';

describe('FairPlay without a server certificate (Shaka 6015)', () => {
  let player: S.Player;
  let keyflow: Keyflow | null = null;

  beforeEach(() => {
    player = new shaka.Player();
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await player.destroy();
  });

  it("is INVALID_CONFIG naming what to set, on Shaka's error and through keyflow's error event, once", () => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: 'expressplay', token: 'T' });
    const errors: KeyflowError[] = [];
    keyflow.on('error', (e) => errors.push(e));
    const shakaError = new shaka.util.Error(shaka.util.Error.Severity.CRITICAL, shaka.util.Error.Category.DRM, 6015);
    player.dispatchEvent(new shaka.util.FakeEvent('error', new Map<string, unknown>([['detail', shakaError]]) as never));
    expect(errors.length).toBe(1);
    expect(errors[0]!.code).toBe('INVALID_CONFIG');
    expect(errors[0]!.keySystem).toBe('com.apple.fps');
    expect(errors[0]!.message).toContain("drm.advanced['com.apple.fps'].serverCertificateUri");
    expect(findKeyflowError(shakaError)).toBe(errors[0]!);
  });
});
