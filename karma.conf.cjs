// Karma + Jasmine in headless Chromium (or any Chrome given by CHROME_BIN, else puppeteer's own).
// Before the browser starts, this starts the demo server on a free port: it serves the sample
// content, the ExpressPlay emulator and the demo page, so the e2e tests play real encrypted media
// against it. Tests find it at `__karma__.config.keyflow.serverUrl`.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

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

module.exports = async (config) => {
  const { startDemoServer } = await import(pathToFileURL(path.join(__dirname, 'demo', 'server.mjs')).href);
  const server = await startDemoServer({ port: Number(process.env.KEYFLOW_TEST_PORT || 0) });
  process.env.CHROME_BIN = chromeBinary() || '';

  config.set({
    basePath: __dirname,
    frameworks: ['jasmine'],
    plugins: ['karma-jasmine', 'karma-chrome-launcher', 'karma-esbuild', require('./test/karma-summary-reporter.cjs')],
    files: [
      'node_modules/shaka-player/dist/shaka-player.compiled.js',
      { pattern: 'test/**/*.spec.ts', watched: true },
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
    browsers: ['ChromeHeadlessKeyflow'],
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
    },
    browserNoActivityTimeout: 120000,
    browserDisconnectTimeout: 30000,
    captureTimeout: 120000,
    singleRun: true,
    concurrency: 1,
  });
};
