import { shaka } from './shaka-global';

/** The major version of the Shaka Player build under test (the suite runs on 5.x and 4.x). */
export function shakaMajor(): number {
  return Number(/^v?(\d+)/.exec(shaka.Player.version)?.[1] ?? 0);
}
