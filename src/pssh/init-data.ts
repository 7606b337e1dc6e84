/**
 * One entry point for EME initialization data, as delivered by the
 * `encrypted` event, Shaka's DrmEngine or an MPD: `decodeInitData(type, data)`
 * for the three registered init-data types (W3C EME initialization data
 * format registry):
 *
 * - `cenc`: one or more concatenated `pssh` boxes;
 * - `keyids`: JSON `{"kids":[…]}` (see keyids.ts);
 * - `webm`: the raw bytes of a single key ID (1..512 bytes).
 */

import { PsshDecodeError, guardDecode } from './errors';
import { bytesToHex } from './bytes';
import { checkedBytes, type BytesInput } from './limits';
import { splitPsshBoxes, type PsshBox } from './box';
import { SYSTEM_IDS, type SystemName } from './system-ids';
import { decodeWidevinePsshData, type WidevinePsshData } from './widevine';
import { decodePlayReadyObject, type PlayReadyHeader } from './playready';
import { parseKeyIdsInitData, MAX_KEY_ID_BYTES, MIN_KEY_ID_BYTES } from './keyids';

/** The init-data types {@link decodeInitData} understands. */
export type InitDataType = 'cenc' | 'keyids' | 'webm';

/** What one protection system's init data says. */
export interface DecodedSystem {
  /** SystemID, 32 lower-case hex digits. */
  systemId: string;
  /** Short system name, `'unknown'` for unrecognised IDs. */
  name: SystemName;
  /**
   * KIDs as lower-case hex, without duplicates: for a `pssh` box the KIDs of
   * a version-1 box first, then those found in the system-specific data
   * (Widevine `key_id`s, PlayReady header KIDs converted to big-endian order).
   */
  keyIds: string[];
  /**
   * Where the entry came from: a `pssh` box, or the system-neutral `keyids` /
   * `webm` formats (reported as the W3C Common system, see {@link decodeInitData}).
   */
  source: 'pssh' | 'keyids' | 'webm';
  /** Version of the `pssh` box (source `pssh` only). */
  boxVersion?: 0 | 1;
  /** Decoded Widevine PSSH data (Widevine boxes with non-empty data). */
  widevine?: WidevinePsshData;
  /** The first PlayReady Header of the PlayReady Object (PlayReady boxes with non-empty data). */
  playready?: PlayReadyHeader;
}

/** Result of {@link decodeInitData}. */
export interface DecodedInitData {
  /** The init-data type that was decoded. */
  initDataType: InitDataType;
  /** One entry per `pssh` box in input order (`cenc`), or exactly one (`keyids`, `webm`). */
  systems: DecodedSystem[];
}

/**
 * Decodes EME initialization data.
 *
 * - `cenc`: every `pssh` box becomes one entry, in order (two boxes for the
 *   same system give two entries). Widevine data is decoded as
 *   `WidevinePsshData`, PlayReady data (also under the byte-swapped PlayReady
 *   ID) as a PlayReady Object; the data of every other system, the Common
 *   system included, is not interpreted.
 * - `keyids` and `webm`: neither format names a protection system; both are
 *   system-neutral KID lists like the W3C Common PSSH, so the single entry is
 *   reported as the Common system (`systemId` 1077efec…, `name: 'common'`)
 *   with `source` saying which format it came from.
 *
 * Decoding is all-or-nothing: a malformed box or malformed Widevine /
 * PlayReady data fails the whole call. Use {@link splitPsshBoxes} and the
 * per-system decoders to salvage parts of damaged init data.
 *
 * @param initDataType `'cenc'`, `'keyids'` or `'webm'` (case-sensitive, as in EME)
 * @param data the init data (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `EMPTY`, `UNSUPPORTED_INIT_DATA_TYPE`,
 *   `BAD_WEBM_KEY_ID`, `TOO_LARGE`, `BAD_INPUT`, or any code of the box,
 *   Widevine, PlayReady and keyids decoders
 */
export function decodeInitData(initDataType: string, data: BytesInput): DecodedInitData {
  return guardDecode('decodeInitData', () => {
    if (typeof initDataType !== 'string') {
      throw new PsshDecodeError('BAD_INPUT', 'decodeInitData: initDataType is not a string');
    }
    const bytes = checkedBytes(data, 'decodeInitData');
    if (initDataType !== 'cenc' && initDataType !== 'keyids' && initDataType !== 'webm') {
      throw new PsshDecodeError(
        'UNSUPPORTED_INIT_DATA_TYPE',
        `init data type "${initDataType.slice(0, 32)}" is not supported (cenc, keyids, webm)`,
      );
    }
    if (bytes.length === 0) throw new PsshDecodeError('EMPTY', 'init data is empty');
    switch (initDataType) {
      case 'cenc':
        return { initDataType, systems: splitPsshBoxes(bytes).map(decodeBox) };
      case 'keyids':
        return { initDataType, systems: [commonEntry(parseKeyIdsInitData(bytes), 'keyids')] };
      case 'webm':
        if (bytes.length < MIN_KEY_ID_BYTES || bytes.length > MAX_KEY_ID_BYTES) {
          throw new PsshDecodeError(
            'BAD_WEBM_KEY_ID',
            `webm init data is ${bytes.length} bytes, a key ID is ${MIN_KEY_ID_BYTES}..${MAX_KEY_ID_BYTES}`,
          );
        }
        return { initDataType, systems: [commonEntry([bytesToHex(bytes)], 'webm')] };
    }
  });
}

/**
 * Every KID mentioned anywhere in decoded init data, lower-case hex, without
 * duplicates, in first-seen order (system by system).
 *
 * @param decoded a result of {@link decodeInitData}
 */
export function summarizeKeyIds(decoded: DecodedInitData): string[] {
  return guardDecode('summarizeKeyIds', () => {
    const all: string[] = [];
    addUnique(
      all,
      decoded.systems.flatMap((system) => system.keyIds),
    );
    return all;
  });
}

function decodeBox(box: PsshBox): DecodedSystem {
  const entry: DecodedSystem = {
    systemId: box.systemId,
    name: box.systemName,
    keyIds: [],
    source: 'pssh',
    boxVersion: box.version,
  };
  addUnique(entry.keyIds, box.keyIds);
  if (box.data.length > 0) {
    if (box.systemName === 'widevine') {
      entry.widevine = decodeWidevinePsshData(box.data);
      addUnique(entry.keyIds, entry.widevine.keyIds);
    } else if (box.systemName === 'playready') {
      const pro = decodePlayReadyObject(box.data);
      const [first] = pro.headers;
      if (first) entry.playready = first;
      for (const header of pro.headers) addUnique(entry.keyIds, header.keyIds);
    }
  }
  return entry;
}

function commonEntry(keyIds: string[], source: 'keyids' | 'webm'): DecodedSystem {
  const entry: DecodedSystem = { systemId: SYSTEM_IDS.COMMON, name: 'common', keyIds: [], source };
  addUnique(entry.keyIds, keyIds);
  return entry;
}

/** Appends the lower-cased KIDs not yet in `target` (linear time: a v1 box may list 65,000 KIDs). */
function addUnique(target: string[], keyIds: readonly string[]): void {
  const seen = new Set(target);
  for (const kid of keyIds) {
    const hex = kid.toLowerCase();
    if (!seen.has(hex)) {
      seen.add(hex);
      target.push(hex);
    }
  }
}
