import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import type { Provider } from './preset';
import { presetWith } from './engine/define-preset';
import { TOKEN_ONLY_PARTS } from './engine/parts';
import type { ErrorRule, ErrorRuleCode } from './engine/errors';
import type { WireSpec } from './engine/spec';

/** The problem types the DASH-IF license request model defines (DASH-IF IOP security, "Problem signaling and handling"). */
export const DASHIF_PROBLEM_TYPES = {
  /** 403 from the authorization service: the user may not use the requested keys. */
  NOT_AUTHORIZED: 'https://dashif.org/drm-problems/not-authorized',
  /**
   * 403 from the license server: the token attached (if any) does not
   * authorize any of the requested keys (missing, expired, forged, for other
   * keys). The client should get a new token and retry.
   */
  INSUFFICIENT_PROOF_OF_AUTHORIZATION: 'https://dashif.org/drm-problems/insufficient-proof-of-authorization',
} as const;

/**
 * Options of the `clearkey` provider: a W3C Clear Key license server under
 * the DASH-IF interoperable license request model.
 */
export interface ClearKeyOptions {
  /**
   * The authorization token (a JWT from the DASH-IF authorization service),
   * or a function returning it; sent as `Authorization: Bearer <token>`.
   * Optional: without it no `Authorization` header is sent (the
   * "transparent" architecture, where a license proxy authorizes).
   */
  token?: TokenSource<string>;
  /**
   * Problem types of your license server beyond the two DASH-IF defines,
   * mapped to keyflow codes, e.g.
   * `{ 'https://example.com/problems/geo-blocked': 'NOT_ENTITLED' }`.
   */
  problemTypes?: { [type: string]: ErrorRuleCode };
}

/** What the `clearkey` preset reads: its options plus `servers`. */
export type ClearKeyProviderOptions = ClearKeyOptions & {
  /** License URL per key system (for `custom`: URL templates). */
  servers?: LicenseServers;
};

/**
 * A Bearer token as sent: printable ASCII without spaces (JWS compact
 * serialization is base64url and dots; RFC 6750 `b64token` allows a few more).
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const RULE_CODES: readonly ErrorRuleCode[] = ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'NOT_ENTITLED', 'BAD_REQUEST', 'LICENSE_SERVER_ERROR'];

/**
 * What the problem types mean: the app's own first, then the two DASH-IF
 * defines (an insufficient proof is an expired token when its title or detail
 * says "expired"); any other type is classified by HTTP status.
 */
function problemRules(problemTypes: ClearKeyOptions['problemTypes']): ErrorRule[] {
  const { NOT_AUTHORIZED, INSUFFICIENT_PROOF_OF_AUTHORIZATION: INSUFFICIENT } = DASHIF_PROBLEM_TYPES;
  return [
    ...Object.entries(problemTypes ?? {}).map(([type, means]) => ({ providerCode: type, means })),
    { providerCode: NOT_AUTHORIZED, means: 'NOT_ENTITLED' },
    { providerCode: INSUFFICIENT, message: '\\bexpired\\b', means: 'TOKEN_EXPIRED' },
    { providerCode: INSUFFICIENT, means: 'TOKEN_INVALID' },
  ];
}

/** The wire: the JSON challenge as it is, the token as a Bearer token when there is one, problem records read. */
function clearKeyWire(options: ClearKeyOptions): WireSpec {
  return {
    headers: { 'Content-Type': 'application/json', ...(options.token !== undefined ? { Authorization: 'Bearer {token}' } : {}) },
    tokenFormat: { pattern: BEARER_TOKEN, description: 'a Bearer token (spaces or other characters outside base64url and dots)' },
    errors: { problemDetails: true, rules: problemRules(options.problemTypes) },
  };
}

function validateClearKey(options: ClearKeyProviderOptions): void {
  const url = options.servers?.[KeySystem.CLEARKEY];
  if (typeof url !== 'string' || !url) {
    throw new KeyflowError('INVALID_CONFIG', "clearkey: `servers['org.w3.clearkey']` must be the license server URL");
  }
  const { token, problemTypes } = options;
  if (token !== undefined && typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError('INVALID_CONFIG', 'clearkey: `token` must be a token string or a function returning one');
  }
  if (problemTypes !== undefined) {
    const ok = !!problemTypes && typeof problemTypes === 'object' && Object.values(problemTypes).every((code) => RULE_CODES.includes(code));
    if (!ok)
      throw new KeyflowError('INVALID_CONFIG', `clearkey: \`problemTypes\` must map problem type URIs to one of ${RULE_CODES.join(', ')}`);
  }
}

/**
 * The `clearkey` preset: a W3C Clear Key license server under the DASH-IF
 * license request model.
 *
 * - Request: the CDM's JSON challenge as it is, with
 *   `Authorization: Bearer <token>` (when a token is configured) and
 *   `Content-Type: application/json`.
 * - Reply: a JWK set, checked before it reaches the CDM (`MALFORMED_RESPONSE`
 *   otherwise, never a bare 6008).
 * - Errors: `application/problem+json` (RFC 7807). `providerCode` is the
 *   problem `type`, the message carries `title` and `detail`, `cause` is the
 *   problem record (with `href`/`hrefTitle` when the server gives them).
 *   `…/not-authorized` → `NOT_ENTITLED`; `…/insufficient-proof-of-authorization`
 *   → `TOKEN_EXPIRED` when its title or detail says "expired", else
 *   `TOKEN_INVALID`; other types via `problemTypes`, else by HTTP status.
 *
 * There is no default license URL: set `servers['org.w3.clearkey']`.
 */
export const clearKeyProvider: Provider<ClearKeyProviderOptions, string> = /* @__PURE__ */ presetWith<ClearKeyProviderOptions, string>(
  {
    name: 'clearkey',
    label: 'ClearKey',
    optionNames: ['token', 'problemTypes'],
    defaultServers: {},
    wire: clearKeyWire,
    validate: validateClearKey,
  },
  TOKEN_ONLY_PARTS,
);
