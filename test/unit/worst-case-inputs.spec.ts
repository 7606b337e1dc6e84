// Hostile replies and init data must not freeze the page: every text scanner over untrusted input
// (the SOAP fault reader, the WRMHEADER XML parser and the other init-data decoders, the wire
// scanners of license replies) gets its worst-case inputs (test/pssh/worst-case-inputs.ts: 64 KiB
// of `<`, `<![CDATA[` repeated, unterminated CDATA, deep nesting, long attribute values, init data
// at the 64 KiB cap, 1 MiB replies) and must give the typed result it documents: null, a SoapFault,
// a KeyflowError, a PsshDecodeError with the right code, or the decoded value.
//
// No timing here: a test that asserts milliseconds fails on a busy machine. The scanners are
// linear by construction (see the comments in src/providers/engine/soap-fault.ts, src/pssh/xml.ts,
// src/providers/engine/encoding.ts); scripts/bench/worst-case.mjs times these same inputs and prints
// "worst-case parser input: X ms" (the old quadratic SOAP tag stripper: 2.4 s per case in Node).
// The quadratic scanner still fails this spec in Firefox: SpiderMonkey's regex engine gave up on
// `/<[^>]*>/g` over 64 KiB of `<` with "InternalError: too much recursion" after seconds of work, so
// the "never throws" SOAP fault reader threw. (Chromium's V8 falls back to a linear regex engine
// on excessive backtracking, which hides it there.)
import { outcomeOf, worstCases, type WorstCase } from '../pssh/worst-case-inputs';

describe('worst-case inputs to every text scanner', () => {
  const cases: WorstCase[] = worstCases();
  const byScanner = new Map<string, WorstCase[]>();
  for (const c of cases) byScanner.set(c.scanner, [...(byScanner.get(c.scanner) ?? []), c]);

  it('cover the SOAP fault reader, the WRMHEADER parser, the init-data decoders and the reply decoders', () => {
    for (const scanner of ['parseSoapFault', 'parseWrmHeaderXml', "decodeInitData('cenc')", "decodeText(…, 'base64')", 'unwrapLicense']) {
      expect(byScanner.get(scanner)?.length ?? 0)
        .withContext(scanner)
        .toBeGreaterThan(0);
    }
  });

  for (const [scanner, list] of byScanner) {
    describe(scanner, () => {
      for (const c of list) {
        it(`gives its typed result for ${c.name}`, () => {
          expect(c.problem(outcomeOf(c.run))).toBeNull();
        });
      }
    });
  }
});
