// The demo page (what `npm start` serves) must play in the test browser, so it cannot rot silently.
import { playDemo } from '../helpers/demo-frame';

describe('demo page', () => {
  for (const scheme of ['cenc', 'cbcs']) {
    it(`plays the ${scheme} sample through the ExpressPlay flow with script tags only`, async () => {
      const state = await playDemo(`scheme=${scheme}`, 2);
      expect(state.error).toBeNull();
      expect(state.phase).toBe('playing');
      expect(state.decodedFrames).toBeGreaterThan(0);
      expect(state.events).toContain('licenserequest');
      expect(state.events).toContain('licenseresponse');
      expect(state.events).not.toContain('error');
    });
  }
});
