/**
 * Fuzz spec, the slice of `npm run fuzz` that runs in `npm test`: the first
 * 10,000 inputs of the 1,000,000 that scripts/fuzz.mjs runs (same generator,
 * test/pssh/fuzz-inputs.ts, same seed). Every decoder must either return or
 * throw a typed PsshDecodeError; an untyped throw (anything else, or an
 * INTERNAL PsshDecodeError, which means an unexpected exception was caught
 * inside a decoder, i.e. a bug) fails the spec with the seed and input
 * number, from which `fuzzCase(index)` rebuilds the input.
 */

import { FUZZ_SEED, describeFuzzCase, fuzzCase, runFuzzCase, type FuzzKind } from './fuzz-inputs';

const SLICE = 10_000;

interface KindTally {
  inputs: number;
  returned: number;
}

describe('pssh decoders under fuzzing', () => {
  it(`give only typed results for the first ${SLICE.toLocaleString('en')} inputs of npm run fuzz (random, mutated vectors, well-framed boxes with mutated payloads, mutated WRMHEADER XML)`, () => {
    const byKind = new Map<FuzzKind, KindTally>();
    const failures: string[] = [];
    let untyped = 0;
    for (let i = 0; i < SLICE; i++) {
      const fuzz = fuzzCase(i);
      const outcome = runFuzzCase(fuzz);
      const tally = byKind.get(fuzz.kind) ?? { inputs: 0, returned: 0 };
      tally.inputs++;
      tally.returned += outcome.returned;
      byKind.set(fuzz.kind, tally);
      if (outcome.untyped.length) {
        untyped += outcome.untyped.length;
        if (failures.length < 10) failures.push(`${describeFuzzCase(fuzz, FUZZ_SEED)}: ${outcome.untyped.join('; ')}`);
      }
    }
    expect(untyped).withContext(failures.join('\n')).toBe(0);
    expect([...byKind.values()].reduce((n, t) => n + t.inputs, 0)).toBe(SLICE);
    // Reach: enough inputs of each structured kind must decode completely, or the
    // framing is wrong and the mutations never get past the box / object headers.
    // (Counts of the current generator: mutated 389, framed-widevine 390,
    // framed-playready 186, xml 191 calls that returned.)
    const returned = (kind: FuzzKind): number => byKind.get(kind)?.returned ?? 0;
    expect(returned('mutated')).withContext('mutated').toBeGreaterThan(250);
    expect(returned('framed-widevine')).withContext('framed-widevine').toBeGreaterThan(300);
    expect(returned('framed-playready')).withContext('framed-playready').toBeGreaterThan(120);
    expect(returned('xml')).withContext('xml').toBeGreaterThan(120);
  });
});
