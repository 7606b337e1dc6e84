/**
 * FairPlay's `skd://` URI, as HLS signals it (`#EXT-X-KEY:METHOD=SAMPLE-AES,
 * URI="skd://…",KEYFORMAT="com.apple.streamingkeydelivery"`) and the
 * session's init data carries it: the `skd` init data (the URI as UTF-8 or
 * UTF-16 text), or the init data Shaka's FairPlay `initDataTransform`
 * builds from it (a 4-byte little-endian length, then the URI in UTF-16LE,
 * then the content id and the certificate; shaka-player lib/drm/fairplay.js).
 *
 * What the placeholders read of it (as Shaka's FairPlay helpers do):
 * `{skdUri}` the whole URI; `{skdHost}` its host (the content id of Apple's
 * FPS sample, Shaka's `defaultGetContentId`); `{skdAssetId}` the part after
 * its last `;` (EZDRM's, Shaka's `ezdrmInitDataTransform`).
 *
 * @module
 */

/** The longest `skd://` URI read (a real one is well under 1 KB). */
const MAX_SKD_CHARS = 4096;

function decodeUtf16Le(bytes: Uint8Array): string | null {
  if (bytes.byteLength % 2 !== 0) return null;
  try {
    return new TextDecoder('utf-16le', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function asSkd(text: string | null): string | null {
  const trimmed =
    text
      ?.replace(/^\uFEFF/, '')
      .replace(/\0+$/, '')
      .trim() ?? '';
  return /^skd:\/\/[^\s]+$/i.test(trimmed) && trimmed.length <= MAX_SKD_CHARS ? trimmed : null;
}

/** The `skd://` URI in a session's init data, or null when there is none. */
export function skdUriOf(initData: Uint8Array | null): string | null {
  if (!initData || initData.byteLength === 0 || initData.byteLength > 64 * 1024) return null;
  const direct = asSkd(decodeUtf8(initData)) ?? asSkd(decodeUtf16Le(initData));
  if (direct) return direct;
  // Shaka's transformed init data: [uint32 LE length][UTF-16LE URI]...
  if (initData.byteLength < 4) return null;
  const length = new DataView(initData.buffer, initData.byteOffset, initData.byteLength).getUint32(0, true);
  if (length === 0 || length > initData.byteLength - 4) return null;
  return asSkd(decodeUtf16Le(initData.subarray(4, 4 + length)));
}

/** The host of an `skd://` URI: what follows `skd://` up to a `/`, `?`, `#` or `;`. */
function skdHost(uri: string): string {
  return uri.slice('skd://'.length).split(/[/?#;]/)[0] ?? '';
}

/** The part of an `skd://` URI after its last `;`, or null when it has none. */
function skdAssetId(uri: string): string | null {
  const at = uri.lastIndexOf(';');
  return at < 0 ? null : uri.slice(at + 1);
}

/**
 * `{skdUri}`, `{skdHost}` or `{skdAssetId}` of the session's `skd://` URI.
 *
 * @param missing builds the error for a value the request does not have
 */
export function skdValue(name: 'skdUri' | 'skdHost' | 'skdAssetId', uri: string | null, missing: (what: string) => Error): string {
  if (uri === null) throw missing('the init data has no FairPlay skd:// URI');
  if (name === 'skdUri') return uri;
  const value = name === 'skdHost' ? skdHost(uri) : skdAssetId(uri);
  if (!value) throw missing(name === 'skdHost' ? 'the skd:// URI has no host' : "the skd:// URI has no part after a ';'");
  return value;
}

/**
 * Which part of the `skd://` URI is the FairPlay content id the CDM is given
 * (Shaka's FairPlay `initDataTransform` helpers, shaka-player
 * lib/drm/fairplay.js): `'host'` (Shaka's default, `defaultGetContentId`;
 * Apple's FPS sample), `'after-scheme'` (everything after `skd://`:
 * `expressplayInitDataTransform`, Verimatrix, Mux), `'after-semicolon'` (the
 * part after the last `;`: `ezdrmInitDataTransform`).
 */
export type FairPlayContentId = 'host' | 'after-scheme' | 'after-semicolon';

/** The content id `rule` reads from `uri`, or null when the URI has no such part. */
export function skdContentId(uri: string, rule: FairPlayContentId): string | null {
  const value = rule === 'host' ? skdHost(uri) : rule === 'after-scheme' ? uri.slice('skd://'.length) : skdAssetId(uri);
  return value || null;
}
