/**
 * Splits a byte string of concatenated ISO BMFF `pssh` boxes (EME "cenc" init
 * data, an MPD `cenc:pssh` value, or the pssh boxes cut out of `moov`/`moof`).
 *
 * Layout (all big-endian), formats.md §1 / §1.1:
 * ```
 * u32 size            // 1 => u64 largesize follows; 0 ("to end of file") is rejected here
 * u32 type = 'pssh'
 * u8  version         // 0 or 1
 * u24 flags
 * u8  SystemID[16]
 * if version == 1: u32 KID_count; u8 KID[KID_count][16]
 * u32 DataSize
 * u8  Data[DataSize]
 * ...                 // any bytes up to `size` are padding (Bento4) and ignored
 * ```
 */

import { PsshDecodeError, guardDecode } from './errors';
import { ByteReader, bytesToHex } from './bytes';
import { checkedBytes } from './limits';
import { systemNameOf, type SystemName } from './system-ids';

/** One decoded `pssh` box. All byte arrays are copies, not views of the input. */
export interface PsshBox {
  /** Box version: 0, or 1 when the box lists KIDs. */
  version: 0 | 1;
  /** The 24-bit flags field (should be 0; kept as found). */
  flags: number;
  /** SystemID as 32 lower-case hex digits. */
  systemId: string;
  /** Short name of the protection system, `'unknown'` if not recognised. */
  systemName: SystemName;
  /** KIDs of a version-1 box as 32 lower-case hex digits each; `[]` for version 0. */
  keyIds: string[];
  /** The system-specific Data payload (exactly DataSize bytes). */
  data: Uint8Array;
  /** Offset of the box's first byte in the input. */
  offset: number;
  /** The whole box as found (size from its header, padding included). */
  bytes: Uint8Array;
}

const FULL_BOX_HEADER_BYTES = 4;
const SYSTEM_ID_BYTES = 16;
const KID_BYTES = 16;

/**
 * Splits concatenated `pssh` boxes, in order. An empty input gives `[]`.
 *
 * @param data the concatenated boxes (at most {@link MAX_INPUT_BYTES})
 * @throws PsshDecodeError `TRUNCATED` (a size, count or DataSize runs past the
 *   data or past its box), `BAD_SIZE` (size 0, or smaller than the header),
 *   `BAD_BOX` (type is not `pssh`), `BAD_VERSION` (version > 1), `TOO_LARGE`,
 *   `BAD_INPUT`
 */
export function splitPsshBoxes(data: Uint8Array): PsshBox[] {
  return guardDecode('splitPsshBoxes', () => {
    const bytes = checkedBytes(data, 'splitPsshBoxes');
    const boxes: PsshBox[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const box = readPsshBox(bytes, offset);
      boxes.push(box);
      offset += box.bytes.length;
    }
    return boxes;
  });
}

function readPsshBox(bytes: Uint8Array, start: number): PsshBox {
  const header = new ByteReader(bytes, start);
  const size32 = header.u32('box size');
  const type = header.fourcc('box type');
  if (type !== 'pssh') {
    throw new PsshDecodeError('BAD_BOX', `expected a 'pssh' box, found '${printable(type)}'`, start + 4);
  }
  let size = size32;
  if (size32 === 1) {
    size = header.u64('box largesize');
  } else if (size32 === 0) {
    throw new PsshDecodeError('BAD_SIZE', 'box size 0 ("extends to end of file") is not allowed for pssh boxes', start);
  }
  const headerBytes = header.offset - start;
  if (size < headerBytes) {
    throw new PsshDecodeError('BAD_SIZE', `box size ${size} is smaller than its ${headerBytes}-byte header`, start);
  }
  if (size > bytes.length - start) {
    throw new PsshDecodeError('TRUNCATED', `box size ${size} runs past the end of the data (${bytes.length - start} bytes left)`, start);
  }
  const end = start + size;
  // Everything below reads inside the box: overruns of the box are TRUNCATED.
  const r = new ByteReader(bytes, header.offset, end);
  r.require(FULL_BOX_HEADER_BYTES, 'pssh version and flags');
  const version = r.u8('pssh version');
  if (version > 1) {
    throw new PsshDecodeError('BAD_VERSION', `pssh version ${version} is not supported (0 or 1)`, r.offset - 1);
  }
  const flags = r.u24('pssh flags');
  const systemId = bytesToHex(r.bytesView(SYSTEM_ID_BYTES, 'pssh SystemID'));
  const keyIds: string[] = [];
  if (version === 1) {
    const kidCountOffset = r.offset;
    const kidCount = r.u32('pssh KID_count');
    if (kidCount > Math.floor(r.remaining / KID_BYTES)) {
      throw new PsshDecodeError('TRUNCATED', `pssh KID_count ${kidCount} needs more bytes than the box has`, kidCountOffset);
    }
    for (let i = 0; i < kidCount; i++) {
      keyIds.push(bytesToHex(r.bytesView(KID_BYTES, 'pssh KID')));
    }
  }
  const dataSize = r.u32('pssh DataSize');
  const payload = r.bytesView(dataSize, 'pssh Data').slice();
  return {
    version: version as 0 | 1,
    flags,
    systemId,
    systemName: systemNameOf(systemId),
    keyIds,
    data: payload,
    offset: start,
    bytes: bytes.slice(start, end),
  };
}

/** Shows a four-character code safely in an error message. */
function printable(fourcc: string): string {
  return fourcc.replace(/[^\x20-\x7e]/g, '?');
}
