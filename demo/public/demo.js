// The demo app: Shaka Player + keyflow from plain <script> tags (globals `shaka` and `shakaKeyflow`).
/* global shaka, shakaKeyflow */
(function () {
  'use strict';

  const video = document.getElementById('video');
  const statusLine = document.getElementById('status');
  const eventList = document.getElementById('events');
  const schemeSelect = document.getElementById('scheme');
  const keySystemSelect = document.getElementById('keysystem');
  const state = { phase: 'starting', events: [], error: null, currentTime: 0, decodedFrames: 0 };

  /** Tells an embedding page (the project's own browser test) how the demo is doing. */
  function report() {
    state.currentTime = video.currentTime;
    state.decodedFrames = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
    if (window.parent !== window) window.parent.postMessage({ source: 'keyflow-demo', state }, '*');
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || '';
  }

  function logEvent(name, payload) {
    state.events.push(name);
    const item = document.createElement('li');
    item.className = name;
    const title = document.createElement('b');
    title.textContent = name;
    const body = document.createElement('span');
    body.textContent = JSON.stringify(payload);
    item.append(title, body);
    eventList.prepend(item);
    report();
  }

  // The token source: ask our own backend, which calls the ExpressPlay token API with the
  // customer authenticator. The answer is a tokenized license URL (ClearKey, Widevine) or
  // { licenseAcquisitionUrl, token } (PlayReady); keyflow accepts both as they are.
  async function fetchToken(context) {
    const response = await fetch('api/token?drm=' + encodeURIComponent(context.keySystem), { signal: context.signal });
    if (!response.ok) throw new Error('token backend answered HTTP ' + response.status);
    const type = response.headers.get('content-type') || '';
    return type.includes('json') ? response.json() : (await response.text()).trim();
  }

  shaka.polyfill.installAll();
  if (!shaka.Player.isBrowserSupported()) {
    setStatus('This browser cannot play DASH with Shaka Player.', 'error');
    return;
  }

  const player = new shaka.Player();
  const keyflow = new shakaKeyflow.Keyflow(player, {
    provider: 'expressplay',
    token: fetchToken,
    // ClearKey has no ExpressPlay production URL: point it at the local emulator.
    servers: { 'org.w3.clearkey': new URL('hms/ck/rights/', location.href).href },
  });
  keyflow.on('licenserequest', (e) => logEvent('licenserequest', e));
  keyflow.on('licenseresponse', (e) => logEvent('licenseresponse', e));
  keyflow.on('error', (err) => {
    logEvent('error', { code: err.code, message: err.message, keySystem: err.keySystem, httpStatus: err.httpStatus, providerCode: err.providerCode });
  });
  player.addEventListener('error', (event) => {
    const found = shakaKeyflow.findKeyflowError(event.detail);
    fail(found ? found.code + ': ' + found.message : 'Shaka error ' + event.detail.code);
  });

  function fail(message) {
    state.phase = 'error';
    state.error = message;
    setStatus(message, 'error');
    report();
  }

  video.addEventListener('timeupdate', () => {
    if (video.currentTime > 0 && state.phase === 'loaded') {
      state.phase = 'playing';
      setStatus('Playing: keys delivered through keyflow, decrypted by the ' + player.keySystem() + ' CDM.', 'ok');
    }
    report();
  });

  async function load() {
    const manifest = 'content/' + schemeSelect.value + '/manifest.mpd';
    state.phase = 'loading';
    state.error = null;
    setStatus('Loading ' + manifest + '…');
    report();
    try {
      if (player.getMediaElement() !== video) await player.attach(video);
      await player.load(manifest);
      state.phase = 'loaded';
      setStatus('Loaded; waiting for playback…');
      await video.play().catch(() => {});
    } catch (error) {
      const found = shakaKeyflow.findKeyflowError(error);
      fail(found ? found.code + ': ' + found.message : 'Load failed: Shaka error ' + (error && error.code));
    }
  }

  document.getElementById('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  const params = new URLSearchParams(location.search);
  if (params.get('scheme')) schemeSelect.value = params.get('scheme');
  if (params.get('keysystem')) keySystemSelect.value = params.get('keysystem');
  load();
})();
