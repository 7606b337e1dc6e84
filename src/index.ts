/**
 * shaka-keyflow: the DRM license workflow for Shaka Player.
 *
 * @packageDocumentation
 */
export { Keyflow } from './keyflow';
export { KeyflowError, findKeyflowError } from './api/errors';
export type { KeyflowErrorCode, KeyflowErrorDetails } from './api/errors';
export type { CommonOptions } from './api/config';
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
export type {
  KeyflowConfig,
  KeyflowConfigUpdate,
  ExpressPlayConfig,
  CustomConfig,
  ClearKeyConfig,
  ProviderName,
  ConfigOf,
  PresetOptions,
  BuiltInPresets,
} from './providers/registry';
export type {
  KeyflowEvents,
  LicenseRequestEvent,
  LicenseResponseEvent,
  TokenRequestEvent,
  TokenEvent,
  InitDataEvent,
  KeyStatusEvent,
  ExpirationEvent,
  RenewalEvent,
  RenewalFailedEvent,
  ExpiringEvent,
} from './api/events';
export type { RenewalOptions } from './api/renewal-options';
export type { TimingEvent, KeyflowStats } from './telemetry/stats';
export type { TokenFetchReason } from './tokens/cache';
export type { DecodedSystem, DecodedInitData, PlayReadyHeader, WidevinePsshData } from './pssh/index';
export type { TokenContext, TokenSource } from './tokens/source';
export type { ExpressPlayToken, ExpressPlayOptions } from './providers/expressplay';
export { EXPRESSPLAY_DEFAULT_SERVERS, EXPRESSPLAY_TOKEN_PARAM } from './providers/expressplay';
export type { CustomOptions, CustomToken, CustomCertificateOptions, ContentIdContext } from './providers/custom';
export type { ClearKeyOptions } from './providers/clearkey';
export type { AxinomOptions } from './providers/axinom';
export type { DrmTodayOptions, DrmTodayToken, DrmTodayCustomData } from './providers/drmtoday';
export type { DoveRunnerOptions, DoveRunnerHeaderName } from './providers/doverunner';
export type { TitaniumOptions, TitaniumToken, TitaniumDeviceRegistration } from './providers/titanium';
export type { DrmCloudOptions } from './providers/drmcloud';
export type { IrdetoOptions } from './providers/irdeto';
export type { NagraOptions } from './providers/nagra';
export type { ComcastOptions } from './providers/comcast';
export type { MuxOptions } from './providers/mux';
export type { EzdrmOptions, EzdrmToken } from './providers/ezdrm';
export type { KeyosOptions } from './providers/keyos';
export type { VudrmOptions } from './providers/vudrm';
export type { VerimatrixOptions } from './providers/verimatrix';
export { DASHIF_PROBLEM_TYPES } from './providers/clearkey';
export type { RequestWrapping, ResponseUnwrapping, ChallengeEncoding } from './providers/engine/wrap';
export type { WireEncoding } from './providers/engine/encoding';
export type { HeaderValue, QueryValue, KeySystemWire, EncodedJsonValue, CertificateSpec } from './providers/engine/spec';
export type { JsonPath } from './providers/engine/json-path';
export type { JsonTemplate } from './providers/engine/template';
export type { ErrorExtraction, ErrorRule, ErrorRuleCode, ErrorValueSource, ProblemDetails } from './providers/engine/errors';
export { KeySystem } from './api/key-systems';
export type { KeySystemName, LicenseServers } from './api/key-systems';
export type {
  ShakaPlayer,
  ShakaNetworkingEngine,
  ShakaListener,
  ShakaEvent,
  ShakaRequestFilter,
  ShakaResponseFilter,
  ShakaRequest,
  ShakaResponse,
  ShakaRequestContext,
  ShakaDrmInfo,
} from './shaka/types';
