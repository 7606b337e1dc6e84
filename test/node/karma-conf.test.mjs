// karma.conf.cjs binds Karma's server to loopback. The config's exported function also starts the
// demo server, so it runs in a child process that prints what config.set() got and exits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { requireBuild, ROOT, startChild } from './helpers.mjs';

test('karma.conf.cjs listens on 127.0.0.1 only', async (t) => {
  requireBuild();
  const script = `
    const configure = require(${JSON.stringify(path.join(ROOT, 'karma.conf.cjs'))});
    configure({ set(options) {
      process.stdout.write(JSON.stringify({ listenAddress: options.listenAddress, hostname: options.hostname }) + '\\n');
      process.exit(0);
    } }).catch((error) => { console.error(error); process.exit(1); });
  `;
  // The config makes a temp folder of its own under TMPDIR: give it one that is removed afterwards.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'keyflow-node-test-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const child = startChild(['-e', script], { env: { ...process.env, TMPDIR: tmp, KEYFLOW_BROWSERS: 'chromium' } });
  const match = await child.waitFor(/^(\{.*\})$/m, 30000);
  const { code } = await child.exited;
  assert.equal(code, 0, child.stderr);
  assert.deepEqual(JSON.parse(match[1]), { listenAddress: '127.0.0.1', hostname: '127.0.0.1' });
});
