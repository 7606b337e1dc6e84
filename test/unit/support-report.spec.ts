// The support report's builder (issue 15 §1, keyflow.report()): versions, key systems, the
// configuration with its secrets redacted (the token by kind, URLs without query, every known
// secret wherever it appears), the last 20 exchanges, the failures explained, and a text rendering.
import { KeyflowError } from '../../src/api/errors';
import { KEYFLOW_VERSION } from '../../src/api/version';
import { buildSupportReport, withoutQuery, type ReportedExchange, type ReportInput } from '../../src/diagnostics/report';

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

function report(overrides: Partial<ReportInput> = {}) {
  return buildSupportReport(
    {
      shakaVersion: 'v5.2.0',
      keySystem: WV,
      keySystems: { signalled: [WV], routed: [WV], supported: [WV], unsupported: [] },
      preferredKeySystems: [],
      eme: [
        { keySystem: WV, robustness: 'SW_SECURE_CRYPTO', supported: true },
        { keySystem: WV, robustness: 'HW_SECURE_ALL', supported: false, reason: 'NotSupportedError' },
      ],
      stats: { licenseRequests: 2, retries: 1, tokenRequests: 2 },
      timings: Array.from({ length: 22 }, (_, i) => ({
        at: `2026-11-29T00:00:${String(i).padStart(2, '0')}.500Z`,
        keySystem: WV,
        tokenWaitMs: 0,
        certificateMs: 30.2,
        networkMs: 41.6,
        cdmMs: 3.1,
        totalMs: 80.4,
      })),
      tokenFetches: [
        { at: '2026-11-29T00:00:00.000Z', reason: 'prefetch', keySystem: WV },
        { at: '2026-11-29T00:00:30.000Z', reason: 'rejected', keySystem: WV },
      ],
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
      ...overrides,
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

  it('says why the key system is the one it is: the app’s preference, Shaka’s order, or none', () => {
    expect(report({ preferredKeySystems: ['com.microsoft.playready', WV] }).keySystemChoice).toEqual({
      chosen: WV,
      why: 'the first usable of drm.preferredKeySystems [com.microsoft.playready, com.widevine.alpha]',
    });
    expect(report().keySystemChoice.why).toBe(
      "Shaka's order: the content signals it, this browser supports it, and it has a license server (drm.preferredKeySystems does not name it)",
    );
    expect(report({ keySystem: null }).keySystemChoice).toEqual({
      chosen: null,
      why: 'no load, or no key system could be used: see the errors',
    });
  });

  it('carries EME support per robustness, the counters, the last 20 timings and the token fetches, also in the text', () => {
    const r = report();
    expect(r.eme).toEqual([
      { keySystem: WV, robustness: 'SW_SECURE_CRYPTO', supported: true },
      { keySystem: WV, robustness: 'HW_SECURE_ALL', supported: false, reason: 'NotSupportedError' },
    ]);
    expect(r.stats).toEqual({ licenseRequests: 2, retries: 1, tokenRequests: 2 });
    expect(r.timings.length).toBe(20);
    expect(r.timings[0]!.at).toBe('2026-11-29T00:00:02.500Z');
    expect(r.tokenFetches.map((f) => f.reason)).toEqual(['prefetch', 'rejected']);
    expect(r.text).toContain('EME: com.widevine.alpha SW_SECURE_CRYPTO yes; com.widevine.alpha HW_SECURE_ALL no (NotSupportedError)');
    expect(r.text).toContain('Stats: {"licenseRequests":2,"retries":1,"tokenRequests":2}');
    expect(r.text).toContain('2026-11-29T00:00:21.500Z com.widevine.alpha token 0, certificate 30, network 42, CDM 3, total 80');
    expect(r.text).toContain(
      'Token fetches (2): 2026-11-29T00:00:00.000Z prefetch com.widevine.alpha; 2026-11-29T00:00:30.000Z rejected com.widevine.alpha',
    );
  });

  it('withoutQuery() cuts query and fragment', () => {
    expect(withoutQuery('https://a.test/p?x=1#y')).toBe('https://a.test/p?…');
    expect(withoutQuery('https://a.test/p')).toBe('https://a.test/p');
  });
});
