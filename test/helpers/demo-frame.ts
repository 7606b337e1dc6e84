import { serverUrl, waitFor } from './env';

/** What the demo page posts to an embedding page (demo/public/demo.js `report()`). */
export interface DemoState {
  phase: string;
  events: string[];
  /** The page's event log, one line per event: its name and payload as JSON (what a visitor reads). */
  log: string[];
  error: string | null;
  currentTime: number;
  decodedFrames: number;
  keySystem?: string | null;
  /** After a failure: keyflow's explanation of it (explain()), as the page shows it. */
  explanation?: { phase: string; summary: string };
}

/**
 * Opens the demo page (served by the demo server, so cross-origin) in an iframe with `query`,
 * and waits until it reports an error or playback past `seconds`. Resolves to its last state;
 * the iframe is removed either way.
 */
export async function playDemo(query: string, seconds: number): Promise<DemoState> {
  let state: DemoState | null = null;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { source?: string; state?: DemoState };
    if (data && data.source === 'keyflow-demo' && data.state) state = data.state;
  };
  window.addEventListener('message', onMessage);
  const frame = document.createElement('iframe');
  frame.allow = 'autoplay; encrypted-media';
  frame.width = '800';
  frame.height = '600';
  frame.src = `${serverUrl}?${query}`;
  document.body.appendChild(frame);
  try {
    await waitFor(() => !!state && (state.phase === 'error' || state.currentTime > seconds), `the demo to play past ${seconds} s`, 30000);
    return state!;
  } finally {
    window.removeEventListener('message', onMessage);
    frame.remove();
  }
}
