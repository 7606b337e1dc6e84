// The demo page (what `npm start` serves) must play in the test browser, so it cannot rot silently.
import { playDemo } from '../helpers/demo-frame';
import { clearFaults } from '../helpers/env';

describe('demo page', () => {
  // The fault menu queues faults in the demo server's fault injector; a fault the load did not use
  // must not reach the next spec's license request.
  afterEach(clearFaults);

  for (const scheme of ['cenc', 'cbcs']) {
    it(`plays the ${scheme} sample through the ExpressPlay flow with script tags only`, async () => {
      const state = await playDemo(`scheme=${scheme}`, 2);
      expect(state.error).toBeNull();
      expect(state.phase).toBe('playing');
      expect(state.decodedFrames).toBeGreaterThan(0);
      expect(state.events).toContain('licenserequest');
      expect(state.events).toContain('licenseresponse');
      expect(state.events).not.toContain('error');
      // The demo loads its manifest by a relative URL, as apps do: the token is still prefetched
      // at the manifest request and the license request uses it (no second token request).
      const tokenRequests = state.log.filter((line) => line.startsWith('tokenrequest '));
      expect(tokenRequests.length).toBe(1);
      expect(JSON.parse(tokenRequests[0]!.slice('tokenrequest '.length)).reason).toBe('prefetch');
      const tokens = state.log.filter((line) => line.startsWith('token '));
      expect(tokens.length).toBeGreaterThan(0);
      expect(tokens.every((line) => (JSON.parse(line.slice('token '.length)) as { cached: boolean }).cached)).toBe(true);
      // The page's log shows the license URL with the token redacted.
      const tokenParams = state.log.flatMap((line) => [...line.matchAll(/ExpressPlayToken=([^&"\s]*)/g)].map((m) => m[1]));
      expect(tokenParams.length).toBeGreaterThan(0);
      expect(tokenParams.every((value) => value === '[redacted]')).toBe(true);
    });
  }

  // The fault menu (issue 15): each fault it can provoke fails the load and the page shows
  // keyflow's explanation of it (the expected phase and keyflow code written from catalogue.ts).
  const FAULTS: Array<[string, string, string]> = [
    ['expired', 'license-request', 'TOKEN_INVALID'],
    ['not-entitled', 'license-request', 'NOT_ENTITLED'],
    ['server-down', 'license-request', 'LICENSE_SERVER_ERROR'],
    ['malformed', 'license', 'MALFORMED_RESPONSE'],
    ['cdm-rejects', 'license', 'LICENSE_REJECTED'],
    ['wrong-key-system', 'key-system', 'NO_KEY_SYSTEM'],
  ];
  for (const [fault, phase, code] of FAULTS) {
    it(`fault menu: "${fault}" fails the load with ${code}, explained in plain words`, async () => {
      const state = await playDemo(`scheme=cenc&fault=${fault}`, 1);
      expect(state.phase).toBe('error');
      expect(state.error).toMatch(new RegExp(`^${code}: `));
      expect(state.explanation?.phase).toBe(phase);
      expect(state.explanation?.summary.length).toBeGreaterThan(20);
    });
  }
});
