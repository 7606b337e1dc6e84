/**
 * Worst-case inputs for every text scanner that reads untrusted data: the
 * SOAP fault reader (license server error bodies), the WRMHEADER XML parser
 * and the other init-data decoders (init data comes from manifests and
 * segments), and the wire scanners that read license replies (base64 / hex
 * text, JSON). Each input is as large as the scanner accepts and built to
 * hit its slowest path: 64 KiB of `<`, `<![CDATA[` repeated, unterminated
 * CDATA, comments and attribute values, deep nesting, long names and
 * attribute values, entity near-misses, init data at the 64 KiB cap.
 *
 * Shared by test/unit/worst-case-inputs.spec.ts, which checks that each
 * gives the typed result its scanner documents (no timing in tests), and
 * scripts/bench/worst-case.mjs, which times them ("worst-case parser input:
 * X ms"). A quadratic scanner shows there as seconds: the tag stripper of the
 * SOAP fault reader took 2.4 s in Node on the `faultstring` case before it
 * was made linear.
 *
 * It lives next to the PSSH test vectors because most of the scanners are
 * decoders of src/pssh; the SOAP and wire cases are here so that the spec
 * and the benchmark use one list.
 */

import { PsshDecodeError, type PsshDecodeErrorCode } from '../../src/pssh/errors';
import { decodeInitData } from '../../src/pssh/init-data';
import { parseWrmHeaderXml } from '../../src/pssh/playready';
import { MAX_INPUT_BYTES, MAX_XML_CHARS } from '../../src/pssh/limits';
import { encodeBase64, encodeBase64Url } from '../../src/pssh/bytes';
import { parseSoapFault, type SoapFault } from '../../src/providers/engine/soap-fault';
import { expressPlayProvider } from '../../src/providers/expressplay';
import { decodeText } from '../../src/providers/engine/encoding';
import { unwrapLicense } from '../../src/providers/engine/wrap';
import { requestKeyIds } from '../../src/providers/engine/request-info';
import { parseProblemDetails } from '../../src/providers/engine/errors';
import { clearKeyLicenseProblem } from '../../src/providers/engine/clearkey';
import { KeyflowError } from '../../src/api/errors';
import { concat, utf16le } from './helpers';

/** What a call did: returned a value or threw. */
export type Outcome = { value: unknown } | { error: unknown };

/** One worst-case input. */
export interface WorstCase {
  /** The function under test, e.g. `parseSoapFault`. */
  scanner: string;
  /** What the input is. */
  name: string;
  /** Calls the scanner on the input (built once, before timing). */
  run: () => unknown;
  /** Why the outcome is not the documented typed result, or null when it is. */
  problem: (outcome: Outcome) => string | null;
}

/** The SOAP fault reader's scan window: the whole of every SOAP input below is scanned. */
export const SOAP_SCAN_CHARS = 64 * 1024;
/** Reply bodies: the glue caps them at 1 MiB. */
export const REPLY_BYTES = 1024 * 1024;

/** `head` + `unit` repeated + `tail`, as long as fits in `total` characters. */
function fill(head: string, unit: string, tail: string, total: number): string {
  return head + unit.repeat(Math.floor((total - head.length - tail.length) / unit.length)) + tail;
}

/** Runs `fn`, capturing a throw. */
export function outcomeOf(fn: () => unknown): Outcome {
  try {
    return { value: fn() };
  } catch (error) {
    return { error };
  }
}

function describe(outcome: Outcome): string {
  if ('error' in outcome) {
    const e = outcome.error;
    return `threw ${e instanceof PsshDecodeError ? `PsshDecodeError ${e.code}` : e instanceof Error ? `${e.name}: ${e.message.slice(0, 120)}` : String(e)}`;
  }
  const v = outcome.value;
  return `returned ${v === null ? 'null' : v instanceof Uint8Array ? `${v.length} bytes` : typeof v === 'object' ? JSON.stringify(v).slice(0, 120) : String(v)}`;
}

// --- expected results ------------------------------------------------------------------------

const returnsNull = (outcome: Outcome): string | null =>
  'value' in outcome && outcome.value === null ? null : `expected null, ${describe(outcome)}`;

const SOAP_FIELDS: Record<keyof SoapFault, 'string' | 'number'> = {
  faultCode: 'string',
  faultString: 'string',
  faultActor: 'string',
  statusCode: 'string',
  errorCode: 'number',
};

/** A SoapFault (only its documented fields, with their types), equal to `expected` where given. */
function returnsFault(expected?: SoapFault) {
  return (outcome: Outcome): string | null => {
    if (!('value' in outcome) || outcome.value === null || typeof outcome.value !== 'object')
      return `expected a SoapFault, ${describe(outcome)}`;
    const fault = outcome.value as Record<string, unknown>;
    for (const [key, value] of Object.entries(fault)) {
      const type = SOAP_FIELDS[key as keyof SoapFault];
      if (!type || typeof value !== type) return `unexpected SoapFault field ${key}: ${typeof value}`;
    }
    if (expected) {
      const keys = (o: object) => Object.keys(o).sort().join(',');
      if (keys(fault) !== keys(expected)) return `expected fields {${keys(expected)}}, got {${keys(fault)}}`;
      for (const [key, value] of Object.entries(expected)) {
        if (fault[key] !== value) return `${key} differs: ${String(fault[key]).slice(0, 60)}… (${String(fault[key]).length} chars)`;
      }
    }
    return null;
  };
}

/** Throws a PsshDecodeError with this code. */
function throwsCode(code: PsshDecodeErrorCode) {
  return (outcome: Outcome): string | null =>
    'error' in outcome && outcome.error instanceof PsshDecodeError && outcome.error.code === code
      ? null
      : `expected PsshDecodeError ${code}, ${describe(outcome)}`;
}

/** Returns a value that `check` accepts (check returns a problem or null). */
function returnsWhere(check: (value: unknown) => string | null) {
  return (outcome: Outcome): string | null => ('value' in outcome ? check(outcome.value) : `expected a value, ${describe(outcome)}`);
}

function keyIdCount(expected: number) {
  return returnsWhere((value) => {
    const decoded = value as { systems?: Array<{ keyIds: string[] }> } | { keyIds?: string[] };
    const count =
      'systems' in decoded && decoded.systems
        ? decoded.systems.reduce((n, s) => n + s.keyIds.length, 0)
        : ((decoded as { keyIds?: string[] }).keyIds?.length ?? -1);
    return count === expected ? null : `expected ${expected} key IDs, got ${count}`;
  });
}

function systemCount(expected: number) {
  return returnsWhere((value) => {
    const count = (value as { systems: unknown[] }).systems.length;
    return count === expected ? null : `expected ${expected} systems, got ${count}`;
  });
}

const returnsKeyflowError = returnsWhere((value) =>
  value instanceof KeyflowError ? null : `expected a KeyflowError, got ${String(value)}`,
);

function unwrapFails(outcome: Outcome): string | null {
  if ('value' in outcome && outcome.value && typeof outcome.value === 'object' && (outcome.value as { ok?: unknown }).ok === false)
    return null;
  return `expected { ok: false, reason }, ${describe(outcome)}`;
}

function returnsBytes(length: number) {
  return returnsWhere((value) =>
    value instanceof Uint8Array && value.length === length
      ? null
      : `expected ${length} bytes, got ${value instanceof Uint8Array ? value.length : String(value)}`,
  );
}

const returnsString = returnsWhere((value) => (typeof value === 'string' ? null : `expected a string, got ${String(value)}`));

// --- builders for init data ----------------------------------------------------------------

const SYSTEM_COMMON = [0x10, 0x77, 0xef, 0xec, 0xc0, 0xb2, 0x4d, 0x02, 0xac, 0xe3, 0x3c, 0x1e, 0x52, 0xe2, 0xfb, 0x4b];
const SYSTEM_WIDEVINE = [0xed, 0xef, 0x8b, 0xa9, 0x79, 0xd6, 0x4a, 0xce, 0xa3, 0xc8, 0x27, 0xdc, 0xd5, 0x1d, 0x21, 0xed];
const SYSTEM_PLAYREADY = [0x9a, 0x04, 0xf0, 0x79, 0x98, 0x40, 0x42, 0x86, 0xab, 0x92, 0xe6, 0x5b, 0xe0, 0x88, 0x5f, 0x95];

/** 16 distinct bytes for KID number `i`. */
function kidBytes(i: number): Uint8Array {
  const kid = new Uint8Array(16);
  kid[0] = 0xee;
  new DataView(kid.buffer).setUint32(12, i);
  return kid;
}

/** A version-0 `pssh` box around `data`. */
function box(systemId: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length);
  out.set([0x70, 0x73, 0x73, 0x68], 4);
  out.set(systemId, 12);
  view.setUint32(28, data.length);
  out.set(data, 32);
  return out;
}

/** A PlayReady Object with one WRMHEADER record. */
function pro(xml: string): Uint8Array {
  const record = utf16le(xml);
  const out = new Uint8Array(10 + record.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length, true);
  view.setUint16(4, 1, true);
  view.setUint16(6, 1, true);
  view.setUint16(8, record.length, true);
  out.set(record, 10);
  return out;
}

/**
 * Characters of WRMHEADER text that fit in a PlayReady box (box 32 + PRO 10
 * bytes) at the cap, and in one PRO record (at most 65535 bytes).
 */
const XML_CHARS_IN_BOX = Math.min(Math.floor((MAX_INPUT_BYTES - 42) / 2), 0x7fff);

// --- the cases -----------------------------------------------------------------------------

function soapCases(): WorstCase[] {
  const W = SOAP_SCAN_CHARS;
  const lts = (head: string, tail: string) => fill(head, '<', tail, W);
  const inFaultString = (unit: string, head = '', tail = '') =>
    fill(`<soap:Fault><faultstring>${head}`, unit, `${tail}</faultstring></soap:Fault>`, W);
  const faultStringRun = inFaultString('<');
  const cases: Array<[string, string, (o: Outcome) => string | null]> = [
    ['64 KiB of `<`', '<'.repeat(W), returnsNull],
    [
      'a faultstring holding 64 KiB of `<`',
      faultStringRun,
      returnsFault({ faultString: faultStringRun.slice('<soap:Fault><faultstring>'.length, -'</faultstring></soap:Fault>'.length) }),
    ],
    ['a detail ErrorCode holding 64 KiB of `<`', lts('<Fault><detail><ErrorCode>', '</ErrorCode></detail></Fault>'), returnsFault({})],
    [
      'every field holding its own run of `<`',
      (() => {
        const part = Math.floor((W - 200) / 5);
        return `<Fault><faultcode>${'<'.repeat(part)}</faultcode><faultstring>${'<'.repeat(part)}</faultstring><faultactor>${'<'.repeat(part)}</faultactor><detail><StatusCode>${'<'.repeat(part)}</StatusCode><ErrorCode>${'<'.repeat(part)}</ErrorCode></detail></Fault>`;
      })(),
      returnsFault(),
    ],
    ['`<a ` repeated (tags never closed) in a faultstring', inFaultString('<a '), returnsFault()],
    ['`<![CDATA[` repeated, never terminated, in a faultstring', inFaultString('<![CDATA['), returnsFault()],
    ['one unterminated CDATA section of `<` in a faultstring', inFaultString('<', '<![CDATA['), returnsFault()],
    ['a CDATA section of `]]` near-misses, unterminated', inFaultString(']]', '<![CDATA['), returnsFault()],
    ['CDATA sections `<![CDATA[<]]>` repeated', inFaultString('<![CDATA[<]]>'), returnsFault()],
    ['deep nesting `<a>` repeated in a faultstring', inFaultString('<a>'), returnsFault({})],
    ['`<soap:Fault>` repeated, never closed', fill('', '<soap:Fault>', '', W), returnsNull],
    ['`<soap:Fault ` repeated (start tags never ended)', fill('', '<soap:Fault ', '', W), returnsNull],
    ['a Fault start tag with a 64 KiB attribute value, unterminated', fill('<soap:Fault xmlns:soap="', 'x', '', W), returnsNull],
    [
      'a faultstring start tag with a 64 KiB attribute value',
      fill('<Fault><faultstring a="', 'x', '">x</faultstring></Fault>', W),
      returnsFault({}),
    ],
    ['a 64 KiB element name without a prefix colon', fill('<soap', 'a', '', W), returnsNull],
    ['`<a.` repeated (prefix near-misses)', fill('', '<a.', '', W), returnsNull],
    ['`</Fault` followed by 64 KiB of spaces', fill('<Fault></Fault', ' ', '', W), returnsNull],
    ['`&#x` repeated (character reference near-misses)', inFaultString('&#x'), returnsFault()],
    ['`&#x1111111` repeated (overlong references)', inFaultString('&#x1111111'), returnsFault()],
    ['`&amp;` repeated', inFaultString('&amp;'), returnsFault({ faultString: '&'.repeat(Math.floor((W - 52) / 5)) })],
    ['`<!--` repeated in a faultstring', inFaultString('<!--'), returnsFault()],
  ];
  const out: WorstCase[] = cases.map(([name, text, problem]) => ({
    scanner: 'parseSoapFault',
    name,
    run: () => parseSoapFault(text),
    problem,
  }));
  out.push({
    scanner: 'expressPlayProvider.decodeFailure',
    name: 'an HTTP 500 reply whose faultstring holds 64 KiB of `<`',
    run: () =>
      expressPlayProvider.decodeFailure(
        { kind: 'license', keySystem: 'com.microsoft.playready', status: 500, headers: {}, bodyText: faultStringRun },
        { token: 't' },
      ),
    problem: returnsKeyflowError,
  });
  return out;
}

/** WRMHEADER texts of `n` characters (or a little less) that hit the XML parser's slow paths. */
function xmlInputs(n: number): Array<[string, string, PsshDecodeErrorCode | 'header']> {
  const head = '<WRMHEADER version="4.0.0.0"><DATA>';
  const deep = '<a>'.repeat(62);
  const deepEnd = '</a>'.repeat(62);
  return [
    ['`<` repeated', '<'.repeat(n), 'BAD_WRMHEADER'],
    ['`<![CDATA[` repeated, never terminated', fill(head, '<![CDATA[', '', n), 'BAD_WRMHEADER'],
    ['one unterminated CDATA section of `<`', fill(`${head}<![CDATA[`, '<', '', n), 'BAD_WRMHEADER'],
    ['`<!--` repeated, never terminated', fill(head, '<!--', '', n), 'BAD_WRMHEADER'],
    ['`<?` repeated, never terminated', fill('', '<?', '', n), 'BAD_WRMHEADER'],
    ['deep nesting `<a>` repeated', fill('', '<a>', '', n), 'BAD_WRMHEADER'],
    ['62 levels deep, then `<b/>` repeated', fill(`<WRMHEADER version="4.3.0.0">${deep}`, '<b/>', `${deepEnd}</WRMHEADER>`, n), 'header'],
    ['a start tag with an unterminated attribute value', fill('<WRMHEADER version="', 'x', '', n), 'BAD_WRMHEADER'],
    ['an attribute value of the whole size', fill('<WRMHEADER version="', 'x', '"/>', n), 'BAD_WRMHEADER'],
    ['an element name of the whole size', fill('<', 'A', '', n), 'BAD_WRMHEADER'],
    ['attributes repeated (duplicates)', fill('<WRMHEADER', ' a=""', '/>', n), 'BAD_WRMHEADER'],
    ['`&` repeated in text', fill(head, '&', '</DATA></WRMHEADER>', n), 'BAD_WRMHEADER'],
    ['`&#x` repeated in text', fill(head, '&#x', '</DATA></WRMHEADER>', n), 'BAD_WRMHEADER'],
    ['`&amp;` repeated in text', fill('<WRMHEADER version="4.3.0.0"><DATA><LA_URL>', '&amp;', '</LA_URL></DATA></WRMHEADER>', n), 'header'],
    ['`</a>` repeated (end tags without start tags)', fill('<WRMHEADER version="4.3.0.0">', '</a>', '', n), 'BAD_WRMHEADER'],
  ];
}

/** A 4.2 WRMHEADER with as many KIDs as fit in `n` characters, and their count. */
function manyKids(n: number): { xml: string; count: number } {
  const head = '<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS>';
  const tail = '</KIDS></PROTECTINFO></DATA></WRMHEADER>';
  const kids: string[] = [];
  let length = head.length + tail.length;
  for (let i = 0; ; i++) {
    const kid = `<KID ALGID="AESCTR" VALUE="${encodeBase64(kidBytes(i))}"></KID>`;
    if (length + kid.length > n) break;
    kids.push(kid);
    length += kid.length;
  }
  return { xml: head + kids.join('') + tail, count: kids.length };
}

function wrmHeaderCases(): WorstCase[] {
  const out: WorstCase[] = [];
  for (const [name, xml, expected] of xmlInputs(MAX_XML_CHARS)) {
    out.push({
      scanner: 'parseWrmHeaderXml',
      name,
      run: () => parseWrmHeaderXml(xml),
      problem: expected === 'header' ? returnsWhere(() => null) : throwsCode(expected),
    });
  }
  for (const [name, xml, expected] of xmlInputs(XML_CHARS_IN_BOX)) {
    const initData = box(SYSTEM_PLAYREADY, pro(xml));
    out.push({
      scanner: "decodeInitData('cenc')",
      name: `a PlayReady box at the cap, WRMHEADER: ${name}`,
      run: () => decodeInitData('cenc', initData),
      problem: expected === 'header' ? systemCount(1) : throwsCode(expected),
    });
  }
  const kids = manyKids(MAX_XML_CHARS);
  out.push({
    scanner: 'parseWrmHeaderXml',
    name: `a WRMHEADER at the cap with ${kids.count} KIDs`,
    run: () => parseWrmHeaderXml(kids.xml),
    problem: keyIdCount(kids.count),
  });
  const boxedKids = manyKids(XML_CHARS_IN_BOX);
  const boxed = box(SYSTEM_PLAYREADY, pro(boxedKids.xml));
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `a PlayReady box at the cap with ${boxedKids.count} KIDs`,
    run: () => decodeInitData('cenc', boxed),
    problem: keyIdCount(boxedKids.count),
  });
  return out;
}

function initDataCases(): WorstCase[] {
  const B = MAX_INPUT_BYTES;
  const out: WorstCase[] = [];

  const kidCount = Math.floor((B - 36) / 16);
  const v1 = new Uint8Array(36 + 16 * kidCount);
  const v1View = new DataView(v1.buffer);
  v1View.setUint32(0, v1.length);
  v1.set([0x70, 0x73, 0x73, 0x68], 4);
  v1[8] = 1;
  v1.set(SYSTEM_COMMON, 12);
  v1View.setUint32(28, kidCount);
  for (let i = 0; i < kidCount; i++) v1.set(kidBytes(i), 32 + 16 * i);
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `a v1 box at the cap with ${kidCount} KIDs`,
    run: () => decodeInitData('cenc', v1),
    problem: keyIdCount(kidCount),
  });

  const wvKids = Math.floor((B - 32) / 18);
  const wvData = new Uint8Array(18 * wvKids);
  for (let i = 0; i < wvKids; i++) {
    wvData.set([0x12, 0x10], 18 * i); // field 2 key_id, 16 bytes
    wvData.set(kidBytes(i), 18 * i + 2);
  }
  const wvBox = box(SYSTEM_WIDEVINE, wvData);
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `a Widevine box at the cap with ${wvKids} key_id fields`,
    run: () => decodeInitData('cenc', wvBox),
    problem: keyIdCount(wvKids),
  });

  // Distinct unknown fields (numbers 20.., 3-byte keys, varint 0), every one reported.
  const unknown = new Uint8Array(Math.floor((B - 32) / 4) * 4);
  for (let o = 0, field = 20; o < unknown.length; o += 4, field++) {
    const key = field << 3;
    unknown.set([(key & 0x7f) | 0x80, ((key >>> 7) & 0x7f) | 0x80, key >>> 14, 0], o);
  }
  const unknownBox = box(SYSTEM_WIDEVINE, unknown);
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `a Widevine box at the cap with ${unknown.length / 4} unknown fields`,
    run: () => decodeInitData('cenc', unknownBox),
    problem: systemCount(1),
  });

  const emptyBoxes = concat(...Array.from({ length: Math.floor(B / 32) }, () => box(SYSTEM_COMMON, new Uint8Array(0))));
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `${B / 32} empty boxes`,
    run: () => decodeInitData('cenc', emptyBoxes),
    problem: systemCount(B / 32),
  });

  const records = Math.min(0xffff, Math.floor((B - 38) / 4));
  const proBytes = new Uint8Array(6 + 4 * records);
  const proView = new DataView(proBytes.buffer);
  proView.setUint32(0, proBytes.length, true);
  proView.setUint16(4, records, true);
  for (let i = 0; i < records; i++) proView.setUint16(6 + 4 * i, 2, true); // type 2, length 0
  const proBox = box(SYSTEM_PLAYREADY, proBytes);
  out.push({
    scanner: "decodeInitData('cenc')",
    name: `a PlayReady Object with ${records} empty records`,
    run: () => decodeInitData('cenc', proBox),
    problem: systemCount(1),
  });

  const kidTexts: string[] = [];
  for (let i = 0, length = '{"kids":[]}'.length; ; i++) {
    const kid = `"${encodeBase64Url(kidBytes(i))}"`;
    if (length + kid.length + 1 > B) break;
    kidTexts.push(kid);
    length += kid.length + 1;
  }
  const keyids = new TextEncoder().encode(`{"kids":[${kidTexts.join(',')}]}`);
  out.push({
    scanner: "decodeInitData('keyids')",
    name: `keyids JSON at the cap with ${kidTexts.length} KIDs`,
    run: () => decodeInitData('keyids', keyids),
    problem: keyIdCount(kidTexts.length),
  });

  const over = new Uint8Array(B + 1);
  out.push({
    scanner: "decodeInitData('cenc')",
    name: 'init data one byte over the cap',
    run: () => decodeInitData('cenc', over),
    problem: throwsCode('TOO_LARGE'),
  });
  return out;
}

function wireCases(): WorstCase[] {
  const R = REPLY_BYTES;
  const bytes = (text: string) => new TextEncoder().encode(text);
  const ltBody = bytes('<'.repeat(R));
  const spacedLicense = bytes(JSON.stringify({ license: `${' '.repeat(R - 20)}=` }));
  const jsonBrackets = '['.repeat(R);
  const oddHexKid = 'a'.repeat(R - 1);
  const out: WorstCase[] = [];
  for (const encoding of ['base64', 'base64url', 'hex'] as const) {
    out.push(
      {
        scanner: `decodeText(…, '${encoding}')`,
        name: '1 MiB of `=`',
        run: () => decodeText('='.repeat(R), encoding),
        problem: returnsNull,
      },
      {
        scanner: `decodeText(…, '${encoding}')`,
        name: '1 MiB of spaces',
        run: () => decodeText(' '.repeat(R), encoding),
        problem: returnsBytes(0),
      },
      {
        scanner: `decodeText(…, '${encoding}')`,
        name: '`A=` repeated',
        run: () => decodeText('A='.repeat(R / 2), encoding),
        problem: returnsNull,
      },
      {
        scanner: `decodeText(…, '${encoding}')`,
        name: '`AA ` repeated (whitespace between every pair)',
        run: () => decodeText('AA '.repeat(Math.floor(R / 3)), encoding),
        problem: (o) =>
          'value' in o && (o.value === null || o.value instanceof Uint8Array) ? null : `expected bytes or null, ${describe(o)}`,
      },
    );
  }
  out.push(
    {
      scanner: "decodeText(…, 'base64url')",
      name: '1 MiB of `A` then `=`',
      run: () => decodeText(`${'A'.repeat(R - 1)}=`, 'base64url'),
      problem: returnsBytes(Math.floor(((R - 1) * 3) / 4)),
    },
    {
      scanner: 'unwrapLicense',
      name: 'a plain-text reply of 1 MiB of `<`',
      run: () => unwrapLicense(ltBody, { path: '' }),
      problem: unwrapFails,
    },
    {
      scanner: 'unwrapLicense',
      name: 'a JSON reply of 1 MiB of `<`',
      run: () => unwrapLicense(ltBody, { path: 'license' }),
      problem: unwrapFails,
    },
    {
      scanner: 'unwrapLicense',
      name: 'a JSON reply whose license is 1 MiB of spaces and `=`',
      run: () => unwrapLicense(spacedLicense, { path: 'license', encoding: 'base64url' }),
      problem: unwrapFails,
    },
    { scanner: 'parseProblemDetails', name: '1 MiB of `[`', run: () => parseProblemDetails(jsonBrackets), problem: returnsNull },
    {
      scanner: 'clearKeyLicenseProblem',
      name: '1 MiB of `[`',
      run: () => clearKeyLicenseProblem(bytes(jsonBrackets)),
      problem: returnsString,
    },
    {
      scanner: 'requestKeyIds',
      name: 'a manifest key ID of 1 MiB of odd-length hex',
      run: () =>
        requestKeyIds(
          {
            kind: 'license',
            keySystem: 'com.widevine.alpha',
            url: 'https://x.test/',
            headers: {},
            body: new Uint8Array(0),
            messageType: 'license-request',
            attempt: 0,
            initData: null,
            initDataType: null,
            keyIds: [oddHexKid],
          },
          new Uint8Array(0),
        ),
      problem: returnsWhere((v) => (Array.isArray(v) && v.length === 0 ? null : `expected [], got ${JSON.stringify(v).slice(0, 60)}`)),
    },
  );
  return out;
}

/** Every worst-case input, grouped by scanner. Building them takes a moment (about 20 MB of inputs). */
export function worstCases(): WorstCase[] {
  return [...soapCases(), ...wrmHeaderCases(), ...initDataCases(), ...wireCases()];
}
