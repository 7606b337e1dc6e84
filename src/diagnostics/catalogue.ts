/**
 * What each keyflow error means, in plain words: one entry per error code,
 * with the phase of the license workflow it belongs to, the likely causes
 * (most likely first) and what to do. Data only; `explain.ts` picks the entry
 * and adds the evidence. Shaka's DRM errors: `shaka-failures.ts`.
 *
 * @module
 */
import type { KeyflowErrorCode } from '../api/errors';

/** Where in the license workflow a failure happened. */
export type FailurePhase =
  'configuration' | 'key-system' | 'token' | 'certificate' | 'license-request' | 'license' | 'key-usable' | 'session';

/** One failure, explained. */
export interface FailureEntry {
  phase: FailurePhase;
  /** One sentence: what went wrong. */
  summary: string;
  /** Likely causes, most likely first. */
  causes: readonly string[];
  /** What to do, in the order to try. */
  fixes: readonly string[];
}

const TOKEN_BACKEND = 'Check the token function and your backend (its logs, its response for this user and title).';

/**
 * Every keyflow error code (the type makes a missing one a compile error).
 * A function, so that a bundle that never calls `explain` leaves the text out
 * (a constant object was kept: measured with size-limit).
 */
// eslint-disable-next-line max-lines-per-function -- data, in a function so that bundles without explain() leave it out
export const keyflowFailures = (): Readonly<Record<KeyflowErrorCode, FailureEntry>> => ({
  INVALID_CONFIG: {
    phase: 'configuration',
    summary: 'The keyflow or player configuration cannot work.',
    causes: ['An option has a wrong type or value (the message names it).', 'FairPlay is configured without a server certificate.'],
    fixes: ['Fix the option the message names (see docs/configuration.md).'],
  },
  TOKEN_SOURCE_FAILED: {
    phase: 'token',
    summary: 'Your token function threw or rejected, so no license request was sent.',
    causes: [
      'Your token backend answered an error (httpStatus is its status).',
      'The user is not signed in or not entitled.',
      'A network error reaching your backend.',
    ],
    fixes: [TOKEN_BACKEND, 'Look at the error’s cause: it is what your function threw.'],
  },
  TOKEN_TIMEOUT: {
    phase: 'token',
    summary: 'Your token function did not settle within tokenTimeoutMs.',
    causes: ['Your token backend is slow or unreachable.', 'The function never resolves (a missing return or await).'],
    fixes: [TOKEN_BACKEND, 'Raise tokenTimeoutMs if the backend is legitimately slow.'],
  },
  TOKEN_MALFORMED: {
    phase: 'token',
    summary: 'Your token function returned something that is not a token for this provider.',
    causes: ['The backend’s answer was passed on in the wrong shape (e.g. JSON text, an empty string, a wrapper object).'],
    fixes: ['Return what the provider expects (see its page in docs/presets/ or docs/providers.md).'],
  },
  TOKEN_INVALID: {
    phase: 'license-request',
    summary: 'The license server rejected the token.',
    causes: [
      'The token expired or was already used.',
      'It was made for another key system, title or environment (test vs production).',
      'It was signed with a wrong key.',
    ],
    fixes: [
      'keyflow fetched a new token once where it could; if that failed too, check how your backend mints tokens for this key system.',
    ],
  },
  TOKEN_EXPIRED: {
    phase: 'license-request',
    summary: 'The license server says the token has expired.',
    causes: [
      'The token outlived its validity (clock skew between your backend and the service counts too).',
      'A cached token was reused past its expiry.',
    ],
    fixes: ['Return { token, expiresAt } so keyflow knows when to fetch a new one, or lower tokenMaxAgeMs.'],
  },
  NOT_ENTITLED: {
    phase: 'license-request',
    summary: 'The license server refused the license: the token does not grant these keys.',
    causes: [
      'The user’s rights do not cover this title or key.',
      'The token lists other key IDs than the content uses.',
      'An account-level restriction at the service (quota, disabled option).',
    ],
    fixes: [
      'Compare the key IDs in the content (the initdata event) with those your backend grants.',
      'Check the service’s own code (providerCode) in its documentation.',
    ],
  },
  BAD_REQUEST: {
    phase: 'license-request',
    summary: 'The license server could not use the request.',
    causes: [
      'The request is shaped wrongly for this service (headers, body, wrapping).',
      'The key system’s request went to another key system’s URL.',
    ],
    fixes: ['Check servers and the preset’s options; the message quotes the server.'],
  },
  LICENSE_SERVER_ERROR: {
    phase: 'license-request',
    summary: 'The license server failed or answered an unexpected status.',
    causes: ['An outage or overload at the service (5xx).', 'A wrong URL (404) or method.'],
    fixes: ['Shaka retried per drm.retryParameters; check the service’s status and the URL in servers.'],
  },
  LICENSE_REQUEST_FAILED: {
    phase: 'license-request',
    summary: 'The license request got no answer.',
    causes: ['A network error, CORS refusal or timeout.', 'The license host is unreachable from this network.'],
    fixes: ['Check the browser’s network panel for the license request, CORS headers and the URL.'],
  },
  MALFORMED_RESPONSE: {
    phase: 'license',
    summary: 'The license server answered 2xx, but not with a license keyflow can pass on.',
    causes: ['The reply is wrapped differently than configured (unwrapResponse).', 'An error was sent with status 200.'],
    fixes: ['Compare the reply with the preset’s or your unwrapResponse configuration.'],
  },
  LICENSE_REJECTED: {
    phase: 'license',
    summary: 'The CDM rejected the license.',
    causes: [
      'The license is for another device, session or key system.',
      'The reply was passed on still wrapped.',
      'A test license reached a real CDM (or the reverse).',
    ],
    fixes: ['Check that unwrapping yields the raw license and that the request and license key systems match.'],
  },
  DESTROYED: {
    phase: 'session',
    summary: 'The work was abandoned because keyflow was destroyed.',
    causes: ['destroy() was called while a request was in flight.'],
    fixes: ['Nothing to do unless destroy() came earlier than intended.'],
  },
  ABORTED: {
    phase: 'session',
    summary: 'The work was abandoned because another load started.',
    causes: ['The user switched titles while a token was being fetched.'],
    fixes: ['Nothing to do: the new load has its own requests.'],
  },
  TOKEN_REJECTED: {
    phase: 'license-request',
    summary: 'The license server rejected the token, and the freshly fetched one too.',
    causes: ['Your backend mints tokens the service does not accept (wrong key, environment or content).', 'The user lost their rights.'],
    fixes: [TOKEN_BACKEND, 'The cause holds the last rejection with the service’s own code.'],
  },
  NO_LICENSE_SERVER: {
    phase: 'key-system',
    summary: 'Shaka chose a key system for which no license URL is configured.',
    causes: ['servers lacks that key system and the preset has no default for it.'],
    fixes: ['Add the key system to servers, or restrict drm.preferredKeySystems to the ones you route.'],
  },
  NO_KEY_SYSTEM: {
    phase: 'key-system',
    summary: 'No key system the content signals and keyflow routes is supported by this browser.',
    causes: [
      'The browser lacks the CDM (e.g. Widevine in headless or unbranded builds).',
      'The page is not a secure context.',
      'The content signals only systems you do not route.',
    ],
    fixes: ['The message lists what the content signals, what is configured and what this browser supports: make them meet.'],
  },
  INSECURE_TRANSPORT: {
    phase: 'configuration',
    summary: 'keyflow refused to send a token in clear (http:) to a remote host.',
    causes: ['A license or certificate URL is http: on a host that is not loopback.', 'networking.forceHTTP is on.'],
    fixes: ['Use https:. On a closed test network only, set allowInsecureHttp: true.'],
  },
  RENEWAL_FAILED: {
    phase: 'license-request',
    summary: 'A license renewal failed; the keys expire at the license’s end unless a later renewal succeeds.',
    causes: [
      'The renewal was refused: its cause says why (expired or invalid token, not entitled any more, server error).',
      'The renewal server the license named (Widevine renewal_server_url) is unreachable or refuses keyflow’s request.',
      'The network failed while the license was being renewed.',
      'The CDM rejected the renewal license (cause LICENSE_REJECTED): the server answered with something that is not a renewal for this session.',
    ],
    fixes: [
      'Look at the error’s cause: explain(error.cause) names the failed exchange.',
      'Make the token function return a fresh token (renewals refresh an expired token first).',
      'If the renewal server the license names is wrong, set renewal.useLicenseRenewalUrl: false.',
    ],
  },
  SESSION_FAILED: {
    phase: 'session',
    summary: 'A session hook (started, heartbeat or stopped) failed; playback went on.',
    causes: ['The service refused the session (e.g. too many concurrent streams).', 'The hook’s request failed.'],
    fixes: ['Look at the cause (what the hook threw) and decide whether to unload.'],
  },
});
