import { KeyflowError } from '../api/errors';
import { KeySystem, type LicenseServers } from '../api/key-systems';
import type { TokenSource } from '../tokens/source';
import { definePreset } from './engine/define-preset';
import type { ErrorReply, ProviderErrorFields } from './engine/errors';
import { isHeaderName } from './engine/headers';
import { readRequestFacts } from './engine/request-info';
import { isClientFault, parseSoapFault } from './engine/soap-fault';
import type { WireSpec } from './engine/spec';
import type { Provider } from './preset';

/**
 * The header KeyOS reads the Authentication XML from by default. BuyDRM says only "a custom POST
 * header" (go.buydrm.com/thedrmblog, "Deploying a Proxy for License Acquisition"); THEOplayer's
 * KeyOS integration and current public clients send `x-keyos-authorization`, older public code
 * `customdata`: {@link KeyosOptions.header} names another.
 */
export const KEYOS_AUTH_HEADER = 'x-keyos-authorization';

/** Options of the `keyos` preset. */
export interface KeyosOptions {
  /**
   * The KeyOS Authentication XML, base64-encoded, that your backend generates and signs with your
   * KeyOS signing key (never in the browser), or a function returning it.
   */
  token: TokenSource<string>;
  /**
   * The header the Authentication XML goes in. Default `x-keyos-authorization` (THEOplayer's
   * integration); older public integrations send `customdata`: use that if your KeyOS account
   * expects it. BuyDRM's public material does not name the header.
   */
  header?: string;
  /**
   * Your FairPlay certificate id at KeyOS: the certificate URL becomes
   * `https://fp-keyos.licensekeyserver.com/cert/<id>.der` (as in THEOplayer's KeyOS samples).
   * Without it, set `drm.advanced['com.apple.fps'].serverCertificateUri` yourself.
   */
  fairPlayCertificateId?: string;
}

/**
 * KeyOS's license URLs, as THEOplayer's KeyOS integration samples use them (BuyDRM does not publish
 * them in public material): one host per DRM on `licensekeyserver.com`.
 */
export const KEYOS_DEFAULT_SERVERS: LicenseServers = /* @__PURE__ */ keyosServers();

/** The license URLs on KeyOS's hosts (a function, so bundlers drop them with the preset). */
function keyosServers(): LicenseServers {
  const playReady = 'https://pr-keyos.licensekeyserver.com/core/rightsmanager.asmx';
  return {
    [KeySystem.WIDEVINE]: 'https://wv-keyos.licensekeyserver.com/',
    [KeySystem.PLAYREADY]: playReady,
    [KeySystem.PLAYREADY_RECOMMENDATION]: playReady,
    [KeySystem.FAIRPLAY]: 'https://fp-keyos.licensekeyserver.com/getkey',
  };
}

/** The KeyOS FairPlay certificate URL, when the options name the certificate. */
function keyosCertificates({ fairPlayCertificateId: id }: KeyosOptions): Record<string, string> {
  return id ? { [KeySystem.FAIRPLAY]: `https://fp-keyos.licensekeyserver.com/cert/${encodeURIComponent(id)}.der` } : {};
}

/**
 * The wire: the Authentication XML in its header; FairPlay as a form. The certificate request is
 * left alone: THEOplayer's integration sends the header with it too, but nothing says KeyOS needs
 * it there, and a certificate URL may be any host.
 */
function keyosWire({ header }: KeyosOptions): WireSpec {
  return {
    headers: { [header ?? KEYOS_AUTH_HEADER]: '{token}' },
    keySystems: {
      // THEOplayer's KeyOS FairPlay integration: `spc=<base64>&assetId=<skd:// host>` (a form,
      // percent-encoded here), the reply `<ckc>base64</ckc>`.
      [KeySystem.FAIRPLAY]: {
        wrapRequest: { format: 'form', challengeField: 'spc', fields: { assetId: '{skdHost}' } },
        unwrapResponse: { format: 'fairplay-ckc' },
      },
    },
  };
}

/**
 * Reads a PlayReady SOAP Fault (KeyOS documents no error replies): its `faultstring` as the
 * message, and a `Client` fault classified as a 400 (SOAP 1.1 §4.4.1: not to be resent as it is).
 */
function readKeyosError({ bodyText }: ErrorReply): ProviderErrorFields {
  const fault = parseSoapFault(bodyText);
  if (!fault) return {};
  return {
    ...(fault.faultString ? { message: fault.faultString.slice(0, 200) } : {}),
    ...(isClientFault(fault.faultCode) ? { classifyAsStatus: 400 } : {}),
  };
}

function validateKeyos({ token, header, fairPlayCertificateId: id }: KeyosOptions): void {
  if (header !== undefined && (typeof header !== 'string' || !isHeaderName(header))) {
    throw new KeyflowError('INVALID_CONFIG', 'keyos: `header` must be a header name, e.g. "x-keyos-authorization" or "customdata"');
  }
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(id))) {
    throw new KeyflowError('INVALID_CONFIG', 'keyos: `fairPlayCertificateId` must be your certificate id (letters, digits, _ and -)');
  }
  if (typeof token !== 'function' && !(typeof token === 'string' && token.trim())) {
    throw new KeyflowError('INVALID_CONFIG', 'keyos: `token` is required: the Authentication XML (base64), or a function returning it');
  }
}

/**
 * The BuyDRM KeyOS preset: the Authentication XML (base64, signed by your backend) in a header of
 * every license request to the KeyOS MultiKey license service, `x-keyos-authorization` by default
 * (see {@link KEYOS_AUTH_HEADER} for where the name comes from). FairPlay: the SPC as the form
 * `spc=<base64>&assetId=<skd:// host>`, the CKC from `<ckc>…</ckc>`, the content id the `skd://`
 * host (Shaka's default), the certificate from `fairPlayCertificateId`. KeyOS documents no error
 * replies: failures are typed by HTTP status, PlayReady SOAP `Client` faults as 400.
 */
export const keyosProvider: Provider<KeyosOptions, string> = /* @__PURE__ */ definePreset<KeyosOptions, string>({
  name: 'keyos',
  label: 'KeyOS',
  optionNames: ['token', 'header', 'fairPlayCertificateId'],
  defaultServers: KEYOS_DEFAULT_SERVERS,
  defaultCertificatesFor: keyosCertificates,
  wire: keyosWire,
  validate: validateKeyos,
  readError: readKeyosError,
  requestFacts: readRequestFacts,
});
