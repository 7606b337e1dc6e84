/**
 * Hard size caps and input checks shared by every decoder entry point.
 *
 * Init data comes from manifests and media segments, i.e. from the network:
 * every decoder refuses inputs above a fixed cap before doing any work, so a
 * hostile or corrupt input cannot make it allocate or loop without bound.
 */

import { PsshDecodeError } from './errors';

/**
 * Largest input, in bytes, any decoder accepts: 64 KiB, Chromium's own EME
 * limit for init data (`kMaxInitDataLength` in `media/base/limits.h`), so nothing a browser
 * would hand to a CDM is refused. Real init data is a few hundred bytes.
 * Decoding runs synchronously in Shaka's license request filter, and the
 * decoders are linear, so this cap bounds the work one hostile input can
 * cause: with the former 1 MiB cap, one `decodeInitData` of a crafted v1 box
 * (65,533 KIDs) took about 110 ms in Node, and the filter decodes more than
 * once; at 64 KiB the slowest crafted init data in
 * scripts/bench/worst-case.mjs takes under 10 ms. test/pssh/limits.spec.ts
 * checks that 64 KiB + 1 bytes are refused with `TOO_LARGE`.
 */
export const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Largest text, in UTF-16 code units, the WRMHEADER XML parser accepts. A
 * PlayReady Object record is at most 65535 bytes, i.e. 32767 characters; the
 * cap only matters for callers that parse XML they obtained elsewhere.
 */
export const MAX_XML_CHARS = 32 * 1024; // MAX_INPUT_BYTES / 2, written out so bundlers can drop it when unused

/** Bytes as the decoders accept them: a Uint8Array, or EME's ArrayBuffer / view. */
export type BytesInput = Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * Returns `input` as a Uint8Array view (no copy) after checking its type and
 * the {@link MAX_INPUT_BYTES} cap.
 *
 * @param input the bytes to decode
 * @param what decoder name for the error message
 * @throws PsshDecodeError `BAD_INPUT` (not bytes) or `TOO_LARGE`
 */
export function checkedBytes(input: BytesInput, what: string): Uint8Array {
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) {
    bytes = input;
  } else if (input instanceof ArrayBuffer) {
    bytes = new Uint8Array(input);
  } else if (input !== null && typeof input === 'object' && ArrayBuffer.isView(input)) {
    bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  } else {
    throw new PsshDecodeError('BAD_INPUT', `${what}: input is not a Uint8Array / ArrayBuffer`);
  }
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new PsshDecodeError('TOO_LARGE', `${what}: input is ${bytes.length} bytes, the limit is ${MAX_INPUT_BYTES}`);
  }
  return bytes;
}
