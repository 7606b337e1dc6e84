// explain(): a failure in plain words (issue 15 §1). Every keyflow code and every Shaka DRM error
// has an entry (Shaka's own list, read from the Shaka build under test, is the oracle: a new
// 60xx code without an entry fails here), keyflow's error wins over the Shaka error carrying it,
// and nothing but keyflow's own (redacted) message is quoted.
import { KeyflowError, type KeyflowErrorCode } from '../../src/api/errors';
import { keyflowFailures } from '../../src/diagnostics/catalogue';
import { shakaDrmFailures } from '../../src/diagnostics/shaka-failures';

const KEYFLOW_FAILURES = keyflowFailures();
const SHAKA_DRM_FAILURES = shakaDrmFailures();
import { explain } from '../../src/diagnostics/explain';
import { shaka } from '../helpers/shaka-global';
import { vendorCodeMeanings } from '../../src/diagnostics/vendor-codes';
import type { ErrorRule } from '../../src/providers/engine/errors';
import { EXPRESSPLAY_ERROR_RULES } from '../../src/providers/expressplay';
import { DOVERUNNER_ERROR_RULES, doveRunnerProvider } from '../../src/providers/doverunner';
import { DRMCLOUD_ERROR_RULES } from '../../src/providers/drmcloud';

const WV = 'com.widevine.alpha';

describe('explain()', () => {
  it('has an entry for every keyflow error code, each with a summary, causes and fixes', () => {
    // KEYFLOW_FAILURES is a Record<KeyflowErrorCode, …>: a code without an entry does not compile.
    const codes = Object.keys(KEYFLOW_FAILURES) as KeyflowErrorCode[];
    expect(codes).toContain('SESSION_FAILED');
    for (const code of codes) {
      const entry = KEYFLOW_FAILURES[code];
      expect(entry.summary.length).withContext(code).toBeGreaterThan(20);
      expect(entry.causes.length).withContext(code).toBeGreaterThan(0);
      expect(entry.fixes.length).withContext(code).toBeGreaterThan(0);
    }
  });

  it('has an entry for every DRM error (60xx) of the Shaka build under test', () => {
    const drmCodes = Object.entries(shaka.util.Error.Code as unknown as Record<string, number>).filter(
      ([, code]) => code >= 6000 && code < 7000,
    );
    expect(drmCodes.length).toBeGreaterThan(15);
    for (const [name, code] of drmCodes) expect(SHAKA_DRM_FAILURES[code]).withContext(`${name} ${code}`).toBeDefined();
  });

  it('explains a KeyflowError with its evidence; a service code adds where to look it up', () => {
    const error = new KeyflowError('NOT_ENTITLED', 'DoveRunner license server answered HTTP 403: not entitled [7012]', {
      keySystem: WV,
      httpStatus: 403,
      providerCode: 7012,
    });
    const explanation = explain(error);
    expect(explanation.phase).toBe('license-request');
    expect(explanation.summary).toBe(KEYFLOW_FAILURES.NOT_ENTITLED.summary);
    expect(explanation.evidence).toEqual({
      keyflowCode: 'NOT_ENTITLED',
      httpStatus: 403,
      providerCode: 7012,
      keySystem: WV,
      message: 'DoveRunner license server answered HTTP 403: not entitled [7012]',
    });
    expect(explanation.fixes[explanation.fixes.length - 1]).toContain('7012');
  });

  it("finds keyflow's error in Shaka's chain (6007 → 1006 → KeyflowError) and names both codes", () => {
    const keyflowError = new KeyflowError('TOKEN_REJECTED', 'The license server rejected a freshly fetched token too', { keySystem: WV });
    const shakaError = new shaka.util.Error(2, 6, 6007, new shaka.util.Error(2, 1, 1006, keyflowError));
    const explanation = explain(shakaError);
    expect(explanation.summary).toBe(KEYFLOW_FAILURES.TOKEN_REJECTED.summary);
    expect(explanation.evidence.keyflowCode).toBe('TOKEN_REJECTED');
    expect(explanation.evidence.shakaCode).toBe(6007);
  });

  it("explains Shaka's DRM errors without keyflow's, and says so for anything else, quoting no foreign message", () => {
    expect(explain(new shaka.util.Error(2, 6, 6001)).phase).toBe('key-system');
    expect(explain(new shaka.util.Error(2, 6, 6015)).summary).toContain('FairPlay');
    const media = explain(new shaka.util.Error(2, 3, 3016, 'https://lic.test/?token=SECRET-123'));
    expect(media.phase).toBe('unknown');
    expect(media.evidence).toEqual({ shakaCode: 3016 });
    const anything = explain(new Error('token SECRET-123 leaked?'));
    expect(anything).toEqual({ summary: 'Not a failure keyflow knows.', phase: 'unknown', causes: [], fixes: [], evidence: {} });
    expect(JSON.stringify([media, anything])).not.toContain('SECRET-123');
  });
});

describe('explain() and the services’ codes', () => {
  // Every code a built-in preset's rules give a meaning must have its documented meaning in the catalogue.
  const presets: Array<[string, readonly ErrorRule[]]> = [
    ['expressplay', EXPRESSPLAY_ERROR_RULES],
    ['doverunner', DOVERUNNER_ERROR_RULES],
    ['drmcloud', DRMCLOUD_ERROR_RULES],
  ];

  it('has a documented meaning for every code a preset maps', () => {
    const meanings = vendorCodeMeanings();
    for (const [preset, rules] of presets) {
      for (const rule of rules) {
        const codes = rule.providerCode === undefined ? [] : Array.isArray(rule.providerCode) ? rule.providerCode : [rule.providerCode];
        for (const code of codes)
          expect(meanings[preset]?.[String(code)])
            .withContext(`${preset} ${String(code)}`)
            .toBeDefined();
      }
    }
  });

  it("puts the service's meaning first among the causes, from a real preset's error", () => {
    const error = doveRunnerProvider.decodeFailure(
      { kind: 'license', keySystem: WV, status: 200, headers: {}, bodyText: '{"errorCode":7011,"message":"Token is expired."}' },
      { token: 't' },
    );
    expect(error.provider).toBe('doverunner');
    const explanation = explain(error);
    expect(explanation.evidence.providerMeaning).toBe('Token is expired.');
    expect(explanation.causes[0]).toBe('The service says 7011: Token is expired.');
  });
});
