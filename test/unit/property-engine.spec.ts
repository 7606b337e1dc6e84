/**
 * Property specs of the wire engine's pure codecs, with fast-check: the
 * byte encodings of src/providers/engine/encoding.ts (base64, base64url,
 * hex: RFC 4648 §4, §5, §8) and the JSON paths of json-path.ts. Expected
 * values come from the generated input, the RFC (written with the
 * platform's `btoa`) and the functions' documentation, never from the code
 * under test. Seed and run counts fixed (test/pssh/property-check.ts).
 */

import fc from 'fast-check';
import { decodeText, encodeBytes, utf8Bytes, utf8Text, type WireEncoding } from '../../src/providers/engine/encoding';
import { getPath, setPath, type JsonPath } from '../../src/providers/engine/json-path';
import { holds } from '../pssh/property-check';
import { toBase64, toHex } from '../pssh/property-arbitraries';

const ENCODINGS: readonly WireEncoding[] = ['base64', 'base64url', 'hex'];

/** The text RFC 4648 gives for the bytes: base64 padded, base64url unpadded, hex lower case (as the engine writes them). */
function rfc4648(bytes: Uint8Array, encoding: WireEncoding): string {
  if (encoding === 'hex') return toHex(bytes);
  const padded = toBase64(bytes);
  return encoding === 'base64' ? padded : padded.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function sameBytes(actual: Uint8Array | null, expected: Uint8Array, what: string): void {
  if (actual === null || toHex(actual) !== toHex(expected)) {
    throw new Error(`${what}: expected ${toHex(expected)}, got ${actual === null ? 'null' : toHex(actual)}`);
  }
}

/** The text with the pieces inserted at the given positions (each taken modulo the length so far). */
function insertAt(text: string, inserts: ReadonlyArray<readonly [number, string]>): string {
  let out = text;
  for (const [at, piece] of inserts) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + piece + out.slice(i);
  }
  return out;
}

const anyBytes = fc.uint8Array({ maxLength: 200, size: 'max' });
const encoding = fc.constantFrom(...ENCODINGS);
/** ASCII whitespace as decodeText ignores it: tab, LF, FF, CR, space. */
const whitespace = fc.string({ unit: fc.constantFrom('\t', '\n', '\f', '\r', ' '), minLength: 1, maxLength: 3 });
/** Characters outside each alphabet that are not whitespace (RFC 4648 §3.3: such text is rejected). */
const FOREIGN: Record<WireEncoding, readonly string[]> = {
  base64: ['-', '_', '!', '.', '*', '@', '~', 'é', '\u0000', '\u00a0'],
  base64url: ['+', '/', '!', '.', '*', '@', '~', 'é', '\u0000', '\u00a0'],
  hex: ['g', 'G', 'x', 'z', '-', '+', '=', '.', 'é', '\u0000'],
};

/** A path segment: a non-empty property name without a dot, and not one setPath refuses. */
const segment = fc
  .string({ minLength: 1, maxLength: 8 })
  .filter((s) => !s.includes('.') && s !== '__proto__' && s !== 'constructor' && s !== 'prototype');
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** Every node of a JSON value with its path (array indexes as numbers), the value itself first. */
function nodesOf(value: unknown, path: Array<string | number> = []): Array<[Array<string | number>, unknown]> {
  const out: Array<[Array<string | number>, unknown]> = [[path, value]];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...nodesOf(item, [...path, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) out.push(...nodesOf(item, [...path, key]));
  }
  return out;
}

describe('wire engine codecs, properties (fast-check)', () => {
  describe('encodeBytes / decodeText', () => {
    it('write the RFC 4648 text of any bytes (base64 padded, base64url unpadded, hex lower case), and read it back', () => {
      holds(
        fc.property(anyBytes, encoding, (bytes, enc) => {
          const text = encodeBytes(bytes, enc);
          if (text !== rfc4648(bytes, enc)) throw new Error(`${enc}: wrote ${text}, RFC 4648 says ${rfc4648(bytes, enc)}`);
          sameBytes(decodeText(text, enc), bytes, `${enc} read back`);
        }),
        300,
      );
    });

    it('read the other spellings the same: whitespace anywhere, hex in upper case, base64 without and base64url with padding', () => {
      const inserts = fc.array(fc.tuple(fc.nat(), whitespace), { maxLength: 4 });
      holds(
        fc.property(anyBytes, encoding, inserts, (bytes, enc, spaces) => {
          const text = rfc4648(bytes, enc);
          sameBytes(decodeText(insertAt(text, spaces), enc), bytes, `${enc} with whitespace`);
          if (enc === 'hex') sameBytes(decodeText(text.toUpperCase(), enc), bytes, 'upper-case hex');
          if (enc === 'base64') sameBytes(decodeText(text.replace(/=+$/, ''), enc), bytes, 'base64 without padding');
          if (enc === 'base64url') {
            const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
            sameBytes(decodeText(padded, enc), bytes, 'base64url with padding');
          }
        }),
        300,
      );
    });

    it('give null, never an exception, for text with a character outside the alphabet, and null or bytes for any text', () => {
      holds(
        fc.property(anyBytes, encoding, fc.nat(), fc.nat(), fc.string({ maxLength: 40, size: 'max' }), (bytes, enc, at, which, any) => {
          const alphabet = FOREIGN[enc];
          const text = insertAt(rfc4648(bytes, enc), [[at, alphabet[which % alphabet.length]!]]);
          const result = decodeText(text, enc);
          if (result !== null) throw new Error(`${enc} ${JSON.stringify(text)} gave ${toHex(result)}, not null`);
          const anyResult = decodeText(any, enc);
          if (anyResult !== null && !(anyResult instanceof Uint8Array))
            throw new Error(`${enc} ${JSON.stringify(any)}: ${String(anyResult)}`);
        }),
        300,
      );
    });
  });

  describe('utf8Bytes / utf8Text', () => {
    it('encode like TextEncoder into a buffer of their own, and decode back to the same text (no leading BOM)', () => {
      const text = fc.string({ unit: 'binary', maxLength: 40, size: 'max' }).filter((s) => !s.startsWith('\uFEFF'));
      holds(
        fc.property(text, (s) => {
          const bytes = utf8Bytes(s);
          sameBytes(bytes, new TextEncoder().encode(s), 'UTF-8 bytes');
          if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength)
            throw new Error('bytes share or oversize their buffer');
          if (utf8Text(bytes) !== s) throw new Error(`read back ${JSON.stringify(utf8Text(bytes))}`);
        }),
        200,
      );
    });
  });

  describe('getPath / setPath', () => {
    it('setPath then getPath gives the value set (dotted or array path), and keeps the other top-level members', () => {
      const root = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
      const path = fc.array(segment, { minLength: 1, maxLength: 4 });
      holds(
        fc.property(root, path, fc.boolean(), fc.jsonValue({ maxDepth: 2 }), (object, segments, dotted, value) => {
          const before = new Map(Object.entries(object));
          const where: JsonPath = dotted ? segments.join('.') : segments;
          const returned = setPath(object, where, value);
          if (returned !== object) throw new Error('setPath did not return its root');
          if (getPath(object, where) !== value) throw new Error(`getPath(${JSON.stringify(where)}) is not the value set`);
          if (getPath(object, segments) !== value) throw new Error('the array form of the path does not find the value');
          for (const [key, old] of before) {
            if (key !== segments[0] && object[key] !== old) throw new Error(`member ${JSON.stringify(key)} changed`);
          }
        }),
        300,
      );
    });

    it('getPath finds every node of a JSON value at its path (array indexes as numbers or digit strings)', () => {
      holds(
        fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
          for (const [path, node] of nodesOf(value)) {
            if (getPath(value, path) !== node) throw new Error(`getPath(${JSON.stringify(path)})`);
            const names = path.map(String);
            if (names.every((s) => s !== '' && !s.includes('.')) && getPath(value, names.join('.')) !== node) {
              throw new Error(`getPath(${JSON.stringify(names.join('.'))})`);
            }
          }
        }),
        200,
      );
    });

    it('setPath refuses __proto__, constructor and prototype anywhere in a path (TypeError), and touches no prototype', () => {
      holds(
        fc.property(
          fc.array(segment, { maxLength: 3 }),
          fc.constantFrom(...FORBIDDEN),
          fc.array(segment, { maxLength: 2 }),
          (head, bad, tail) => {
            const object: Record<string, unknown> = {};
            let error: unknown;
            try {
              setPath(object, [...head, bad, ...tail], 'polluted');
            } catch (e) {
              error = e;
            }
            if (!(error instanceof TypeError)) throw new Error(`no TypeError for ${[...head, bad, ...tail].join('.')}`);
            const probe: Record<string, unknown> = {};
            if ([...head, ...tail].some((s) => probe[s] === 'polluted') || Object.getPrototypeOf(object) !== Object.prototype) {
              throw new Error('a prototype was changed');
            }
          },
        ),
        100,
      );
    });
  });
});
