import { KeySystem } from '../api/key-systems';

/**
 * The order keyflow guesses Shaka's key system choice in, before the
 * manifest is known (for token prefetch): the app's `preferredKeySystems`
 * first, then hardware-backed systems before ClearKey, as players do.
 */
const GUESS_ORDER: readonly string[] = [
  KeySystem.WIDEVINE,
  KeySystem.PLAYREADY_RECOMMENDATION,
  KeySystem.PLAYREADY,
  KeySystem.FAIRPLAY,
  KeySystem.CLEARKEY,
];

/** Asks EME whether a key system is usable here, with a minimal configuration. */
async function isKeySystemSupported(keySystem: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || typeof navigator.requestMediaKeySystemAccess !== 'function') return false;
  const isFairPlay = keySystem.startsWith('com.apple.fps');
  const config: MediaKeySystemConfiguration = {
    initDataTypes: isFairPlay ? ['sinf', 'skd'] : ['cenc', 'keyids'],
    videoCapabilities: [{ contentType: isFairPlay ? 'video/mp4; codecs="avc1.42E01E"' : 'video/mp4; codecs="avc1.4d401e"' }],
  };
  try {
    await navigator.requestMediaKeySystemAccess(keySystem, [config]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Guesses which of `candidates` Shaka will pick on this platform: the first
 * supported one in preference order. Each key system is probed once per
 * `cache` (a platform's EME support does not change while a page lives).
 *
 * @param candidates key systems keyflow has license URLs for
 * @param preferred the player's `drm.preferredKeySystems`
 * @param cache probe results by key system
 */
export async function guessKeySystem(
  candidates: readonly string[],
  preferred: readonly string[],
  cache: Map<string, Promise<boolean>>,
): Promise<string | null> {
  const ordered = [
    ...preferred.filter((ks) => candidates.includes(ks)),
    ...GUESS_ORDER.filter((ks) => candidates.includes(ks) && !preferred.includes(ks)),
    ...candidates.filter((ks) => !GUESS_ORDER.includes(ks) && !preferred.includes(ks)),
  ];
  for (const keySystem of ordered) {
    let probe = cache.get(keySystem);
    if (!probe) {
      probe = isKeySystemSupported(keySystem);
      cache.set(keySystem, probe);
    }
    if (await probe) return keySystem;
  }
  return null;
}

/**
 * What EME said about each key system probed so far, filled as probes
 * settle: read synchronously when a load fails (Shaka 6001 / 6012) to say
 * what this browser supports.
 */
export class KeySystemSupport {
  /** Probe promises by key system, shared with {@link guessKeySystem}. */
  readonly probes = new Map<string, Promise<boolean>>();
  private readonly results_ = new Map<string, boolean>();

  /** Starts a probe of each key system not probed yet. */
  probe(keySystems: Iterable<string>): void {
    for (const keySystem of keySystems) {
      if (this.probes.has(keySystem)) {
        this.watch_(keySystem, this.probes.get(keySystem)!);
        continue;
      }
      const probe = isKeySystemSupported(keySystem);
      this.probes.set(keySystem, probe);
      this.watch_(keySystem, probe);
    }
  }

  private watch_(keySystem: string, probe: Promise<boolean>): void {
    if (this.results_.has(keySystem)) return;
    probe.then((ok) => this.results_.set(keySystem, ok)).catch(() => this.results_.set(keySystem, false));
  }

  /** Key systems whose probe answered yes, and those whose probe answered no. */
  known(): { supported: string[]; unsupported: string[] } {
    const supported: string[] = [];
    const unsupported: string[] = [];
    for (const [keySystem, ok] of this.results_) (ok ? supported : unsupported).push(keySystem);
    return { supported, unsupported };
  }
}

/** Every key system keyflow probes when a load starts, to explain a failed key system choice. */
export const PROBED_KEY_SYSTEMS: readonly string[] = GUESS_ORDER;
