import { KeySystem } from '../api/key-systems';

/**
 * The robustness levels a support report asks EME about, per key system:
 * Widevine's five (W3C EME "Robustness" and the Widevine EME integration
 * names: software crypto/decode, hardware crypto/decode/all), PlayReady's
 * security levels on `com.microsoft.playready.recommendation` (150, 2000,
 * 3000: SL150, SL2000, SL3000 in Microsoft's PlayReady documentation), and the
 * empty string (no robustness asked) where a key system defines none.
 */
const ROBUSTNESS_LEVELS: Readonly<Record<string, readonly string[]>> = {
  [KeySystem.WIDEVINE]: ['SW_SECURE_CRYPTO', 'SW_SECURE_DECODE', 'HW_SECURE_CRYPTO', 'HW_SECURE_DECODE', 'HW_SECURE_ALL'],
  [KeySystem.PLAYREADY_RECOMMENDATION]: ['150', '2000', '3000'],
  [KeySystem.PLAYREADY]: [''],
  [KeySystem.FAIRPLAY]: [''],
  [KeySystem.CLEARKEY]: [''],
};

/** How long one probe may take before it counts as unanswered (some platforms never answer). */
const PROBE_TIMEOUT_MS = 3000;

/** What EME answered for one key system at one robustness level. */
export interface RobustnessProbe {
  /** The key system asked for. */
  keySystem: string;
  /** The robustness asked for (`''`: none). */
  robustness: string;
  /** Whether `requestMediaKeySystemAccess` granted it. */
  supported: boolean;
  /** Why not: the DOMException's name (`NotSupportedError`), `no answer` (timed out), or `no EME`. */
  reason?: string;
}

function configurationFor(keySystem: string, robustness: string): MediaKeySystemConfiguration {
  const isFairPlay = keySystem.startsWith('com.apple.fps');
  return {
    initDataTypes: isFairPlay ? ['sinf', 'skd'] : ['cenc', 'keyids'],
    videoCapabilities: [{ contentType: 'video/mp4; codecs="avc1.42E01E"', robustness }],
  };
}

async function probeOne(keySystem: string, robustness: string): Promise<RobustnessProbe> {
  if (typeof navigator === 'undefined' || typeof navigator.requestMediaKeySystemAccess !== 'function') {
    return { keySystem, robustness, supported: false, reason: 'no EME' };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer'), PROBE_TIMEOUT_MS)));
  const answer = navigator.requestMediaKeySystemAccess(keySystem, [configurationFor(keySystem, robustness)]).then(
    () => '',
    (error: unknown) => (error as { name?: string } | null)?.name ?? 'refused',
  );
  const reason = await Promise.race([answer, timeout]);
  clearTimeout(timer);
  return reason ? { keySystem, robustness, supported: false, reason } : { keySystem, robustness, supported: true };
}

/**
 * Asks EME about every key system and robustness level of `levels` (all at
 * once, each given at most 3 s). Nothing goes on the network; a CDM may be
 * initialised, so this runs only when a report is asked for, never during a
 * load.
 */
export function probeRobustness(levels: Readonly<Record<string, readonly string[]>> = ROBUSTNESS_LEVELS): Promise<RobustnessProbe[]> {
  const probes: Array<Promise<RobustnessProbe>> = [];
  for (const [keySystem, robustnesses] of Object.entries(levels)) {
    for (const robustness of robustnesses) probes.push(probeOne(keySystem, robustness));
  }
  return Promise.all(probes);
}
