import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/** Options of the `mux` preset. */
export interface MuxOptions {
  /**
   * The DRM license token of the playback ID (a JWT your backend signs with your Mux signing key,
   * `aud: "d"`, `sub`: the playback ID; never in the browser), or a function returning it. Sent as
   * the `token` query parameter of every license and FairPlay certificate request.
   */
  token: TokenSource<string>;
  /**
   * The DRM playback ID of the asset or live stream being played: the license and FairPlay
   * certificate URLs are per playback ID. Change it per title with `configure()`. Without it there
   * are no default URLs.
   */
  playbackId?: string;
}

const MUX_LICENSE = 'https://license.mux.com/';

/** The license URLs of the playback ID (Mux "Protect videos with DRM", "Creating license URLs"). */
function muxServers({ playbackId }: Pick<MuxOptions, 'playbackId'>): LicenseServers {
  if (!playbackId) return {};
  const license = (drm: string) => `${MUX_LICENSE}license/${drm}/${playbackId}`;
  return {
    [KeySystem.WIDEVINE]: license('widevine'),
    [KeySystem.PLAYREADY]: license('playready'),
    [KeySystem.PLAYREADY_RECOMMENDATION]: license('playready'),
    [KeySystem.FAIRPLAY]: license('fairplay'),
  };
}

/** The FairPlay certificate URL of the playback ID (the token is added like on license requests). */
function muxCertificates({ playbackId }: Pick<MuxOptions, 'playbackId'>): Record<string, string> {
  return playbackId ? { [KeySystem.FAIRPLAY]: `${MUX_LICENSE}appcert/fairplay/${playbackId}` } : {};
}

/**
 * The wire: the DRM license token as the `token` query parameter, on the license requests and on
 * the FairPlay certificate request (`certificate`); FairPlay's SPC raw as
 * `application/octet-stream`, the reply the CKC itself (Mux's native-EME example). Mux documents
 * no error replies for its license endpoints: errors go by HTTP status. (A function, so that
 * bundlers drop it with the preset.)
 */
function muxWire(): WireSpec {
  return {
    query: { token: '{token}' },
    certificate: {},
    keySystems: { [KeySystem.FAIRPLAY]: { headers: { 'Content-Type': 'application/octet-stream' } } },
  };
}

function validateMux({ token, playbackId }: MuxOptions): void {
  if (playbackId !== undefined && (typeof playbackId !== 'string' || !/^[A-Za-z0-9]{1,128}$/.test(playbackId))) {
    throw new KeyflowError('INVALID_CONFIG', 'mux: `playbackId` must be a Mux playback ID (letters and digits)');
  }
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError('INVALID_CONFIG', 'mux: `token` is required: the DRM license token (a JWT), or a function returning it');
  }
}

/**
 * The Mux Video DRM preset (mux.com/docs, "Protect videos with DRM"): per playback ID, the
 * license URLs `https://license.mux.com/license/{widevine,playready,fairplay}/<playbackId>` and the
 * FairPlay certificate `https://license.mux.com/appcert/fairplay/<playbackId>`, each with
 * `?token=<DRM license token>`. The challenge goes as the body, as Shaka sends it.
 */
export const muxProvider: Provider<MuxOptions, string> = /* @__PURE__ */ definePreset<MuxOptions, string>({
  name: 'mux',
  label: 'Mux',
  optionNames: ['token', 'playbackId'],
  defaultServers: {},
  defaultServersFor: muxServers,
  defaultCertificatesFor: muxCertificates,
  wire: muxWire,
  validate: validateMux,
});
