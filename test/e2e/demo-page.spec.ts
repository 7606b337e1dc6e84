// The demo page (what `npm start` serves) must play in the test browser, so it cannot rot silently.
import { serverUrl, waitFor } from '../helpers/env';

interface DemoState {
  phase: string;
  events: string[];
  error: string | null;
  currentTime: number;
  decodedFrames: number;
}

describe('demo page', () => {
  let frame: HTMLIFrameElement;
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

  for (const scheme of ['cenc', 'cbcs']) {
    it(`plays the ${scheme} sample through the ExpressPlay flow with script tags only`, async () => {
      frame = document.createElement('iframe');
      frame.allow = 'autoplay; encrypted-media';
      frame.width = '800';
      frame.height = '600';
      frame.src = `${serverUrl}?scheme=${scheme}`;
      document.body.appendChild(frame);
      await waitFor(() => !!state && (state.phase === 'error' || state.currentTime > 2), 'the demo to play past 2 s', 30000);
      expect(state!.error).toBeNull();
      expect(state!.phase).toBe('playing');
      expect(state!.decodedFrames).toBeGreaterThan(0);
      expect(state!.events).toContain('licenserequest');
      expect(state!.events).toContain('licenseresponse');
      expect(state!.events).not.toContain('error');
    });
  }
});
