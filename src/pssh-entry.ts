/**
 * shaka-keyflow/pssh: the pure init-data decoders (pssh boxes, Widevine PSSH
 * data, PlayReady Object / WRMHEADER, keyids JSON). No DOM, no Shaka.
 *
 * @packageDocumentation
 */
export * from './pssh/index';
