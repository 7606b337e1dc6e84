// The examples (examples/script-tag/ and examples/esm/) must keep playing, and under the policy a
// strict app has: the demo server serves /examples/ with `Content-Security-Policy: script-src 'self'`
// (no inline script, no eval) and collects violation reports at /_csp-reports. Each example runs in
// an iframe and reports its progress and any `securitypolicyviolation` event by postMessage.
// examples/esm/dist/app.js is bundled by scripts/check-consumers.mjs (npm test's pretest).
import { at, waitFor } from '../helpers/env';

interface ExampleState {
  example: string;
  phase: string;
  events: string[];
  error: string | null;
  violations: string[];
  currentTime: number;
}

const EXAMPLES = [
  { name: 'script-tag', what: 'Shaka compiled build + keyflow UMD, script tags only' },
  { name: 'esm', what: "import shaka from 'shaka-player'; import { Keyflow } from 'shaka-keyflow', bundled by esbuild" },
];

describe('examples under a strict CSP', () => {
  let frame: HTMLIFrameElement | undefined;
  let state: ExampleState | null = null;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { source?: string; state?: ExampleState };
    if (data && data.source === 'keyflow-example' && data.state) state = data.state;
  };

  beforeEach(async () => {
    state = null;
    window.addEventListener('message', onMessage);
    await fetch(at('_csp-reports'), { method: 'DELETE' });
  });

  afterEach(() => {
    window.removeEventListener('message', onMessage);
    frame?.remove();
    frame = undefined;
  });

  for (const { name, what } of EXAMPLES) {
    it(`examples/${name} (${what}) plays the sample through the ExpressPlay flow with no CSP violation`, async () => {
      const url = at(`examples/${name}/`);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toContain('unsafe-inline');

      frame = document.createElement('iframe');
      frame.allow = 'autoplay; encrypted-media';
      frame.width = '660';
      frame.height = '420';
      frame.src = url;
      document.body.appendChild(frame);
      await waitFor(() => !!state && (state.phase === 'error' || state.currentTime > 2), `examples/${name} to play past 2 s`, 30000);

      expect(state!.example).toBe(name);
      expect(state!.error).toBeNull();
      expect(state!.phase).toBe('playing');
      expect(state!.events.some((e) => e.startsWith('licenserequest: org.w3.clearkey'))).toBe(true);
      expect(state!.events.some((e) => e.startsWith('licenseresponse: 200'))).toBe(true);
      expect(state!.events.join('\n')).not.toMatch(/ExpressPlayToken=(?!\[redacted\])/);
      expect(state!.violations).toEqual([]);
      // Reports reach the server asynchronously: give a late one a moment to arrive.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await (await fetch(at('_csp-reports'))).json()).toEqual([]);
    });
  }
});
