/**
 * Hard size caps and input checks shared by every decoder entry point.
 *
 * Init data comes from manifests and media segments, i.e. from the network:
 * every decoder refuses inputs above a fixed cap before doing any work, so a
 * hostile or corrupt input cannot make it allocate or loop without bound.
 */

import { PsshDecodeError } from './errors';

/**
 * Largest input, in bytes, any decoder accepts (1 MiB). Real init data is a
 * few hundred bytes; EME implementations cap it far lower (Chromium: 64 KiB).
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Largest text, in UTF-16 code units, the WRMHEADER XML parser accepts. A
 * PlayReady Object record is at most 65535 bytes, i.e. 32767 characters; the
 * cap only matters for callers that parse XML they obtained elsewhere.
 */
export const MAX_XML_CHARS = MAX_INPUT_BYTES / 2;

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
    throw new PsshDecodeError(
      'TOO_LARGE',
      `${what}: input is ${bytes.length} bytes, the limit is ${MAX_INPUT_BYTES}`,
    );
  }
  return bytes;
}
