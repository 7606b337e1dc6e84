/**
 * Shaka Player's DRM errors (6000–6020), in plain words, as `catalogue.ts`
 * explains keyflow's: the entries follow the descriptions in shaka-player
 * `lib/util/error.js` (the codes are the same on the 4.x and 5.x lines).
 *
 * @module
 */
import type { FailureEntry } from './catalogue';

const BROWSER_MESSAGE = 'The browser’s own message is in error.data[0].';

/** Shaka's DRM errors, 6000–6020 (retired codes 6009 and 6011 left out); a function, as `keyflowFailures`. */
// eslint-disable-next-line max-lines-per-function -- data, in a function so that bundles without explain() leave it out
export const shakaDrmFailures = (): Readonly<Record<number, FailureEntry>> => ({
  6000: {
    phase: 'key-system',
    summary: 'The manifest signals protected content, but no key system Shaka recognizes.',
    causes: ['ContentProtection / EXT-X-KEY elements of an unknown system only.'],
    fixes: ['Check the manifest’s DRM signalling, or configure drm.clearKeys / keySystemsMapping.'],
  },
  6001: {
    phase: 'key-system',
    summary: 'None of the requested key system configurations is available in this browser.',
    causes: [
      'The CDM is missing or disabled.',
      'A robustness or persistent state the CDM does not offer.',
      'Not a secure context (https).',
    ],
    fixes: ['Use a browser with the CDM, over https; relax drm.advanced robustness.'],
  },
  6002: {
    phase: 'key-system',
    summary: 'The browser could not create the CDM.',
    causes: ['The CDM failed to load (updates, policies).'],
    fixes: [BROWSER_MESSAGE],
  },
  6003: {
    phase: 'key-system',
    summary: 'The CDM could not be attached to the video element.',
    causes: ['The element has MediaKeys of another player.'],
    fixes: [BROWSER_MESSAGE],
  },
  6004: {
    phase: 'certificate',
    summary: 'The CDM rejected the server certificate.',
    causes: ['The certificate is malformed, for another key system, or base64 where bytes are expected.'],
    fixes: ['Check drm.advanced[keySystem].serverCertificate(Uri) and the certificate reply.'],
  },
  6005: {
    phase: 'key-system',
    summary: 'The CDM refused to create a session.',
    causes: ['A session type the CDM does not support (persistent-license).'],
    fixes: [BROWSER_MESSAGE],
  },
  6006: {
    phase: 'license-request',
    summary: 'The CDM could not make a license request from the init data.',
    causes: ['Init data in a format the CDM does not accept.', 'FairPlay without a server certificate.'],
    fixes: ['Inspect the init data (keyflow’s initdata event).', BROWSER_MESSAGE],
  },
  6007: {
    phase: 'license-request',
    summary: 'The license request failed.',
    causes: ['The server refused it, or there was no answer.'],
    fixes: ['findKeyflowError() on the error gives keyflow’s typed reason.'],
  },
  6008: {
    phase: 'license',
    summary: 'The CDM rejected the license.',
    causes: ['A license for another device or request, or still wrapped.'],
    fixes: ['Check response unwrapping; ' + BROWSER_MESSAGE],
  },
  6010: {
    phase: 'key-system',
    summary: 'The content is encrypted but the manifest signals no DRM.',
    causes: ['The manifest lacks ContentProtection / EXT-X-KEY.'],
    fixes: ['Fix the packaging, or configure drm.clearKeys for ClearKey content.'],
  },
  6012: {
    phase: 'key-system',
    summary: 'No license server was given for the chosen key system.',
    causes: ['servers lacks it.'],
    fixes: ['Configure it (keyflow explains it as NO_LICENSE_SERVER).'],
  },
  6013: {
    phase: 'session',
    summary: 'A required offline session was removed.',
    causes: ['Stored licenses were cleared.'],
    fixes: ['Download the content again.'],
  },
  6014: {
    phase: 'key-usable',
    summary: 'The license has expired: every key is expired.',
    causes: ['The license duration passed without a renewal.'],
    fixes: ['Reload to get a new license; check renewal settings at the service.'],
  },
  6015: {
    phase: 'certificate',
    summary: 'FairPlay needs a server certificate and none was given.',
    causes: ["drm.advanced['com.apple.fps'].serverCertificateUri is not set."],
    fixes: ['Set the certificate URL (your own FairPlay certificate, or the preset’s).'],
  },
  6016: {
    phase: 'key-system',
    summary: 'The init data transform threw.',
    causes: ['A drm.initDataTransform that fails on this init data.'],
    fixes: ['Check the transform; the original error is error.data[0].'],
  },
  6017: {
    phase: 'certificate',
    summary: 'The server certificate request failed.',
    causes: ['A wrong certificate URL, or the service refused it (token, CORS).'],
    fixes: ['Check serverCertificateUri and the network panel.'],
  },
  6018: {
    phase: 'key-usable',
    summary: 'The HDCP version does not meet the requirement.',
    causes: ['The display or connection offers a lower HDCP version than drm.minHdcpVersion.'],
    fixes: ['Use another display, or lower the requirement where the content allows.'],
  },
  6019: {
    phase: 'key-usable',
    summary: 'The HDCP version could not be checked.',
    causes: ['The browser does not support the HDCP policy check.'],
    fixes: [BROWSER_MESSAGE],
  },
  6020: {
    phase: 'key-system',
    summary: 'This browser has no EME: DRM content cannot play.',
    causes: ['A browser or webview without Encrypted Media Extensions, or an insecure context.'],
    fixes: ['Use a browser with EME, over https.'],
  },
});
