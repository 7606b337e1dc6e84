/**
 * Reads a SOAP Fault, as PlayReady license servers answer errors (usually
 * with HTTP 500): SOAP 1.1
 *
 * ```xml
 * <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
 *   <soap:Fault>
 *     <faultcode>soap:Server</faultcode>
 *     <faultstring>System.Web.Services.Protocols.SoapException: …</faultstring>
 *     <faultactor>…</faultactor>
 *     <detail><Exception><StatusCode>0x8004C600</StatusCode></Exception></detail>
 *   </soap:Fault>
 * </soap:Body></soap:Envelope>
 * ```
 *
 * and SOAP 1.2 (`Code/Value`, `Reason/Text`). `detail` content is
 * service-specific; this reader picks up a `StatusCode` (PlayReady's
 * HRESULT, e.g. `0x8004C604`) and an `ErrorCode` (a provider's own numeric
 * code, e.g. the ExpressPlay emulator's `-4010`) wherever they appear in it.
 *
 * Tolerant on purpose: namespace prefixes are ignored, element names in
 * `detail` are matched case-insensitively, the five XML entities, numeric
 * character references and CDATA are decoded, and anything it cannot find
 * is simply absent. It needs no DOM (runs in workers and Node) and never
 * throws. Only the first 64 KiB of the text are looked at.
 *
 * @module
 */

/** What a SOAP Fault said. Absent fields were not in the fault. */
export interface SoapFault {
  /** SOAP 1.1 `faultcode` or SOAP 1.2 `Code/Value`, e.g. `soap:Server`. */
  faultCode?: string;
  /** SOAP 1.1 `faultstring` or SOAP 1.2 `Reason/Text`. */
  faultString?: string;
  /** SOAP 1.1 `faultactor` or SOAP 1.2 `Role`. */
  faultActor?: string;
  /** A `StatusCode` in the fault's detail (PlayReady: an HRESULT such as `0x8004C600`), as written. */
  statusCode?: string;
  /** An integer `ErrorCode` in the fault's detail (a provider's own code, e.g. ExpressPlay `-4010`). */
  errorCode?: number;
}

const MAX_SCAN_CHARS = 64 * 1024;
const PREFIX = '(?:[A-Za-z_][\\w.-]*:)?';
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

// Every scanner below runs in linear time in the length of the text, whatever
// the text is: a reply body is untrusted, and a quadratic scan of a 64 KiB
// body of `<` characters used to block the page's main thread for seconds
// (the tag stripper was `/<[^>]*>/g`, which rescans to the end of the text
// from every `<` when no `>` follows). test/unit/worst-case-inputs.spec.ts
// feeds the worst cases (64 KiB of `<`, `<![CDATA[` repeated, unterminated
// CDATA, deep nesting, long attributes) and checks the typed result;
// scripts/bench/worst-case.mjs times them.

/**
 * Replaces each `<![CDATA[…]]>` section by its content with `&`, `<` and `>`
 * escaped (so the later steps keep it as text). An unterminated section, and
 * everything after it, is left as written. Linear: one forward pass of
 * `indexOf` calls, each starting where the previous one stopped (worst cases
 * in test/unit/worst-case-inputs.spec.ts).
 */
function unwrapCdata(raw: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = raw.indexOf(CDATA_OPEN, i);
    if (open < 0) break;
    const close = raw.indexOf(CDATA_CLOSE, open + CDATA_OPEN.length);
    if (close < 0) break;
    const inner = raw.slice(open + CDATA_OPEN.length, close);
    out += raw.slice(i, open) + inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    i = close + CDATA_CLOSE.length;
  }
  return i === 0 ? raw : out + raw.slice(i);
}

/**
 * Removes every `<…>` (from a `<` to the next `>`); a `<` with no `>` after
 * it, and the rest of the text, stay. Same result as `/<[^>]*>/g`, but
 * linear: one forward pass of `indexOf` calls (the regex rescans to the end
 * from every `<` when no `>` follows: quadratic). Worst cases in
 * test/unit/worst-case-inputs.spec.ts.
 */
function stripTags(raw: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const lt = raw.indexOf('<', i);
    if (lt < 0) break;
    const gt = raw.indexOf('>', lt + 1);
    if (gt < 0) break;
    out += raw.slice(i, lt);
    i = gt + 1;
  }
  return i === 0 ? raw : out + raw.slice(i);
}

/**
 * The text of raw element content: CDATA unwrapped, tags removed, entities
 * and character references decoded, trimmed. Linear: {@link unwrapCdata} and
 * {@link stripTags} are single passes, and each `replace` below is a literal
 * or a bounded (`{1,6}`, `{1,7}`) pattern that cannot backtrack past its
 * `;` (worst cases in test/unit/worst-case-inputs.spec.ts).
 */
function decodeXmlText(raw: string): string {
  return stripTags(unwrapCdata(raw))
    .replace(/&#x([0-9a-fA-F]{1,6});/g, (m, hex: string) => safeCodePoint(parseInt(hex, 16), m))
    .replace(/&#([0-9]{1,7});/g, (m, dec: string) => safeCodePoint(parseInt(dec, 10), m))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function safeCodePoint(code: number, fallback: string): string {
  return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : fallback;
}

/**
 * The raw content of the first `<[prefix:]name …>…</[prefix:]name>` in `xml`,
 * or undefined. Two linear scans (opening tag, then its closing tag, from
 * where the opening tag ended). Each regex starts with a literal `<`, has no
 * nested quantifiers, and none of its repeats can run past the next `<`
 * (`[\w.-]*` and `[^<>]{0,1024}` exclude it, `\s*` stops at it), so an
 * attempt at one `<` reads at most up to the next `<`: linear in total,
 * however the text is built (worst cases in test/unit/worst-case-inputs.spec.ts).
 */
function elementContent(xml: string, name: string, flags = ''): string | undefined {
  const open = new RegExp(`<${PREFIX}${name}(?:\\s[^<>]{0,1024})?>`, `g${flags}`);
  const opened = open.exec(xml);
  if (!opened) return undefined;
  const close = new RegExp(`</${PREFIX}${name}\\s*>`, `g${flags}`);
  close.lastIndex = open.lastIndex;
  const closed = close.exec(xml);
  return closed ? xml.slice(open.lastIndex, closed.index) : undefined;
}

function textOf(xml: string, name: string, flags = ''): string | undefined {
  const raw = elementContent(xml, name, flags);
  if (raw === undefined) return undefined;
  const text = decodeXmlText(raw);
  return text === '' ? undefined : text;
}

/**
 * Finds a SOAP Fault in `text` and returns what it says, or `null` when the
 * text holds no `Fault` element (e.g. a JSON or HTML error body).
 *
 * @param text a license server's reply body
 */
export function parseSoapFault(text: string): SoapFault | null {
  if (typeof text !== 'string' || text === '') return null;
  const scan = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  const fault = elementContent(scan, 'Fault');
  if (fault === undefined) return null;

  const result: SoapFault = {};
  const code =
    textOf(fault, 'faultcode') ??
    (() => {
      const c = elementContent(fault, 'Code');
      return c === undefined ? undefined : textOf(c, 'Value');
    })();
  if (code !== undefined) result.faultCode = code;
  const reason =
    textOf(fault, 'faultstring') ??
    (() => {
      const r = elementContent(fault, 'Reason');
      return r === undefined ? undefined : textOf(r, 'Text');
    })();
  if (reason !== undefined) result.faultString = reason;
  const actor = textOf(fault, 'faultactor') ?? textOf(fault, 'Role');
  if (actor !== undefined) result.faultActor = actor;

  const detail = elementContent(fault, 'detail', 'i') ?? '';
  const statusCode = textOf(detail, 'StatusCode', 'i');
  if (statusCode !== undefined) result.statusCode = statusCode;
  const errorCode = textOf(detail, 'ErrorCode', 'i');
  if (errorCode !== undefined && /^[+-]?\d{1,15}$/.test(errorCode)) result.errorCode = Number(errorCode);
  return result;
}

/**
 * Whether a fault code says the request was at fault: SOAP 1.1 `Client` (any prefix, or a
 * `Client.*` subcode) or SOAP 1.2 `Sender`. Such a request must not be resent unchanged (SOAP 1.1
 * §4.4.1), whatever the HTTP status (PlayReady servers answer every fault with 500).
 */
export function isClientFault(faultCode: string | undefined): boolean {
  const local = faultCode?.slice(faultCode.indexOf(':') + 1) ?? '';
  return /^(Client|Sender)(\.|$)/.test(local);
}
