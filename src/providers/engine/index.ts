/**
 * The wire building blocks every provider preset is made of: text encodings
 * of bytes, JSON paths, placeholder templates, request wrapping and response
 * unwrapping, header edits, error extraction (JSON path, header, RFC 7807
 * problem records) and Clear Key message shapes. All pure: no Shaka, no DOM
 * beyond `TextEncoder`/`TextDecoder`, no I/O.
 *
 * @module
 */

export { decodeText, encodeBytes, hexToUuid, isWireEncoding, utf8Bytes, utf8Text, WIRE_ENCODINGS, type WireEncoding } from './encoding';
export { formatPath, getPath, isValidPath, pathSegments, setPath, type JsonPath } from './json-path';
export {
  expandJson,
  expandText,
  parseTemplate,
  placeholdersOf,
  placeholdersOfJson,
  tokenString,
  PLACEHOLDERS,
  TemplateSyntaxError,
  type Expanded,
  type JsonTemplate,
  type PlaceholderName,
  type TemplateValues,
} from './template';
export {
  recallChallenge,
  unwrapLicense,
  unwrappingProblem,
  wrapChallenge,
  wrappingProblem,
  type ChallengeEncoding,
  type RequestWrapping,
  type ResponseUnwrapping,
  type Unwrapped,
} from './wrap';
export { isHeaderName, isHeaderValue, withHeader } from './headers';
export {
  classifyFailure,
  errorExtractionProblem,
  extractError,
  failureMessage,
  parseProblemDetails,
  readProviderError,
  type ErrorExtraction,
  type ErrorReply,
  type ErrorRule,
  type ErrorRuleCode,
  type ErrorValueSource,
  type ProblemDetails,
  type ProviderErrorFields,
} from './errors';
export { clearKeyChallengeKeyIds, clearKeyLicenseProblem } from './clearkey';
export { psshContentId, requestKeyIds } from './request-info';
