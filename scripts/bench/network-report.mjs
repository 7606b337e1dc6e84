// The real-network mode's report (network.mjs): the table per RTT, the zapping playlist, and the
// targets of issue 16 as ratios measured in the same run. Missed targets are results: printed
// plainly, never an exit code.
import { fmt, lpad, pad } from './common.mjs';
import { wireDelta } from './net-model.mjs';

const LABELS = {
  a: 'bound (token known)',
  b: 'Shaka filter (token at license)',
  c: 'token first, then load()',
  d: 'keyflow (prefetch, warm-up)',
};
const ORIGINS = ['content', 'token', 'license'];

/** Issue 16's targets. */
export const NETWORK_TARGETS = { rtt: 50, da: 0.85, db: 0.8, zapRatio: 0.75 };

const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? Math.round((x / y) * 1000) / 1000 : NaN);

/** d/a, d/b, d/c of load → first frame medians at one RTT. */
export function ratiosAt(variants) {
  const d = variants.d?.load1?.firstFrame.median;
  return Object.fromEntries(
    ['a', 'b', 'c'].filter((v) => variants[v]?.load1).map((v) => [`d${v}`, ratio(d, variants[v].load1.firstFrame.median)]),
  );
}

const flat = (wire) => Object.fromEntries(ORIGINS.map((o) => [o, { requests: wire[o].requests, connections: wire[o].connections }]));

function check(what, value, limit, op, digits = 2) {
  const met = op === '<=' ? value <= limit : value === limit;
  return { what, measured: value, measuredText: fmt(value, digits), target: `${op} ${fmt(limit, digits)}`, met };
}

/** The targets, evaluated on the report. */
export function networkTargets(report) {
  const targets = [];
  const sets = [
    [report.rtts[NETWORK_TARGETS.rtt], 'token backend its own origin'],
    [report.pageToken?.rtt === NETWORK_TARGETS.rtt ? report.pageToken : null, "token backend on the page's origin"],
  ];
  for (const [at, where] of sets) {
    if (!at) continue;
    const r = ratiosAt(at.variants);
    const rtt = `RTT ${NETWORK_TARGETS.rtt} ms, ${where}`;
    if (r.da !== undefined) targets.push(check(`TTFF keyflow / token-known bound, ${rtt}`, r.da, NETWORK_TARGETS.da, '<='));
    if (r.db !== undefined) targets.push(check(`TTFF keyflow / Shaka-doc pattern, ${rtt}`, r.db, NETWORK_TARGETS.db, '<='));
  }
  for (const [rtt, { variants }] of Object.entries(report.rtts)) {
    if (!variants.d?.load1 || !variants.b?.load1) continue;
    const delta = wireDelta(flat(variants.d.load1.wire), flat(variants.b.load1.wire));
    // The content origin's count depends on how far Shaka buffered when the load was counted: the
    // DRM origins (token backend, license server) are compared.
    const extra = ['token', 'license'].reduce((sum, o) => sum + Math.abs(delta[o].requests), 0);
    targets.push(
      check(
        `RTT ${rtt} ms: token + license requests on the wire, keyflow vs Shaka-doc pattern (first load, difference)`,
        extra,
        0,
        '==',
        0,
      ),
    );
  }
  const zap = report.zapping?.variants.d;
  if (zap?.runs) {
    targets.push(
      check(
        `zapping (RTT ${report.zapping.rtt} ms): keyflow mean TTFF of titles 2–${report.zapping.titles} / title 1`,
        zap.ratio,
        NETWORK_TARGETS.zapRatio,
        '<=',
      ),
    );
    for (const kind of ['token', 'certificate', 'probe']) {
      const most = Math.max(...zap.perTitle.slice(1).map((t) => t.counts[kind].max ?? 0));
      targets.push(check(`zapping: ${kind} requests of titles 2–${report.zapping.titles}, keyflow (most in any run)`, most, 0, '==', 0));
    }
  }
  return targets;
}

const triple = (wire, key) => ORIGINS.map((o) => fmt(wire[o][key], 0)).join('/');

function rttLines(rtt, { link, variants }, where = 'token backend its own origin') {
  const lines = ['', `RTT ${rtt} ms, ${where} (new connection ${link.connectionSetupMs} ms, each request +${link.requestMs} ms)`];
  lines.push(
    `  ${pad('variant', 34)}${lpad('first frame', 12)}${pad('  (min–max)', 15)}${lpad('keys', 7)}  requests c/t/l  conns c/t/l   2nd load: frame, conns c/t/l`,
  );
  for (const [v, r] of Object.entries(variants)) {
    if (!r.load1) {
      lines.push(`  (${v}) ${LABELS[v]}: no successful run (${r.failureMessages[0] ?? '?'})`);
      continue;
    }
    const ff = r.load1.firstFrame;
    const failed = r.failures ? ` (${r.failures} failed)` : '';
    lines.push(
      `  ${pad(`(${v}) ${LABELS[v]}${failed}`, 34)}${lpad(fmt(ff.median), 12)}${pad(`  (${fmt(ff.min)}–${fmt(ff.max)})`, 15)}${lpad(fmt(r.load1.keysUsable.median), 7)}  ${pad(triple(r.load1.wire, 'requests'), 15)} ${pad(triple(r.load1.wire, 'connections'), 13)} ${lpad(fmt(r.load2.firstFrame.median), 6)}, ${triple(r.load2.wire, 'connections')}`,
    );
  }
  const r = ratiosAt(variants);
  lines.push(
    `  ratios, first frame: ${Object.entries(r)
      .map(([k, x]) => `d/${k[1]} ${fmt(x, 2)}`)
      .join('   ')}`,
  );
  return lines;
}

function zappingLines(zapping) {
  const lines = [
    '',
    `Zapping: ${zapping.titles} titles in one player, RTT ${zapping.rtt} ms (keyflow with tokenScope 'service'; the bench token carries every title's keys)`,
  ];
  for (const [v, z] of Object.entries(zapping.variants)) {
    if (!z.runs) {
      lines.push(`  (${v}) ${LABELS[v]}: no successful run (${z.failureMessages?.[0] ?? '?'})`);
      continue;
    }
    const frames = z.perTitle.map((t) => fmt(t.firstFrame.median)).join(' / ');
    lines.push(
      `  (${v}) ${LABELS[v]} (${z.runs} runs): first frame per title ${frames} ms; mean of 2–${zapping.titles} / title 1 = ${fmt(z.ratio, 2)} (per-run median ${fmt(z.ratioPerRun.median, 2)})`,
    );
    const per = (kind) => z.perTitle.map((t) => fmt(t.counts[kind].max, 0)).join(',');
    lines.push(
      `      per title (most in any run): token ${per('token')}  certificate ${per('certificate')}  probe ${per('probe')}  license ${per('license')}  connections c/t/l ${z.perTitle.map((t) => triple(t.wire, 'connections')).join(' ')}`,
    );
  }
  return lines;
}

/** The printable report. */
export function networkLines(report) {
  const s = report.serverMs;
  const lines = [
    `Real-network mode: three HTTPS origins (content, token backend, license server) behind a latency proxy; TLS 1.3, HTTP/1.1, ${report.browser}`,
    `  a new connection costs 2 RTT (TCP + TLS), every request 1 RTT, plus the server's own time: manifest ${s.manifest}, token ${s.token}, license ${s.license}, segment ${s.segment} ms; no bandwidth limit; a new tab per run, every connection closed between runs`,
    '  requests / connections per origin: c = content, t = token backend, l = license server (medians; first load unless said)',
  ];
  for (const [rtt, entry] of Object.entries(report.rtts)) lines.push(...rttLines(rtt, entry));
  if (report.pageToken)
    lines.push(
      ...rttLines(
        report.pageToken.rtt,
        report.pageToken,
        "token backend on the page's origin (/api/token: its connection warm from the page load)",
      ),
    );
  if (report.zapping) lines.push(...zappingLines(report.zapping));
  for (const [rtt, { variants }] of Object.entries(report.rtts)) {
    if (!variants.d?.load1 || !variants.b?.load1) continue;
    const delta = wireDelta(flat(variants.d.load1.wire), flat(variants.b.load1.wire));
    lines.push(
      `  RTT ${rtt} ms, keyflow minus Shaka-doc pattern on the wire (first load): ${ORIGINS.map((o) => `${o} ${delta[o].requests >= 0 ? '+' : ''}${delta[o].requests} requests, ${delta[o].connections >= 0 ? '+' : ''}${delta[o].connections} connections`).join('; ')}`,
    );
  }
  lines.push('', 'Targets (issue 16, real-network mode)');
  for (const t of report.targets)
    lines.push(`  ${t.met ? 'met   ' : 'MISSED'}  ${pad(t.what, 100)} ${lpad(t.measuredText, 8)}  target ${t.target}`);
  const missed = report.targets.filter((t) => !t.met).length;
  lines.push(`  ${report.targets.length - missed} met, ${missed} missed`);
  return lines;
}
