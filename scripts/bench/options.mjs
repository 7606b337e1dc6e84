// `npm run bench`'s options (run.mjs lists them in its header; `--help` prints it).
import { readFileSync } from 'node:fs';
import { DEFAULT_RTTS, parseRtts } from './net-model.mjs';
import { SCENARIOS } from './server.mjs';

/** The variants of the load benchmark: a–d in both modes, e and f (prepare()) in the network mode. */
export const VARIANTS = {
  a: 'bound (token known)',
  b: 'Shaka filter (token at license)',
  c: 'token first, then load()',
  d: 'keyflow (prefetch)',
  e: 'keyflow + prepare()',
  f: 'keyflow + prepare(), service token',
};

/** prepare() opens connections before the load: only the network mode models connections. */
const LOOPBACK_VARIANTS = ['a', 'b', 'c', 'd'];

// --- options -------------------------------------------------------------------------------------

function usageError(message) {
  return Object.assign(new Error(message), { usage: true });
}

export function parseArgs(argv) {
  try {
    return parseArgsOrThrow(argv);
  } catch (error) {
    throw usageError(error.message);
  }
}

function parseArgsOrThrow(argv) {
  const env = process.env;
  const options = {
    runs: Number(env.BENCH_RUNS ?? 10),
    warmup: Number(env.BENCH_WARMUP ?? 1),
    scenarios: Object.keys(SCENARIOS),
    variants: null, // per mode: abcd (loopback), abcdef (network)
    scheme: 'cenc',
    overrides: {},
    slowTokenMs: SCENARIOS['slow-token'].token,
    filterIterations: 3000,
    bundle: true,
    json: false,
    jsonFile: null,
    verbose: false,
    mode: 'network',
    rtts: env.BENCH_RTTS ? parseRtts(env.BENCH_RTTS) : DEFAULT_RTTS,
    netRuns: 5,
    titles: 5,
    zapRtt: 50,
    zapRuns: 3,
    pageTokenRtt: 50,
    thinkMs: 1000,
    http: '2',
  };
  const num = (name, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a non-negative number, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs':
        options.runs = Math.max(1, Math.round(num(flag, value())));
        break;
      case '--warmup':
        options.warmup = Math.round(num(flag, value()));
        break;
      case '--scenario':
      case '--scenarios':
        options.scenarios = value().split(',');
        break;
      case '--variants':
        options.variants = value().split('');
        break;
      case '--scheme':
        options.scheme = value();
        break;
      case '--manifest-ms':
        options.overrides.manifest = num(flag, value());
        break;
      case '--token-ms':
        options.overrides.token = num(flag, value());
        break;
      case '--license-ms':
        options.overrides.license = num(flag, value());
        break;
      case '--segment-ms':
        options.overrides.segment = num(flag, value());
        break;
      case '--slow-token-ms':
        options.slowTokenMs = num(flag, value());
        break;
      case '--filter-iterations':
        options.filterIterations = Math.round(num(flag, value()));
        break;
      case '--no-bundle':
        options.bundle = false;
        break;
      case '--json':
        options.json = true;
        break;
      case '--json-file':
        options.jsonFile = value();
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--mode':
        options.mode = value();
        break;
      case '--rtt':
        options.rtts = parseRtts(value());
        break;
      case '--net-runs':
      case '--titles':
      case '--zap-rtt':
      case '--zap-runs': {
        const key = { '--net-runs': 'netRuns', '--titles': 'titles', '--zap-rtt': 'zapRtt', '--zap-runs': 'zapRuns' }[flag];
        options[key] = Math.round(num(flag, value()));
        break;
      }
      case '--http':
        options.http = value();
        if (!['2', '1.1'].includes(options.http)) throw new Error('--http is 2 or 1.1');
        break;
      case '--think-ms':
        options.thinkMs = Math.round(num(flag, value()));
        break;
      case '--page-token-rtt': {
        const rtt = value();
        options.pageTokenRtt = rtt === 'none' ? null : Math.round(num(flag, rtt));
        break;
      }
      case '--quick':
        Object.assign(options, { runs: 2, netRuns: 2, warmup: 0, zapRuns: 1, filterIterations: 0, bundle: false });
        break;
      case '--help':
      case '-h':
        console.log(
          readFileSync(new URL('./run.mjs', import.meta.url), 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('//'))
            .map((l) => l.slice(3))
            .join('\n'),
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (--help lists them)`);
    }
  }
  for (const s of options.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}: ${Object.keys(SCENARIOS).join(', ')}`);
  for (const v of options.variants ?? []) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: ${Object.keys(VARIANTS).join(', ')}`);
  options.loopbackVariants = options.variants ?? LOOPBACK_VARIANTS;
  options.variants ??= Object.keys(VARIANTS);
  if (!['cenc', 'cbcs'].includes(options.scheme)) throw new Error('--scheme is cenc or cbcs');
  if (!['network', 'loopback', 'all'].includes(options.mode)) throw new Error('--mode is network, loopback or all');
  return options;
}

export function latenciesFor(scenario, options) {
  const base = { ...SCENARIOS[scenario], ...options.overrides };
  if (scenario === 'slow-token') base.token = options.slowTokenMs;
  return base;
}
