// Karma + Jasmine in headless Chromium (or any Chrome given by CHROME_BIN, else puppeteer's own),
// or headless Firefox (KEYFLOW_BROWSERS=firefox; FIREFOX_BIN, else Debian's firefox-esr).
// Before the browser starts, this starts the demo server on a free port: it serves the sample
// content, the ExpressPlay emulator and the demo page, so the e2e tests play real encrypted media
// against it. Tests find it at `__karma__.config.keyflow.serverUrl`.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** Firefox for the FirefoxHeadlessKeyflow launcher: FIREFOX_BIN if set, else Debian's firefox-esr, else `firefox`. */
function firefoxBinary() {
  if (process.env.FIREFOX_BIN) return process.env.FIREFOX_BIN;
  for (const candidate of ['/usr/bin/firefox-esr', '/usr/bin/firefox']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The browsers to run: KEYFLOW_BROWSERS, a comma-separated list of `chromium` (default) and
 * `firefox` (Debian's firefox-esr, headless, with its built-in ClearKey CDM).
 */
function browsers() {
  const launchers = { chromium: 'ChromeHeadlessKeyflow', chrome: 'ChromeHeadlessKeyflow', firefox: 'FirefoxHeadlessKeyflow' };
  return (process.env.KEYFLOW_BROWSERS || 'chromium').split(',').map((name) => {
    const launcher = launchers[name.trim().toLowerCase()];
    if (!launcher) throw new Error(`KEYFLOW_BROWSERS: unknown browser ${name} (chromium, firefox)`);
    return launcher;
  });
}

function chromeBinary() {
  if (process.env.CHROME_BIN) return process.env.CHROME_BIN;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  try {
    return require('puppeteer').executablePath();
  } catch {
    return undefined;
  }
}

// karma-esbuild writes its entry file to os.tmpdir() and imports the specs by a path relative to
// it, which breaks (a bare "ci-clone/test/..." specifier) when the project itself lives inside the
// temp folder. A fresh sub-folder of its own keeps that relative path starting with "../".
process.env.TMPDIR = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'keyflow-karma-'));

/**
 * The Shaka Player build under test: SHAKA_LINE=5 (default) is the `shaka-player` dependency,
 * SHAKA_LINE=4 the latest 4.x, installed side by side as the npm alias `shaka-player-4`.
 */
function shakaBuild() {
  const line = process.env.SHAKA_LINE || '5';
  const pkg = { 5: 'shaka-player', 4: 'shaka-player-4' }[line];
  if (!pkg) throw new Error(`SHAKA_LINE must be 4 or 5, not ${line}`);
  return `node_modules/${pkg}/dist/shaka-player.compiled.js`;
}

/**
 * Redirects for the URL-form specs: `/_redirect/<path>` answers 302 to `<path>` on the demo
 * server (another origin), `/_redirect-here/<path>` to `/<path>` on the test page's own origin.
 * The query string is kept.
 */
function redirectMiddleware(serverUrl) {
  return (req, res, next) => {
    const match = /^\/_redirect(-here)?\/(.*)$/.exec(req.url);
    if (!match) return next();
    res.writeHead(302, { Location: match[1] ? `/${match[2]}` : `${serverUrl}${match[2]}`, 'Access-Control-Allow-Origin': '*' });
    res.end();
  };
}

module.exports = async (config) => {
  const { startDemoServer } = await import(pathToFileURL(path.join(__dirname, 'demo', 'server.mjs')).href);
  const server = await startDemoServer({ port: Number(process.env.KEYFLOW_TEST_PORT || 0) });
  process.env.CHROME_BIN = chromeBinary() || '';
  const runBrowsers = browsers();
  if (runBrowsers.includes('FirefoxHeadlessKeyflow')) {
    process.env.FIREFOX_BIN = firefoxBinary() || '';
    if (!process.env.FIREFOX_BIN)
      throw new Error('KEYFLOW_BROWSERS includes firefox but there is no Firefox: apt-get install firefox-esr, or set FIREFOX_BIN');
  }

  config.set({
    basePath: __dirname,
    // Karma's own server (the test page and the files under test) on loopback only, not 0.0.0.0.
    listenAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    frameworks: ['jasmine'],
    plugins: [
      'karma-jasmine',
      'karma-chrome-launcher',
      'karma-firefox-launcher',
      'karma-esbuild',
      require('./test/karma-summary-reporter.cjs'),
      { 'middleware:keyflow-redirect': ['value', redirectMiddleware(server.url)] },
    ],
    // Specs load content by relative URLs too ('/content/cenc/manifest.mpd', as apps do): the
    // test page's own origin forwards them to the demo server, and /_redirect/ answers 302.
    proxies: { '/content/': `${server.url}content/` },
    beforeMiddleware: ['keyflow-redirect'],
    files: [
      shakaBuild(),
      // KEYFLOW_SPECS narrows the run to some spec files (a glob), e.g. KEYFLOW_SPECS='test/unit/**/*.spec.ts'.
      { pattern: process.env.KEYFLOW_SPECS || 'test/**/*.spec.ts', watched: true },
    ],
    preprocessors: { 'test/**/*.spec.ts': ['esbuild'] },
    // ignoreAnnotations: package.json says "sideEffects": false (true of the library), which would
    // otherwise let esbuild drop the spec files' own imports.
    esbuild: { target: 'es2020', sourcemap: true, ignoreAnnotations: true },
    failOnEmptyTestSuite: true,
    client: {
      jasmine: { random: false, timeoutInterval: 30000, failSpecWithNoExpectations: true },
      keyflow: { serverUrl: server.url },
    },
    reporters: ['dots', 'summary'],
    browsers: runBrowsers,
    customLaunchers: {
      ChromeHeadlessKeyflow: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--autoplay-policy=no-user-gesture-required',
        ],
      },
      // A fresh profile (the launcher makes one per run) with EME on, autoplay allowed, and nothing
      // that calls home: no GMP downloads (Widevine, OpenH264: ClearKey is built in, H.264 decodes
      // through the system's libavcodec), no updates, telemetry, safe browsing or captive-portal probes.
      FirefoxHeadlessKeyflow: {
        base: 'FirefoxHeadless',
        prefs: {
          'media.eme.enabled': true,
          'media.autoplay.default': 0,
          'media.autoplay.blocking_policy': 0,
          'media.gmp-manager.updateEnabled': false,
          'media.gmp-manager.url': '',
          'media.gmp-widevinecdm.enabled': false,
          'media.gmp-gmpopenh264.enabled': false,
          'app.update.enabled': false,
          'app.normandy.enabled': false,
          'browser.safebrowsing.malware.enabled': false,
          'browser.safebrowsing.phishing.enabled': false,
          'browser.safebrowsing.downloads.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'datareporting.healthreport.uploadEnabled': false,
          'toolkit.telemetry.enabled': false,
          'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false,
          'extensions.update.enabled': false,
          'browser.newtabpage.enabled': false,
          'browser.startup.homepage_override.mstone': 'ignore',
        },
      },
    },
    browserNoActivityTimeout: 300000,
    browserDisconnectTimeout: 30000,
    captureTimeout: 120000,
    singleRun: true,
    concurrency: 1,
  });
};
