#!/usr/bin/env node
// Times every text scanner over untrusted input on its worst-case inputs (test/pssh/worst-case-inputs.ts,
// the list test/unit/worst-case-inputs.spec.ts checks for typed results): the SOAP fault reader on
// 64 KiB error bodies, the WRMHEADER parser and the init-data decoders at the 64 KiB cap, the reply
// decoders on 1 MiB bodies. Each input runs once to warm up, then --runs times (default 5); its time
// is the median. Prints one line per input, slowest first, then
//
//   worst-case parser input: X ms
//
// X being the slowest input's median. A quadratic scanner shows as seconds here (the SOAP fault
// reader's old tag stripper took 2.4 s on the faultstring case in Node); the spec does not time.
//
// Runs in Node on the sources (esbuild bundles them; no build needed). `npm run bench` calls
// measureWorstCase() and prints the same last line. Options: --runs N, --quiet (only the last line).
import { fileURLToPath } from 'node:url';
import { loadTs } from '../fuzz/load-ts.mjs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Times every worst-case input.
 *
 * @param {{ runs?: number }} [options]
 * @returns {Promise<{ maxMs: number, slowest: { scanner: string, name: string, ms: number }, results: Array<{ scanner: string, name: string, ms: number, problem: string | null }> }>}
 */
export async function measureWorstCase({ runs = 5 } = {}) {
  const { worstCases, outcomeOf } = await loadTs('test/pssh/worst-case-inputs.ts');
  const results = [];
  for (const c of worstCases()) {
    const problem = c.problem(outcomeOf(c.run)); // warm-up, and the spec's check
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      outcomeOf(c.run);
      times.push(performance.now() - start);
    }
    results.push({ scanner: c.scanner, name: c.name, ms: median(times), problem });
  }
  results.sort((a, b) => b.ms - a.ms);
  return { maxMs: results[0]?.ms ?? 0, slowest: results[0], results };
}

/** The summary line: `worst-case parser input: X ms`. */
export function worstCaseLine(report) {
  return `worst-case parser input: ${report.maxMs.toFixed(1)} ms`;
}

async function main() {
  const argv = process.argv.slice(2);
  let runs = 5;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Math.max(1, Math.round(Number(argv[++i])));
    else if (argv[i] === '--quiet') quiet = true;
    else throw new Error(`unknown option ${argv[i]} (--runs N, --quiet)`);
  }
  const report = await measureWorstCase({ runs });
  if (!quiet) {
    for (const r of report.results) {
      console.log(`${r.ms.toFixed(2).padStart(9)} ms  ${r.scanner}: ${r.name}${r.problem ? `  [NOT THE TYPED RESULT: ${r.problem}]` : ''}`);
    }
    console.log(
      `(${report.results.length} inputs, median of ${runs} runs each, Node ${process.versions.node}; slowest: ${report.slowest.scanner}: ${report.slowest.name})`,
    );
  }
  console.log(worstCaseLine(report));
  return report.results.some((r) => r.problem) ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`worst-case bench failed: ${error?.stack ?? error}`);
      process.exit(2);
    },
  );
}
