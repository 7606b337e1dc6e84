import type { KeyflowError } from './errors';

/** Payload of the `licenserequest` event: a license or certificate request is about to go out. */
export interface LicenseRequestEvent {
  /** `license` for CDM messages, `certificate` for service-certificate fetches. */
  kind: 'license' | 'certificate';
  keySystem: string;
  /** The URL the request goes to, with every token replaced by `[redacted]`. */
  url: string;
  /** The EME message type (`license-request`, `license-renewal`, ...); null for certificates. */
  messageType: string | null;
  /** 0 for the first attempt, then 1, 2, ... when Shaka 5 retries. */
  attempt: number;
  /** Key IDs (lower-case hex) of the content, when known. */
  keyIds: string[];
}

/** Payload of the `licenseresponse` event: a 2xx reply arrived and was accepted by keyflow. */
export interface LicenseResponseEvent {
  kind: 'license' | 'certificate';
  keySystem: string;
  /** The URL that answered, token redacted. */
  url: string;
  /** HTTP status (2xx). */
  status: number;
  /** From the moment keyflow released the request to the moment the reply reached keyflow. */
  durationMs: number;
  /** Size of the license (after unwrapping) in bytes. */
  byteLength: number;
}

/**
 * The typed event map of a {@link Keyflow} instance: event name → listener
 * arguments. Token values never appear in any payload.
 */
export interface KeyflowEvents {
  licenserequest: [event: LicenseRequestEvent];
  licenseresponse: [event: LicenseResponseEvent];
  error: [error: KeyflowError];
}
