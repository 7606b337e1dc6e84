// The demo app: Shaka Player + keyflow from plain <script> tags (globals `shaka` and `shakaKeyflow`).
/* global shaka, shakaKeyflow, shakaKeyflowTesting */
(function () {
  'use strict';

  const video = document.getElementById('video');
  const statusLine = document.getElementById('status');
  const eventList = document.getElementById('events');
  const schemeSelect = document.getElementById('scheme');
  const keySystemSelect = document.getElementById('keysystem');
  const state = { phase: 'starting', events: [], log: [], error: null, currentTime: 0, decodedFrames: 0, keySystem: null };
  /** Key systems the browser lacks, played through keyflow's test CDM (emulated messages over the real ClearKey CDM). */
  const EMULATED = ['com.widevine.alpha', 'com.microsoft.playready', 'com.apple.fps'];
  let testCdm = null;

  /** Tells an embedding page (the project's own browser test) how the demo is doing. */
  function report() {
    state.currentTime = video.currentTime;
    state.decodedFrames = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
    state.keySystem = player.keySystem() || null;
    if (window.parent !== window) window.parent.postMessage({ source: 'keyflow-demo', state }, '*');
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || '';
  }

  function logEvent(name, payload) {
    state.events.push(name);
    state.log.push(name + ' ' + JSON.stringify(payload));
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
    const fault = faultSelect.value === 'expired' ? '&expired=1' : faultSelect.value === 'not-entitled' ? '&otherKeys=1' : '';
    const response = await fetch('api/token?drm=' + encodeURIComponent(context.keySystem) + fault, { signal: context.signal });
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
    // Widevine and PlayReady: the token API answers with the emulator's license URLs itself.
    servers: { 'org.w3.clearkey': new URL('hms/ck/rights/', location.href).href },
  });
  // FairPlay: the certificate is the app's own (ExpressPlay's docs); the sample's stand-in.
  player.configure({
    drm: { advanced: { 'com.apple.fps': { serverCertificateUri: new URL('content/hls/fairplay-test.cer', location.href).href } } },
  });
  keyflow.on('licenserequest', (e) => logEvent('licenserequest', e));
  keyflow.on('licenseresponse', (e) => logEvent('licenseresponse', e));
  keyflow.on('tokenrequest', (e) => logEvent('tokenrequest', e));
  keyflow.on('token', (e) => logEvent('token', e));
  keyflow.on('keystatus', (e) => logEvent('keystatus', e));
  keyflow.on('timing', (e) => {
    logEvent('timing', e);
    drawTiming(e);
  });
  keyflow.on('error', (err) => {
    logEvent('error', {
      code: err.code,
      message: err.message,
      keySystem: err.keySystem,
      httpStatus: err.httpStatus,
      providerCode: err.providerCode,
    });
  });
  player.addEventListener('error', (event) => {
    const found = shakaKeyflow.findKeyflowError(event.detail);
    fail(found ? found.code + ': ' + found.message : 'Shaka error ' + event.detail.code, event.detail);
  });

  /** Draws one license exchange as a bar of its phases, to scale (a bar spans the exchange). */
  const timelineList = document.getElementById('timeline');
  const PHASES = [
    ['tokenWaitMs', 'token'],
    ['certificateMs', 'certificate'],
    ['networkMs', 'license request'],
    ['cdmMs', 'CDM'],
  ];
  function drawTiming(timing) {
    const end = Math.max(
      1,
      timing.totalMs,
      PHASES.reduce((sum, [field]) => sum + (timing[field] || 0), 0),
    );
    const item = document.createElement('li');
    const label = document.createElement('b');
    label.textContent =
      timing.keySystem +
      ': keys usable after ' +
      Math.round(timing.totalMs) +
      ' ms' +
      (timing.firstFrameMs !== undefined ? ', first frame at ' + Math.round(timing.firstFrameMs) + ' ms after load()' : '');
    const bar = document.createElement('div');
    bar.className = 'bar';
    for (const [field, name] of PHASES) {
      const ms = timing[field];
      if (!ms) continue;
      const part = document.createElement('span');
      part.className = 'phase ' + field;
      part.style.width = Math.max(1, (100 * ms) / end) + '%';
      part.title = name + ': ' + Math.round(ms) + ' ms';
      part.textContent = name + ' ' + Math.round(ms);
      bar.append(part);
    }
    item.append(label, bar);
    timelineList.prepend(item);
  }

  /** Shows keyflow's explanation of a failure (explain()), in plain words. */
  function showExplanation(error) {
    const { summary, causes, fixes, phase } = shakaKeyflow.explain(error);
    state.explanation = { phase, summary };
    document.getElementById('explanation-summary').textContent = '[' + phase + '] ' + summary;
    const list = (id, items) => {
      const ul = document.getElementById(id);
      ul.replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
    };
    list('explanation-causes', causes);
    list('explanation-fixes', fixes);
    document.getElementById('explanation').hidden = false;
  }

  function fail(message, error) {
    state.phase = 'error';
    state.error = message;
    setStatus(message, 'error');
    if (error !== undefined) showExplanation(error);
    report();
  }

  video.addEventListener('timeupdate', () => {
    if (video.currentTime > 0 && state.phase === 'loaded') {
      state.phase = 'playing';
      const cdm = testCdm
        ? player.keySystem() + ' messages emulated by the test CDM, decrypted by the real ClearKey CDM'
        : 'decrypted by the ' + player.keySystem() + ' CDM';
      setStatus('Playing: keys delivered through keyflow, ' + cdm + '.', 'ok');
    }
    report();
  });

  /** Loads the test CDM's script-tag build once (global shakaKeyflowTesting). */
  function loadTestCdmScript() {
    if (window.shakaKeyflowTesting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = 'dist/testing/test-cdm.umd.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('could not load dist/testing/test-cdm.umd.js'));
      document.head.appendChild(script);
    });
  }

  /** Installs the test CDM for an emulated key system (uninstalls it otherwise), then resets Shaka's DRM caches. */
  async function useKeySystem(keySystem) {
    const emulated = EMULATED.includes(keySystem);
    if (emulated && !testCdm) {
      await loadTestCdmScript();
      testCdm = shakaKeyflowTesting.installTestCdm();
    } else if (!emulated && testCdm) {
      testCdm.uninstall();
      testCdm = null;
    } else {
      return;
    }
    // Shaka remembers which key systems the browser supports, per page: make it ask again.
    await shakaKeyflowTesting.resetShakaDrmCaches(shaka);
  }

  /**
   * ClearKey in HLS is Shaka's KEYFORMAT="identity": Shaka fetches the keys from the playlist's key
   * URIs and licenses itself (no license exchange, so keyflow's log stays quiet); the other key
   * systems play the playlists with FairPlay, Widevine and PlayReady keys.
   */
  function manifestFor(scheme, keySystem) {
    if (scheme !== 'hls') return 'content/' + scheme + '/manifest.mpd';
    return keySystem === 'org.w3.clearkey' ? 'content/hls/master-identity.m3u8' : 'content/hls/master.m3u8';
  }

  async function load() {
    const wrongKeySystem = faultSelect.value === 'wrong-key-system';
    const keySystem = wrongKeySystem ? WRONG_KEY_SYSTEM.keySystem : keySystemSelect.value;
    const manifest = wrongKeySystem ? WRONG_KEY_SYSTEM.manifest : manifestFor(schemeSelect.value, keySystem);
    state.phase = 'loading';
    state.error = null;
    setStatus('Loading ' + manifest + '…');
    report();
    try {
      if (player.getMediaElement() !== video) await player.attach(video);
      await player.unload();
      await useKeySystem(keySystem);
      await armFault(faultSelect.value);
      player.configure({ drm: { preferredKeySystems: [keySystem] } });
      await player.load(manifest);
      state.phase = 'loaded';
      setStatus('Loaded; waiting for playback…');
      await video.play().catch(() => {});
    } catch (error) {
      const found = shakaKeyflow.findKeyflowError(error);
      fail(found ? found.code + ': ' + found.message : 'Load failed: Shaka error ' + (error && error.code), error);
    }
  }

  /**
   * The fault menu: what the next load runs into, so the explanation of each can be seen. Faults
   * go to the demo server's fault injector (/_faults) or are made on the page (a token the server
   * refuses, a key system with no license URL).
   */
  const faultSelect = document.getElementById('fault');
  const FAULTS = {
    'server-down': { status: 503, body: 'Service Unavailable' },
    malformed: { garbage: true },
    // A ClearKey license of the right shape whose key is not base64url: keyflow passes it on, the CDM refuses it.
    'cdm-rejects': {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keys: [{ kty: 'oct', kid: 'qJAgclMSEuhxfyruuYzqHA', k: '@@@@' }], type: 'temporary' }),
    },
  };
  /** The "wrong key system" fault: content only for Widevine, in this browser's real CDMs (no test CDM). */
  const WRONG_KEY_SYSTEM = { keySystem: 'org.w3.clearkey', manifest: 'content/cenc-content-id/manifest.mpd' };
  async function armFault(fault) {
    await fetch('_faults', { method: 'DELETE' });
    if (FAULTS[fault]) {
      const faults = Array.from({ length: 3 }, () => FAULTS[fault]);
      await fetch('_faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ faults }) });
    }
    // An expired token would be refreshed (and play): let it fail, to see the explanation.
    keyflow.configure({ refreshRejectedToken: fault !== 'expired' });
    document.getElementById('explanation').hidden = true;
  }

  document.getElementById('copy-report').addEventListener('click', async () => {
    const { text } = await keyflow.report();
    const pre = document.getElementById('report');
    pre.textContent = text;
    pre.hidden = false;
    await navigator.clipboard?.writeText(text).catch(() => {});
  });

  document.getElementById('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  const params = new URLSearchParams(location.search);
  if (params.get('scheme')) schemeSelect.value = params.get('scheme');
  if (params.get('keysystem')) keySystemSelect.value = params.get('keysystem');
  if (params.get('fault')) faultSelect.value = params.get('fault');
  load();
})();
