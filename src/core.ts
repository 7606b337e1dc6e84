/**
 * shaka-keyflow/core: the same {@link Keyflow}, taking provider preset
 * objects instead of names, so a bundler keeps only the presets an app
 * imports.
 *
 * ```ts
 * import { Keyflow, expressPlay } from 'shaka-keyflow/core';
 * const keyflow = new Keyflow(player, { provider: expressPlay, token });
 * ```
 *
 * @packageDocumentation
 */
import type { CommonOptions } from './api/config';
import { KeyflowError } from './api/errors';
import { KeyflowBase, type AnyProvider, type InitDataDecoder } from './shaka/keyflow-base';
import type { Provider } from './providers/preset';
import type { ShakaPlayer } from './shaka/types';

/** The options a provider preset takes. */
export type ProviderOptions<P> = P extends Provider<infer Options, unknown> ? Options : never;

/** A core configuration: a provider preset object, its options and the common options. */
export type CoreConfig<P extends AnyProvider> = CommonOptions &
  ProviderOptions<P> & {
    /** The provider preset object, e.g. `expressPlay`. */
    provider: P;
    /**
     * Init data decoder for the `initdata` event (and for KIDs Shaka does not
     * know): pass `decodeInitData` from `shaka-keyflow/pssh`. Without it
     * `initdata` never fires; the decoders are left out of the bundle.
     */
    initDataDecoder?: InitDataDecoder;
  };

/** How the core Keyflow stores its configuration (the typed {@link CoreConfig}, seen as a record). */
export type CoreConfigRecord<P extends AnyProvider> = CommonOptions &
  Record<string, unknown> & {
    /** The provider preset object. */
    provider: P;
  };

function checkedProvider(provider: unknown): AnyProvider {
  const preset = provider as Partial<AnyProvider> | null;
  if (
    !preset ||
    typeof preset !== 'object' ||
    typeof preset.rewriteRequest !== 'function' ||
    typeof preset.unwrapResponse !== 'function' ||
    typeof preset.decodeFailure !== 'function' ||
    typeof preset.validate !== 'function'
  ) {
    throw new KeyflowError(
      'INVALID_CONFIG',
      'keyflow/core: `provider` must be a provider preset object (e.g. expressPlay from shaka-keyflow/core); names need the main entry',
    );
  }
  return preset as AnyProvider;
}

/**
 * keyflow with the provider given as a preset object
 * (`expressPlay`, `customProvider`, `clearKeyProvider`, or your own made
 * with {@link definePreset}).
 */
export class Keyflow<P extends AnyProvider> extends KeyflowBase<CoreConfigRecord<P>, Partial<CoreConfig<P>>> {
  /**
   * @param player a `shaka.Player` (4.9 or later)
   * @param config `provider`: a preset object; then its options and the common options
   * @throws KeyflowError `INVALID_CONFIG` when the configuration is unusable
   */
  constructor(player: ShakaPlayer, config: CoreConfig<P>) {
    super(
      player,
      config as unknown as CoreConfigRecord<P>,
      checkedProvider((config as { provider?: unknown } | null)?.provider),
      config?.initDataDecoder ?? null,
    );
  }
}

export { expressPlayProvider as expressPlay, EXPRESSPLAY_DEFAULT_SERVERS, EXPRESSPLAY_TOKEN_PARAM } from './providers/expressplay';
export type { ExpressPlayOptions, ExpressPlayToken } from './providers/expressplay';
export { customProvider } from './providers/custom';
export { clearKeyProvider } from './providers/clearkey';
export { axinomProvider as axinom, AXINOM_DEFAULT_SERVERS, type AxinomOptions } from './providers/axinom';
export {
  drmTodayProvider as drmToday,
  DRMTODAY_DEFAULT_SERVERS,
  type DrmTodayOptions,
  type DrmTodayToken,
  type DrmTodayCustomData,
} from './providers/drmtoday';
export {
  doveRunnerProvider as doveRunner,
  DOVERUNNER_DEFAULT_SERVERS,
  type DoveRunnerOptions,
  type DoveRunnerHeaderName,
} from './providers/doverunner';
export {
  titaniumProvider as titanium,
  type TitaniumOptions,
  type TitaniumToken,
  type TitaniumDeviceRegistration,
} from './providers/titanium';
export { drmCloudProvider as drmCloud, type DrmCloudOptions } from './providers/drmcloud';
export { irdetoProvider as irdeto, type IrdetoOptions } from './providers/irdeto';
export { nagraProvider as nagra, type NagraOptions } from './providers/nagra';
export { comcastProvider as comcast, COMCAST_DEFAULT_SERVERS, type ComcastOptions } from './providers/comcast';
export { muxProvider as mux, type MuxOptions } from './providers/mux';
export { ezdrmProvider as ezdrm, EZDRM_DEFAULT_SERVERS, type EzdrmOptions, type EzdrmToken } from './providers/ezdrm';
export { keyosProvider as keyos, KEYOS_DEFAULT_SERVERS, KEYOS_AUTH_HEADER, type KeyosOptions } from './providers/keyos';
export { vudrmProvider as vudrm, VUDRM_DEFAULT_SERVERS, type VudrmOptions } from './providers/vudrm';
export { verimatrixProvider as verimatrix, VERIMATRIX_DEFAULT_SERVERS, type VerimatrixOptions } from './providers/verimatrix';
export { definePreset } from './providers/engine/define-preset';
export type {
  PresetSpec,
  WireSpec,
  TokenPlacement,
  TokenFormat,
  CertificateSpec,
  ContentIdContext,
  RequestFacts,
  HeaderValue,
  QueryValue,
  KeySystemWire,
  EncodedJsonValue,
} from './providers/engine/spec';
export type {
  ErrorReply,
  ProviderErrorFields,
  ErrorExtraction,
  ErrorRule,
  ErrorRuleCode,
  ErrorValueSource,
  ProblemDetails,
} from './providers/engine/errors';
export type { RequestWrapping, ResponseUnwrapping, ChallengeEncoding } from './providers/engine/wrap';
export type { WireEncoding } from './providers/engine/encoding';
export type { FairPlayContentId } from './providers/engine/skd';
export type { JsonPath } from './providers/engine/json-path';
export type { JsonTemplate } from './providers/engine/template';
export { KeyflowError, findKeyflowError } from './api/errors';
export type { KeyflowErrorCode, KeyflowErrorDetails } from './api/errors';
export type { CommonOptions } from './api/config';
export type { RenewalOptions } from './api/renewal-options';
export type { SessionContext, SessionHooks } from './api/session-hooks';
export { explain, type FailureExplanation, type FailureEvidence } from './diagnostics/explain';
export type { FailurePhase } from './diagnostics/catalogue';
export { supportReport } from './shaka/support-report';
export {
  type SupportReport,
  type ReportedExchange,
  type ReportedError,
  type ReportInput,
  type RecordedError,
  type ReportedTiming,
  type ReportedTokenFetch,
  type ProbedRobustness,
  type KeySystemChoice,
} from './diagnostics/report';
export type { KeySystemFacts } from './api/key-system-errors';
export type { AnyProvider, InitDataDecoder, BaseConfig } from './shaka/keyflow-base';
export type { CustomProviderOptions } from './providers/custom';
export type { ClearKeyProviderOptions } from './providers/clearkey';
export type { Provider, DrmRequest, DrmResponse, DrmHttpFailure, RewrittenDrmRequest, DrmRequestKind } from './providers/preset';
export type * from './api/events';
export type { KeyflowStats, TimingEvent } from './telemetry/stats';
export type { TokenContext, TokenSource } from './tokens/source';
export { KeySystem } from './api/key-systems';
export type { KeySystemName, LicenseServers } from './api/key-systems';
export type { ShakaPlayer } from './shaka/types';
