/**
 * Shaka 4.x: request filters run once per request and a license request
 * cannot be re-run, so after a token rejection keyflow fetches a new token
 * and reloads the content at the current position, once per asset (the app
 * sees one 6007 first); a second rejection is `TOKEN_REJECTED`.
 *
 * @module
 */
import { tokenRejectedError, type KeyflowError } from '../api/errors';
import { resolveUri } from '../util/url';
import type { Exchange } from './exchanges';
import type { RecoveryContext, ShakaLine } from './line-types';

/** A Shaka 4.x line for one player (it remembers the asset it reloaded). */
export function createShaka4Line(): ShakaLine {
  /** The asset (resolved) keyflow already reloaded once after a token rejection. */
  let reloadedAsset: string | null = null;

  function recoverByReload(rejection: KeyflowError, exchange: Exchange, ctx: RecoveryContext): KeyflowError {
    const player = ctx.player();
    const asset = player?.getAssetUri?.() ?? null;
    if (!player || !asset || !ctx.canRefreshToken()) return rejection;
    // `asset` stays as the app gave it (load() takes it again); it is compared resolved.
    if (reloadedAsset === resolveUri(asset)) return tokenRejectedError(rejection);
    reloadedAsset = resolveUri(asset);
    exchange.needsNewToken = true;
    const media = (player as { getMediaElement?: () => HTMLMediaElement | null }).getMediaElement?.();
    const position = media && media.currentTime > 0 ? media.currentTime : undefined;
    ctx.tokens
      .tokenFor(exchange, exchange.attempt + 1)
      .then(() => {
        if (ctx.isDestroyed()) return undefined;
        return (player as unknown as { load(uri: string, start?: number): Promise<void> }).load(asset, position);
      })
      .catch(() => {
        // the reload's own failures reach the app through Shaka's error event
      });
    return rejection;
  }

  return { name: '4.x', perAttemptFilters: false, recoverFromTokenRejection: recoverByReload };
}
