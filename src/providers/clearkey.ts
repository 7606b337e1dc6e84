import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { codeForStatus } from './engine/failures';
import type { DrmHttpFailure, DrmResponse, Provider, RewrittenDrmRequest } from './preset';
import { clearKeyLicenseProblem } from './engine/clearkey';
import { parseProblemDetails, type ErrorRuleCode, type ProblemDetails } from './engine/errors';
import { withHeader } from './engine/headers';
import { tokenString } from './engine/template';

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

/** What the `clearkey` provider sees of the configuration. */
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

/** The keyflow code for a problem record, or null to fall back to the status. */
function codeForProblem(problem: ProblemDetails, options: ClearKeyOptions): ErrorRuleCode | null {
  const custom = options.problemTypes?.[problem.type];
  if (custom) return custom;
  if (problem.type === DASHIF_PROBLEM_TYPES.NOT_AUTHORIZED) return 'NOT_ENTITLED';
  if (problem.type === DASHIF_PROBLEM_TYPES.INSUFFICIENT_PROOF_OF_AUTHORIZATION) {
    return /\bexpired\b/i.test(`${problem.title ?? ''} ${problem.detail ?? ''}`) ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
  }
  return null;
}

function problemError(problem: ProblemDetails, status: number, keySystem: string, options: ClearKeyOptions, what: string): KeyflowError {
  const code = codeForProblem(problem, options) ?? codeForStatus(status);
  const text = [problem.title, problem.detail].filter(Boolean).join(': ');
  return new KeyflowError(code, `ClearKey ${what} server answered HTTP ${status}${text ? `: ${text}` : ''} (${problem.type})`, {
    keySystem,
    httpStatus: status,
    providerCode: problem.type,
    cause: problem,
  });
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
export const clearKeyProvider: Provider<ClearKeyProviderOptions, string> = {
  name: 'clearkey',
  optionNames: ['token', 'problemTypes'],
  defaultServers: {},
  handlesCertificates: () => false,

  validate(options) {
    const url = options.servers?.[KeySystem.CLEARKEY];
    if (typeof url !== 'string' || !url) {
      throw new KeyflowError('INVALID_CONFIG', "clearkey: `servers['org.w3.clearkey']` must be the license server URL");
    }
    const { token, problemTypes } = options;
    if (token !== undefined && typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
      throw new KeyflowError('INVALID_CONFIG', 'clearkey: `token` must be a token string or a function returning one');
    }
    if (problemTypes !== undefined) {
      const codes: ErrorRuleCode[] = ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'NOT_ENTITLED', 'BAD_REQUEST', 'LICENSE_SERVER_ERROR'];
      const ok =
        !!problemTypes && typeof problemTypes === 'object' && Object.values(problemTypes).every((code) => codes.includes(code));
      if (!ok) throw new KeyflowError('INVALID_CONFIG', `clearkey: \`problemTypes\` must map problem type URIs to one of ${codes.join(', ')}`);
    }
  },

  rewriteRequest(request, token, options): RewrittenDrmRequest {
    let headers = withHeader(request.headers, 'Content-Type', 'application/json');
    const secrets: string[] = [];
    if (options.token !== undefined) {
      const value = tokenString(token, request.keySystem);
      if (!BEARER_TOKEN.test(value)) {
        throw new KeyflowError('TOKEN_MALFORMED', 'Token source returned a token that cannot be sent as a Bearer token (spaces or other characters outside base64url and dots)', {
          keySystem: request.keySystem,
        });
      }
      headers = withHeader(headers, 'Authorization', `Bearer ${value}`);
      secrets.push(value);
    }
    return { url: request.url, headers, body: request.body, secrets };
  },

  unwrapResponse(response: DrmResponse, options): Uint8Array {
    const { body, keySystem, status } = response;
    if (body.byteLength === 0) {
      throw new KeyflowError('MALFORMED_RESPONSE', 'ClearKey license server sent an empty reply', { keySystem, httpStatus: status });
    }
    if (keySystem !== KeySystem.CLEARKEY) return body;
    const problem = clearKeyLicenseProblem(body);
    if (!problem) return body;
    const record = /problem\+json/i.test(response.headers['content-type'] ?? '') ? parseProblemDetails(new TextDecoder().decode(body)) : null;
    if (record) throw problemError(record, status, keySystem, options, 'license');
    throw new KeyflowError('MALFORMED_RESPONSE', `ClearKey license server's reply is not a ClearKey license: ${problem}`, {
      keySystem,
      httpStatus: status,
    });
  },

  decodeFailure(failure: DrmHttpFailure, options): KeyflowError {
    const what = failure.kind === 'certificate' ? 'certificate' : 'license';
    const problem = parseProblemDetails(failure.bodyText);
    if (problem) return problemError(problem, failure.status, failure.keySystem, options, what);
    return new KeyflowError(codeForStatus(failure.status), `ClearKey ${what} server answered HTTP ${failure.status}`, {
      keySystem: failure.keySystem,
      httpStatus: failure.status,
    });
  },
};
