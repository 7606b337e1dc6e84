/**
 * keyflow's version, for support reports (`test/node/pack.test.mjs` checks it matches
 * package.json).
 *
 * @module
 */

/** This build's version of shaka-keyflow. */
export const KEYFLOW_VERSION = '0.1.0';
