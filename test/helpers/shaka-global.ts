// The compiled Shaka Player build is loaded by Karma as a plain script: it defines `window.shaka`.
import type shakaNamespace from 'shaka-player';

/** Shaka Player's global namespace, typed by its own generated declarations. */
export const shaka: typeof shakaNamespace = (globalThis as unknown as { shaka: typeof shakaNamespace }).shaka;
