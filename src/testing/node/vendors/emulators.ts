/**
 * The vendor emulators the demo server and the tests mount under `/vendors/<name>/`: one line
 * per service. Each emulator's module comment says which documentation each of its behaviours
 * follows and what it chose where the documentation is silent.
 *
 * @module
 */

import { axinomEmulator } from './axinom.js';
import { comcastEmulator } from './comcast.js';
import { doveRunnerEmulator } from './doverunner.js';
import { drmCloudEmulator } from './drmcloud.js';
import { drmTodayEmulator } from './drmtoday.js';
import { irdetoEmulator } from './irdeto.js';
import { muxEmulator } from './mux.js';
import { nagraEmulator } from './nagra.js';
import { titaniumEmulator } from './titanium.js';
import { ezdrmEmulator } from './ezdrm.js';
import { keyosEmulator } from './keyos.js';
import { verimatrixEmulator } from './verimatrix.js';
import { vudrmEmulator } from './vudrm.js';
import type { VendorEmulator } from './kit.js';

/** Every vendor emulator, by the order they were added. */
export const VENDOR_EMULATORS: readonly VendorEmulator[] = [
  axinomEmulator,
  drmTodayEmulator,
  doveRunnerEmulator,
  titaniumEmulator,
  drmCloudEmulator,
  irdetoEmulator,
  nagraEmulator,
  comcastEmulator,
  muxEmulator,
  ezdrmEmulator,
  keyosEmulator,
  vudrmEmulator,
  verimatrixEmulator,
];
