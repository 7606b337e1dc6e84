/**
 * Transforms a placeholder's value can go through before it is inserted:
 * `{token|base64}`, `{contentId|hex}`, `{keyIdHex|uuid}`. Text is encoded as
 * its UTF-8 bytes; a list has each item transformed; a JSON value is
 * serialized first. Several transforms apply left to right
 * (`{token.session|base64url}`).
 *
 * @module
 */
import { KeyflowError } from '../../api/errors';
import { encodeBytes, hexToUuid, utf8Bytes } from './encoding';

/** The transforms a placeholder may name after a `|`. */
export const TRANSFORMS = ['base64', 'base64url', 'hex', 'uuid'] as const;

/** One transform of a placeholder's value. */
export type TransformName = (typeof TRANSFORMS)[number];

/** Whether `name` is a transform. */
export function isTransformName(name: string): name is TransformName {
  return (TRANSFORMS as readonly string[]).includes(name);
}

/**
 * `text` through `transform`. `uuid` takes 32 hex digits (a key ID, a hex
 * content id) and writes them `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 *
 * @param fromToken the value came from the token (a wrong one is then the token's fault)
 * @throws KeyflowError when `uuid` gets anything else: `TOKEN_MALFORMED` for a token value, else `INVALID_CONFIG`
 */
export function applyTransform(text: string, transform: TransformName, where: string, keySystem: string, fromToken = false): string {
  if (transform === 'uuid') {
    if (!/^[0-9a-fA-F]{32}$/.test(text)) {
      throw new KeyflowError(
        fromToken ? 'TOKEN_MALFORMED' : 'INVALID_CONFIG',
        `${where}: |uuid takes 32 hex digits, and the value is not that`,
        {
          keySystem,
        },
      );
    }
    return hexToUuid(text.toLowerCase());
  }
  return encodeBytes(utf8Bytes(text), transform);
}
