// The ExpressPlay emulator CLI (bin/expressplay-emulator.mjs → src/testing/node/cli.ts): it refuses
// --keys without --authenticator, binds loopback by default, and answers browsers only from the
// origins it is told.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { requireBuild, ROOT, startChild } from './helpers.mjs';

const BIN = path.join(ROOT, 'bin', 'expressplay-emulator.mjs');
const KEYS = path.join(ROOT, 'content', 'keys.json');
const KID = 'a8902072531212e8717f2aeeb98cea1c';
const KEY = '6665ff60772d4c153433dae79fd569b5';

/** Starts the CLI; resolves once it prints its banner, to `{ url, banner, stop() }`. */
async function startCli(args) {
  requireBuild();
  const cli = startChild([BIN, '--port', '0', ...args]);
  const match = await cli.waitFor(/^ExpressPlay emulator listening on (http:\/\/\S+)[^\n]*\n(?:.*\n)* {2}browser origins: .*\n/m);
  return { url: match[1], banner: match[0], stop: () => cli.stop(), cli };
}

/** Runs the CLI to its exit. */
async function runCli(args) {
  requireBuild();
  const cli = startChild([BIN, ...args]);
  let timer;
  const { code } = await Promise.race([
    cli.exited,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running: ${cli.stdout}`)), 10000);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    return cli.stop();
  });
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

const mint = (url, origin, authenticator = 'ci-secret') =>
  fetch(`${url}/hms/ck/token`, {
    method: 'POST',
    headers: origin ? { Origin: origin } : {},
    body: new URLSearchParams({ customerAuthenticator: authenticator, kid: KID, contentKey: KEY, errorFormat: 'json' }),
  });

describe('emulator CLI: arguments', () => {
  test('--keys without --authenticator exits non-zero and says why', async () => {
    const { code, stdout, stderr } = await runCli(['--port', '0', '--keys', KEYS]);
    assert.notEqual(code, 0);
    assert.equal(code, 2);
    assert.match(stderr, /--keys needs --authenticator/);
    assert.doesNotMatch(stdout, /listening/);
  });

  test('a malformed --allow-origin exits non-zero', async () => {
    for (const value of ['localhost:3000', 'http://a.example/path', 'ftp://a.example', 'http://a.example:99999']) {
      const { code, stderr } = await runCli(['--port', '0', '--allow-origin', value]);
      assert.equal(code, 2, value);
      assert.match(stderr, /--allow-origin must be an origin/);
    }
  });

  test('--help documents --host, --allow-origin and the --keys rule', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--host ADDR +listen address \(default 127\.0\.0\.1/);
    assert.match(stdout, /--allow-origin ORIGIN/);
    assert.match(stdout, /required with --keys/);
  });
});

describe('emulator CLI: with keys and an authenticator, default origins', () => {
  let emulator;
  before(async () => {
    emulator = await startCli(['--keys', KEYS, '--authenticator', 'ci-secret']);
  });
  after(async () => {
    await emulator?.stop();
  });

  test('listens on 127.0.0.1 and says what it serves, truthfully', () => {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(emulator.banner, /authenticators: +1 from --authenticator/);
    assert.match(emulator.banner, /key storage: +2 key\(s\)/);
    assert.match(emulator.banner, /browser origins: +http:\/\/localhost:\*, http:\/\/127\.0\.0\.1:\*, http:\/\/\[::1\]:\* \(default/);
    assert.match(emulator.banner, /\/hms\/\{wv,pr,fp,ck\}\/token/);
    assert.match(emulator.banner, /\/hms\/fp\/rights\/ \(FairPlay\)/);
    // No 501 status (whole number: the random port may contain the digits 501).
    assert.doesNotMatch(emulator.banner, /\b501\b/);
    assert.doesNotMatch(emulator.banner, /ci-secret/);
  });

  test('a foreign Origin is refused (403, no CORS header) and mints nothing', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null']) {
      const response = await mint(emulator.url, origin);
      assert.equal(response.status, 403, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
      assert.doesNotMatch(await response.text(), /ExpressPlayToken/);
    }
    const preflight = await fetch(`${emulator.url}/hms/ck/token`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  test('a loopback Origin is answered with that origin, not *', async () => {
    for (const origin of ['http://localhost:9876', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://localhost']) {
      const response = await mint(emulator.url, origin);
      assert.equal(response.status, 200, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), origin);
      assert.match(response.headers.get('vary') ?? '', /Origin/);
      assert.match(await response.text(), /ExpressPlayToken=/);
    }
  });

  test('no Origin (a backend, curl) is answered, without CORS headers', async () => {
    const response = await mint(emulator.url, undefined);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  test('the built-in test authenticator is not accepted', async () => {
    const response = await mint(emulator.url, undefined, 'keyflow-test-authenticator');
    assert.equal(response.status, 401);
  });
});

describe('emulator CLI: --allow-origin', () => {
  let emulator;
  before(async () => {
    emulator = await startCli([
      '--authenticator',
      'ci-secret',
      '--allow-origin',
      'https://app.example:8443',
      '--allow-origin',
      'http://dev.example:*',
    ]);
  });
  after(async () => {
    await emulator?.stop();
  });

  test('answers exactly the origins given (loopback no longer by default)', async () => {
    const cases = {
      'https://app.example:8443': 200,
      'http://dev.example:3000': 200,
      'http://dev.example': 200,
      'https://app.example': 403,
      'https://app.example:8444': 403,
      'http://localhost:9876': 403,
    };
    for (const [origin, status] of Object.entries(cases)) {
      const response = await mint(emulator.url, origin);
      assert.equal(response.status, status, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), status === 200 ? origin : null, origin);
    }
    assert.match(emulator.banner, /browser origins: +https:\/\/app\.example:8443, http:\/\/dev\.example:\*\n/);
  });
});
