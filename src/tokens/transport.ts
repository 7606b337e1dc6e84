/**
 * Where a token may travel: never in clear to another machine. A request
 * that carries secrets to an `http:` URL whose host is not loopback (after
 * resolving it against the page), or through a player that forces `http:`
 * (`networking.forceHTTP`, which Shaka 4.x applies after the filters), is
 * refused with `INSECURE_TRANSPORT` unless the app opted in.
 *
 * @module
 */
import { KeyflowError } from '../api/errors';
import { isCleartextRemoteUrl, isLoopbackHost, resolveUri } from '../util/url';

/** What decides whether a request may go. */
export interface TransportFacts {
  /** `license` or `certificate`. */
  kind: 'license' | 'certificate';
  keySystem: string;
  /** The URL keyflow is about to send the request to. */
  url: string;
  /** Whether the request carries secrets (a token, a header, a body field). */
  carriesSecrets: boolean;
  /** The app set `allowInsecureHttp`. */
  allowInsecureHttp: boolean;
  /** The player's `networking.forceHTTP` is on. */
  forcesHttp: boolean;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** The `INSECURE_TRANSPORT` error for a request that would carry secrets in clear, or null when it may go. */
export function cleartextRefusal(facts: TransportFacts): KeyflowError | null {
  if (!facts.carriesSecrets || facts.allowInsecureHttp) return null;
  const url = resolveUri(facts.url);
  const host = hostOf(url);
  const forced = facts.forcesHttp && !isLoopbackHost(host);
  if (!forced && !isCleartextRemoteUrl(url)) return null;
  const what = `keyflow did not send the ${facts.kind} request`;
  return new KeyflowError(
    'INSECURE_TRANSPORT',
    forced
      ? `${what}: the player's networking.forceHTTP would send it to ${host} as http:, carrying the token in clear (turn forceHTTP off, or set allowInsecureHttp)`
      : `${what}: its URL is http: on the remote host ${host} and would carry the token in clear (use https:, or set allowInsecureHttp)`,
    { keySystem: facts.keySystem },
  );
}
