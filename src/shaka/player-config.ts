/**
 * What keyflow puts into the player's configuration and reads back from it:
 * the `drm.servers` entries of the key systems it routes (an app's own
 * entries win and are never touched), the service certificates it keeps for
 * later loads (`drm.advanced[keySystem].serverCertificate`), which key system
 * a certificate request is for, and the player's `drm.servers` and
 * `networking.forceHTTP` as of the current load (read once per load:
 * `getConfiguration()` copies Shaka's whole configuration).
 *
 * @module
 */
import type { Provider } from '../providers/preset';
import { resolveUri } from '../util/url';
import { ContentIdTransform, type ContentIdReader } from './fairplay-init-data';
import type { ShakaPlayer } from './types';

/** What keyflow reads of `drm.advanced[keySystem]`. */
interface CertificateSettings {
  serverCertificateUri?: string;
  serverCertificate?: Uint8Array;
}

/** keyflow's side of one player's configuration. */
export class PlayerConfig {
  /** The `drm.servers` entries keyflow put into the player's configuration. */
  private appliedServers_: Record<string, string> = {};
  /** The preset's certificate URLs keyflow put into `drm.advanced[keySystem].serverCertificateUri`. */
  private appliedCertificateUris_: Record<string, string> = {};
  /** Service certificates keyflow put into `drm.advanced[keySystem].serverCertificate`. */
  private readonly appliedCertificates_ = new Map<string, Uint8Array>();
  /** The player's `drm.servers` as of the current load (see playerServers). */
  private serversSnapshot_: Record<string, string> | null = null;
  /** The player's `networking.forceHTTP` as of the current load (see forcesHttp). */
  private forceHttpSnapshot_ = false;

  private player_: ShakaPlayer | null;
  /** keyflow's `drm.initDataTransform`, while the preset names a FairPlay content id. */
  private readonly contentIds_: ContentIdTransform;

  /** @param player the player keyflow configures */
  constructor(player: ShakaPlayer) {
    this.player_ = player;
    this.contentIds_ = new ContentIdTransform(player);
  }

  /** keyflow is destroyed: the player is let go (nothing is configured any more). */
  release(): void {
    this.player_ = null;
  }

  /** A new load: the player's configuration is read again at its first request. */
  forgetSnapshot(): void {
    this.serversSnapshot_ = null;
  }

  /** {@link applyServers} with the preset's certificate URLs and FairPlay content id for `options`. */
  applyPreset<Options>(wanted: Record<string, string>, preset: Provider<Options, unknown>, options: Options): void {
    this.applyServers(wanted, preset.defaultCertificatesFor?.(options), preset.fairPlayContentIdOf?.(options));
  }

  /**
   * Puts `wanted` (license URL per key system keyflow routes) into the
   * player's `drm.servers`, except where the app set an entry itself, and
   * takes out the entries keyflow put there that are no longer wanted; with
   * the preset's certificate URLs and FairPlay content id (see
   * `fairplay-init-data.ts`).
   */
  applyServers(
    wanted: Record<string, string>,
    certificateUris: Record<string, string> = {},
    contentIdOf: ContentIdReader | null = null,
  ): void {
    const player = this.player_;
    if (!player) return;
    this.applyCertificateUris_(certificateUris);
    this.contentIds_.apply(contentIdOf);
    const current = player.getConfiguration().drm.servers;
    const update: Record<string, string | undefined> = {};
    const applied: Record<string, string> = {};
    for (const [keySystem, url] of Object.entries(wanted)) {
      const mine = this.appliedServers_[keySystem];
      // An entry the app set itself (not by keyflow) wins.
      if (current[keySystem] === undefined || current[keySystem] === mine) {
        if (current[keySystem] !== url) update[keySystem] = url;
        applied[keySystem] = url;
      }
    }
    for (const [keySystem, url] of Object.entries(this.appliedServers_)) {
      if (!(keySystem in wanted) && current[keySystem] === url) update[keySystem] = undefined;
    }
    this.appliedServers_ = applied;
    if (Object.keys(update).length) player.configure({ drm: { servers: update } });
    this.serversSnapshot_ = null;
  }

  /**
   * Puts the preset's certificate URLs into `drm.advanced[keySystem].serverCertificateUri`,
   * except where the app set a certificate (URI or bytes) itself, and takes
   * out the ones keyflow put there that are no longer wanted.
   */
  private applyCertificateUris_(wanted: Record<string, string>): void {
    const player = this.player_!;
    const advanced = (player.getConfiguration() as { drm: { advanced?: Record<string, CertificateSettings> } }).drm.advanced ?? {};
    const update: Record<string, { serverCertificateUri: string }> = {};
    const applied: Record<string, string> = {};
    for (const [keySystem, uri] of Object.entries(wanted)) {
      const current = advanced[keySystem];
      const mine = this.appliedCertificateUris_[keySystem];
      const appSetOne =
        (!!current?.serverCertificateUri && current.serverCertificateUri !== mine) || !!current?.serverCertificate?.byteLength;
      if (appSetOne) continue;
      if (current?.serverCertificateUri !== uri) update[keySystem] = { serverCertificateUri: uri };
      applied[keySystem] = uri;
    }
    for (const [keySystem, uri] of Object.entries(this.appliedCertificateUris_)) {
      if (!(keySystem in wanted) && advanced[keySystem]?.serverCertificateUri === uri) update[keySystem] = { serverCertificateUri: '' };
    }
    this.appliedCertificateUris_ = applied;
    if (Object.keys(update).length) player.configure({ drm: { advanced: update } });
  }

  /** Takes out every `drm.servers` entry, certificate URL and service certificate keyflow put into the player. */
  removeAll(): void {
    const player = this.player_;
    if (!player) return;
    this.applyCertificateUris_({});
    this.contentIds_.apply(null);
    const current = player.getConfiguration().drm.servers;
    const update: Record<string, undefined> = {};
    for (const [keySystem, url] of Object.entries(this.appliedServers_)) {
      if (current[keySystem] === url) update[keySystem] = undefined;
    }
    this.appliedServers_ = {};
    if (Object.keys(update).length) player.configure({ drm: { servers: update } });
    if (this.appliedCertificates_.size) {
      const advanced: Record<string, { serverCertificate: Uint8Array }> = {};
      for (const keySystem of this.appliedCertificates_.keys()) advanced[keySystem] = { serverCertificate: new Uint8Array(0) };
      this.appliedCertificates_.clear();
      player.configure({ drm: { advanced } });
    }
  }

  /**
   * Keeps a service certificate for later loads: Shaka then skips the
   * certificate request (or the Widevine `08 04` round trip) next time.
   */
  keepCertificate(keySystem: string, certificate: Uint8Array): void {
    const player = this.player_;
    if (!player || !certificate.byteLength || this.appliedCertificates_.has(keySystem)) return;
    const copy = certificate.slice();
    this.appliedCertificates_.set(keySystem, copy);
    player.configure({ drm: { advanced: { [keySystem]: { serverCertificate: copy } } } });
  }

  /**
   * The key system whose `drm.advanced[keySystem].serverCertificateUri` is
   * `uri` (Shaka's certificate request carries no DRM info), else the one the
   * player is using.
   */
  certificateKeySystem(uri: string): string | null {
    return this.configuredCertificateKeySystem(uri) ?? ((this.player_ as { keySystem?: () => string } | null)?.keySystem?.() || null);
  }

  /**
   * The key system whose configured `drm.advanced[keySystem].serverCertificateUri`
   * is exactly `uri`, or null. Only such a certificate request may carry a
   * token: Shaka prefers a manifest's `dashif:Certurl` over the configuration.
   */
  configuredCertificateKeySystem(uri: string | undefined): string | null {
    const player = this.player_;
    if (!player || !uri) return null;
    const advanced =
      (player.getConfiguration() as { drm: { advanced?: Record<string, { serverCertificateUri?: string }> } }).drm.advanced ?? {};
    const wanted = resolveUri(uri);
    for (const [keySystem, settings] of Object.entries(advanced)) {
      if (settings?.serverCertificateUri && resolveUri(settings.serverCertificateUri) === wanted) return keySystem;
    }
    return null;
  }

  /**
   * The license URL for a key system keyflow routes, or null for one it
   * leaves alone. What the player is configured with wins (an app's explicit
   * `drm.servers` entry); a URL found only in the manifest never gets a token.
   */
  licenseUrlFor(keySystem: string, wanted: Record<string, string>): string | null {
    if (!(keySystem in wanted)) return null;
    const configured = this.playerServers()[keySystem];
    return configured || wanted[keySystem] || null;
  }

  /**
   * The player's `drm.servers`, read once per load: `player.getConfiguration()`
   * copies Shaka's whole configuration (a few tenths of a millisecond), too
   * slow to call on every license request.
   */
  playerServers(): Record<string, string> {
    if (!this.serversSnapshot_ && this.player_) {
      const configuration = this.player_.getConfiguration() as {
        drm: { servers: Record<string, string> };
        networking?: { forceHTTP?: boolean };
      };
      this.serversSnapshot_ = { ...configuration.drm.servers };
      this.forceHttpSnapshot_ = !!configuration.networking?.forceHTTP;
    }
    return this.serversSnapshot_ ?? {};
  }

  /**
   * Whether the player's `networking.forceHTTP` is on: Shaka 4.x applies it
   * after the request filters, so an `https:` license URL would go out as
   * `http:` (read once per load, with the servers).
   */
  forcesHttp(): boolean {
    this.playerServers();
    return this.forceHttpSnapshot_;
  }
}
