/**
 * The vendor emulators' request log record (no Node imports: browser specs read the log too).
 *
 * @module
 */

/** A DRM as the emulators log it. */
type LoggedDrm = 'wv' | 'pr' | 'ck' | 'fp';

/** One logged exchange with a vendor emulator. */
export interface VendorRecord {
  vendor: string;
  method: string;
  /** The path below the vendor's prefix. */
  path: string;
  status: number;
  /** The request's header names, lower case (values are not logged: they carry tokens). */
  headerNames: string[];
  /** The request's query parameter names. */
  queryNames: string[];
  contentType?: string;
  errorCode?: string | number;
  drm?: LoggedDrm;
  kids?: string[];
}
