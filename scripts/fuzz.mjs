#!/usr/bin/env node
// `npm run fuzz`: runs 1,000,000 fuzz inputs through the PSSH / init-data decoders, in Node, and
// prints one line
//
//   N inputs, U untyped throws, max X ms
//
// (N inputs run, U calls that threw something other than a typed PsshDecodeError, or an INTERNAL
// one, X the longest time one input took through all its decoders). Exits 1 if U > 0, after
// listing the first failing inputs on stderr with the seed and input number that rebuild them.
//
// The inputs come from test/pssh/fuzz-inputs.ts, the generator the Karma spec
// test/pssh/fuzz.spec.ts uses for its slice (the first 10,000 inputs of this run): random bytes,
// mutated real boxes and vectors, well-framed Widevine / PlayReady boxes with mutated payloads,
// mutated WRMHEADER XML. esbuild bundles it from the sources, so no build is needed.
//
// Options (environment variables in brackets):
//   --inputs N     how many inputs (default 1000000) [FUZZ_INPUTS]
//   --seed S       run seed (default the spec's, 0x6b657966) [FUZZ_SEED]
//   --from I       first input number (default 0), to rerun a range
//   --quiet        no progress on stderr
import { loadTs } from './fuzz/load-ts.mjs';

function parseArgs(argv) {
  const options = {
    inputs: Number(process.env.FUZZ_INPUTS ?? 1_000_000),
    seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED),
    from: 0,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => Number(inline ?? argv[++i]);
    switch (flag) {
      case '--inputs':
        options.inputs = value();
        break;
      case '--seed':
        options.seed = value();
        break;
      case '--from':
        options.from = value();
        break;
      case '--quiet':
        options.quiet = true;
        break;
      case '--help':
      case '-h':
        console.log('usage: node scripts/fuzz.mjs [--inputs N] [--seed S] [--from I] [--quiet]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  for (const key of ['inputs', 'from']) {
    if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`--${key} needs a non-negative integer`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error('--seed needs an integer');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { FUZZ_SEED, fuzzCase, runFuzzCase, describeFuzzCase } = await loadTs('test/pssh/fuzz-inputs.ts');
  const seed = options.seed ?? FUZZ_SEED;
  const started = performance.now();
  const shown = [];
  let untyped = 0;
  let maxMs = 0;
  let slowest = -1;
  const end = options.from + options.inputs;
  for (let i = options.from; i < end; i++) {
    const fuzz = fuzzCase(i, seed);
    const t0 = performance.now();
    const outcome = runFuzzCase(fuzz);
    const ms = performance.now() - t0;
    if (ms > maxMs) {
      maxMs = ms;
      slowest = i;
    }
    if (outcome.untyped.length) {
      untyped += outcome.untyped.length;
      if (shown.length < 20) shown.push(`${describeFuzzCase(fuzz, seed)}: ${outcome.untyped.join('; ')}`);
    }
    if (!options.quiet && (i - options.from + 1) % 100_000 === 0) {
      process.stderr.write(
        `fuzz: ${i - options.from + 1} inputs, ${untyped} untyped throws, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
    }
  }
  if (shown.length) process.stderr.write(`untyped throws (first ${shown.length}):\n${shown.join('\n')}\n`);
  if (!options.quiet && slowest >= 0) {
    // The max includes whatever paused the process then (a GC, the machine); rerun that input to tell.
    const again = [];
    for (let r = 0; r < 5; r++) {
      const fuzz = fuzzCase(slowest, seed);
      const t0 = performance.now();
      runFuzzCase(fuzz);
      again.push(performance.now() - t0);
    }
    again.sort((a, b) => a - b);
    const fuzz = fuzzCase(slowest, seed);
    process.stderr.write(
      `fuzz: seed ${seed}, inputs ${options.from}..${end - 1} in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `slowest: input #${slowest} (${fuzz.kind}, ${fuzz.input.length} ${typeof fuzz.input === 'string' ? 'chars' : 'bytes'}), ` +
        `${maxMs.toFixed(1)} ms then, ${again[2].toFixed(2)} ms rerun (median of 5)\n`,
    );
  }
  console.log(`${options.inputs} inputs, ${untyped} untyped throws, max ${maxMs.toFixed(1)} ms`);
  return untyped > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`fuzz failed: ${error?.stack ?? error}`);
    process.exit(2);
  },
);
