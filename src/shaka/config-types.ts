/**
 * The configuration types the glue works with: what every configuration has,
 * the configuration after validation (defaults filled in), a preset of any
 * options, and the init-data decoder the core entry takes; and the license
 * URLs a configuration routes.
 *
 * @module
 */
import type { CommonOptions } from '../api/config';
import type { RenewalOptions } from '../api/renewal-options';
import type { Provider } from '../providers/preset';
import type { DecodedInitData } from '../pssh/init-data';

/** What every keyflow configuration has: a provider (name or preset object) and the common options. */
export type BaseConfig = CommonOptions & {
  /** A provider name (main entry) or preset object (core entry). */
  provider: unknown;
};

/** A configuration after validation: the common options' defaults filled in. */
export type NormalizedConfig = BaseConfig &
  Required<Omit<CommonOptions, 'tokenOrigin' | 'renewal'>> &
  Pick<CommonOptions, 'tokenOrigin'> & { renewal: Required<RenewalOptions> } & Record<string, unknown>;

/**
 * Decodes EME init data (PSSH boxes, keyids JSON) for the `initdata` event
 * and for key IDs Shaka does not know; `decodeInitData` from `src/pssh`.
 * Optional in `shaka-keyflow/core` because the decoders weigh more than the
 * rest of keyflow.
 */
export type InitDataDecoder = (initDataType: string, initData: Uint8Array) => DecodedInitData;

/** A provider preset of any options and token type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = Provider<any, any>;

/** The license URL per key system keyflow routes: the preset's defaults, then the app's `servers`. */
export function routedServers(
  defaults: Record<string, string | undefined>,
  servers: Record<string, string | undefined>,
): Record<string, string> {
  const routed: Record<string, string> = {};
  for (const source of [defaults, servers]) {
    for (const [keySystem, url] of Object.entries(source)) if (typeof url === 'string') routed[keySystem] = url;
  }
  return routed;
}
