import { KeyflowBase } from './shaka/keyflow-base';
import { providerFor, type KeyflowConfig, type KeyflowConfigUpdate } from './providers/registry';
import { decodeInitData } from './pssh/init-data';
import type { ShakaPlayer } from './shaka/types';
import type { SupportReport } from './diagnostics/report';
import { supportReport } from './shaka/support-report';

/**
 * Runs the license workflow of one DRM provider for one Shaka player.
 *
 * It registers one request filter and one response filter on the player's
 * networking engine and acts only on license requests (and certificate
 * requests where the provider needs it): it points them at the provider's
 * URL, attaches the token, unwraps replies, and turns failures into typed
 * {@link KeyflowError}s. It also sets `drm.servers` for the provider's key
 * systems, except where the app has set one itself. Tokens are prefetched
 * when a load starts, cached per key system, manifest and KIDs, refreshed
 * before they expire and once after a rejection.
 *
 * The provider is chosen by name (`provider: 'expressplay'`), so every
 * built-in preset is in the bundle; for the smallest bundle use
 * `shaka-keyflow/core`, which takes preset objects instead.
 *
 * @example
 * ```ts
 * const keyflow = new Keyflow(player, {
 *   provider: 'expressplay',
 *   token: async (ctx) => (await fetch(`/api/token?drm=${ctx.keySystem}`)).text(),
 * });
 * keyflow.on('error', (err) => console.warn(err.code, err.message));
 * await player.load(manifestUri);
 * ```
 */
export class Keyflow extends KeyflowBase<KeyflowConfig, KeyflowConfigUpdate> {
  /**
   * @param player a `shaka.Player` (4.9 or later), attached or not
   * @param config the provider (by name) and its options
   * @throws KeyflowError `INVALID_CONFIG` when the configuration is unusable
   */
  constructor(player: ShakaPlayer, config: KeyflowConfig) {
    super(player, config, providerFor(config), decodeInitData);
  }

  /**
   * A support report: keyflow's and Shaka's versions, the browser, key systems (the choice and
   * why, EME support per robustness level, probed now), the configuration with its secrets
   * redacted, counters, the last 20 exchanges with phase timings and token fetches, the failures
   * explained, as JSON with a `text` rendering (`supportReport(keyflow)` with `shaka-keyflow/core`).
   */
  report(): Promise<SupportReport> {
    return supportReport(this);
  }
}
