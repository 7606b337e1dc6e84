// Shared by test/node/*.test.mjs: the repository root, and child processes (the demo server, the
// emulator CLI) started, read and stopped.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Fails early with a clear message when dist/ (which demo/server.mjs and bin/ load) is missing. */
export function requireBuild() {
  if (!existsSync(path.join(ROOT, 'dist', 'testing', 'node.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build` before `npm run test:node`');
  }
}

/**
 * Starts a child process and collects its output. `waitFor(regex)` resolves with the first match
 * in stdout; `exited` resolves to `{ code, signal }`.
 */
export function startChild(args, { prefix = [], ...options } = {}) {
  // `prefix`: a command that runs node (e.g. setpriv with its options and `--`), which execs it in place.
  const [command, ...argv] = [...prefix, process.execPath, ...args];
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  const waiters = [];
  const check = () => {
    for (const waiter of waiters.splice(0)) {
      const match = waiter.regex.exec(stdout);
      if (match) waiter.resolve(match);
      else waiters.push(waiter);
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    waitFor(regex, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${regex} in: ${stdout}\n${stderr}`)), timeoutMs);
        exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`exited (${code ?? signal}) before ${regex}: ${stdout}\n${stderr}`));
        });
        waiters.push({
          regex,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

/** Starts demo/server.mjs on a free port in a child process. Resolves to `{ url, pid, process, rssBytes(), stop() }`. */
export async function startDemoChild(spawnOptions = {}) {
  requireBuild();
  const proc = startChild([path.join(ROOT, 'test', 'node', 'fixtures', 'demo-child.mjs')], spawnOptions);
  const match = await proc.waitFor(/^(\{.*\})$/m);
  const { url, pid } = JSON.parse(match[1]);
  return {
    url,
    pid,
    process: proc,
    /** The child's resident set size (Linux /proc), or null where there is no /proc. */
    rssBytes() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
        return kb ? Number(kb[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
    stop: () => proc.stop(),
  };
}
