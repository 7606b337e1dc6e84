/**
 * Pure PSSH / EME init-data decoders (no DOM except TextDecoder, no Shaka,
 * no Node APIs). Re-exports only.
 */

export { PsshDecodeError, type PsshDecodeErrorCode } from './errors';
export { MAX_INPUT_BYTES, MAX_XML_CHARS, type BytesInput } from './limits';
export {
  ByteReader,
  bytesToHex,
  hexToBytes,
  encodeBase64,
  decodeBase64,
  encodeBase64Url,
  decodeBase64Url,
  formatUuid,
  normalizeUuid,
  swapGuidByteOrder,
} from './bytes';
export { SYSTEM_IDS, systemNameOf, type SystemName } from './system-ids';
export { splitPsshBoxes, type PsshBox } from './box';
export {
  decodeWidevinePsshData,
  protectionSchemeName,
  type WidevinePsshData,
  type WidevineEntitledKey,
  type WidevineAlgorithm,
  type WidevinePsshType,
  type ProtectionSchemeName,
} from './widevine';
export {
  decodePlayReadyObject,
  decodeWrmHeader,
  parseWrmHeaderXml,
  PRO_RECORD_WRMHEADER,
  PRO_RECORD_EMBEDDED_LICENSE_STORE,
  type PlayReadyObject,
  type PlayReadyObjectRecord,
  type PlayReadyHeader,
  type PlayReadyHeaderVersion,
  type PlayReadyKeyId,
  type PlayReadyAlgorithm,
} from './playready';
export { parseKeyIdsInitData, MIN_KEY_ID_BYTES, MAX_KEY_ID_BYTES } from './keyids';
export { decodeInitData, summarizeKeyIds, type InitDataType, type DecodedSystem, type DecodedInitData } from './init-data';
