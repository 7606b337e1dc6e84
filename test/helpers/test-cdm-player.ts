// A player under the test CDM, for the e2e specs that play through emulated Widevine, PlayReady
// or FairPlay: the test CDM installed first and Shaka's page-wide DRM caches reset, undone in the
// same order by dispose(), so the ClearKey specs elsewhere are unaffected.
import type S from 'shaka-player';
import { installTestCdm, resetShakaDrmCaches, type TestCdm } from '../../src/testing/index';
import { createAttachedPlayer } from './playback';
import { shaka } from './shaka-global';

/** A `shaka.Player` attached to a fresh video element, with the test CDM installed until `dispose()`. */
export async function createTestCdmPlayer(): Promise<{
  video: HTMLVideoElement;
  player: S.Player;
  cdm: TestCdm;
  dispose: () => Promise<void>;
}> {
  const cdm = installTestCdm();
  await resetShakaDrmCaches(shaka);
  const attached = await createAttachedPlayer();
  return {
    ...attached,
    cdm,
    dispose: async () => {
      await attached.dispose();
      cdm.uninstall();
      await resetShakaDrmCaches(shaka);
    },
  };
}
