/**
 * Node-side testing tools of shaka-keyflow, built to `dist/testing/node.mjs`:
 * the ExpressPlay emulator (standalone server, mountable handler, CLI entry)
 * and the pure ClearKey and token-sealing helpers it is made of; the
 * JSON-wrapping license proxy and the DASH-IF ClearKey license server (with
 * its authorization service), each startable standalone or mountable.
 *
 * Not for browsers: these modules import `node:http`, `node:crypto`,
 * `node:url` and `node:buffer`.
 *
 * @module
 */

export { createExpressPlayHandler, startExpressPlayEmulator } from './expressplay-emulator.js';
export { ExpressPlayErrorCode } from './expressplay/errors.js';
export {
  DEFAULT_CUSTOMER_AUTHENTICATOR,
  MAX_REQUEST_BODY_BYTES,
  MAX_TOKEN_LIFETIME_MS,
  type EmulatorDrm,
  type EmulatorKey,
  type EmulatorRequestRecord,
  type ExpressPlayEmulator,
  type ExpressPlayEmulatorOptions,
  type ExpressPlayRequestHandler,
} from './expressplay/types.js';

export {
  buildClearKeyLicense,
  parseClearKeyLicenseRequest,
  ClearKeyRequestError,
  CLEARKEY_MAX_KID_BYTES,
  CLEARKEY_MAX_KIDS,
  CLEARKEY_MAX_REQUEST_BYTES,
  CLEARKEY_MIN_KID_BYTES,
  type ClearKeyJwk,
  type ClearKeyJwkSet,
  type ClearKeyKeyPair,
  type ClearKeyLicenseRequest,
  type ClearKeyRequestErrorReason,
  type ClearKeySessionType,
} from './clearkey.js';

export {
  createTokenSecret,
  isTokenPayload,
  openToken,
  sealToken,
  MAX_TOKEN_LENGTH,
  TOKEN_AAD,
  TOKEN_SECRET_LENGTH,
  type OpenTokenResult,
  type TokenDrm,
  type TokenKeyEntry,
  type TokenPayload,
} from './token-seal.js';
export type { EmulatedLicensePolicy } from './license-policy.js';

export {
  bytesToHex,
  decodeBase64UrlStrict,
  encodeBase64Url,
  hexToBytes,
  isNormalizedHex16,
  isStrictBase64Url,
  normalizeHex16,
} from './encoding.js';

export { main as expressPlayEmulatorCli, parseCliArgs, DEFAULT_ALLOWED_ORIGINS, type CliOptions } from './cli.js';

export { createFaultInjector, type FaultInjector, type FaultLogRecord, type LicenseFault } from './fault-injector.js';

export {
  createWrappingProxyHandler,
  startWrappingProxy,
  DEFAULT_WRAPPING_PROXY_ROUTES,
  type ProxyEncoding,
  type WrappingProxy,
  type WrappingProxyHandler,
  type WrappingProxyOptions,
  type WrappingProxyRecord,
  type WrappingProxyRoute,
} from './wrapping-proxy.js';

export {
  createDashIfClearKeyHandler,
  startDashIfClearKeyServer,
  signDashIfToken,
  verifyDashIfToken,
  DashIfProblemType,
  type DashIfClearKeyHandler,
  type DashIfClearKeyServer,
  type DashIfClearKeyServerOptions,
  type DashIfRequestRecord,
  type DashIfTokenCheck,
  type DashIfTokenClaims,
} from './dashif-clearkey-server.js';

export { MAX_BODY_BYTES, type RunningServer } from './http-kit.js';
export {
  createVendorHandler,
  type VendorHandler,
  type VendorHandlerOptions,
  type VendorLogAccess,
  type VendorRecord,
} from './vendors/handler.js';
export type { LoggedDrm } from './vendors/record.js';
export { VENDOR_EMULATORS } from './vendors/emulators.js';
export {
  FAIRPLAY_TEST_CERTIFICATE,
  fairPlayCertificateSha256,
  signJwt,
  verifyJwt,
  type VendorEmulator,
  type VendorKit,
  type VendorReply,
  type VendorRequest,
  type VendorDrm,
  type LicenseAnswer,
  type LicenseGranted,
  type LicenseRefused,
  type JwtCheck,
} from './vendors/kit.js';
export type { EmulatorContentKey } from './key-store.js';

export {
  EMULATOR_SERVICE_CERTIFICATE,
  emulatorServiceCertificate,
  emulatorServiceCertificateResponse,
} from './expressplay/widevine-license.js';
