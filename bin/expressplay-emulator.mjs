#!/usr/bin/env node
// Starts the ExpressPlay emulator from the command line (after `npm run build`):
//   node bin/expressplay-emulator.mjs --port 8090 --authenticator my-test-auth --keys content/keys.json
import { expressPlayEmulatorCli } from '../dist/testing/node.mjs';

expressPlayEmulatorCli(process.argv.slice(2));
