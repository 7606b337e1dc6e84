// The smallest ESM app: shaka-player and shaka-keyflow from npm, bundled (esbuild here; any bundler
// does), playing the sample through the ExpressPlay flow against the demo server's local emulator.
// Build and run: `npm run check:consumers` (writes dist/app.js), `npm start`, then open
// http://localhost:8080/examples/esm/
import shaka from 'shaka-player';
import { findKeyflowError, Keyflow } from 'shaka-keyflow';

const video = document.getElementById('video');
const status = document.getElementById('status');
const test = reportToEmbeddingTest(video);

shaka.polyfill.installAll();
const player = new shaka.Player();
await player.attach(video);

const keyflow = new Keyflow(player, {
  provider: 'expressplay',
  // The app backend calls ExpressPlay's token API and relays its answer (a tokenized license URL).
  token: async (ctx) => {
    const res = await fetch(`/api/token?drm=${encodeURIComponent(ctx.keySystem)}`, { signal: ctx.signal });
    if (!res.ok) throw res; // keyflow: TOKEN_SOURCE_FAILED, err.httpStatus = res.status
    return (await res.text()).trim();
  },
  servers: { 'org.w3.clearkey': new URL('/hms/ck/rights/', location.href).href },
});
keyflow.on('licenserequest', (e) => test.event('licenserequest', `${e.keySystem} ${e.url}`)); // token redacted
keyflow.on('licenseresponse', (e) => test.event('licenseresponse', `${e.status} in ${Math.round(e.durationMs)} ms`));
// A license failure does not reject player.load(): it arrives as these two error events.
keyflow.on('error', (err) => test.fail(`${err.code}: ${err.message}`));
player.addEventListener('error', (event) => {
  const err = findKeyflowError(event.detail);
  test.fail(err ? `${err.code}: ${err.message}` : `Shaka error ${event.detail.code}`);
});

try {
  await player.load('/content/cenc/manifest.mpd');
  status.textContent = `Loaded: ${player.keySystem()}`;
  await video.play().catch(() => {});
} catch (error) {
  // load() rejects when the content cannot be loaded (the manifest, for example).
  const err = findKeyflowError(error);
  test.fail(err ? `${err.code}: ${err.message}` : `load failed: Shaka error ${error?.code}`);
}

/**
 * Not part of the app: tells an embedding page (the project's test, test/e2e/examples.spec.ts)
 * how playback goes, and any Content-Security-Policy violation, by postMessage.
 */
function reportToEmbeddingTest(media) {
  const state = { example: 'esm', phase: 'loading', events: [], error: null, violations: [], currentTime: 0 };
  const send = () => {
    state.currentTime = media.currentTime;
    if (state.phase === 'loading' && media.currentTime > 0) state.phase = 'playing';
    status.textContent = state.error ? `Error: ${state.error}` : `${state.phase} ${media.currentTime.toFixed(1)} s`;
    if (window.parent !== window) window.parent.postMessage({ source: 'keyflow-example', state }, '*');
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    state.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    send();
  });
  media.addEventListener('timeupdate', send);
  return {
    event(name, text) {
      state.events.push(`${name}: ${text}`);
      send();
    },
    fail(message) {
      state.phase = 'error';
      state.error = message;
      send();
    },
  };
}
