// FairPlay on the wire (issue 12 §1.5, the engine's part): the skd:// URI placeholders, read from
// every form the session's init data takes, and CKC unwrapping. Expected values follow Apple's
// `skd://` signalling and Shaka's FairPlay helpers (lib/drm/fairplay.js: defaultGetContentId takes
// the URI's host, ezdrmInitDataTransform the part after ';', initDataTransform writes a 4-byte LE
// length and the URI in UTF-16LE first; commonFairPlayResponse reads <ckc>, JSON ckc / CkcMessage
// / License, base64), written here from that layout, not read back from the engine.
import { customProvider, type CustomOptions } from '../../src/providers/custom';
import type { DrmRequest, DrmResponse } from '../../src/providers/preset';
import type { LicenseServers } from '../../src/api/key-systems';
import { keyflowErrorOf } from '../helpers/errors';

type Options = CustomOptions & { servers?: LicenseServers };

const FP = 'com.apple.fps';
const SKD = 'skd://fps.ezdrm.test/;asset-7';
const SPC = new Uint8Array([0x00, 0x01, 0xfe, 0xff]);
const CKC = new Uint8Array([0xc0, 0xff, 0xee, 0x00, 0x42]);
const CKC_B64 = btoa(String.fromCharCode(...CKC));

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) & 0xff;
    out[i * 2 + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
}
/** Shaka's initDataTransform layout: [u32 LE len][UTF-16LE skd URI][u32 LE len][content id][u32 LE len][cert]. */
function transformed(uri: string, contentId: string, cert: Uint8Array): Uint8Array {
  const parts = [utf16le(uri), utf16le(contentId), cert];
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength, true);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}

function request(initData: Uint8Array | null, initDataType: string | null = 'skd'): DrmRequest {
  return {
    kind: 'license',
    keySystem: FP,
    url: 'https://lic.test/fp',
    headers: {},
    body: SPC,
    messageType: 'license-request',
    attempt: 0,
    initData,
    initDataType,
    keyIds: [],
  };
}

const OPTIONS: Options = {
  servers: { [FP]: 'https://lic.test/fp?asset={skdAssetId}&host={skdHost}' },
  headers: { 'X-Skd': '{skdUri}' },
};

/** As the glue calls it: the request's URL is the configured server URL (a template for custom). */
function shape(options: Options, req: DrmRequest) {
  customProvider.validate(options);
  return customProvider.rewriteRequest({ ...req, url: options.servers![FP]! }, null, options);
}

describe('FairPlay on the wire', () => {
  describe('skd:// placeholders', () => {
    const forms: Array<[string, Uint8Array]> = [
      ['UTF-8 skd init data', utf8(SKD)],
      ['UTF-16LE skd init data', utf16le(SKD)],
      ["Shaka's transformed init data", transformed(SKD, 'asset-7', new Uint8Array([1, 2, 3]))],
    ];
    for (const [name, initData] of forms) {
      it(`read the URI, its host and the part after ';' from ${name}`, () => {
        const out = shape(OPTIONS, request(initData));
        expect(out.url).toBe('https://lic.test/fp?asset=asset-7&host=fps.ezdrm.test');
        expect(out.headers['X-Skd']).toBe(SKD);
        expect(out.body).toBe(SPC);
      });
    }

    it("modern EME (sinf / cenc init data): the URI comes from the manifest's key system URIs (Shaka's drmInfo.keySystemUris)", () => {
      const sinf = {
        ...request(new Uint8Array([0, 0, 0, 8, 0x73, 0x69, 0x6e, 0x66]), 'sinf'),
        keySystemUris: ['https://other.test/', SKD],
      };
      const out = shape(OPTIONS, sinf);
      expect(out.url).toBe('https://lic.test/fp?asset=asset-7&host=fps.ezdrm.test');
      expect(out.headers['X-Skd']).toBe(SKD);
      // init data that carries a URI wins over the manifest's
      const both = shape(OPTIONS, { ...request(utf8('skd://from-init-data;x')), keySystemUris: [SKD] });
      expect(both.headers['X-Skd']).toBe('skd://from-init-data;x');
      expect(keyflowErrorOf(() => shape(OPTIONS, { ...sinf, keySystemUris: ['https://not-skd.test/'] })).code).toBe('INVALID_CONFIG');
    });

    it('the host stops at /, ?, # or ;', () => {
      const out = shape({ servers: { [FP]: 'https://lic.test/{skdHost}' } }, request(utf8('skd://a1b2c3?x=1')));
      expect(out.url).toBe('https://lic.test/a1b2c3');
    });

    it('a request without an skd URI, or without a ";" part, is a typed error, not a wrong request', () => {
      const none = keyflowErrorOf(() => shape(OPTIONS, request(utf8('not a uri'))));
      expect(none.code).toBe('INVALID_CONFIG');
      expect(none.message).toMatch(/no FairPlay skd:\/\/ URI/);
      const noSemicolon = keyflowErrorOf(() =>
        shape({ servers: { [FP]: 'https://lic.test/{skdAssetId}' } }, request(utf8('skd://host-only'))),
      );
      expect(noSemicolon.message).toMatch(/no part after a ';'/);
    });
  });

  describe("unwrapResponse { format: 'fairplay-ckc' }", () => {
    const options: Options = { servers: { [FP]: 'https://lic.test/fp' }, unwrapResponse: { format: 'fairplay-ckc' } };
    const response = (body: Uint8Array): DrmResponse => ({ kind: 'license', keySystem: FP, url: 'u', status: 200, headers: {}, body });
    const unwrap = (body: Uint8Array) => customProvider.unwrapResponse(response(body), options);

    it('reads <ckc>, JSON ckc / CkcMessage / License, whitespace allowed', () => {
      for (const body of [
        `\n<ckc>${CKC_B64}</ckc>\n`,
        `{"ckc":"${CKC_B64}"}`,
        `{"CkcMessage":"${CKC_B64}"}`,
        ` {"License":"${CKC_B64}","other":1} `,
      ]) {
        expect(Array.from(unwrap(utf8(body))))
          .withContext(body)
          .toEqual(Array.from(CKC));
      }
    });

    it('passes any other reply as it is (a binary CKC, plain text)', () => {
      expect(unwrap(CKC)).toEqual(CKC);
      const text = utf8('raw-ckc-bytes');
      expect(unwrap(text)).toBe(text);
    });

    it('a wrapped CKC that is not base64, or empty, is MALFORMED_RESPONSE', () => {
      expect(keyflowErrorOf(() => unwrap(utf8('<ckc>not*base64</ckc>'))).code).toBe('MALFORMED_RESPONSE');
      expect(keyflowErrorOf(() => unwrap(new Uint8Array())).code).toBe('MALFORMED_RESPONSE');
    });

    it('is checked: an unknown format is INVALID_CONFIG', () => {
      const error = keyflowErrorOf(() => customProvider.validate({ ...options, unwrapResponse: { format: 'ckc' as never } }));
      expect(error.message).toMatch(/`format` must be "fairplay-ckc"/);
    });
  });

  describe('fairPlayContentId (the content id the CDM is given)', () => {
    const contentIdOf = (rule: CustomOptions['fairPlayContentId'], uri: string) =>
      customProvider.fairPlayContentIdOf?.({ servers: { [FP]: 'https://l.test/fp' }, fairPlayContentId: rule })?.(uri);

    it("reads the host, everything after skd://, or the part after the last ';' (Shaka's default, ExpressPlay, EZDRM helpers)", () => {
      const uri = 'skd://fp.example.test/asset-42;ez-7f3a';
      expect(contentIdOf('host', uri)).toBe('fp.example.test');
      expect(contentIdOf('after-scheme', uri)).toBe('fp.example.test/asset-42;ez-7f3a');
      expect(contentIdOf('after-semicolon', uri)).toBe('ez-7f3a');
      expect(contentIdOf('after-semicolon', 'skd://fp.example.test/asset-42')).toBeNull();
    });

    it('is null without the option, and an unknown rule is INVALID_CONFIG', () => {
      expect(customProvider.fairPlayContentIdOf?.({ servers: { [FP]: 'https://l.test/fp' } })).toBeNull();
      const error = keyflowErrorOf(() =>
        customProvider.validate({ servers: { [FP]: 'https://l.test/fp' }, fairPlayContentId: 'path' as never }),
      );
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/`fairPlayContentId` must be 'host', 'after-scheme' or 'after-semicolon'/);
    });
  });
});
