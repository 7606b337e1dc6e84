/**
 * Which load keyflow is in, from the manifest requests: a load (or preload)
 * starts at its manifest request (HLS media playlists are manifest requests
 * too, and do not start one), URIs compared resolved against the page. At
 * that point the token is prefetched for the key system Shaka will most
 * likely choose, EME is probed for every key system (to explain a failed
 * choice later), and the manifest's reply tells which key systems the
 * content signals.
 *
 * @module
 */
import { KeyflowError, redactKeyflowError } from '../api/errors';
import type { KeySystemFacts } from '../api/key-system-errors';
import { keySystemsSignalledBy } from '../api/key-system-errors';
import { guessKeySystem, KeySystemSupport, PROBED_KEY_SYSTEMS } from '../eme/key-system-probe';
import type { TokenBroker } from '../tokens/broker';
import { resolveUri } from '../util/url';
import { bytesOf } from './exchanges';
import { MAX_REPLY_BYTES } from './failures';
import type { ShakaPlayer, ShakaRequest, ShakaRequestContext, ShakaResponse } from './types';
import type { NormalizedConfig } from './config-types';
import { ConnectionWarmUp } from './warm-up';

/** The server certificate URL configured for `keySystem` (the app's, or the preset's default), if any. */
function certificateUriOf(player: ShakaPlayer, keySystem: string): string | undefined {
  const advanced = (player.getConfiguration() as { drm: { advanced?: Record<string, { serverCertificateUri?: string } | undefined> } }).drm
    .advanced;
  return advanced?.[keySystem]?.serverCertificateUri || undefined;
}

/** What the load tracker reads and uses of keyflow. */
export interface LoadContext {
  /** The player, until keyflow is destroyed. */
  player(): ShakaPlayer | null;
  readonly tokens: TokenBroker;
  isDestroyed(): boolean;
  /** The license URL per key system keyflow routes. */
  wantedServers(): Record<string, string>;
  /** Prefetch is on and the token is a function. */
  prefetches(): boolean;
  /** A new manifest is being loaded (its init data is reported again). */
  manifestChanged(): void;
  /** The configuration in force (warm-up, token origin). */
  config(): NormalizedConfig;
  /** The secrets keyflow knows, to redact from a failed `prepare()`'s error. */
  readonly secrets: { knownSecrets(): readonly string[] };
}

/** The current load and what keyflow learnt about it. */
export class LoadTracker {
  /** The manifest of the current load, resolved. */
  private manifestUri_: string | null = null;
  /** The manifest of a load being preloaded, resolved. */
  private preloadManifestUri_: string | null = null;
  /** Key systems the current content signals (from the manifest's text). */
  private signalled_: string[] = [];
  private readonly support_ = new KeySystemSupport();
  private readonly warmUp_ = new ConnectionWarmUp();

  /** @param ctx_ what the tracker reads and uses of keyflow */
  constructor(private readonly ctx_: LoadContext) {}

  /** The asset being played, resolved against the page (token cache key, load detection). */
  assetUri(): string | null {
    const asset = this.ctx_.player()?.getAssetUri?.();
    return asset ? resolveUri(asset) : null;
  }

  /** The manifest (resolved) of the load, or of the preload, a license request belongs to. */
  manifestOf(isPreload: boolean): string | null {
    return isPreload ? this.preloadManifestUri_ : (this.assetUri() ?? this.manifestUri_);
  }

  /** A load started (Shaka's `loading`): nothing is known of its content yet; its warm-up asks again. */
  loading(): void {
    this.signalled_ = [];
    this.warmUp_.rearm();
  }

  /** What the content signals, what has a license URL (keyflow's and the app's), and what this browser supports. */
  keySystemFacts(): KeySystemFacts {
    const routed = new Set(Object.keys(this.ctx_.wantedServers()));
    for (const [keySystem, url] of Object.entries(this.ctx_.player()?.getConfiguration().drm.servers ?? {})) if (url) routed.add(keySystem);
    return { signalled: this.signalled_, routed: [...routed], ...this.support_.known() };
  }

  /** A manifest request: a load (or preload) starting fetches the token it will need. */
  manifestRequested(request: ShakaRequest, context: ShakaRequestContext | undefined): void {
    // Shaka may give `http:/content/a.mpd` here for `load('/content/a.mpd')`: compare resolved URIs.
    const uri = request.uris[0] !== undefined ? resolveUri(request.uris[0]) : null;
    const isPreload = !!context?.isPreload;
    // HLS media playlists are MANIFEST requests too: only the asset itself starts a load.
    const asset = this.assetUri();
    if (!isPreload && asset && uri !== asset) return;
    if (isPreload) {
      this.preloadManifestUri_ = uri;
    } else if (uri !== this.manifestUri_) {
      this.ctx_.tokens.cache.abandonOthers(uri);
      this.manifestUri_ = uri;
      this.ctx_.manifestChanged();
    }
    this.getReady_(uri, true).catch(() => {}); // a failed prefetch is fetched again when the license needs it
  }

  /**
   * `prepare()`: the warm-up of a load start before there is one, and the
   * token when tokens cover the service (a title's token needs its manifest:
   * `player.preload()` fetches that). Settles as that token does.
   */
  async prepare(): Promise<void> {
    this.warmUp_.rearm();
    await this.getReady_(null, this.ctx_.config().tokenScope === 'service').catch((error: unknown) => {
      // Not emitted (no license failed): the caller gets it, redacted as keyflow's `error` events are.
      if (error instanceof KeyflowError) redactKeyflowError(error, this.ctx_.secrets.knownSecrets());
      throw error;
    });
    if (this.ctx_.isDestroyed()) throw new KeyflowError('DESTROYED', 'Abandoned: keyflow was destroyed');
  }

  /**
   * Probes EME, warms the connections of the key system Shaka will most
   * likely choose and, when `prefetch` is allowed, fetches its token for
   * `uri` (null: any title, tokens covering the service).
   */
  private getReady_(uri: string | null, prefetch: boolean): Promise<unknown> {
    const candidates = Object.keys(this.ctx_.wantedServers());
    // Probe what this browser supports now, to explain a failed key system choice later (6001/6012).
    this.support_.probe([...PROBED_KEY_SYSTEMS, ...candidates]);
    const player = this.ctx_.player();
    if (!player) return Promise.resolve();
    const drm = (player.getConfiguration() as { drm: { preferredKeySystems?: string[]; clearKeys?: object } }).drm;
    // The app's drm.clearKeys: Shaka licenses the content itself, no token or license server is needed.
    if (Object.keys(drm.clearKeys ?? {}).length) return Promise.resolve();
    const { warmUp, tokenOrigin } = this.ctx_.config();
    if (warmUp) this.warmUp_.preconnect([tokenOrigin]);
    const fetchesToken = prefetch && this.ctx_.prefetches();
    if (!fetchesToken && !warmUp) return Promise.resolve();
    return guessKeySystem(candidates, drm.preferredKeySystems ?? [], this.support_.probes).then((keySystem) => {
      if (!keySystem || this.ctx_.isDestroyed()) return undefined;
      if (warmUp) this.warmUp_.preconnect([this.ctx_.wantedServers()[keySystem], certificateUriOf(player, keySystem)]);
      return fetchesToken ? this.ctx_.tokens.prefetch({ keySystem, manifestUri: uri, keyIds: [] }) : undefined;
    });
  }

  /** keyflow is destroyed: the warm-up links it added are taken out. */
  release(): void {
    this.warmUp_.remove();
  }

  /** A manifest reply: notes the key systems the current load's content signals, and probes them. */
  manifestAnswered(response: ShakaResponse): void {
    const uri = response.originalUri ?? response.uri;
    // Once per load: a live manifest is fetched again and again.
    if (!uri || this.signalled_.length || resolveUri(uri) !== this.manifestUri_) return;
    const body = bytesOf(response.data);
    if (body.byteLength > MAX_REPLY_BYTES * 16) return;
    this.signalled_ = keySystemsSignalledBy(new TextDecoder().decode(body));
    this.support_.probe(this.signalled_);
  }
}
