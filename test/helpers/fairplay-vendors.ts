// Helpers for the vendor emulators' FairPlay specs: an emulated SPC as the test CDM writes it
// (codecs shared with it, src/testing/fairplay-messages.ts), reading the emulated CKC back, and
// a Shaka response filter that rewrites the HLS sample's skd:// URI to a vendor's form.
import type S from 'shaka-player';
import { decodeCkc, encodeSpc } from '../../src/testing/fairplay-messages';
import { bytesToHex } from '../../src/pssh/bytes';
import { CONTENT_KEYS } from './env';

/** The HLS sample's FairPlay `skd://` URI (content/hls/*.m3u8). */
export const SAMPLE_SKD = 'skd://keyflow-sample';

/** The SHA-256 (hex) of `bytes`, as an emulated SPC names its certificate. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice().buffer)));
}

/** An emulated SPC for the sample's keys, made with a certificate of SHA-256 `certificateSha256`. */
export function fairPlaySpc(certificateSha256 = '00'.repeat(32), keyIds = [CONTENT_KEYS.video.kid, CONTENT_KEYS.audio.kid]): Uint8Array {
  return encodeSpc({ contentId: '', keyIds, nonce: '0123456789abcdef0123456789abcdef', certificateSha256 });
}

/** The key IDs of an emulated CKC (it throws when the bytes are not one). */
export function ckcKeyIds(bytes: Uint8Array): string[] {
  return decodeCkc(bytes)
    .keys.map((key) => key.kid)
    .sort();
}

/** Standard base64 of `bytes`. */
export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Bytes of standard base64 text. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Makes `player` see `skdUri` instead of the sample's `skd://keyflow-sample` in the HLS playlists
 * (a response filter on `.m3u8` replies), as a vendor's packager would have written it.
 */
export function rewriteSampleSkd(player: S.Player, skdUri: string): void {
  player.getNetworkingEngine()!.registerResponseFilter((_type, response) => {
    if (!/\.m3u8(\?|$)/.test(response.uri)) return;
    const text = new TextDecoder().decode(response.data as ArrayBuffer);
    if (text.includes(SAMPLE_SKD)) response.data = new TextEncoder().encode(text.split(`"${SAMPLE_SKD}"`).join(`"${skdUri}"`)).buffer;
  });
}
