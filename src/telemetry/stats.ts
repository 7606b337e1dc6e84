/** Counts and sums keyflow keeps per load (reset when a new load starts). */
export interface KeyflowStats {
  /** License request attempts sent (retries and renewals included). */
  licenseRequests: number;
  /** Service-certificate fetches seen (certificate URI requests and Widevine `08 04` exchanges). */
  certificateRequests: number;
  /** Calls to the app's token source. */
  tokenRequests: number;
  /** License request attempts after the first (Shaka retries and token replays). */
  retries: number;
  /** Errors keyflow reported. */
  failures: number;
  /** Bytes of licenses passed to the CDM (renewals left out). */
  licenseBytes: number;
  /** Sum of the network time of license exchanges (request sent → reply; renewals left out), ms. */
  licenseNetworkMs: number;
  /** Sum of the time token fetches took, ms. */
  tokenFetchMs: number;
  /** License renewals answered (EME `license-renewal` exchanges). */
  renewals: number;
  /** License renewals that failed for good. */
  renewalFailures: number;
}

/** A fresh, all-zero {@link KeyflowStats}. */
export function emptyStats(): KeyflowStats {
  return {
    licenseRequests: 0,
    certificateRequests: 0,
    tokenRequests: 0,
    retries: 0,
    failures: 0,
    licenseBytes: 0,
    licenseNetworkMs: 0,
    tokenFetchMs: 0,
    renewals: 0,
    renewalFailures: 0,
  };
}

/** When the phases of one license exchange happened (`performance.now()` values). */
export interface ExchangeClock {
  /** keyflow saw the request (first attempt). */
  startedAt: number;
  /** Time spent waiting for the token, ms (over all attempts). */
  tokenWaitMs: number;
  /** The last attempt was released to the network. */
  sentAt: number;
  /** The reply reached keyflow. */
  respondedAt: number;
}

/** Payload of the `timing` event: where the time of one license exchange went. */
export interface TimingEvent {
  /** The key system of the exchange. */
  keySystem: string;
  /** Waiting for the app's token (0 when it was prefetched in time). */
  tokenWaitMs: number;
  /** The service-certificate fetch that preceded this exchange in the same load, if any. */
  certificateMs?: number;
  /** The license request on the network (last attempt sent → reply), ms. */
  networkMs: number;
  /** The CDM taking the license (reply → session updated, keys usable), ms. */
  cdmMs: number;
  /** keyflow seeing the request → keys usable, ms. Includes retries and waits. */
  totalMs: number;
  /** For the first exchange of a load: `player.load()` (the manifest request) → first frame, ms. */
  firstFrameMs?: number;
}

/**
 * Builds a {@link TimingEvent} from the clock of an exchange; phases are
 * clamped to be non-negative.
 *
 * @param keysUsableAt when the CDM reported the session updated
 */
export function timingOf(
  keySystem: string,
  clock: ExchangeClock,
  keysUsableAt: number,
  extra: { certificateMs?: number; firstFrameMs?: number } = {},
): TimingEvent {
  const nonNegative = (ms: number): number => Math.max(0, ms);
  return {
    keySystem,
    tokenWaitMs: nonNegative(clock.tokenWaitMs),
    ...(extra.certificateMs !== undefined ? { certificateMs: nonNegative(extra.certificateMs) } : {}),
    networkMs: nonNegative(clock.respondedAt - clock.sentAt),
    cdmMs: nonNegative(keysUsableAt - clock.respondedAt),
    totalMs: nonNegative(keysUsableAt - clock.startedAt),
    ...(extra.firstFrameMs !== undefined ? { firstFrameMs: nonNegative(extra.firstFrameMs) } : {}),
  };
}
