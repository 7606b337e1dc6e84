/**
 * The vendor emulators the demo server and the tests mount under `/vendor/<name>/`: one line
 * per service. Each emulator's module comment says which documentation each of its behaviours
 * follows and what it chose where the documentation is silent.
 *
 * @module
 */

import { axinomEmulator } from './axinom.js';
import { ezdrmEmulator } from './ezdrm.js';
import { keyosEmulator } from './keyos.js';
import { verimatrixEmulator } from './verimatrix.js';
import { vudrmEmulator } from './vudrm.js';
import type { VendorEmulator } from './kit.js';

/** Every vendor emulator, by the order they were added. */
export const VENDOR_EMULATORS: readonly VendorEmulator[] = [
  axinomEmulator,
  ezdrmEmulator,
  keyosEmulator,
  vudrmEmulator,
  verimatrixEmulator,
];
