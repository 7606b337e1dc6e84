/**
 * The built-in presets by name, and the configuration union derived from
 * them. Adding a preset is one file in `providers/` plus one line in
 * {@link PRESETS}: its name, options and token type flow into
 * {@link KeyflowConfig} from there.
 *
 * @module
 */
import type { CommonOptions } from '../api/config';
import { KeyflowError } from '../api/errors';
import { axinomProvider } from './axinom';
import { ezdrmProvider } from './ezdrm';
import { keyosProvider } from './keyos';
import { verimatrixProvider } from './verimatrix';
import { vudrmProvider } from './vudrm';
import { clearKeyProvider } from './clearkey';
import { comcastProvider } from './comcast';
import { customProvider } from './custom';
import { doveRunnerProvider } from './doverunner';
import { drmCloudProvider } from './drmcloud';
import { drmTodayProvider } from './drmtoday';
import { expressPlayProvider } from './expressplay';
import { titaniumProvider } from './titanium';
import { irdetoProvider } from './irdeto';
import { muxProvider } from './mux';
import { nagraProvider } from './nagra';
import type { Provider } from './preset';

/** Every built-in preset, by the `provider` value that selects it. */
const PRESETS = {
  expressplay: expressPlayProvider,
  custom: customProvider,
  clearkey: clearKeyProvider,
  axinom: axinomProvider,
  drmtoday: drmTodayProvider,
  doverunner: doveRunnerProvider,
  /** DoveRunner's former name: the same preset. */
  pallycon: doveRunnerProvider,
  titanium: titaniumProvider,
  drmcloud: drmCloudProvider,
  irdeto: irdetoProvider,
  nagra: nagraProvider,
  comcast: comcastProvider,
  mux: muxProvider,
  ezdrm: ezdrmProvider,
  keyos: keyosProvider,
  vudrm: vudrmProvider,
  verimatrix: verimatrixProvider,
} as const;

/** The built-in presets by name, as types: what {@link KeyflowConfig} is derived from. */
export type BuiltInPresets = typeof PRESETS;

/** The provider names keyflow knows. */
export type ProviderName = keyof BuiltInPresets;

/** The options a preset takes (its own; `servers` is a common option). */
export type PresetOptions<P> = P extends Provider<infer Options, unknown> ? Omit<Options, 'servers'> : never;

/** The configuration of the preset named `N`: the common options, its own, and `provider: N`. */
export type ConfigOf<N extends ProviderName> = CommonOptions &
  PresetOptions<BuiltInPresets[N]> & {
    /** Selects the preset; the discriminant of {@link KeyflowConfig}. */
    provider: N;
  };

/** Configuration of the `expressplay` provider (Intertrust ExpressPlay). */
export type ExpressPlayConfig = ConfigOf<'expressplay'>;

/**
 * Configuration of the `custom` provider: any license server or license
 * proxy, described declaratively. Its `servers` entries may be URL templates.
 */
export type CustomConfig = ConfigOf<'custom'>;

/** Configuration of the `clearkey` provider: a W3C ClearKey license server under the DASH-IF license request model. */
export type ClearKeyConfig = ConfigOf<'clearkey'>;

/**
 * The keyflow configuration: a discriminated union on `provider`, so each
 * provider's options are typed.
 */
export type KeyflowConfig = { [N in ProviderName]: ConfigOf<N> }[ProviderName];

/** A partial configuration for `configure()`; `provider` may only be repeated, not changed. */
export type KeyflowConfigUpdate = { [N in ProviderName]: Partial<ConfigOf<N>> }[ProviderName];

/**
 * The provider preset selected by a configuration.
 *
 * @throws KeyflowError `INVALID_CONFIG` for an unknown provider name
 */
export function providerFor(config: KeyflowConfig): Provider<KeyflowConfig, unknown> {
  const name = (config as { provider?: unknown }).provider;
  const provider =
    typeof name === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name as ProviderName] : undefined;
  if (!provider) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      `keyflow: unknown provider ${JSON.stringify(name)}; expected one of ${Object.keys(PRESETS).join(', ')}`,
    );
  }
  return provider as unknown as Provider<KeyflowConfig, unknown>;
}
