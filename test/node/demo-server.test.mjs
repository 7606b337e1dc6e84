// The demo server (demo/server.mjs) under hostile input: oversized and numerous CSP reports, static
// files that cannot be read, malformed fault-injector requests. The server runs in a child process,
// so a crash shows as a dead child rather than a dead test runner.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, startDemoChild } from './helpers.mjs';

const MiB = 1024 * 1024;

/** A raw request with node:http (fetch hides a reset behind a generic error); chunked when `chunked`. */
function request(url, { method = 'GET', headers = {}, body, chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A server that refuses a large body answers before reading it all and may close the
    // connection while the body is still being written (EPIPE / ECONNRESET on our side): its
    // answer is what counts, so wait a moment for it before calling that a failure.
    req.on('error', (error) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') setTimeout(() => reject(error), 2000).unref();
      else reject(error);
    });
    if (body !== undefined && chunked) {
      // Several writes without a Content-Length: the server must count as the body streams in.
      const size = 64 * 1024;
      for (let at = 0; at < body.length; at += size) req.write(body.subarray(at, at + size));
      req.end();
    } else {
      req.end(body);
    }
  });
}

describe('demo server', () => {
  // Each group gets a server of its own, so a crash in one group does not fail the others.
  let demo;
  const ownServer = () => {
    before(async () => {
      demo = await startDemoChild();
    });
    after(async () => {
      await demo?.stop();
    });
  };

  const at = (pathname) => new URL(pathname, demo.url).href;

  /** The server still answers (and its process is alive). */
  async function assertAlive() {
    assert.ok(demo.process.alive, `demo server exited: ${demo.process.stderr}`);
    const response = await fetch(at('/_csp-reports'));
    assert.equal(response.status, 200);
  }

  describe('/_csp-reports', () => {
    ownServer();
    test('a 1 MiB report with a Content-Length is refused with 413 and not kept', async () => {
      await fetch(at('/_csp-reports'), { method: 'DELETE' });
      const body = Buffer.alloc(MiB, 'a');
      const response = await request(at('/_csp-reports'), { method: 'POST', headers: { 'Content-Type': 'application/csp-report' }, body });
      assert.equal(response.status, 413);
      assert.deepEqual(await (await fetch(at('/_csp-reports'))).json(), []);
      await assertAlive();
    });

    test('a 1 MiB chunked report (no Content-Length) is refused with 413 and not kept', async () => {
      await fetch(at('/_csp-reports'), { method: 'DELETE' });
      const response = await request(at('/_csp-reports'), { method: 'POST', body: Buffer.alloc(MiB, 'b'), chunked: true });
      assert.equal(response.status, 413);
      assert.deepEqual(await (await fetch(at('/_csp-reports'))).json(), []);
      await assertAlive();
    });

    test('a report at the limit is kept; reports keep coming and only the newest 100 are kept', async () => {
      await fetch(at('/_csp-reports'), { method: 'DELETE' });
      const near = JSON.stringify({ 'csp-report': { 'blocked-uri': 'x'.repeat(60 * 1024) } });
      assert.equal((await fetch(at('/_csp-reports'), { method: 'POST', body: near })).status, 204);
      for (let i = 0; i < 250; i++) {
        const response = await fetch(at('/_csp-reports'), { method: 'POST', body: JSON.stringify({ 'csp-report': { n: i } }) });
        assert.equal(response.status, 204);
      }
      const reports = await (await fetch(at('/_csp-reports'))).json();
      assert.equal(reports.length, 100);
      assert.deepEqual(reports[0], { 'csp-report': { n: 150 } });
      assert.deepEqual(reports[99], { 'csp-report': { n: 249 } });
    });

    test('memory stays bounded under many oversized reports', async (t) => {
      const before = demo.rssBytes();
      if (before === null) {
        t.skip('no /proc: cannot read the server process RSS');
        return;
      }
      const body = Buffer.alloc(MiB, 'c');
      for (let i = 0; i < 128; i++) {
        const response = await request(at('/_csp-reports'), { method: 'POST', body, chunked: i % 2 === 1 });
        assert.equal(response.status, 413);
      }
      const grown = demo.rssBytes() - before;
      // 128 MiB were posted. Read and thrown away (so the 413 reaches the client), they leave
      // garbage the collector has not reclaimed yet (about 32 MiB seen); kept, 128 MiB or more.
      assert.ok(grown < 64 * MiB, `server RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
      await assertAlive();
    });
  });

  describe('static files', () => {
    ownServer();
    // dist/ is a served root (/dist/*) and is not tracked by git: a link there to a file that
    // opens but cannot be read (/proc/self/mem answers EIO at offset 0).
    const name = `.node-test-unreadable-${process.pid}.bin`;
    const link = path.join(ROOT, 'dist', name);
    after(async () => {
      await fs.rm(link, { force: true });
    });

    test('a file that cannot be read gets an error status and the server keeps answering', async (t) => {
      try {
        await fs.symlink('/proc/self/mem', link);
      } catch (error) {
        t.skip(`cannot make the unreadable file: ${error.message}`);
        return;
      }
      const response = await request(at(`/dist/${name}`));
      assert.equal(response.status, 500);
      await assertAlive();
      // And again: the failed read leaked nothing that breaks the next request.
      assert.equal((await request(at(`/dist/${name}`))).status, 500);
      await assertAlive();
    });

    test('a file without read permission gets 403 and the server keeps answering', async () => {
      // Root reads files whatever their mode: as root (CI containers), a server of this test's own
      // runs without the capabilities that override file modes (setpriv, util-linux), so the file is
      // unreadable to it; still root, it reaches a checkout in a directory only root may enter
      // (`mktemp -d` makes one 0700), where the user `nobody` could not.
      const asRoot = process.getuid?.() === 0;
      const noOverride = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'];
      const server = asRoot ? await startDemoChild({ prefix: noOverride }) : demo;
      const file = path.join(ROOT, 'dist', `.node-test-noperm-${process.pid}.bin`);
      await fs.writeFile(file, 'secret');
      await fs.chmod(file, 0o000);
      try {
        // The control: this server reads dist/ (so a 403 below is the file's mode, not the server's user).
        assert.equal((await request(new URL('/dist/shaka-keyflow.umd.min.js', server.url).href)).status, 200);
        const response = await request(new URL(`/dist/${path.basename(file)}`, server.url).href);
        assert.equal(response.status, 403);
        assert.ok(server.process.alive, `demo server exited: ${server.process.stderr}`);
        assert.equal((await fetch(new URL('/_csp-reports', server.url))).status, 200);
      } finally {
        await fs.rm(file, { force: true });
        if (asRoot) await server.stop();
      }
    });

    test('a file that vanished is 404 and the server keeps answering', async () => {
      const file = path.join(ROOT, 'dist', `.node-test-vanished-${process.pid}.bin`);
      try {
        await fs.writeFile(file, 'here');
        assert.equal((await request(at(`/dist/${path.basename(file)}`))).status, 200);
        await fs.rm(file);
        assert.equal((await request(at(`/dist/${path.basename(file)}`))).status, 404);
        await assertAlive();
      } finally {
        await fs.rm(file, { force: true });
      }
    });
  });

  describe('/_faults', () => {
    ownServer();
    const queue = (faults) =>
      fetch(at('/_faults'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ faults }) });

    for (const status of [700, 99, 600, 200.5, '503', null]) {
      test(`status ${JSON.stringify(status)} is refused with 400 and a message`, async () => {
        const response = await queue([{ status }]);
        assert.equal(response.status, 400);
        const { error } = await response.json();
        assert.match(error, /^faults\[0\]: status must be an integer 100\.\.599/);
      });
    }

    for (const name of ['Bad Header', 'X-Colon:', '', 'Ümlaut', 'X\r\nInjected']) {
      test(`header name ${JSON.stringify(name)} is refused with 400 and a message`, async () => {
        const response = await queue([{ status: 503 }, { status: 503, headers: { 'Retry-After': '1', [name]: 'v' } }]);
        assert.equal(response.status, 400);
        const { error } = await response.json();
        assert.match(error, /^faults\[1\]: headers: .* is not a valid header name \(an RFC 7230 token\)$/);
      });
    }

    test('a header value with CR/LF or a non-string value is refused with 400', async () => {
      for (const value of ['1\r\nSet-Cookie: x=y', 5]) {
        const response = await queue([{ status: 503, headers: { 'Retry-After': value } }]);
        assert.equal(response.status, 400);
        assert.match((await response.json()).error, /value of Retry-After must be a string without CR, LF/);
      }
    });

    test('a refused list queues nothing; a valid one is used by the next license request', async () => {
      await fetch(at('/_faults'), { method: 'DELETE' });
      assert.equal((await queue([{ status: 429, headers: { 'Retry-After': '2' } }, { status: 1000 }])).status, 400);
      assert.equal((await queue([{ status: 429, headers: { 'Retry-After': '2' }, body: 'slow down' }])).status, 204);
      const license = await fetch(at('/hms/ck/rights/'), { method: 'POST', body: '{}' });
      assert.equal(license.status, 429);
      assert.equal(license.headers.get('retry-after'), '2');
      assert.equal(await license.text(), 'slow down');
      // The queue held exactly one fault: the next request reaches the emulator (no token → its own error).
      const next = await fetch(at('/hms/ck/rights/'), { method: 'POST', body: '{}' });
      assert.notEqual(next.status, 429);
      await fetch(at('/_faults'), { method: 'DELETE' });
    });

    test('a body over 64 KiB is refused with 413 (the answer arrives)', async () => {
      const response = await request(at('/_faults'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.alloc(MiB, ' '),
      });
      assert.equal(response.status, 413);
      await assertAlive();
    });
  });
  describe('/api/token (the demo app backend)', () => {
    ownServer();

    // The backend must send what ExpressPlay's token API requires (Widevine securityLevel and
    // hdcpOutputControl; PlayReady rightsType and the five *OPL), which the emulator enforces.
    test('mints a token for every key system the demo plays', async () => {
      for (const [keySystem, check] of [
        ['org.w3.clearkey', (text) => assert.match(text, /\/hms\/ck\/rights\/\?ExpressPlayToken=/)],
        ['com.widevine.alpha', (text) => assert.match(text, /\/hms\/wv\/rights\/\?ExpressPlayToken=/)],
        ['com.microsoft.playready', (text) => assert.equal(typeof JSON.parse(text).token, 'string')],
        ['com.microsoft.playready.recommendation', (text) => assert.equal(typeof JSON.parse(text).token, 'string')],
      ]) {
        const response = await fetch(at(`/api/token?drm=${encodeURIComponent(keySystem)}`));
        const text = await response.text();
        assert.equal(response.status, 200, `${keySystem}: ${text}`);
        check(text);
      }
    });
  });
});
