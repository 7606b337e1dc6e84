import { KeyflowError } from './errors';

/** What keyflow knows when Shaka could not pick a usable key system. */
export interface KeySystemFacts {
  /** Key systems the content signals (manifest DRM info), in manifest order; empty when unknown. */
  signalled: readonly string[];
  /** Key systems with a license URL (keyflow's and the app's `drm.servers`). */
  routed: readonly string[];
  /** Key systems this browser's EME accepted, as probed. */
  supported: readonly string[];
  /** Key systems this browser's EME refused, as probed. */
  unsupported: readonly string[];
}

function list(items: readonly string[]): string {
  return items.length ? items.join(', ') : 'none';
}

function factsText(facts: KeySystemFacts): string {
  const probed = facts.supported.length || facts.unsupported.length;
  return (
    `the content signals ${facts.signalled.length ? list(facts.signalled) : 'no key system keyflow could read'}; ` +
    `license URLs are configured for ${list(facts.routed)}; ` +
    (probed
      ? `this browser supports ${list(facts.supported)}` + (facts.unsupported.length ? ` (not ${list(facts.unsupported)})` : '')
      : `what this browser supports is not known yet (keyflow's EME probes had not answered)`)
  );
}

/**
 * The typed error for Shaka's 6012 NO_LICENSE_SERVER_GIVEN: Shaka chose
 * `chosen` (supported here, signalled by the content) and no license URL is
 * configured for it.
 */
export function noLicenseServerError(chosen: string | null, facts: KeySystemFacts): KeyflowError {
  const which = chosen ?? 'a key system';
  return new KeyflowError(
    'NO_LICENSE_SERVER',
    `Shaka chose ${which} but no license URL is configured for it: ${factsText(facts)}. ` +
      `Add servers['${which}'] to the keyflow configuration, or set drm.preferredKeySystems to a key system that has one.`,
    chosen ? { keySystem: chosen } : {},
  );
}

/**
 * The typed error for Shaka's 6001 REQUESTED_KEY_SYSTEM_CONFIG_UNAVAILABLE:
 * no key system that the content signals and that has a license URL is
 * supported by this browser.
 */
export function noKeySystemError(facts: KeySystemFacts): KeyflowError {
  return new KeyflowError(
    'NO_KEY_SYSTEM',
    `No key system the content signals and keyflow routes is supported by this browser: ${factsText(facts)}. ` +
      `keyflow probes each key system plainly; Shaka also asks for the robustness levels of drm.advanced and ` +
      `the content's codecs, so a key system supported here may still be refused for those.`,
  );
}

/**
 * System IDs (as in a DASH `ContentProtection@schemeIdUri` `urn:uuid:`) and
 * HLS `KEYFORMAT`s, by the EME key system Shaka maps them to. The common
 * (W3C) system ID and DASH-IF ClearKey's map to ClearKey, as in Shaka.
 */
const SIGNALS: ReadonlyArray<[string, readonly string[]]> = [
  ['com.widevine.alpha', ['edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', 'edef8ba979d64acea3c827dcd51d21ed']],
  ['com.microsoft.playready', ['9a04f079-9840-4286-ab92-e65be0885f95', '9a04f07998404286ab92e65be0885f95', 'com.microsoft.playready']],
  ['com.apple.fps', ['94ce86fb-07ff-4f43-adb8-93d2fa968ca2', 'com.apple.streamingkeydelivery']],
  ['org.w3.clearkey', ['1077efec-c0b2-4d02-ace3-3c1e52e2fb4b', 'e2719d58-a985-b3c9-781a-b030af78d30e', 'org.w3.clearkey']],
];

/**
 * The key systems a manifest's text signals (DASH system IDs, HLS
 * KEYFORMATs), in the order above. A linear scan (one `indexOf` per form);
 * not a manifest parser and not Shaka's `getManifest()`, whose structure
 * Shaka does not keep stable.
 */
export function keySystemsSignalledBy(manifestText: string): string[] {
  const text = manifestText.toLowerCase();
  return SIGNALS.filter(([, forms]) => forms.some((form) => text.includes(form))).map(([keySystem]) => keySystem);
}
