/**
 * `shaka-keyflow/testing`: browser-side test tools. A test CDM that
 * emulates the Widevine and PlayReady message formats over the browser's
 * real ClearKey CDM (no protection at all: test use only), a helper that
 * resets Shaka's DRM capability caches, and the codecs of the emulated
 * messages (for writing your own fake license servers or asserting on
 * requests). Never part of the main `shaka-keyflow` bundle.
 *
 * The Node-side ExpressPlay emulator is `shaka-keyflow/testing/node`.
 *
 * @packageDocumentation
 */

export {
  installTestCdm,
  EMULATED_KEY_SYSTEMS,
  TEST_CDM_CLIENT_IDENTIFICATION,
  type EmulatedKeySystem,
  type TestCdm,
  type TestCdmOptions,
} from './test-cdm';
export { resetShakaDrmCaches, type ShakaNamespaceLike } from './shaka-caches';
export { EmulatedMessageError, type EmulatedMessageErrorCode } from './message-error';
export {
  WIDEVINE_SERVICE_CERTIFICATE_REQUEST,
  WidevineMessageType,
  decodeClientIdentification,
  encodeClientIdentification,
  encodeLicenseRequest as encodeWidevineLicenseRequest,
  decodeLicense as decodeWidevineLicense,
  decodeLicenseRequest as decodeWidevineLicenseRequest,
  decodeServiceCertificate as decodeWidevineServiceCertificate,
  decodeSignedMessage as decodeWidevineSignedMessage,
  encodeLicense as encodeWidevineLicense,
  encodeServiceCertificate as encodeWidevineServiceCertificate,
  encodeServiceCertificateResponse as encodeWidevineServiceCertificateResponse,
  encodeSignedMessage as encodeWidevineSignedMessage,
  isServiceCertificateRequest as isWidevineServiceCertificateRequest,
  licenseRequestKeyIds as widevineLicenseRequestKeyIds,
  licenseRequestContent as widevineLicenseRequestContent,
  type WidevineRequestContent,
  type WidevineClientIdentification,
  type WidevineContentId,
  type WidevineLicense,
  type WidevineLicenseKey,
  type WidevineLicenseId,
  type WidevineLicensePolicy,
  type WidevineLicenseRequest,
  type WidevineEncryptedClientIdentification,
  type WidevineServiceCertificate,
  type WidevineSignedMessage,
} from './widevine-messages';
export {
  PLAYREADY_CONTENT_TYPE,
  PLAYREADY_SOAP_ACTION,
  PlayReadyServerStatus,
  EmulatedXmrCipher,
  buildAcquireLicenseChallenge as buildPlayReadyChallenge,
  buildAcquireLicenseResponse as buildPlayReadyLicenseResponse,
  encodePlayReadyKeyMessage,
  buildSoapFault,
  decodeEmulatedLicense as decodeEmulatedPlayReadyLicense,
  decodePlayReadyKeyMessage,
  encodeEmulatedLicense as encodeEmulatedPlayReadyLicense,
  parseAcquireLicenseAnswer as parsePlayReadyLicenseAnswer,
  parseAcquireLicenseChallenge as parsePlayReadyChallenge,
  type AcquireLicenseResponseInput as PlayReadyLicenseResponseInput,
  type PlayReadyChallengeInput,
  type EmulatedPlayReadyLicense,
  type PlayReadyChallenge,
  type PlayReadyKeyMessage,
  type PlayReadyLicenseAnswer,
  type SoapFaultInput,
} from './playready-messages';
export { parseSoapFault, type SoapFault } from '../providers/engine/soap-fault';
export {
  encodeSpc,
  decodeSpc,
  encodeCkc,
  decodeCkc,
  SPC_MAGIC,
  CKC_MAGIC,
  type FairPlaySpc,
  type FairPlayCkc,
  type FairPlayCkcKey,
} from './fairplay-messages';
