// The demo page with the emulated key systems: choosing Widevine or PlayReady loads the test CDM's
// script-tag build (dist/testing/test-cdm.umd.js) into the page and plays through the emulator's
// Widevine / PlayReady endpoints. The page runs in an iframe, so its test CDM never touches this page.
import { serverUrl, waitFor } from '../helpers/env';

interface DemoState {
  phase: string;
  events: string[];
  error: string | null;
  currentTime: number;
  decodedFrames: number;
  keySystem: string | null;
}

describe('demo page, emulated key systems', () => {
  let frame: HTMLIFrameElement | undefined;
  let state: DemoState | null = null;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { source?: string; state?: DemoState };
    if (data && data.source === 'keyflow-demo' && data.state) state = data.state;
  };

  beforeEach(() => {
    state = null;
    window.addEventListener('message', onMessage);
  });

  afterEach(() => {
    window.removeEventListener('message', onMessage);
    frame?.remove();
  });

  for (const keySystem of ['com.widevine.alpha', 'com.microsoft.playready']) {
    it(`plays the cenc sample with ${keySystem} (test CDM) from script tags`, async () => {
      frame = document.createElement('iframe');
      frame.allow = 'autoplay; encrypted-media';
      frame.width = '800';
      frame.height = '600';
      frame.src = `${serverUrl}?scheme=cenc&keysystem=${encodeURIComponent(keySystem)}`;
      document.body.appendChild(frame);
      await waitFor(() => !!state && (state.phase === 'error' || state.currentTime > 1), 'the demo to play past 1 s', 30000);
      expect(state!.error).toBeNull();
      expect(state!.phase).toBe('playing');
      expect(state!.keySystem).toBe(keySystem);
      expect(state!.decodedFrames).toBeGreaterThan(0);
      expect(state!.events).toContain('licenserequest');
      expect(state!.events).toContain('licenseresponse');
      expect(state!.events).not.toContain('error');
    });
  }
});
