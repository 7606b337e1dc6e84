/** EME key system names keyflow knows by name. */
export const KeySystem = {
  WIDEVINE: 'com.widevine.alpha',
  PLAYREADY: 'com.microsoft.playready',
  PLAYREADY_RECOMMENDATION: 'com.microsoft.playready.recommendation',
  FAIRPLAY: 'com.apple.fps',
  CLEARKEY: 'org.w3.clearkey',
} as const;

/**
 * An EME key system string. The named ones get editor completion; any other
 * string is accepted too (e.g. a vendor's PlayReady variant).
 */
export type KeySystemName = (typeof KeySystem)[keyof typeof KeySystem] | (string & {});

/** Per-key-system license server URLs, as in Shaka's `drm.servers`. */
export type LicenseServers = Partial<Record<KeySystemName, string>>;
