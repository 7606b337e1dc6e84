// The support report's builder (issue 15 §1, keyflow.report()): versions, key systems, the
// configuration with its secrets redacted (the token by kind, URLs without query, every known
// secret wherever it appears), the last 20 exchanges, the failures explained, and a text rendering.
import { KeyflowError } from '../../src/api/errors';
import { KEYFLOW_VERSION } from '../../src/api/version';
import { buildSupportReport, withoutQuery, type ReportedExchange } from '../../src/diagnostics/report';

const SECRET = 'tok-3f9a2c71e8';
const WV = 'com.widevine.alpha';

const exchange = (i: number): ReportedExchange => ({
  at: `2026-11-29T00:00:${String(i).padStart(2, '0')}.000Z`,
  kind: 'license',
  keySystem: WV,
  url: `https://lic.example.test/wv?ExpressPlayToken=${SECRET}&n=${i}`,
  status: 200,
  durationMs: 12.4,
});

function report() {
  return buildSupportReport(
    {
      shakaVersion: 'v5.2.0',
      keySystem: WV,
      keySystems: { signalled: [WV], routed: [WV], supported: [WV], unsupported: [] },
      configuration: {
        provider: 'custom',
        token: async () => SECRET,
        servers: { [WV]: `https://lic.example.test/wv?auth=${SECRET}` },
        headers: { 'X-Note': `prefix ${SECRET}` },
        tokenTimeoutMs: 10000,
      },
      exchanges: Array.from({ length: 25 }, (_, i) => exchange(i)),
      errors: [
        {
          at: '2026-11-29T00:01:00.000Z',
          error: new KeyflowError('NOT_ENTITLED', `denied for ${SECRET}`, { httpStatus: 403, keySystem: WV }),
        },
      ],
      secrets: [SECRET],
    },
    new Date('2026-11-29T00:02:00.000Z'),
  );
}

describe('buildSupportReport()', () => {
  it('names the versions, key systems and configuration; the token by kind, URLs without query', () => {
    const r = report();
    expect(r.keyflowVersion).toBe(KEYFLOW_VERSION);
    expect(r.shakaVersion).toBe('v5.2.0');
    expect(r.generatedAt).toBe('2026-11-29T00:02:00.000Z');
    expect(r.keySystems.supported).toEqual([WV]);
    expect(r.configuration).toEqual({
      provider: 'custom',
      token: '[token function]',
      servers: { [WV]: 'https://lic.example.test/wv?…' },
      headers: { 'X-Note': 'prefix [redacted]' },
      tokenTimeoutMs: 10000,
    });
  });

  it('keeps the last 20 exchanges, URLs without query, and explains the failures', () => {
    const r = report();
    expect(r.exchanges.length).toBe(20);
    expect(r.exchanges[0]!.at).toBe('2026-11-29T00:00:05.000Z');
    expect(r.exchanges.every((e) => e.url === 'https://lic.example.test/wv?…')).toBe(true);
    expect(r.errors[0]!.explanation.phase).toBe('license-request');
    expect(r.errors[0]!.explanation.evidence.keyflowCode).toBe('NOT_ENTITLED');
  });

  it('holds no secret anywhere, JSON or text', () => {
    const r = report();
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect(r.text).not.toContain(SECRET);
    expect(r.text).toContain(`shaka-keyflow ${KEYFLOW_VERSION}, Shaka Player v5.2.0`);
    expect(r.text).toContain('Exchanges (20):');
    expect(r.text).toContain('[license-request] The license server refused the license');
  });

  it('withoutQuery() cuts query and fragment', () => {
    expect(withoutQuery('https://a.test/p?x=1#y')).toBe('https://a.test/p?…');
    expect(withoutQuery('https://a.test/p')).toBe('https://a.test/p');
  });
});
