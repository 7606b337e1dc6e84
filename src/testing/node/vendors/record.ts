/**
 * The vendor emulators' request log record (no Node imports: browser specs read the log too).
 *
 * @module
 */

/** A DRM as the emulators log it: Widevine, PlayReady, ClearKey, FairPlay. */
export type LoggedDrm = 'wv' | 'pr' | 'ck' | 'fp';

/** One logged exchange with a vendor emulator. */
export interface VendorRecord {
  /** The vendor emulator, e.g. `axinom`. */
  vendor: string;
  /** The HTTP method. */
  method: string;
  /** The path below the vendor's prefix. */
  path: string;
  /** The status answered. */
  status: number;
  /** The request's header names, lower case (values are not logged: they carry tokens). */
  headerNames: string[];
  /** The request's query parameter names. */
  queryNames: string[];
  /** The request's `Content-Type`, when it had one. */
  contentType?: string;
  /** The service's error code, when the reply was an error. */
  errorCode?: string | number;
  /** The DRM of a license request. */
  drm?: LoggedDrm;
  /** The key IDs a license request asked for (or was resolved to). */
  kids?: string[];
}
