/**
 * The FairPlay content id a preset names, given to the CDM the way Shaka's
 * FairPlay helpers give it (shaka-player lib/drm/fairplay.js, 4.x and 5.x):
 * keyflow sets `drm.initDataTransform` to a function that, for `skd` init
 * data on Safari's legacy `WebKitMediaKeys` (Shaka's `apple` polyfill, the
 * only path on which Shaka's default transform acts), builds
 *
 * ```
 * [uint32 LE] length, the skd:// URI in UTF-16LE
 * [uint32 LE] length, the content id in UTF-16LE
 * [uint32 LE] length, the server certificate
 * ```
 *
 * and otherwise calls the transform that was configured before (Shaka's
 * default, or the app's). Without a server certificate it leaves the init
 * data to that transform, which fails with Shaka's 6015 (keyflow explains it).
 * An app that sets `drm.initDataTransform` after keyflow replaces this one for
 * good: keyflow's later `configure()` calls leave the app's in place.
 *
 * @module
 */
import { skdUriOf } from '../providers/engine/skd';
import type { ShakaPlayer } from './types';

/** Shaka's `drm.initDataTransform`. */
type InitDataTransform = (
  initData: Uint8Array,
  initDataType: string,
  drmInfo: { serverCertificate?: Uint8Array | null } | null,
) => Uint8Array;

/** The content id for an `skd://` URI, or null to leave the init data to the previous transform. */
export type ContentIdReader = (skdUri: string) => string | null;

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >> 8;
  }
  return bytes;
}

/** The init data Shaka's `FairPlay.initDataTransform(initData, contentId, cert)` builds. */
function fairPlayInitData(skdUri: string, contentId: string, certificate: Uint8Array): Uint8Array {
  const parts = [utf16le(skdUri), utf16le(contentId), certificate];
  const out = new Uint8Array(parts.reduce((total, part) => total + 4 + part.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength, true);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}

/** Whether Shaka polyfilled EME with Safari's legacy WebKit keys (`DrmUtils.isMediaKeysPolyfilled('apple')`). */
function onLegacyAppleKeys(): boolean {
  return (globalThis as { shakaMediaKeysPolyfill?: unknown }).shakaMediaKeysPolyfill === 'apple';
}

/** keyflow's `drm.initDataTransform` on one player, while a preset names a content id. */
export class ContentIdTransform {
  /** The transform keyflow configured, or null. */
  private mine_: InitDataTransform | null = null;
  /** The transform configured before keyflow's (Shaka's default or the app's). */
  private previous_: InitDataTransform | undefined;

  /** @param player_ the player keyflow configures */
  constructor(private readonly player_: ShakaPlayer) {}

  /** Set once the app configured its own transform over keyflow's: keyflow leaves it alone from then on. */
  private displaced_ = false;

  /** Configures the transform for `contentIdOf`, or takes keyflow's out when null. */
  apply(contentIdOf: ContentIdReader | null): void {
    const current = (this.player_.getConfiguration().drm as { initDataTransform?: InitDataTransform }).initDataTransform;
    if (this.mine_ && current !== this.mine_) this.displaced_ = true;
    if (this.displaced_) return;
    if (!this.mine_) this.previous_ = current;
    if (!contentIdOf) {
      if (this.mine_) this.player_.configure({ drm: { initDataTransform: this.previous_ } });
      this.mine_ = null;
      return;
    }
    const previous = this.previous_;
    this.mine_ = (initData, initDataType, drmInfo) => {
      const certificate = drmInfo?.serverCertificate;
      const uri = initDataType === 'skd' && onLegacyAppleKeys() && certificate?.byteLength ? skdUriOf(initData) : null;
      const contentId = uri && contentIdOf(uri);
      if (uri && contentId) return fairPlayInitData(uri, contentId, certificate!);
      return previous ? previous(initData, initDataType, drmInfo) : initData;
    };
    this.player_.configure({ drm: { initDataTransform: this.mine_ } });
  }
}
