// The demo page with the emulated key systems: choosing Widevine, PlayReady or FairPlay loads the
// test CDM's script-tag build (dist/testing/test-cdm.umd.js) into the page and plays through the
// emulator's Widevine / PlayReady / FairPlay endpoints (FairPlay: the HLS sample). The page runs in an iframe, so its test CDM never touches this page.
import { playDemo } from '../helpers/demo-frame';

describe('demo page, emulated key systems', () => {
  for (const keySystem of ['com.widevine.alpha', 'com.microsoft.playready']) {
    it(`plays the cenc sample with ${keySystem} (test CDM) from script tags`, async () => {
      const state = await playDemo(`scheme=cenc&keysystem=${encodeURIComponent(keySystem)}`, 1);
      expect(state.error).toBeNull();
      expect(state.phase).toBe('playing');
      expect(state.keySystem).toBe(keySystem);
      expect(state.decodedFrames).toBeGreaterThan(0);
      expect(state.events).toContain('licenserequest');
      expect(state.events).toContain('licenseresponse');
      expect(state.events).not.toContain('error');
    });
  }

  for (const keySystem of ['com.apple.fps', 'com.widevine.alpha']) {
    it(`plays the HLS sample with ${keySystem} (test CDM) from script tags`, async () => {
      const state = await playDemo(`scheme=hls&keysystem=${encodeURIComponent(keySystem)}`, 1);
      expect(state.error).toBeNull();
      expect(state.phase).toBe('playing');
      expect(state.keySystem).toBe(keySystem);
      expect(state.decodedFrames).toBeGreaterThan(0);
      expect(state.events).not.toContain('error');
    });
  }

  it('plays the HLS sample with ClearKey (real CDM): identity keys, Shaka licenses itself, no license exchange', async () => {
    const state = await playDemo('scheme=hls&keysystem=org.w3.clearkey', 1);
    expect(state.error).toBeNull();
    expect(state.phase).toBe('playing');
    expect(state.keySystem).toBe('org.w3.clearkey');
    expect(state.decodedFrames).toBeGreaterThan(0);
    expect(state.events).not.toContain('licenserequest');
    expect(state.events).not.toContain('error');
  });
});
