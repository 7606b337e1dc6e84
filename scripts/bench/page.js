// The bench page (served by scripts/bench/server.mjs, driven by scripts/bench/run.mjs).
//
// ?variant=a|b|c|d  one fresh player: a measured load of the sample, then a second load of the same
//                   content in the same page; for each load, load() → first frame and load() → keys
//                   usable, and the token / certificate / license requests the server saw.
// &titles=N         N loads instead of two: a playlist of N titles (the same clip under N manifest URLs,
//                   `?title=1…N`), for zapping; keyflow then says its tokens cover the service.
// &contentOrigin=, &tokenOrigin=, &licenseOrigin=   where the manifest, the token endpoint and the
//                   license server are (the network mode's three HTTPS origins); default: this page's.
// ?mode=filter      keyflow's own request + response filter work per license request (and per
//                   license renewal), through
//                   Shaka's NetworkingEngine with a fake scheme plugin (no network).
// Diagnosis switches (not used by npm run bench): &allServers=1 also configures, for a/b/c, the
// ExpressPlay production URLs keyflow adds to drm.servers; &preferClearKey=1 sets
// drm.preferredKeySystems to ClearKey.
//
// The result goes to window.__benchResult (and the page's <pre>).
/* global shaka, shakaKeyflow */
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const out = document.getElementById('out');
  const CLEARKEY = 'org.w3.clearkey';

  function finish(result) {
    window.__benchResult = result;
    out.textContent = JSON.stringify(result, null, 2);
  }

  function timeout(ms, what) {
    return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms));
  }

  // --- load runs ---------------------------------------------------------------------------------

  async function fetchTokenUrl(endpoint, signal) {
    const response = await fetch(endpoint, { signal, cache: 'no-store' });
    if (!response.ok) throw new Error(`token endpoint answered HTTP ${response.status}`);
    return (await response.text()).trim();
  }

  async function counts() {
    return (await fetch('/bench/counts?reset=1', { cache: 'no-store' })).json();
  }

  // Key-system probes, counted per load: requestMediaKeySystemAccess calls (keyflow's, Shaka's) and
  // mediaCapabilities.decodingInfo calls that ask about a key system (how Shaka probes in Chromium).
  let probes = 0;
  const requestAccess = navigator.requestMediaKeySystemAccess?.bind(navigator);
  if (requestAccess) {
    navigator.requestMediaKeySystemAccess = (...args) => {
      probes++;
      return requestAccess(...args);
    };
  }
  const decodingInfo = navigator.mediaCapabilities?.decodingInfo?.bind(navigator.mediaCapabilities);
  if (decodingInfo) {
    navigator.mediaCapabilities.decodingInfo = (config) => {
      if (config?.keySystemConfiguration) probes++;
      return decodingInfo(config);
    };
  }

  async function runLoads(variant) {
    const scheme = params.get('scheme') ?? 'cenc';
    const titles = Math.max(2, Number(params.get('titles') ?? 2));
    const playlist = params.has('titles');
    const originOf = (name) => params.get(name) ?? location.origin;
    const waitMs = Number(params.get('timeoutMs') ?? 20000);
    shaka.polyfill.installAll();
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.width = 320;
    document.body.append(video);
    const player = new shaka.Player();
    await player.attach(video);
    const net = player.getNetworkingEngine();
    const NE = shaka.net.NetworkingEngine;

    const manifestBase = new URL(`/content/${scheme}/manifest.mpd`, originOf('contentOrigin')).href;
    const licenseBase = new URL('/hms/ck/rights/', originOf('licenseOrigin')).href;
    const tokenEndpoint = new URL('/api/token', originOf('tokenOrigin')).href;
    const errors = [];
    player.addEventListener('error', (event) => errors.push(`Shaka ${event.detail?.code}: ${event.detail?.message ?? ''}`));

    // Phase marks of the load being measured (milliseconds since its start), for the JSON output:
    // marker filters registered before and after every other filter see when Shaka asks for the
    // license and when the request really leaves (after any token wait); response filters see the
    // manifest and the license arrive.
    let marks = {};
    let t0 = 0;
    const rel = (t = performance.now()) => Math.round((t - t0) * 100) / 100;
    const mark = (name, t) => {
      if (marks[name] === undefined) marks[name] = rel(t);
    };
    net.registerRequestFilter((type) => {
      if (type === NE.RequestType.MANIFEST) mark('manifestRequested');
      if (type === NE.RequestType.LICENSE) mark('licenseRequested');
    });
    net.registerResponseFilter((type) => {
      if (type === NE.RequestType.MANIFEST) mark('manifestReceived');
      if (type === NE.RequestType.LICENSE) mark('licenseReceived');
    });
    // The CDM's own "keys usable" moment: Shaka's keystatuschanged event is batched (it fires about
    // 0.5 s after the CDM reports the statuses), so the sessions are watched directly.
    let onCdmKeyStatuses = () => {};
    const createSession = MediaKeys.prototype.createSession;
    MediaKeys.prototype.createSession = function (...args) {
      const session = createSession.apply(this, args);
      session.addEventListener('keystatuseschange', () => onCdmKeyStatuses(session));
      return session;
    };

    // Per-variant setup, all before the clock starts. `beforeLoad` runs inside the measured window.
    let beforeLoad = async () => {};
    let keyflow = null;
    let prepared = null;
    if (variant === 'a') {
      // (a) bound: the tokenized license URL is already known (minted before the measurement).
      const bound = (await (await fetch('/bench/bound', { cache: 'no-store' })).text()).trim();
      player.configure({ drm: { servers: { [CLEARKEY]: bound } } });
    } else if (variant === 'b') {
      // (b) Shaka's documented pattern (tutorial "License Server Authentication", asynchronous
      // credentials): a request filter that, for a LICENSE request, fetches the token through the
      // networking engine when the license request is made, keeps it, and attaches it. The token API
      // answers a tokenized license URL, so "attach" means sending the request to that URL.
      player.configure({ drm: { servers: { [CLEARKEY]: licenseBase } } });
      let tokenizedUrl = null;
      net.registerRequestFilter((type, request) => {
        if (type !== NE.RequestType.LICENSE) return undefined;
        if (tokenizedUrl) {
          request.uris = [tokenizedUrl];
          return undefined;
        }
        mark('tokenRequested');
        const tokenRequest = NE.makeRequest([tokenEndpoint], NE.defaultRetryParameters());
        tokenRequest.method = 'GET';
        return net.request(NE.RequestType.APP, tokenRequest).promise.then((response) => {
          tokenizedUrl = shaka.util.StringUtils.fromUTF8(response.data).trim();
          mark('tokenReady');
          request.uris = [tokenizedUrl];
        });
      });
    } else if (variant === 'c') {
      // (c) the app fetches its token first and calls player.load() once it has it (every load).
      beforeLoad = async () => {
        mark('tokenRequested');
        const url = await fetchTokenUrl(tokenEndpoint);
        mark('tokenReady');
        player.configure({ drm: { servers: { [CLEARKEY]: url } } });
      };
    } else if (variant === 'd' || variant === 'e' || variant === 'f') {
      // (d) keyflow with an async token source (the app's token endpoint). (e) the same, and the app
      // calls keyflow.prepare() when the player is ready (per-title tokens: the connections only).
      // (f) tokens that cover the service, and prepare(): the token is fetched then.
      keyflow = new shakaKeyflow.Keyflow(player, {
        provider: 'expressplay',
        token: (ctx) => fetchTokenUrl(tokenEndpoint, ctx.signal),
        servers: { [CLEARKEY]: licenseBase },
        // The token backend's origin, warmed with the license origin (a no-op when it is this page's).
        tokenOrigin: tokenEndpoint,
        // The bench's tokens carry the keys of every title: one token covers the playlist.
        ...(playlist || variant === 'f' ? { tokenScope: 'service' } : {}),
      });
      keyflow.on('tokenrequest', () => mark('tokenRequested'));
      keyflow.on('token', () => mark('tokenReady'));
      // Not awaited: the user's think time below runs from the same moment in every variant.
      if (variant !== 'd') prepared = keyflow.prepare().catch((error) => errors.push(`prepare(): ${error.code ?? error}`));
    } else {
      throw new Error(`unknown variant ${variant}`);
    }
    if (params.get('preferClearKey') === '1') {
      // Diagnosis only: tell Shaka (and keyflow's key-system guess for the prefetch) to try ClearKey first.
      player.configure({ drm: { preferredKeySystems: [CLEARKEY] } });
    }
    if (params.get('allServers') === '1' && variant !== 'd') {
      // Diagnosis only: also configure the ExpressPlay production URLs keyflow adds to drm.servers
      // (Widevine, PlayReady, FairPlay), to see what they cost Shaka without keyflow.
      player.configure({ drm: { servers: { ...shakaKeyflow.EXPRESSPLAY_DEFAULT_SERVERS } } });
    }
    net.registerRequestFilter((type) => {
      if (type === NE.RequestType.LICENSE) mark('licenseSent');
    });
    // &thinkMs=N: the user presses play N ms after the player is ready (every variant alike, from
    // the same moment). What went on the wire before the load (prepare()'s connections and token)
    // is kept apart; whether prepare() had settled by then is recorded.
    let prepareDone = false;
    prepared?.then(() => (prepareDone = true));
    await new Promise((resolve) => setTimeout(resolve, Number(params.get('thinkMs') ?? 0)));
    const preparedBeforePlay = prepared ? prepareDone : null;
    const wireBeforeLoad = await counts(); // and start the loads from zero

    async function measuredLoad(manifestUri) {
      marks = {};
      probes = 0;
      t0 = performance.now();
      let resolveFrame;
      let resolveKeys;
      const frame = new Promise((resolve) => (resolveFrame = resolve));
      const keys = new Promise((resolve) => (resolveKeys = resolve));
      onCdmKeyStatuses = (session) => {
        const statuses = [...session.keyStatuses.values()];
        if (marks.keysUsable === undefined && statuses.length && statuses.every((s) => s === 'usable')) {
          marks.keysUsable = rel();
          resolveKeys();
        }
      };
      const onSessionUpdate = () => mark('sessionUpdate');
      const onLoadedData = () => mark('loadeddata');
      // The first frame of the new source: requestVideoFrameCallback, armed once the new source has
      // its metadata (so no frame of a previous load can be taken for it).
      const onLoadedMetadata = () => {
        if (marks.loadedmetadata !== undefined) return;
        marks.loadedmetadata = rel();
        video.requestVideoFrameCallback((now, meta) => {
          marks.firstFrame = rel(meta.presentationTime ?? now);
          marks.firstFrameCallback = rel(now);
          resolveFrame();
        });
      };
      player.addEventListener('drmsessionupdate', onSessionUpdate);
      video.addEventListener('loadeddata', onLoadedData);
      video.addEventListener('loadedmetadata', onLoadedMetadata);
      try {
        await Promise.race([
          Promise.all([
            (async () => {
              await beforeLoad();
              mark('loadCalled');
              await player.load(manifestUri);
              mark('loadResolved');
            })(),
            frame,
            keys,
          ]),
          timeout(waitMs, 'the first frame and usable keys'),
        ]);
      } finally {
        player.removeEventListener('drmsessionupdate', onSessionUpdate);
        video.removeEventListener('loadeddata', onLoadedData);
        video.removeEventListener('loadedmetadata', onLoadedMetadata);
      }
      onCdmKeyStatuses = () => {};
      // The license exchange is over once the keys are usable: the counts belong to this load.
      const result = { ...marks };
      result.counts = { ...(await counts()), probe: probes };
      return result;
    }

    const loads = [];
    for (let title = 1; title <= titles; title++) {
      if (title > 1) video.pause();
      loads.push(await measuredLoad(playlist ? `${manifestBase}?title=${title}` : manifestBase));
    }
    const diagnostics = keyflow ? await measureReport(keyflow) : null;
    await player.destroy();
    return { mode: 'load', variant, scheme, wireBeforeLoad, preparedBeforePlay, loads, errors, diagnostics };
  }

  /** keyflow.report() after the loads: how long it takes (EME probe included) and what it sends (nothing). */
  async function measureReport(keyflow) {
    await counts(); // from zero
    const started = performance.now();
    const report = await keyflow.report();
    const reportMs = performance.now() - started;
    const during = await counts();
    return { reportMs, requests: during.token + during.certificate + during.license, emeAnswers: report.eme.length };
  }

  // --- filter work -------------------------------------------------------------------------------

  const KID_HEX = 'a8902072531212e8717f2aeeb98cea1c';
  const KID_B64URL = 'qJAgclMSEuhxfyruuYzqHA';

  function stats(values) {
    const sorted = [...values].sort((x, y) => x - y);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { mean: values.reduce((s, v) => s + v, 0) / values.length, p50: at(0.5), p90: at(0.9), n: values.length };
  }

  async function runFilter() {
    const iterations = Number(params.get('iterations') ?? 3000);
    const NE = shaka.net.NetworkingEngine;
    const LICENSE_URL = 'https://license.bench.invalid/hms/ck/rights/';
    const challenge = new TextEncoder().encode(JSON.stringify({ kids: [KID_B64URL], type: 'temporary' }));
    const license = new TextEncoder().encode(
      JSON.stringify({ keys: [{ kty: 'oct', kid: KID_B64URL, k: 'ZmX_YHctTBU0M9rnn9VptQ' }], type: 'temporary' }),
    );
    // A fake https scheme plugin: answers every request at once with a ClearKey license, no network.
    const plugin = (uri, request) =>
      shaka.util.AbortableOperation.completed({
        uri,
        originalUri: uri,
        data: license.slice().buffer,
        status: 200,
        headers: { 'content-type': 'application/json' },
        fromCache: false,
        originalRequest: request,
      });
    NE.registerScheme('https', plugin, NE.PluginPriority.APPLICATION);

    const plain = new shaka.Player();
    const withKeyflow = new shaka.Player();
    const net = withKeyflow.getNetworkingEngine();
    // Marker filters around keyflow's: filters run in registration order, one after the other.
    let recording = false;
    let reqStart = 0;
    let respStart = 0;
    const reqTimes = [];
    const respTimes = [];
    net.registerRequestFilter((type) => {
      if (type === NE.RequestType.LICENSE) reqStart = performance.now();
    });
    net.registerResponseFilter((type) => {
      if (type === NE.RequestType.LICENSE) respStart = performance.now();
    });
    // Counts the player.getConfiguration() calls keyflow makes per request (each builds a full
    // copy of Shaka's configuration). In a second pass the copy is memoized, to show what keyflow's
    // filters cost without it (a diagnosis: the configuration does not change during the bench).
    let configCalls = 0;
    let memoized = null;
    const getConfiguration = withKeyflow.getConfiguration.bind(withKeyflow);
    withKeyflow.getConfiguration = () => {
      if (recording) configCalls++;
      if (memoized) return memoized;
      return getConfiguration();
    };
    const keyflow = new shakaKeyflow.Keyflow(withKeyflow, {
      provider: 'expressplay',
      token: async () => 'bench-token-0123456789abcdef',
      servers: { [CLEARKEY]: LICENSE_URL },
    });
    net.registerRequestFilter((type) => {
      if (type === NE.RequestType.LICENSE && recording) reqTimes.push(performance.now() - reqStart);
    });
    net.registerResponseFilter((type) => {
      if (type === NE.RequestType.LICENSE && recording) respTimes.push(performance.now() - respStart);
    });

    // The CDM message type of the requests sent: license-request, or license-renewal for the renewal pass.
    let messageType = 'license-request';
    const licenseRequest = () => {
      const request = NE.makeRequest([LICENSE_URL], { ...NE.defaultRetryParameters(), maxAttempts: 1 });
      request.method = 'POST';
      request.body = challenge.slice().buffer;
      request.licenseRequestType = messageType;
      request.sessionId = 'bench-session';
      request.drmInfo = { keySystem: CLEARKEY, keyIds: new Set([KID_HEX]), licenseServerUri: LICENSE_URL };
      return request;
    };
    const block = async (player, n) => {
      const engine = player.getNetworkingEngine();
      const start = performance.now();
      for (let i = 0; i < n; i++) await engine.request(NE.RequestType.LICENSE, licenseRequest()).promise;
      return (performance.now() - start) / n;
    };

    // Warm up both paths (JIT, keyflow's token cache), then alternate blocks.
    await block(plain, 200);
    await block(withKeyflow, 200);
    const BLOCK = 100;
    const pass = async () => {
      reqTimes.length = 0;
      respTimes.length = 0;
      configCalls = 0;
      recording = true;
      const plainPerRequest = [];
      const keyflowPerRequest = [];
      for (let done = 0; done < iterations; done += BLOCK) {
        plainPerRequest.push(await block(plain, BLOCK));
        keyflowPerRequest.push(await block(withKeyflow, BLOCK));
      }
      recording = false;
      const plainStats = stats(plainPerRequest);
      const keyflowStats = stats(keyflowPerRequest);
      return {
        iterations: reqTimes.length,
        filterMs: stats(reqTimes.map((t, i) => t + (respTimes[i] ?? 0))),
        requestFilterMs: stats(reqTimes),
        responseFilterMs: stats(respTimes),
        getConfigurationCallsPerRequest: configCalls / Math.max(1, reqTimes.length),
        engineMs: { plain: plainStats.p50, keyflow: keyflowStats.p50, overhead: keyflowStats.p50 - plainStats.p50 },
      };
    };
    const measured = await pass();
    // A renewal exchange (EME license-renewal, as a CDM sends it on its license's schedule): the
    // same filters plus the renewal bookkeeping (renewal URL, event, count).
    messageType = 'license-renewal';
    const renewals = await pass();
    messageType = 'license-request';
    memoized = getConfiguration();
    const withoutConfigCopy = await pass();
    memoized = null;
    keyflow.destroy();
    // What one player.getConfiguration() costs.
    const configTimes = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      getConfiguration();
      configTimes.push(performance.now() - t);
    }
    return {
      mode: 'filter',
      crossOriginIsolated: self.crossOriginIsolated,
      // keyflow's request + response filters per license request (marker filters around them), and
      // whole NetworkingEngine round trips (fake plugin) without and with keyflow (p50 of blocks)
      ...measured,
      getConfigurationMs: stats(configTimes),
      withoutConfigCopy: { filterMs: withoutConfigCopy.filterMs, engineMs: withoutConfigCopy.engineMs },
      renewal: { filterMs: renewals.filterMs, engineMs: renewals.engineMs },
    };
  }

  const mode = params.get('mode') ?? 'load';
  const job = mode === 'filter' ? runFilter() : runLoads(params.get('variant') ?? 'd');
  job.then(finish, (error) => finish({ mode, variant: params.get('variant'), error: String(error?.stack ?? error) }));
})();
