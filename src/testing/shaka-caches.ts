/**
 * Resetting Shaka Player's DRM capability caches, so a test CDM installed
 * or uninstalled between two loads in the same page is seen by the next one.
 *
 * @module
 */

/** The part of a Shaka Player namespace this helper uses (`shaka` global or the npm import). */
export interface ShakaNamespaceLike {
  /** `shaka.Player`: a throw-away player is created to reach Shaka's page-wide caches. */
  Player: {
    /** Creates a player with no media element. */
    new (): {
      /** `player.configure(name, value)`. */
      configure(name: string, value: unknown): boolean;
      /** `player.unload()`. */
      unload(initializeMediaSource?: boolean): Promise<void>;
      /** `player.destroy()`. */
      destroy(): Promise<void>;
    };
  };
}

/**
 * Clears Shaka Player's page-wide caches of `mediaCapabilities.decodingInfo`
 * results and `MediaKeySystemAccess` objects (`StreamUtils`' decoding config
 * cache and `DrmUtils`' access map), which Shaka fills on the first load and
 * reuses for every later load in the page. Without this, a load after
 * {@link installTestCdm} still sees "Widevine not supported" from before, and
 * a load after `uninstall()` may reuse an emulated access.
 *
 * Shaka exports no function for it; this uses only public API: a throwaway
 * player configured with `streaming.clearDecodingCache: true` is unloaded
 * (Shaka clears both caches on unload with that setting) and destroyed.
 * Apps may instead set `streaming.clearDecodingCache: true` on their own
 * players (the caches are then cleared on every unload).
 *
 * @param shaka the Shaka Player namespace (Shaka 4.9+)
 * @throws Error if this Shaka has no `streaming.clearDecodingCache` setting
 */
export async function resetShakaDrmCaches(shaka: ShakaNamespaceLike): Promise<void> {
  const player = new shaka.Player();
  try {
    if (!player.configure('streaming.clearDecodingCache', true)) {
      throw new Error('resetShakaDrmCaches: this Shaka Player has no streaming.clearDecodingCache setting');
    }
    await player.unload(false);
  } finally {
    await player.destroy();
  }
}
