// The loopback mode's report (run.mjs): the targets of issues 6 and 11, evaluated on the measured
// report, and the printed table.
import { fmt, lpad, pad } from './common.mjs';
import { VARIANTS } from './options.mjs';
import { worstCaseLine } from './worst-case.mjs';

/** Issue 6's timing targets and issue 11's size targets. KB = 1000 bytes, as size-limit counts. */
export const TARGETS = {
  default: { da: 1.05, db: 0.8, dc: 0.8 },
  slowTokenSavingShare: 0.75, // "saving close to the manifest time": at least 75 % of it
  umdGzip: 14_000,
  esmGzip: 6_000,
  presetGzip: 600,
  filterMs: 0.1,
};

// --- the report ----------------------------------------------------------------------------------

function target(list, fields) {
  list.push(fields);
  return fields;
}

/** Compares `value` with a limit: met or missed, and by how much when missed. */
function check({ id, scenario = null, what, value, limit, op, unit = '', digits = 2 }) {
  const met = op === '<=' ? value <= limit : op === '<' ? value < limit : op === '>=' ? value >= limit : value === limit;
  let missedBy = null;
  if (!met && Number.isFinite(value)) {
    missedBy = op === '>=' ? limit - value : value - limit;
  }
  return {
    id,
    scenario,
    what,
    target: `${op} ${fmt(limit, digits)}${unit}`,
    measured: value,
    measuredText: `${fmt(value, digits)}${unit}`,
    met,
    missedBy,
  };
}

export function evaluateTargets(report) {
  const targets = [];
  const def = report.scenarios.default;
  if (def?.ratios) {
    for (const [key, limit] of Object.entries(TARGETS.default)) {
      const value = def.ratios.firstFrame[key];
      if (value === undefined) continue;
      target(
        targets,
        check({ id: `default.${key}`, scenario: 'default', what: `d/${key[1]} (load → first frame, medians)`, value, limit, op: '<=' }),
      );
    }
  }
  const slow = report.scenarios['slow-token'];
  if (slow?.ratios) {
    for (const key of ['db', 'dc']) {
      const value = slow.ratios.firstFrame[key];
      if (value === undefined) continue;
      target(
        targets,
        check({
          id: `slow-token.${key}`,
          scenario: 'slow-token',
          what: `d/${key[1]} (load → first frame, medians)`,
          value,
          limit: 1,
          op: '<',
        }),
      );
      const saving = slow.savingsMs.firstFrame[key[1]];
      const manifest = slow.latencies.manifest;
      target(targets, {
        ...check({
          id: `slow-token.saving.${key[1]}`,
          scenario: 'slow-token',
          what: `time d saves vs ${key[1]}, close to the manifest time (${manifest} ms)`,
          value: saving,
          limit: TARGETS.slowTokenSavingShare * manifest,
          op: '>=',
          unit: ' ms',
          digits: 0,
        }),
      });
    }
  }
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    const d = scenario.variants.d;
    const baselines = ['a', 'b', 'c'].filter((v) => scenario.variants[v]);
    if (d && baselines.length) {
      for (const load of ['load1', 'load2']) {
        const mine = d.counts[load].license.max;
        const fewest = Math.min(...baselines.map((v) => scenario.variants[v].counts[load].license.min));
        target(
          targets,
          check({
            id: `${name}.licenses.${load}`,
            scenario: name,
            what: `license requests, ${load === 'load1' ? 'first' : 'second'} load: d (most) vs Shaka without keyflow (fewest)`,
            value: mine,
            limit: fewest,
            op: '<=',
            digits: 0,
          }),
        );
      }
      if (d.diagnostics) {
        target(
          targets,
          check({
            id: `${name}.diagnostics.requests`,
            scenario: name,
            what: `requests while keyflow.report() runs (d; report ${fmt(d.diagnostics.reportMs.median)} ms, ${d.diagnostics.emeAnswers} EME probes)`,
            value: d.diagnostics.requests,
            limit: 0,
            op: '==',
            digits: 0,
          }),
        );
      }
      target(
        targets,
        check({
          id: `${name}.certificates.load2`,
          scenario: name,
          what: 'certificate requests on the second load (d, most)',
          value: d.counts.load2.certificate.max,
          limit: 0,
          op: '==',
          digits: 0,
        }),
      );
    }
  }
  if (report.bundle) {
    target(
      targets,
      check({
        id: 'bundle.umd',
        what: 'full UMD build, gzipped',
        value: report.bundle.umd.gzip / 1000,
        limit: TARGETS.umdGzip / 1000,
        op: '<=',
        unit: ' KB',
        digits: 1,
      }),
    );
    target(
      targets,
      check({
        id: 'bundle.esm',
        what: 'ESM tree-shaken to Keyflow + ExpressPlay, gzipped',
        value: report.bundle.esm.gzip / 1000,
        limit: TARGETS.esmGzip / 1000,
        op: '<=',
        unit: ' KB',
        digits: 1,
      }),
    );
    for (const preset of report.bundle.presets) {
      target(
        targets,
        check({
          id: `bundle.preset.${preset.name}`,
          what: `what the ${preset.name} preset adds to core + ExpressPlay, gzipped`,
          value: preset.gzip / 1000,
          limit: TARGETS.presetGzip / 1000,
          op: '<=',
          unit: ' KB',
          digits: 2,
        }),
      );
    }
  }
  if (report.filter && !report.filter.error) {
    target(
      targets,
      check({
        id: 'filter',
        what: "keyflow's own filter work per license request (mean)",
        value: report.filter.filterMs.mean,
        limit: TARGETS.filterMs,
        op: '<=',
        unit: ' ms',
        digits: 3,
      }),
    );
  }
  return targets;
}

export function printTable(report) {
  const lines = [];
  const { meta } = report;
  lines.push(`keyflow startup benchmark — ${meta.date}`);
  lines.push(
    `${meta.browser}, Shaka Player ${meta.shaka}, keyflow ${meta.keyflow}, Node ${meta.node}, ${meta.cpus} CPU(s) (${meta.cpuModel})`,
  );
  lines.push(
    `sample: content/${meta.scheme} (ClearKey via the ExpressPlay emulator), ${meta.runs} runs per variant after ${meta.warmup} warm-up round(s), variants alternating, one fresh page per run`,
  );
  lines.push(
    'times: ms from the start of the load (the player.load() call; for c, the start of its token fetch) to the first video frame presented / to the CDM reporting every key usable',
  );
  for (const [name, scenario] of Object.entries(report.scenarios)) {
    const l = scenario.latencies;
    lines.push('');
    lines.push(
      `Scenario "${name}": manifest ${l.manifest} ms, token endpoint ${l.token} ms, license ${l.license} ms, each segment ${l.segment} ms`,
    );
    lines.push(
      `  ${pad('variant', 36)}${lpad('first frame', 12)}${pad('  (min–max)', 14)}${lpad('keys usable', 12)}${pad('  (min–max)', 14)}  requests token/cert/license: load 1 | load 2   2nd load frame`,
    );
    for (const [v, result] of Object.entries(scenario.variants)) {
      const ff = result.load1.firstFrame;
      const ku = result.load1.keysUsable;
      const c = (load) =>
        ['token', 'certificate', 'license']
          .map((k) => {
            const s = result.counts[load][k];
            return s.min === s.max ? fmt(s.min) : `${fmt(s.min)}-${fmt(s.max)}`;
          })
          .join('/');
      const failed = result.failures ? ` (${result.failures} failed)` : '';
      lines.push(
        `  ${pad(`(${v}) ${VARIANTS[v]}${failed}`, 36)}${lpad(fmt(ff.median), 12)}${pad(`  (${fmt(ff.min)}–${fmt(ff.max)})`, 14)}${lpad(fmt(ku.median), 12)}${pad(`  (${fmt(ku.min)}–${fmt(ku.max)})`, 14)}  ${pad(`${c('load1')} | ${c('load2')}`, 44)}${lpad(fmt(result.load2.firstFrame.median), 6)}`,
      );
    }
    const r = scenario.ratios;
    if (r) {
      const show = (set) =>
        ['da', 'db', 'dc']
          .filter((k) => set[k] !== undefined)
          .map((k) => `d/${k[1]} ${fmt(set[k], 2)}`)
          .join('   ');
      lines.push(`  ratios, first frame: ${show(r.firstFrame)}`);
      lines.push(`  ratios, keys usable: ${show(r.keysUsable)}`);
      const s = scenario.savingsMs.firstFrame;
      const saved = ['a', 'b', 'c']
        .filter((k) => s[k] !== undefined)
        .map((k) => `${fmt(s[k])} ms vs ${k}`)
        .join(', ');
      if (saved) lines.push(`  d saves (first frame, medians): ${saved}`);
    }
  }
  if (report.bundle) {
    const b = report.bundle;
    lines.push('');
    lines.push('Bundle sizes (bytes, gzipped after minification; size-limit, the rows `npm test` enforces)');
    for (const row of b.rows) lines.push(`  ${row.name}:  ${row.size} (limit ${row.sizeLimit})`);
    if (b.composition?.length) {
      lines.push(
        `  core + ExpressPlay is made of (esbuild from src/, minified): ${b.composition.map((p) => `${p.part} ${Math.round(p.share * 100)}%`).join(', ')}`,
      );
    }
  }
  if (report.filter) {
    const f = report.filter;
    lines.push('');
    if (f.error) {
      lines.push(`Filter work: failed: ${f.error.split('\n')[0]}`);
    } else {
      lines.push(
        `Filter work per license request (${f.iterations} requests through Shaka's NetworkingEngine, fake https plugin, cached token; cross-origin isolated: ${f.crossOriginIsolated})`,
      );
      lines.push(
        `  keyflow request + response filters: mean ${fmt(f.filterMs.mean, 3)} ms, p50 ${fmt(f.filterMs.p50, 3)}, p90 ${fmt(f.filterMs.p90, 3)} (request ${fmt(f.requestFilterMs.mean, 3)}, response ${fmt(f.responseFilterMs.mean, 3)})`,
      );
      lines.push(`  whole request without / with keyflow: ${fmt(f.engineMs.plain, 3)} / ${fmt(f.engineMs.keyflow, 3)} ms (p50 of blocks)`);
      if (f.renewal) {
        lines.push(
          `  a license renewal (license-renewal request): keyflow filters mean ${fmt(f.renewal.filterMs.mean, 3)} ms, p50 ${fmt(f.renewal.filterMs.p50, 3)}; whole request ${fmt(f.renewal.engineMs.keyflow, 3)} ms (p50 of blocks)`,
        );
      }
      lines.push(
        `  player.getConfiguration(): ${fmt(f.getConfigurationMs.p50, 3)} ms (p50) per call, ${fmt(f.getConfigurationCallsPerRequest, 1)} call(s) per request by keyflow;` +
          ` with that copy memoized (diagnosis) keyflow's filters take mean ${fmt(f.withoutConfigCopy.filterMs.mean, 3)} ms, p50 ${fmt(f.withoutConfigCopy.filterMs.p50, 3)}`,
      );
    }
  }
  lines.push('', worstCaseLine(report.worstCase));
  lines.push('');
  lines.push('Targets (issue 6)');
  for (const t of report.targets) {
    const by = t.met
      ? ''
      : t.missedBy !== null
        ? `  — missed by ${fmt(t.missedBy, t.target.includes('KB') ? 1 : t.target.includes('ms') && !t.target.includes('0.1') ? 0 : 3)}${t.target.replace(/^[^ ]+ [^ ]+/, '')}`
        : '';
    lines.push(
      `  ${t.met ? 'met   ' : 'MISSED'}  ${pad(t.scenario ? `[${t.scenario}] ${t.what}` : t.what, 96)} ${lpad(t.measuredText, 10)}  target ${t.target}${by}`,
    );
  }
  const missed = report.targets.filter((t) => !t.met).length;
  lines.push(`  ${report.targets.length - missed} met, ${missed} missed`);
  lines.push(`(total ${fmt(report.meta.durationS, 0)} s)`);
  console.log(lines.join('\n'));
}
