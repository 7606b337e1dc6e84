import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { isHttpUrl } from '../util/url';
import { definePreset } from './engine/define-preset';
import { skdUriOf } from './engine/skd';
import type { TokenPlacement, WireSpec } from './engine/spec';
import type { DrmRequest, Provider } from './preset';

/** Options of the `vudrm` preset. */
export interface VudrmOptions {
  /**
   * The VUDRM token (`client|time|encrypted policy|signature`) your backend got from the VUDRM
   * token API (`token.vudrm.tech/generate`, never called from the browser), or a function
   * returning one. VUDRM tokens are single use: keyflow asks for a new one for every license
   * request, so give a function.
   */
  token: TokenSource<string>;
}

/** The FairPlay default: replaced by the `skd://` URI's own URL (see {@link placeVudrmToken}). */
const VUDRM_FAIRPLAY_URL = 'https://fairplay-license.vudrm.tech/license';

/**
 * VUDRM's license URLs (Vualto's Shaka guide, vudrm-public-docs `PlayerIntegrations/shaka.md`).
 * FairPlay's is a stand-in: each title's license URL is its `skd://` URI with `https`.
 */
export const VUDRM_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ vudrmServers();

function vudrmServers(): LicenseServers {
  const playReady = 'https://playready-license.vudrm.tech/rightsmanager.asmx';
  return {
    [KeySystem.WIDEVINE]: 'https://widevine-license.vudrm.tech/proxy',
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: VUDRM_FAIRPLAY_URL,
  };
}

/**
 * The wire (Vualto's Shaka guide): the token in `X-VUDRM-TOKEN`, a new one per request (VUDRM
 * token docs: "designed to be single use"). FairPlay: the raw SPC with `Content-Type:
 * ArrayBuffer`, exactly as the guide sends it, and the CKC as the reply.
 */
const VUDRM_WIRE: WireSpec = /* @__PURE__ */ vudrmWire();

function vudrmWire(): WireSpec {
  return {
    headers: { 'X-VUDRM-TOKEN': '{token}' },
    tokenReuse: 'per-request',
    keySystems: { [KeySystem.FAIRPLAY]: { headers: { 'Content-Type': 'ArrayBuffer' } } },
  };
}

/**
 * The playlist's `skd://` URI (Shaka's `drmInfo.keySystemUris`), for modern EME, where the
 * session's init data is `cenc` / `sinf` and names no `skd://` URI.
 */
function playlistSkdUri({ keySystemUris }: DrmRequest): string | null {
  return keySystemUris?.find((uri) => /^skd:\/\/\S+$/i.test(uri) && uri.length <= 4096) ?? null;
}

/** Whether a URL is on VUDRM's own hosts (`vudrm.tech` and its subdomains). */
function isVualtoHost(url: string): boolean {
  return /(^|\.)vudrm\.tech$/i.test(new URL(url).hostname);
}

/**
 * Where the token goes: the configured URL, but for FairPlay on the default URL, where the
 * license URL is the session's `skd://` URI with `skd` replaced by `https` (Vualto's Shaka guide),
 * read from the `skd` init data or, under modern EME, from the playlist's key URIs. The playlist
 * chooses that URL, so only VUDRM's own hosts (`*.vudrm.tech`) are accepted: the token never
 * goes to a host a manifest names. `servers['com.apple.fps']` set by the app is used as it is.
 */
function placeVudrmToken(token: string | null, request: DrmRequest): TokenPlacement {
  if (request.kind !== 'license' || !request.keySystem.startsWith(KeySystem.FAIRPLAY) || request.url !== VUDRM_FAIRPLAY_URL) {
    return { url: request.url, token };
  }
  const skd = skdUriOf(request.initData) ?? playlistSkdUri(request);
  const url = skd ? `https${skd.slice('skd'.length)}` : '';
  if (isHttpUrl(url) && !isVualtoHost(url)) {
    // The playlist names this host: the token goes only to Vualto's own (else an app's servers URL).
    throw new KeyflowError(
      'INVALID_CONFIG',
      "vudrm: the skd:// URI names a host that is not VUDRM's (*.vudrm.tech): set servers['com.apple.fps']",
      {
        keySystem: request.keySystem,
      },
    );
  }
  if (!isHttpUrl(url)) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      'vudrm: the FairPlay license URL is the skd:// URI with https, and the init data has no usable one',
      {
        keySystem: request.keySystem,
      },
    );
  }
  return { url, token };
}

function validateVudrm({ token }: VudrmOptions): void {
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError('INVALID_CONFIG', 'vudrm: `token` is required: a function returning a VUDRM token (they are single use)');
  }
}

/**
 * The Vualto VUDRM (JW Player Studio DRM) preset: the VUDRM token in the `X-VUDRM-TOKEN` header,
 * a fresh token for every license request (single use), to `widevine-license.vudrm.tech/proxy`
 * and `playready-license.vudrm.tech/rightsmanager.asmx`. FairPlay: the license URL is the
 * `skd://` URI with `https`, the raw SPC as the body, your certificate in
 * `drm.advanced['com.apple.fps'].serverCertificateUri`. VUDRM documents no error replies:
 * failures are typed by HTTP status.
 */
export const vudrmProvider: Provider<VudrmOptions, string> = /* @__PURE__ */ definePreset<VudrmOptions, string>({
  name: 'vudrm',
  label: 'VUDRM',
  optionNames: ['token'],
  defaultServers: VUDRM_DEFAULT_SERVERS,
  wire: VUDRM_WIRE,
  validate: validateVudrm,
  placeToken: placeVudrmToken,
});
