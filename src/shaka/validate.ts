/**
 * Checks before keyflow touches a player: that it is a usable `shaka.Player`
 * with no live Keyflow already, and that the configuration is whole (option
 * names, common options, the preset's own, no token that would travel in
 * clear).
 *
 * @module
 */
import { checkOptionNames, COMMON_OPTION_NAMES, normalizeCommonOptions } from '../api/config';
import { KeyflowError } from '../api/errors';
import { tokenSecrets } from '../tokens/secrets';
import { isCleartextRemoteUrl } from '../util/url';
import type { AnyProvider, BaseConfig, NormalizedConfig } from './config-types';
import type { ShakaNetworkingEngine, ShakaPlayer } from './types';

/** Marks a player that has a live Keyflow (a registry symbol: shared by the ESM, core and UMD builds). */
const ATTACHED = Symbol.for('shaka-keyflow.attached');

/** What keyflow leaves on a player it is attached to. */
interface Attached {
  isDestroyed(): boolean;
}

/**
 * The player's networking engine, after checking `player` is a live
 * `shaka.Player` without a live Keyflow.
 *
 * @throws KeyflowError `INVALID_CONFIG`
 */
export function checkPlayer(player: ShakaPlayer): ShakaNetworkingEngine {
  if (!player || typeof player.getNetworkingEngine !== 'function') {
    throw new KeyflowError('INVALID_CONFIG', 'keyflow: the first argument must be a shaka.Player');
  }
  const net = player.getNetworkingEngine();
  if (!net) throw new KeyflowError('INVALID_CONFIG', 'keyflow: the player has no networking engine (was it destroyed?)');
  const existing = (player as unknown as Record<symbol, Attached | undefined>)[ATTACHED];
  if (existing && !existing.isDestroyed()) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      'keyflow: this player already has a Keyflow; call destroy() on it first (in React, destroy it in the effect cleanup)',
    );
  }
  return net;
}

/** Marks `player` as having `keyflow` (or no Keyflow, with null, if it is still the one marked). */
export function markAttached(player: ShakaPlayer, keyflow: Attached | null, previous?: Attached): void {
  const record = player as unknown as Record<symbol, unknown>;
  if (keyflow) Object.defineProperty(player, ATTACHED, { value: keyflow, configurable: true, writable: true });
  else if (record[ATTACHED] === previous) delete record[ATTACHED];
}

/**
 * Checks a whole configuration and returns it with defaults filled in.
 *
 * @throws KeyflowError `INVALID_CONFIG`
 */
export function validateConfig(config: unknown, provider: AnyProvider): NormalizedConfig {
  if (config && typeof config === 'object' && provider.optionNames) {
    const coreOnly = typeof (config as { provider?: unknown }).provider === 'object' ? ['initDataDecoder'] : [];
    checkOptionNames(config, [...COMMON_OPTION_NAMES, ...provider.optionNames, ...coreOnly], provider.name);
  }
  const normalized = normalizeCommonOptions(config as BaseConfig) as NormalizedConfig;
  provider.validate(normalized);
  if (!normalized.allowInsecureHttp && (normalized as { token?: unknown }).token !== undefined) {
    for (const [keySystem, url] of Object.entries(normalized.servers)) {
      if (typeof url === 'string' && isCleartextRemoteUrl(url)) {
        throw new KeyflowError(
          'INVALID_CONFIG',
          `keyflow: servers['${keySystem}'] is an http: URL on another machine and would carry the token in clear; use https:, or set allowInsecureHttp: true on a closed test network`,
        );
      }
    }
  }
  return normalized;
}

/** A token configured as a value (not a function): a secret before any request is made. */
export function staticTokenSecrets(config: object): string[] {
  const token = (config as { token?: unknown }).token;
  return typeof token === 'function' ? [] : tokenSecrets(token);
}

/**
 * Checks a `configure()` update: an object, not changing the provider.
 *
 * @throws KeyflowError `INVALID_CONFIG`
 */
export function checkUpdate(update: unknown, provider: unknown): void {
  if (!update || typeof update !== 'object') {
    throw new KeyflowError('INVALID_CONFIG', 'keyflow: configure() takes an object');
  }
  const changed = (update as { provider?: unknown }).provider;
  if (changed !== undefined && changed !== provider) {
    throw new KeyflowError('INVALID_CONFIG', 'keyflow: the provider cannot be changed by configure(); destroy() and create a new Keyflow');
  }
}
