import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import { readRequestFacts } from './engine/request-info';
import type { WireSpec } from './engine/spec';
import { checkWireSpec } from './engine/spec-check';
import type { Provider } from './preset';

/**
 * What an `ezdrm` token source may return: a string (`{token}` in `params`), or an object whose
 * fields `params` read (`{token.userId}`).
 */
export type EzdrmToken = string | { [field: string]: unknown };

/** Options of the `ezdrm` preset. */
export interface EzdrmOptions {
  /**
   * Your EZDRM profile id, sent as the `pX` query parameter of the default Widevine and PlayReady
   * license URLs (`https://widevine-dash.ezdrm.com/proxy?pX=<profile>`). Optional when `servers`
   * names your license URLs, `pX` included. EZDRM gives one per DRM system: for different
   * Widevine and PlayReady profiles, name the URLs in `servers`.
   */
  profile?: string;
  /**
   * Your own query parameters, set on every license URL (FairPlay's included), each a template:
   * `{ CustomData: '{token}' }`, `{ user_id: '{token.userId}', contentId: 'movie-1' }` (placeholder
   * values are percent-encoded, literal text is sent as written). EZDRM passes them through; what
   * they mean is your account's business (e.g. your authorization callback).
   */
  params?: { [name: string]: string };
  /**
   * What `params` read as `{token}` / `{token.<field>}`: a string or an object, or a function
   * returning one (your backend's answer). Optional: EZDRM needs no token of its own.
   */
  token?: TokenSource<EzdrmToken>;
}

/** EZDRM's FairPlay license URL: the asset id (the `skd://` URI after its `;`) is its last path segment. */
const EZDRM_FAIRPLAY_URL = 'https://fps.ezdrm.com/api/licenses/{skdAssetId}';

/** The license URLs on EZDRM's hosts, with the profile as `pX` when given. */
function ezdrmServers({ profile }: Pick<EzdrmOptions, 'profile'>): LicenseServers {
  const pX = profile ? `?pX=${encodeURIComponent(profile)}` : '';
  const playReady = `https://playready.ezdrm.com/cency/preauth.aspx${pX}`;
  return {
    [KeySystem.WIDEVINE]: `https://widevine-dash.ezdrm.com/proxy${pX}`,
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: EZDRM_FAIRPLAY_URL,
  };
}

/**
 * EZDRM's default license URLs, without a profile (see {@link EzdrmOptions.profile}): Widevine
 * and PlayReady as in public integrations (Shaka Player issue #6141, EZDRM's PlayReady headers),
 * FairPlay as in EZDRM's demo integrations (`fps.ezdrm.com/api/licenses/<asset id>`).
 */
export const EZDRM_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ ezdrmServers({});

/** The wire: `params` as query parameters; FairPlay as Shaka's EZDRM helpers send and read it. */
function ezdrmWire({ params }: EzdrmOptions): WireSpec {
  return {
    // The FairPlay default URL is a template ({skdAssetId}); `servers` may use the placeholders too.
    serverTemplates: true,
    ...(params ? { query: params } : {}),
    // The content id is the part of the skd:// URI after ';' (Shaka's ezdrmInitDataTransform).
    fairPlayContentId: 'after-semicolon',
    keySystems: {
      // The raw SPC as application/octet-stream (Shaka's ezdrmFairPlayRequest); the CKC read as
      // Shaka's commonFairPlayResponse reads it (EZDRM answers the CKC itself in its demos).
      [KeySystem.FAIRPLAY]: {
        headers: { 'Content-Type': 'application/octet-stream' },
        unwrapResponse: { format: 'fairplay-ckc' },
      },
    },
  };
}

function validateEzdrm(options: EzdrmOptions): void {
  const { profile, params, token } = options;
  if (profile !== undefined && (typeof profile !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(profile))) {
    throw new KeyflowError('INVALID_CONFIG', 'ezdrm: `profile` must be your EZDRM profile id (letters, digits and hyphens)');
  }
  if (params !== undefined && (!params || typeof params !== 'object' || Array.isArray(params))) {
    throw new KeyflowError('INVALID_CONFIG', 'ezdrm: `params` must be an object of query parameter templates');
  }
  // The engine's own check of templates, token and `servers` (URL templates here too), named for ezdrm.
  const { servers } = options as { servers?: LicenseServers };
  try {
    const urls = { ...ezdrmServers(options), ...servers };
    checkWireSpec({ servers: urls, ...(params ? { query: params } : {}), ...(token !== undefined ? { token } : {}) });
  } catch (error) {
    throw new KeyflowError('INVALID_CONFIG', `ezdrm: ${(error as Error).message.replace(/^custom: /, '')}`);
  }
}

/**
 * The EZDRM preset: the license URLs of EZDRM's hosts with your profile (`pX`) and your own query
 * parameters (`params`, templates that may read a token from your backend). FairPlay: the license
 * URL is `https://fps.ezdrm.com/api/licenses/<asset id>`, the asset id being the part of the
 * `skd://` URI after its `;` (also the content id the CDM is given, as Shaka's
 * `ezdrmInitDataTransform`), the SPC sent as `application/octet-stream`; your own certificate
 * (`drm.advanced['com.apple.fps'].serverCertificateUri`). EZDRM documents no error replies, so
 * failures are typed by HTTP status.
 */
export const ezdrmProvider: Provider<EzdrmOptions, EzdrmToken> = /* @__PURE__ */ definePreset<EzdrmOptions, EzdrmToken>({
  name: 'ezdrm',
  label: 'EZDRM',
  optionNames: ['profile', 'params', 'token'],
  defaultServers: EZDRM_DEFAULT_SERVERS,
  defaultServersFor: ezdrmServers,
  wire: ezdrmWire,
  validate: validateEzdrm,
  requestFacts: readRequestFacts,
});
