/**
 * What keyflow says and does about key statuses: every status but `usable`
 * in the `keystatus` event carries an explanation in plain words, and the
 * app's `renewal` options choose an action:
 *
 * - `onExpired: 'renew'`: a key reports `expired` → renew now: Shaka 5's
 *   `player.renewLicense()` where Shaka can renew from the page (PlayReady,
 *   FairPlay); elsewhere (Widevine, whose CDM alone decides when to renew;
 *   Shaka 4.x) the content is reloaded at the current position, once per
 *   asset, which gets a new session and a new license.
 * - `onInternalError: 'reload'`: a key reports `internal-error` → reload at
 *   the current position, once per asset (a new session).
 *
 * `'report'` (the default of both) only reports. What was done is the
 * event's `action`.
 *
 * @module
 */
import type { KeyStatusEvent } from '../api/events';
import { resolveUri } from '../util/url';
import type { NormalizedConfig } from './config-types';
import type { ShakaPlayer } from './types';

/** What each EME key status means for playback. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  expired: 'The license expired: this key decrypts again only after a renewal or a new license.',
  'output-restricted':
    'The output protection the license requires (e.g. HDCP) is not met: renditions using this key cannot play; others may.',
  'output-downscaled': 'Allowed only at a lower resolution on this output: playback goes on, downscaled.',
  'internal-error': 'The CDM failed with this key: a new session (a reload) may recover.',
  released: 'The session released this key: it no longer decrypts.',
  'status-pending': 'The CDM has not yet decided whether this key is usable.',
  'usable-in-future': 'The key becomes usable later (its license starts in the future).',
};

/** What the actions read of keyflow. */
interface KeyStatusContext {
  config: NormalizedConfig;
  player: ShakaPlayer | null;
}

/** The Shaka player methods the actions use (some lines lack some). */
interface ActingPlayer {
  getAssetUri?(): string | null;
  getMediaElement?(): HTMLMediaElement | null;
  keySystem?(): string;
  renewLicense?(sessionId?: string): void;
  load(uri: string, start?: number): Promise<void>;
}

/** Explains key statuses and acts on `expired` / `internal-error` as configured. */
export class KeyStatusActions {
  /** The assets (resolved) already reloaded for a key status. */
  private readonly reloaded_ = new Set<string>();
  /** A renewLicense() keyflow asked for has not been answered yet: no second one until a renewal is. */
  private renewing_ = false;

  /** @param keyflow_ the configuration in force and the player */
  constructor(private readonly keyflow_: () => KeyStatusContext) {}

  /** The event with an explanation for every status but `usable`, and what keyflow did about it. */
  handle(event: KeyStatusEvent): KeyStatusEvent {
    const keys = event.keys.map((key) => (EXPLANATIONS[key.status] ? { ...key, explanation: EXPLANATIONS[key.status]! } : key));
    const { config, player } = this.keyflow_();
    const has = (status: string): boolean => keys.some((key) => key.status === status);
    let action: 'renew' | 'reload' | null = null;
    if (player && has('expired') && config.renewal.onExpired === 'renew') action = this.renew_(player as unknown as ActingPlayer);
    else if (player && has('internal-error') && config.renewal.onInternalError === 'reload') {
      action = this.reload_(player as unknown as ActingPlayer);
    }
    return action ? { keys, action } : { keys };
  }

  /** A renewal was answered: an `expired` key may ask for renewLicense() again. */
  renewed(): void {
    this.renewing_ = false;
  }

  /** Renews once per answered renewal (then, still expired, reloads once per asset): never a storm of requests. */
  private renew_(player: ActingPlayer): 'renew' | 'reload' | null {
    const keySystem = player.keySystem?.() ?? '';
    if (!this.renewing_ && typeof player.renewLicense === 'function' && /^com\.(microsoft\.playready|apple\.fps)/.test(keySystem)) {
      this.renewing_ = true;
      player.renewLicense();
      return 'renew';
    }
    return this.reload_(player);
  }

  /** Reloads the content at the current position, once per asset; null when it was done already (or cannot be). */
  private reload_(player: ActingPlayer): 'reload' | null {
    const asset = player.getAssetUri?.() ?? null;
    if (!asset || this.reloaded_.has(resolveUri(asset))) return null;
    this.reloaded_.add(resolveUri(asset));
    const media = player.getMediaElement?.();
    const position = media && media.currentTime > 0 ? media.currentTime : undefined;
    player.load(asset, position).catch(() => undefined); // the reload's own failures reach the app through Shaka's error event
    return 'reload';
  }
}
