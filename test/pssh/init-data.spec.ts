import { decodeInitData, summarizeKeyIds } from '../../src/pssh/init-data';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { base64, concat, expectDecodeError, hex } from './helpers';
import {
  AUDIO_KID,
  COMMON_V1_BOX,
  CONCATENATED_BOXES,
  KEYIDS_JSON,
  PLAYREADY_V43_BOX,
  PRO_V40,
  REAL_WORLD,
  VIDEO_KID,
  WIDEVINE_DATA,
  XML_V40_KID,
} from './vectors';

const COMMON_ID = '1077efecc0b24d02ace33c1e52e2fb4b';

describe('decodeInitData', () => {
  describe("'cenc'", () => {
    it('decodes concatenated Widevine, Common and PlayReady boxes, one entry per box', () => {
      const d = decodeInitData('cenc', CONCATENATED_BOXES);
      expect(d.initDataType).toBe('cenc');
      expect(d.systems.map((s) => [s.name, s.systemId, s.boxVersion, s.source])).toEqual([
        ['widevine', 'edef8ba979d64acea3c827dcd51d21ed', 0, 'pssh'],
        ['common', COMMON_ID, 1, 'pssh'],
        ['playready', '9a04f07998404286ab92e65be0885f95', 0, 'pssh'],
      ]);
      const [widevine, common, playready] = d.systems;
      expect(widevine!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
      expect(widevine!.widevine!.provider).toBe('keyflow');
      expect(widevine!.widevine!.contentIdText).toBe('demo-1');
      expect(widevine!.widevine!.protectionScheme).toBe('cbcs');
      expect(widevine!.playready).toBeUndefined();
      expect(common!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
      expect(common!.widevine).toBeUndefined();
      expect(playready!.keyIds).toEqual([XML_V40_KID]);
      expect(playready!.playready!.laUrl).toBe('https://license.example.com/pr?a=1&b=2');
      expect(summarizeKeyIds(d)).toEqual([VIDEO_KID, AUDIO_KID, XML_V40_KID]);
    });

    it('decodes a 4.3.0.0 PlayReady box', () => {
      const [pr] = decodeInitData('cenc', PLAYREADY_V43_BOX).systems;
      expect(pr!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
      expect(pr!.playready!.algorithm).toBe('AESCBC');
    });

    it('unions v1 box KIDs with the system data KIDs, box KIDs first, without duplicates', () => {
      // Widevine v1 box listing the audio KID and a third KID, with WIDEVINE_DATA (video, audio).
      const box = concat(
        hex('0000007f'), // size = 36 + 2*16 + 59 = 127
        hex('70737368 01000000 edef8ba979d64acea3c827dcd51d21ed 00000002'),
        hex(AUDIO_KID, '000102030405060708090a0b0c0d0e0f'),
        hex('0000003b'),
        WIDEVINE_DATA,
      );
      const [wv] = decodeInitData('cenc', box).systems;
      expect(wv!.boxVersion).toBe(1);
      expect(wv!.keyIds).toEqual([AUDIO_KID, '000102030405060708090a0b0c0d0e0f', VIDEO_KID]);
    });

    it('treats the byte-swapped PlayReady system ID as PlayReady', () => {
      const box = concat(hex('0000029c 70737368 00000000 79f0049a40988642ab92e65be0885f95 0000027c'), PRO_V40);
      const [pr] = decodeInitData('cenc', box).systems;
      expect(pr!.name).toBe('playready');
      expect(pr!.systemId).toBe('79f0049a40988642ab92e65be0885f95');
      expect(pr!.keyIds).toEqual([XML_V40_KID]);
    });

    it('does not interpret data of other systems, and allows empty Widevine/PlayReady data', () => {
      const d = decodeInitData(
        'cenc',
        concat(
          hex('00000022 70737368 00000000 1077efecc0b24d02ace33c1e52e2fb4b 00000002 ffff'), // Common with junk data
          hex('00000020 70737368 00000000 edef8ba979d64acea3c827dcd51d21ed 00000000'), // Widevine, no data
          hex('00000020 70737368 00000000 9a04f07998404286ab92e65be0885f95 00000000'), // PlayReady, no data
        ),
      );
      expect(d.systems.map((s) => s.name)).toEqual(['common', 'widevine', 'playready']);
      expect(d.systems.every((s) => s.keyIds.length === 0 && !s.widevine && !s.playready)).toBeTrue();
      expect(summarizeKeyIds(d)).toEqual([]);
    });

    it('fails as a whole on malformed system data', () => {
      const badWidevine = hex('00000022 70737368 00000000 edef8ba979d64acea3c827dcd51d21ed 00000002 0f00');
      expectDecodeError(() => decodeInitData('cenc', concat(COMMON_V1_BOX, badWidevine)), 'BAD_PROTOBUF');
      const badPlayReady = hex('00000026 70737368 00000000 9a04f07998404286ab92e65be0885f95 00000006 070000000000');
      expectDecodeError(() => decodeInitData('cenc', badPlayReady), 'TRUNCATED');
    });

    it('accepts an ArrayBuffer and other views', () => {
      const copy = COMMON_V1_BOX.slice();
      expect(decodeInitData('cenc', copy.buffer).systems[0]!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
      const padded = concat(hex('aaaa'), COMMON_V1_BOX);
      const view = new DataView(padded.buffer, 2);
      expect(decodeInitData('cenc', view).systems[0]!.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
    });

    describe('real-world vectors (content/*/manifest.mpd, Shaka Packager)', () => {
      it('Common pssh lists both KIDs', () => {
        const d = decodeInitData('cenc', base64(REAL_WORLD.commonPssh));
        expect(d.systems.length).toBe(1);
        expect(d.systems[0]!.name).toBe('common');
        expect([...d.systems[0]!.keyIds].sort()).toEqual([AUDIO_KID, VIDEO_KID].sort());
      });

      it('Widevine pssh (cenc and cbcs) lists both KIDs and the scheme', () => {
        for (const [vector, scheme] of [
          [REAL_WORLD.widevinePsshCenc, 'cenc'],
          [REAL_WORLD.widevinePsshCbcs, 'cbcs'],
        ] as const) {
          const [wv] = decodeInitData('cenc', base64(vector)).systems;
          expect(wv!.name).toBe('widevine');
          expect(wv!.boxVersion).toBe(0);
          expect([...wv!.keyIds].sort()).toEqual([AUDIO_KID, VIDEO_KID].sort());
          expect(wv!.widevine!.protectionScheme).toBe(scheme);
        }
      });

      it('PlayReady pssh carries the track KID (4.0.0.0 AESCTR for cenc, 4.3.0.0 AESCBC for cbcs)', () => {
        const [cenc] = decodeInitData('cenc', base64(REAL_WORLD.playreadyPsshCencVideo)).systems;
        expect(cenc!.keyIds).toEqual([VIDEO_KID]);
        expect(cenc!.playready!.version).toBe('4.0.0.0');
        expect(cenc!.playready!.algorithm).toBe('AESCTR');
        expect(cenc!.playready!.kids[0]!.checksum).toBeDefined();
        const [cbcs] = decodeInitData('cenc', base64(REAL_WORLD.playreadyPsshCbcsAudio)).systems;
        expect(cbcs!.keyIds).toEqual([AUDIO_KID]);
        expect(cbcs!.playready!.version).toBe('4.3.0.0');
        expect(cbcs!.playready!.algorithm).toBe('AESCBC');
        expect(cbcs!.playready!.kids[0]!.checksum).toBeUndefined();
      });

      it('all cenc:pssh of one AdaptationSet together name exactly the two content KIDs', () => {
        const all = concat(base64(REAL_WORLD.commonPssh), base64(REAL_WORLD.playreadyPsshCencVideo), base64(REAL_WORLD.widevinePsshCenc));
        const d = decodeInitData('cenc', all);
        expect(d.systems.map((s) => s.name)).toEqual(['common', 'playready', 'widevine']);
        expect([...summarizeKeyIds(d)].sort()).toEqual([AUDIO_KID, VIDEO_KID].sort());
      });
    });
  });

  describe("'keyids'", () => {
    it('gives one Common-system entry with the KIDs', () => {
      expect(decodeInitData('keyids', KEYIDS_JSON)).toEqual({
        initDataType: 'keyids',
        systems: [{ systemId: COMMON_ID, name: 'common', keyIds: [VIDEO_KID, AUDIO_KID], source: 'keyids' }],
      });
    });

    it('de-duplicates KIDs', () => {
      const d = decodeInitData('keyids', new TextEncoder().encode('{"kids":["AQ","AQ"]}'));
      expect(d.systems[0]!.keyIds).toEqual(['01']);
    });

    it('passes keyids errors through', () => {
      expectDecodeError(() => decodeInitData('keyids', new TextEncoder().encode('{"kids":["AQ=="]}')), 'BAD_KEYIDS_JSON');
    });
  });

  describe("'webm'", () => {
    it('treats the data as one key ID', () => {
      expect(decodeInitData('webm', hex(VIDEO_KID))).toEqual({
        initDataType: 'webm',
        systems: [{ systemId: COMMON_ID, name: 'common', keyIds: [VIDEO_KID], source: 'webm' }],
      });
      expect(decodeInitData('webm', hex('01')).systems[0]!.keyIds).toEqual(['01']);
    });

    it('rejects key IDs over 512 bytes with BAD_WEBM_KEY_ID', () => {
      expect(decodeInitData('webm', new Uint8Array(512)).systems[0]!.keyIds[0]!.length).toBe(1024);
      expectDecodeError(() => decodeInitData('webm', new Uint8Array(513)), 'BAD_WEBM_KEY_ID');
    });
  });

  describe('rejects', () => {
    it('empty init data of any type with EMPTY', () => {
      for (const type of ['cenc', 'keyids', 'webm']) expectDecodeError(() => decodeInitData(type, new Uint8Array(0)), 'EMPTY');
    });

    it('unknown init data types (case-sensitive) with UNSUPPORTED_INIT_DATA_TYPE', () => {
      for (const type of ['CENC', 'sinf', 'skd', '']) {
        expectDecodeError(() => decodeInitData(type, COMMON_V1_BOX), 'UNSUPPORTED_INIT_DATA_TYPE');
      }
    });

    it('non-bytes and a non-string type with BAD_INPUT', () => {
      expectDecodeError(() => decodeInitData('cenc', 'AAAA' as unknown as Uint8Array), 'BAD_INPUT');
      expectDecodeError(() => decodeInitData(undefined as unknown as string, COMMON_V1_BOX), 'BAD_INPUT');
    });

    it('input over the size cap with TOO_LARGE', () => {
      expectDecodeError(() => decodeInitData('cenc', new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
    });

    it('box errors with their own codes', () => {
      expectDecodeError(() => decodeInitData('cenc', hex('00000008 66726565')), 'BAD_BOX');
      expectDecodeError(() => decodeInitData('cenc', COMMON_V1_BOX.subarray(0, 40)), 'TRUNCATED');
    });
  });
});

describe('summarizeKeyIds', () => {
  it('returns the union in first-seen order, lower-cased', () => {
    expect(
      summarizeKeyIds({
        initDataType: 'cenc',
        systems: [
          { systemId: COMMON_ID, name: 'common', source: 'pssh', keyIds: ['AA', 'bb'] },
          { systemId: COMMON_ID, name: 'common', source: 'pssh', keyIds: ['bb', 'cc', 'aa'] },
        ],
      }),
    ).toEqual(['aa', 'bb', 'cc']);
  });
});
