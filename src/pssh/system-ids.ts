/**
 * Known DRM / protection system IDs (the 16-byte `SystemID` of a `pssh` box
 * and the UUID in an MPD `ContentProtection@schemeIdUri="urn:uuid:…"`).
 *
 * Sources: DASH-IF content-protection identifier registry, Shaka Packager
 * `protection_system_ids.h`, Bento4 `mp4-dash.py` (see
 * /work/shared/reference/formats.md §3.1).
 */

import { PsshDecodeError } from './errors';
import { normalizeUuid } from './bytes';

/** Short name of a protection system; `'unknown'` for IDs not in the table. */
export type SystemName = 'widevine' | 'playready' | 'common' | 'clearkey' | 'fairplay' | 'marlin' | 'primetime' | 'unknown';

/** System IDs as 32 lower-case hex digits (big-endian UUID byte order). */
export const SYSTEM_IDS = {
  /** Google Widevine, edef8ba9-79d6-4ace-a3c8-27dcd51d21ed. */
  WIDEVINE: 'edef8ba979d64acea3c827dcd51d21ed',
  /** Microsoft PlayReady, 9a04f079-9840-4286-ab92-e65be0885f95. */
  PLAYREADY: '9a04f07998404286ab92e65be0885f95',
  /**
   * PlayReady's ID with its first 8 bytes in little-endian GUID order,
   * 79f0049a-4098-8642-ab92-e65be0885f95. Not valid in boxes, but found in old
   * HbbTV 1.5 content (Bento4 writes it for that profile); treated as PlayReady.
   */
  PLAYREADY_BYTE_SWAPPED: '79f0049a40988642ab92e65be0885f95',
  /** W3C Common PSSH (EME "cenc" init data), 1077efec-c0b2-4d02-ace3-3c1e52e2fb4b. */
  COMMON: '1077efecc0b24d02ace33c1e52e2fb4b',
  /** DASH-IF Clear Key (MPD signalling), e2719d58-a985-b3c9-781a-b030af78d30e. */
  CLEARKEY: 'e2719d58a985b3c9781ab030af78d30e',
  /** Apple FairPlay (registry value), 94ce86fb-07ff-4f43-adb8-93d2fa968ca2. */
  FAIRPLAY: '94ce86fb07ff4f43adb893d2fa968ca2',
  /**
   * Apple FairPlay, unofficial ID used by Shaka Packager,
   * 29701fe4-3cc7-4a34-8c5b-ae90c7439a47.
   */
  FAIRPLAY_SHAKA_PACKAGER: '29701fe43cc74a348c5bae90c7439a47',
  /** Marlin, ID used in MPDs (MAS), 5e629af5-38da-4063-8977-97ffbd9902d4. */
  MARLIN: '5e629af538da4063897797ffbd9902d4',
  /** Marlin, ID used in `pssh` boxes by Bento4, 69f908af-4816-46ea-910c-cd5dcccb0a3a. */
  MARLIN_PSSH: '69f908af481646ea910ccd5dcccb0a3a',
  /** Adobe Primetime, f239e769-efa3-4850-9c16-a903c6932efb. */
  PRIMETIME: 'f239e769efa348509c16a903c6932efb',
} as const;

// Built on first use: a top-level `new Map([[SYSTEM_IDS.X, ...]])` is a statement an app's bundler
// cannot drop from dist/core.mjs (property reads may have effects), so every core bundle carried it.
let namesById: ReadonlyMap<string, SystemName> | undefined;
const namesByIdMap = (): ReadonlyMap<string, SystemName> =>
  (namesById ??= new Map<string, SystemName>([
    [SYSTEM_IDS.WIDEVINE, 'widevine'],
    [SYSTEM_IDS.PLAYREADY, 'playready'],
    [SYSTEM_IDS.PLAYREADY_BYTE_SWAPPED, 'playready'],
    [SYSTEM_IDS.COMMON, 'common'],
    [SYSTEM_IDS.CLEARKEY, 'clearkey'],
    [SYSTEM_IDS.FAIRPLAY, 'fairplay'],
    [SYSTEM_IDS.FAIRPLAY_SHAKA_PACKAGER, 'fairplay'],
    [SYSTEM_IDS.MARLIN, 'marlin'],
    [SYSTEM_IDS.MARLIN_PSSH, 'marlin'],
    [SYSTEM_IDS.PRIMETIME, 'primetime'],
  ]));

/**
 * Name of the protection system with this ID, `'unknown'` if it is not in
 * {@link SYSTEM_IDS} or is not a UUID at all.
 *
 * @param systemId 32 hex digits or any UUID spelling {@link normalizeUuid} accepts
 */
export function systemNameOf(systemId: string): SystemName {
  if (typeof systemId !== 'string') return 'unknown';
  let hex: string;
  try {
    hex = normalizeUuid(systemId);
  } catch (e) {
    if (e instanceof PsshDecodeError) return 'unknown';
    throw e;
  }
  return namesByIdMap().get(hex) ?? 'unknown';
}
