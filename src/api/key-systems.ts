/** EME key system names keyflow knows by name. */
export const KeySystem = {
  /** Google Widevine. */
  WIDEVINE: 'com.widevine.alpha',
  /** Microsoft PlayReady (the legacy key system string most PlayReady CDMs answer to). */
  PLAYREADY: 'com.microsoft.playready',
  /** Microsoft PlayReady, the recommended key system string of newer Edge and Windows CDMs. */
  PLAYREADY_RECOMMENDATION: 'com.microsoft.playready.recommendation',
  /** Apple FairPlay Streaming (modern EME). */
  FAIRPLAY: 'com.apple.fps',
  /** W3C ClearKey: built into every EME browser; keys travel in clear (tests, low-value content). */
  CLEARKEY: 'org.w3.clearkey',
} as const;

/**
 * An EME key system string. The named ones get editor completion; any other
 * string is accepted too (e.g. a vendor's PlayReady variant).
 */
export type KeySystemName = (typeof KeySystem)[keyof typeof KeySystem] | (string & {});

/** Per-key-system license server URLs, as in Shaka's `drm.servers`. */
export type LicenseServers = Partial<Record<KeySystemName, string>>;
