// The delay model of the bench's real-network mode (issue 16 §3), pure (no I/O), so a node test can
// check it (test/node/bench-net-model.test.mjs).
//
// A round trip time (RTT) per origin, the same for every origin:
//   - a new connection costs CONNECTION_SETUP_RTTS round trips before its first byte can go: TCP's
//     handshake (1 RTT) and TLS 1.3's (1 RTT). DNS is not modelled (host-resolver rules answer at
//     once). The latency proxy (net-server.mjs) holds a new connection's bytes for that long, so
//     the browser's TLS handshake really waits; a connection warmed earlier
//     (`<link rel="preconnect">`) has paid it by the time its first request goes;
//   - every request costs one RTT (the request's way there and the answer's way back) on top of
//     what the server itself takes (its think time: the `serverMs` of each kind of answer).
// Bandwidth is not modelled: a segment arrives one RTT plus its server time after it is asked for.

/** Round trips a new connection costs before its first request can go (TCP + TLS 1.3). */
export const CONNECTION_SETUP_RTTS = 2;

/** The RTTs of a default run, ms. */
export const DEFAULT_RTTS = [20, 50, 150];

/**
 * What each kind of answer takes on the server itself in the network mode, ms (the RTT comes on
 * top): a CDN for the manifest and segments, an app backend that asks a token API for the token,
 * a license server.
 */
export const NETWORK_SERVER_MS = { manifest: 10, token: 60, license: 30, segment: 5 };

/** The delays of a link with round trip time `rttMs`. */
export function linkModel(rttMs) {
  if (!Number.isFinite(rttMs) || rttMs < 0) throw new RangeError(`RTT must be a non-negative number of ms, got ${rttMs}`);
  return { rttMs, connectionSetupMs: CONNECTION_SETUP_RTTS * rttMs, requestMs: rttMs };
}

/**
 * When the answer to a request starts, relative to the request's arrival at the server: one RTT
 * plus the server's time. (The connection's set-up has been paid by then: the proxy held the
 * connection's first bytes.)
 */
export function answerDelayMs(link, serverMs) {
  return link.requestMs + Math.max(0, serverMs);
}

/**
 * A first load's lower bound under the model, for orientation in the printed report: a connection
 * to each origin the load needs and the requests that cannot overlap, in sequence.
 *
 * @param link from linkModel
 * @param steps [{ newConnection: boolean, serverMs: number }] the requests on the critical path
 */
export function criticalPathMs(link, steps) {
  return steps.reduce((sum, step) => sum + (step.newConnection ? link.connectionSetupMs : 0) + answerDelayMs(link, step.serverMs), 0);
}

/** Parses `--rtt 20,50,150`. */
export function parseRtts(text) {
  const values = String(text)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
  if (!values.length || values.some((v) => !Number.isFinite(v) || v < 0))
    throw new RangeError(`--rtt takes non-negative ms, comma-separated: ${text}`);
  return values;
}

/**
 * The zapping summary of a playlist: title 1's time, the mean of titles 2…n, and their ratio
 * (null when there are fewer than two titles).
 *
 * @param times time to first frame per title, title 1 first
 */
export function playlistSummary(times) {
  if (times.length < 2) return { first: times[0] ?? null, restMean: null, ratio: null };
  const rest = times.slice(1);
  const restMean = rest.reduce((sum, t) => sum + t, 0) / rest.length;
  return { first: times[0], restMean, ratio: restMean / times[0] };
}

/**
 * Requests and connections of one variant against a baseline's, per origin: what keyflow added on
 * the wire. Only connections may differ (warm-up opens them earlier, never more requests).
 *
 * @param mine { [origin]: { requests, connections } }
 * @param base the same, for the baseline
 */
export function wireDelta(mine, base) {
  const origins = [...new Set([...Object.keys(mine), ...Object.keys(base)])];
  return Object.fromEntries(
    origins.map((origin) => [
      origin,
      {
        requests: (mine[origin]?.requests ?? 0) - (base[origin]?.requests ?? 0),
        connections: (mine[origin]?.connections ?? 0) - (base[origin]?.connections ?? 0),
      },
    ]),
  );
}
