#!/usr/bin/env node
// Starts the ExpressPlay emulator from the command line (after `npm run build`):
//   node bin/expressplay-emulator.mjs --port 8090 --authenticator my-test-auth --keys content/keys.json
// It listens on 127.0.0.1 and answers browser pages on loopback origins only; `--help` lists
// --host and --allow-origin. `--keys` needs `--authenticator` (the built-in one is public).
const { expressPlayEmulatorCli } = await import('../dist/testing/node.mjs').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/testing/node.mjs')) throw error;
  process.stderr.write('expressplay-emulator: dist/ is missing: run `npm run build` first\n');
  process.exit(1);
});

await expressPlayEmulatorCli(process.argv.slice(2));
