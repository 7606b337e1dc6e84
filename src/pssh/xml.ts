/**
 * A small, dependency-free XML scanner used for the PlayReady WRMHEADER.
 *
 * DOMParser is deliberately not used: the decoders must run where there is no
 * DOM (workers, Node, smart-TV runtimes without XML support) and an XML
 * library would cost bundle size. The scanner builds a plain element tree and
 * supports what a WRMHEADER can contain: elements (with namespace prefixes,
 * kept as written), attributes in single or double quotes, the five
 * predefined entities and numeric character references, comments, CDATA,
 * processing instructions / an `<?xml?>` prolog (skipped), self-closing tags.
 * Anything it cannot read, including DOCTYPE declarations (no entity
 * expansion, ever), mismatched or unclosed tags, duplicate attributes and
 * unknown entities, throws `PsshDecodeError('BAD_WRMHEADER')` with the
 * character offset of the problem.
 *
 * Linear time in the length of the text, whatever the text is (it comes
 * from init data, i.e. from the network): a single forward pass in which
 * every `indexOf` starts at the current position and every search either
 * moves the position past what it read or ends the parse with an error;
 * names and whitespace are read with a sticky regex / a character loop from
 * the current position; entity references are at most 12 characters;
 * nesting is capped at {@link MAX_XML_DEPTH}. No regex here can backtrack
 * over more than the token it reads. test/unit/worst-case-inputs.spec.ts
 * feeds the worst cases (`<` repeated, `<![CDATA[` repeated, unterminated
 * CDATA / comments / attribute values, deep nesting, long names and
 * attribute values) and checks the typed result; scripts/bench/worst-case.mjs
 * times them.
 */

import { PsshDecodeError } from './errors';
import { MAX_XML_CHARS } from './limits';

/** One parsed element. */
export interface XmlElement {
  /** The tag name as written, prefix included (e.g. `mm:Author`). */
  name: string;
  /** The name without any namespace prefix (e.g. `Author`). */
  localName: string;
  /** Attributes by name as written (prefix included), values entity-decoded. */
  attributes: Map<string, string>;
  /** Child elements in document order. */
  children: XmlElement[];
  /** Character data directly inside this element (not in children), entity-decoded, CDATA included. */
  text: string;
  /** The raw source text between the start tag and the end tag (`''` if self-closing). */
  innerXml: string;
  /** Character offset of the element's `<` in the parsed text. */
  offset: number;
}

/** Deepest element nesting accepted (a WRMHEADER needs about 5). */
const MAX_XML_DEPTH = 64;

/** Sticky (`y`): matches only at `lastIndex`, one character class repeated, so linear in the name's length. */
const NAME = /[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_.:\-\u00B7\u00C0-\uFFFF]*/y;
const WHITESPACE = /[ \t\r\n]/;

function fail(message: string, offset: number): never {
  throw new PsshDecodeError('BAD_WRMHEADER', `XML: ${message}`, offset);
}

/**
 * Parses a document with exactly one root element and returns that root.
 * Only whitespace, comments and processing instructions may surround the
 * root; trailing NUL characters (written by some encoders) are tolerated.
 *
 * @param xml the document text
 * @throws PsshDecodeError `BAD_WRMHEADER` for anything not well-formed (see
 *   the module comment) or longer than {@link MAX_XML_CHARS}
 */
export function parseXmlDocument(xml: string): XmlElement {
  if (typeof xml !== 'string') fail('input is not a string', 0);
  if (xml.length > MAX_XML_CHARS) {
    throw new PsshDecodeError('TOO_LARGE', `XML text is ${xml.length} characters, the limit is ${MAX_XML_CHARS}`);
  }
  const stack: Array<{ el: XmlElement; contentStart: number }> = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = xml.length;

  while (i < n) {
    // Linear (see the module comment): each branch below advances `i` past
    // what it scanned, or throws. Worst cases: test/unit/worst-case-inputs.spec.ts.
    if (xml.charCodeAt(i) !== 0x3c /* < */) {
      const next = xml.indexOf('<', i);
      const end = next < 0 ? n : next;
      const raw = xml.slice(i, end);
      const top = stack[stack.length - 1];
      if (top) {
        top.el.text += decodeEntities(raw, i);
      } else if (!/^[ \t\r\n]*$/.test(raw) && !(root && /^[ \t\r\n\u0000]*$/.test(raw))) {
        fail('text outside the root element', i);
      }
      i = end;
      continue;
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment', i);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i + 9);
      if (end < 0) fail('unterminated CDATA section', i);
      const top = stack[stack.length - 1];
      if (!top) fail('CDATA outside the root element', i);
      top.el.text += xml.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) fail('unterminated processing instruction', i);
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<!', i)) {
      fail('DOCTYPE and other declarations are not allowed', i);
    }
    if (xml.startsWith('</', i)) {
      const name = readName(xml, i + 2);
      let j = skipWhitespace(xml, i + 2 + name.length);
      if (xml.charCodeAt(j) !== 0x3e /* > */) fail(`malformed end tag </${name}`, i);
      j++;
      const open = stack.pop();
      if (!open) fail(`end tag </${name}> without a start tag`, i);
      if (open.el.name !== name) fail(`end tag </${name}> does not match <${open.el.name}>`, i);
      open.el.innerXml = xml.slice(open.contentStart, i);
      i = j;
      continue;
    }

    // Start tag.
    const tagStart = i;
    const name = readName(xml, i + 1);
    let j = i + 1 + name.length;
    const attributes = new Map<string, string>();
    let selfClosing = false;
    for (;;) {
      const afterSpace = skipWhitespace(xml, j);
      const c = xml.charCodeAt(afterSpace);
      if (c === 0x3e /* > */) {
        j = afterSpace + 1;
        break;
      }
      if (c === 0x2f /* / */ && xml.charCodeAt(afterSpace + 1) === 0x3e) {
        j = afterSpace + 2;
        selfClosing = true;
        break;
      }
      if (afterSpace >= n) fail(`unterminated start tag <${name}`, tagStart);
      if (afterSpace === j) fail(`expected whitespace before an attribute in <${name}`, j);
      const attrName = readName(xml, afterSpace);
      let k = skipWhitespace(xml, afterSpace + attrName.length);
      if (xml.charCodeAt(k) !== 0x3d /* = */) fail(`attribute ${attrName} has no value`, k);
      k = skipWhitespace(xml, k + 1);
      const quote = xml[k];
      if (quote !== '"' && quote !== "'") fail(`attribute ${attrName} value is not quoted`, k);
      const close = xml.indexOf(quote, k + 1);
      if (close < 0) fail(`unterminated value of attribute ${attrName}`, k);
      const rawValue = xml.slice(k + 1, close);
      if (rawValue.includes('<')) fail(`'<' in the value of attribute ${attrName}`, k);
      if (attributes.has(attrName)) fail(`duplicate attribute ${attrName}`, afterSpace);
      attributes.set(attrName, decodeEntities(rawValue, k + 1));
      j = close + 1;
    }
    const colon = name.lastIndexOf(':');
    const el: XmlElement = {
      name,
      localName: colon >= 0 ? name.slice(colon + 1) : name,
      attributes,
      children: [],
      text: '',
      innerXml: '',
      offset: tagStart,
    };
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.el.children.push(el);
    } else {
      if (root) fail('more than one root element', tagStart);
      root = el;
    }
    if (!selfClosing) {
      if (stack.length >= MAX_XML_DEPTH) fail(`elements nested deeper than ${MAX_XML_DEPTH}`, tagStart);
      stack.push({ el, contentStart: j });
    }
    i = j;
  }

  const unclosed = stack[stack.length - 1];
  if (unclosed) fail(`element <${unclosed.el.name}> is not closed`, unclosed.el.offset);
  if (!root) fail('no root element', 0);
  return root;
}

function readName(xml: string, at: number): string {
  NAME.lastIndex = at;
  const m = NAME.exec(xml);
  if (!m) fail('expected a name', at);
  return m[0];
}

function skipWhitespace(xml: string, at: number): number {
  let i = at;
  while (i < xml.length && WHITESPACE.test(xml[i]!)) i++;
  return i;
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/**
 * Replaces the predefined entities and numeric character references.
 * Linear: one forward pass; a reference longer than 12 characters (or with
 * no `;`) ends the parse with an error, and the regex on a reference is
 * anchored and bounded (worst cases in test/unit/worst-case-inputs.spec.ts).
 *
 * @param raw the raw text
 * @param offset offset of `raw` in the document, for error messages
 */
function decodeEntities(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let i = 0;
  for (;;) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) return out + raw.slice(i);
    out += raw.slice(i, amp);
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) fail("'&' that does not start an entity reference", offset + amp);
    const ref = raw.slice(amp + 1, semi);
    const predefined = Object.prototype.hasOwnProperty.call(PREDEFINED_ENTITIES, ref) ? PREDEFINED_ENTITIES[ref] : undefined;
    if (predefined !== undefined) {
      out += predefined;
    } else {
      const m = /^#(?:([0-9]{1,7})|x([0-9a-fA-F]{1,6}))$/.exec(ref);
      if (!m) fail(`unknown entity &${ref};`, offset + amp);
      const cp = m[1] !== undefined ? parseInt(m[1], 10) : parseInt(m[2]!, 16);
      const allowed =
        cp === 0x9 ||
        cp === 0xa ||
        cp === 0xd ||
        (cp >= 0x20 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfffd) ||
        (cp >= 0x10000 && cp <= 0x10ffff);
      if (!allowed) fail(`character reference &${ref}; is not a valid XML character`, offset + amp);
      out += String.fromCodePoint(cp);
    }
    i = semi + 1;
  }
}
