// The FairPlay content id a preset names (issue 12 §1.5): keyflow sets Shaka's drm.initDataTransform
// so that, on Safari's legacy WebKit keys (Shaka's `apple` polyfill), the CDM gets the init data
// Shaka's own FairPlay helpers build. The oracle is Shaka itself: the bytes are compared with
// shaka.drm.FairPlay.expressplayInitDataTransform / ezdrmInitDataTransform and Shaka's default
// transform, called on the same input, on a real shaka.Player of the line under test.
import type S from 'shaka-player';
import { Keyflow, customProvider, expressPlay } from '../../src/core';
import type { ShakaPlayer } from '../../src/shaka/types';
import { shaka } from '../helpers/shaka-global';

const FP = 'com.apple.fps';
const SKD = 'skd://fp.example.test/asset-42;ez-7f3a?x=1';
const CERT = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00, 0xc3]);

type Transform = (initData: Uint8Array, initDataType: string, drmInfo: { serverCertificate: Uint8Array | null }) => Uint8Array;
type FairPlayHelpers = Record<'expressplayInitDataTransform' | 'ezdrmInitDataTransform', Transform>;

const skdBytes = (uri = SKD) => new TextEncoder().encode(uri);
const fairPlayHelpers = () => (shaka as unknown as { drm: { FairPlay: FairPlayHelpers } }).drm.FairPlay;
const polyfill = globalThis as { shakaMediaKeysPolyfill?: string };

describe('FairPlay content id (drm.initDataTransform)', () => {
  let player: S.Player;
  let keyflow: { destroy(): void } | null = null;
  let polyfillBefore: string | undefined;
  const transform = () => (player.getConfiguration().drm as unknown as { initDataTransform: Transform }).initDataTransform;
  const transformed = (initData = skdBytes(), type = 'skd', cert: Uint8Array | null = CERT) =>
    Array.from(transform()(initData, type, { serverCertificate: cert }));

  beforeEach(() => {
    polyfillBefore = polyfill.shakaMediaKeysPolyfill;
    polyfill.shakaMediaKeysPolyfill = 'apple';
    player = new shaka.Player();
  });

  afterEach(async () => {
    polyfill.shakaMediaKeysPolyfill = polyfillBefore;
    keyflow?.destroy();
    keyflow = null;
    await player.destroy();
  });

  it('ExpressPlay: the bytes of Shaka’s expressplayInitDataTransform (content id: everything after skd://)', () => {
    const shakaDefault = transform();
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: expressPlay, token: 't' });
    expect(transform()).not.toBe(shakaDefault);
    const expected = Array.from(fairPlayHelpers().expressplayInitDataTransform(skdBytes(), 'skd', { serverCertificate: CERT }));
    expect(transformed()).toEqual(expected);
    // and not Shaka's default (the content id would be the host only)
    expect(transformed()).not.toEqual(Array.from(shakaDefault(skdBytes(), 'skd', { serverCertificate: CERT })));
    // the layout, read back: [len][UTF-16LE skd URI][len][UTF-16LE content id][len][certificate]
    const bytes = new Uint8Array(transformed());
    const view = new DataView(bytes.buffer);
    const uriLength = view.getUint32(0, true);
    expect(new TextDecoder('utf-16le').decode(bytes.subarray(4, 4 + uriLength))).toBe(SKD);
    const idLength = view.getUint32(4 + uriLength, true);
    expect(new TextDecoder('utf-16le').decode(bytes.subarray(8 + uriLength, 8 + uriLength + idLength))).toBe(SKD.slice('skd://'.length));
    expect(Array.from(bytes.subarray(12 + uriLength + idLength))).toEqual(Array.from(CERT));
  });

  it('custom fairPlayContentId: after-semicolon is Shaka’s ezdrmInitDataTransform, host is Shaka’s default', () => {
    const shakaDefault = transform();
    const custom = new Keyflow(player as unknown as ShakaPlayer, {
      provider: customProvider,
      servers: { [FP]: 'https://lic.example.test/fp' },
      fairPlayContentId: 'after-semicolon',
    });
    keyflow = custom;
    expect(transformed()).toEqual(Array.from(fairPlayHelpers().ezdrmInitDataTransform(skdBytes(), 'skd', { serverCertificate: CERT })));
    custom.configure({ fairPlayContentId: 'host' });
    expect(transformed()).toEqual(Array.from(shakaDefault(skdBytes(), 'skd', { serverCertificate: CERT })));
    custom.configure({ fairPlayContentId: undefined });
    expect(transform()).toBe(shakaDefault);
  });

  it('leaves other init data, modern EME (no apple polyfill) and a missing certificate to the transform before it', () => {
    const seen: string[] = [];
    const appTransform: Transform = (initData, type, drmInfo) => {
      seen.push(`${type}${drmInfo.serverCertificate ? '' : ' (no certificate)'}`);
      return initData;
    };
    player.configure({ drm: { initDataTransform: appTransform } } as unknown as S.extern.PlayerConfiguration);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: expressPlay, token: 't' });
    const cenc = new Uint8Array([0, 0, 0, 0x20, 0x70, 0x73, 0x73, 0x68]);
    expect(transformed(cenc, 'cenc')).toEqual(Array.from(cenc));
    expect(transformed(skdBytes(), 'skd', null)).toEqual(Array.from(skdBytes()));
    polyfill.shakaMediaKeysPolyfill = undefined;
    expect(transformed()).toEqual(Array.from(skdBytes()));
    expect(seen).toEqual(['cenc', 'skd (no certificate)', 'skd']);
    keyflow.destroy();
    keyflow = null;
    expect(transform()).toBe(appTransform);
  });

  it('is not set for a preset without a content id rule, and an app transform set after keyflow wins', () => {
    const shakaDefault = transform();
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: customProvider, servers: { [FP]: 'https://lic.example.test/fp' } });
    expect(transform()).toBe(shakaDefault);
    keyflow.destroy();
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: expressPlay, token: 't' });
    const appTransform: Transform = (initData, _type, _drmInfo) => initData;
    player.configure({ drm: { initDataTransform: appTransform } } as unknown as S.extern.PlayerConfiguration);
    (keyflow as Keyflow<typeof expressPlay>).configure({ token: 't2' }); // keyflow's configure() leaves the app's transform alone
    expect(transform()).toBe(appTransform);
    keyflow.destroy();
    keyflow = null;
    expect(transform()).toBe(appTransform);
  });
});
