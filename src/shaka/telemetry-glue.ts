/**
 * keyflow's telemetry collector wired to a player: key statuses and license
 * expiration read from the player (Shaka's `getKeyStatuses()` /
 * `getExpiration()`, absent on a destroyed or stubbed player), events out
 * through keyflow's emitter.
 *
 * @module
 */
import type { ExpirationEvent, KeyStatusEvent } from '../api/events';
import { TelemetryCollector } from '../telemetry/collector';
import type { TimingEvent } from '../telemetry/stats';

/** What the collector reads of a player. */
interface ReadablePlayer {
  getKeyStatuses?: () => Record<string, string>;
  getExpiration?: () => number;
}

/** Where the collector's events go. */
export interface TelemetrySink {
  timing(event: TimingEvent): void;
  keystatus(event: KeyStatusEvent): void;
  expiration(event: ExpirationEvent): void;
}

/**
 * A collector for the player `player()` returns (null once keyflow is destroyed).
 *
 * @param sink where its events go
 */
export function createTelemetry(player: () => unknown, sink: TelemetrySink): TelemetryCollector {
  const readable = () => player() as ReadablePlayer | null;
  return new TelemetryCollector(sink, {
    keyStatuses: () => readable()?.getKeyStatuses?.() ?? {},
    expiration: () => readable()?.getExpiration?.() ?? Infinity,
  });
}
