/**
 * Byte-exact test vectors, written out by hand from the layouts in
 * /work/shared/reference/formats.md (§1.1 pssh, §3.3 Widevine, §3.4
 * PlayReady) and the W3C keyids format. Expected values in the specs are
 * derived by hand, never by running the decoders.
 *
 * Key IDs used throughout (content/README.md): video
 * a8902072-5312-12e8-717f-2aeeb98cea1c, audio 4a63349a-01f3-3504-a424-9e5777467e89.
 */

import { ascii, concat, hex, utf16le } from './helpers';

export const VIDEO_KID = 'a8902072531212e8717f2aeeb98cea1c';
export const AUDIO_KID = '4a63349a01f33504a4249e5777467e89';

/**
 * Widevine PSSH data (protobuf, 59 = 0x3b bytes): two key_ids, provider,
 * content_id, protection_scheme 'cbcs'.
 */
export const WIDEVINE_DATA = hex(
  '12 10', // field 2 key_id, wire type 2: key (2<<3)|2 = 0x12, length 16
  'a8902072531212e8717f2aeeb98cea1c', //   video KID
  '12 10', // field 2 key_id again
  '4a63349a01f33504a4249e5777467e89', //   audio KID
  '1a 07', // field 3 provider: key (3<<3)|2 = 0x1a, length 7
  '6b 65 79 66 6c 6f 77', //   "keyflow"
  '22 06', // field 4 content_id: key (4<<3)|2 = 0x22, length 6
  '64 65 6d 6f 2d 31', //   "demo-1"
  '48', // field 9 protection_scheme: key (9<<3)|0 = 0x48, varint follows
  'f3 c6 89 9b 06', //   0x63626373 'cbcs' = 1667392371; base-128 digits, least significant
  //   first: 115 (0x73|0x80=f3), 70 (0x46|0x80=c6), 9 (89), 27 (9b), 6 (06)
);

/** Version-0 Widevine pssh box wrapping WIDEVINE_DATA (91 = 0x5b bytes). */
export const WIDEVINE_V0_BOX = concat(
  hex(
    '0000005b', // size = 32 + 59 = 91
    '70737368', // 'pssh'
    '00 000000', // version 0, flags 0
    'edef8ba9 79d64ace a3c827dc d51d21ed', // SystemID Widevine
    '0000003b', // DataSize = 59
  ),
  WIDEVINE_DATA,
);

/** Version-1 W3C Common pssh box with the two KIDs and no data (68 = 0x44 bytes). */
export const COMMON_V1_BOX = hex(
  '00000044', // size = 36 + 2*16 + 0 = 68
  '70737368', // 'pssh'
  '01 000000', // version 1, flags 0
  '1077efec c0b24d02 ace33c1e 52e2fb4b', // SystemID W3C Common
  '00000002', // KID_count = 2
  'a8902072531212e8717f2aeeb98cea1c', // KID 1 (video)
  '4a63349a01f33504a4249e5777467e89', // KID 2 (audio)
  '00000000', // DataSize = 0
);

/** formats.md §1.1 verified example: Common v1, one KID 3132…36 (52 bytes). */
export const SHAKA_COMMON_EXAMPLE = hex(
  '00000034 70737368 01000000 1077efecc0b24d02ace33c1e52e2fb4b 00000001 31323334353637383930313233343536 00000000',
);

/** formats.md §3.3 verified example: Widevine v0, KID 3132…36, scheme cenc (56 bytes). */
export const SHAKA_WIDEVINE_EXAMPLE = hex(
  '00000038 70737368 00000000 edef8ba979d64acea3c827dcd51d21ed 00000018 12 10 31323334353637383930313233343536 48 e3dc959b06',
);

/**
 * WRMHEADER 4.0.0.0 (313 characters). KID = the example of PlayReady's
 * "mpeg-dash-playready" Table 2 (formats.md §3.4): UUID
 * f81d4fae-7dec-11d0-a765-00a0c91e6bf6 → base64 of the LE GUID
 * "rk8d+Ox90BGnZQCgyR5r9g==". Decoded by hand:
 *   rk8d → ae 4f 1d, +Ox9 → f8 ec 7d, 0BGn → d0 11 a7, ZQCg → 65 00 a0,
 *   yR5r → c9 1e 6b, 9g== → f6
 *   LE bytes  ae4f1df8 ec7d d011 a765 00a0c91e6bf6
 *   BE bytes  f81d4fae 7dec 11d0 a765 00a0c91e6bf6  (first 4 reversed, next 2
 *   reversed, next 2 reversed, last 8 unchanged)
 * `&amp;` in LA_URL checks entity decoding.
 */
export const XML_V40 =
  '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.0.0.0">' +
  '<DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO>' +
  '<KID>rk8d+Ox90BGnZQCgyR5r9g==</KID><CHECKSUM>AAECAwQFBgc=</CHECKSUM>' +
  '<LA_URL>https://license.example.com/pr?a=1&amp;b=2</LA_URL></DATA></WRMHEADER>';
export const XML_V40_KID = 'f81d4fae7dec11d0a76500a0c91e6bf6';

/** PlayReady Object with one WRMHEADER record holding XML_V40 (636 = 0x27c bytes). */
export const PRO_V40 = concat(
  hex(
    '7c020000', // Length = 6 + 4 + 626 = 636 = 0x0000027c, little-endian
    '0100', // RecordCount = 1 (LE)
    '0100', // RecordType = 1, PlayReady Header (LE)
    '7202', // RecordLength = 313 chars * 2 = 626 = 0x0272 (LE)
  ),
  utf16le(XML_V40),
);

/** PlayReady pssh box (v0) around PRO_V40 (668 = 0x29c bytes). */
export const PLAYREADY_V0_BOX = concat(
  hex(
    '0000029c', // size = 32 + 636 = 668
    '70737368', // 'pssh'
    '00 000000', // version 0, flags 0
    '9a04f079 98404286 ab92e65b e0885f95', // SystemID PlayReady
    '0000027c', // DataSize = 636
  ),
  PRO_V40,
);

/**
 * WRMHEADER 4.3.0.0 with the two KIDs, ALGID AESCBC, no CHECKSUM (491
 * characters). KID VALUEs are base64 of the LE GUIDs:
 *   video a8902072-5312-12e8-717f-2aeeb98cea1c → LE 722090a8 1253 e812 717f2aeeb98cea1c
 *     → "ciCQqBJT6BJxfyruuYzqHA==" (ciCQ → 72 20 90, as written by Shaka Packager in content/cbcs)
 *   audio 4a63349a-01f3-3504-a424-9e5777467e89 → LE 9a34634a f301 0435 a4249e5777467e89
 *     → "mjRjSvMBBDWkJJ5Xd0Z+iQ==" (mjRj → 9a 34 63)
 */
export const XML_V43 =
  '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0">' +
  '<DATA><PROTECTINFO><KIDS>' +
  '<KID ALGID="AESCBC" VALUE="ciCQqBJT6BJxfyruuYzqHA=="></KID>' +
  '<KID ALGID="AESCBC" VALUE="mjRjSvMBBDWkJJ5Xd0Z+iQ=="></KID>' +
  '</KIDS></PROTECTINFO>' +
  '<LA_URL>https://license.example.com/pr</LA_URL>' +
  '<DS_ID>AH+03juKbUGbHl1V/QIwRA==</DS_ID>' +
  '<CUSTOMATTRIBUTES xmlns=""><Note kind="test">keyflow &amp; co</Note></CUSTOMATTRIBUTES>' +
  '<DECRYPTORSETUP>ONDEMAND</DECRYPTORSETUP></DATA></WRMHEADER>';

/** PlayReady Object with one record holding XML_V43 (992 = 0x3e0 bytes). */
export const PRO_V43 = concat(
  hex(
    'e0030000', // Length = 6 + 4 + 982 = 992 = 0x3e0 (LE)
    '0100', // RecordCount = 1
    '0100', // RecordType = 1
    'd603', // RecordLength = 491 * 2 = 982 = 0x3d6 (LE)
  ),
  utf16le(XML_V43),
);

/** PlayReady pssh box (v0) around PRO_V43 (1024 = 0x400 bytes). */
export const PLAYREADY_V43_BOX = concat(hex('00000400 70737368 00000000 9a04f07998404286ab92e65be0885f95 000003e0'), PRO_V43);

/** Widevine v0 + Common v1 + PlayReady v0, concatenated (91 + 68 + 668 bytes). */
export const CONCATENATED_BOXES = concat(WIDEVINE_V0_BOX, COMMON_V1_BOX, PLAYREADY_V0_BOX);

/** Common v1 box with size = 1 and a 64-bit largesize (60 = 0x3c bytes). */
export const LARGESIZE_BOX = hex(
  '00000001', // size = 1: a u64 largesize follows the type
  '70737368', // 'pssh'
  '00000000 0000003c', // largesize = 8 + 8 + 4 + 16 + 4 + 16 + 4 = 60
  '01 000000', // version 1, flags 0
  '1077efecc0b24d02ace33c1e52e2fb4b', // Common
  '00000001', // KID_count = 1
  'a8902072531212e8717f2aeeb98cea1c', // video KID
  '00000000', // DataSize 0
);

/** Box with 3 bytes of padding after its Data, as Bento4 can write (37 = 0x25 bytes). */
export const PADDED_BOX = hex(
  '00000025', // size = 32 + 2 + 3 = 37
  '70737368',
  '00000000',
  '69f908af481646ea910ccd5dcccb0a3a', // Marlin (Bento4 pssh ID)
  '00000002', // DataSize = 2
  'abcd', // Data
  '000000', // padding (inside the box, after Data)
);

/** W3C keyids init data with both KIDs and a "type" member (UTF-8 JSON). */
export const KEYIDS_JSON_TEXT = '{"kids":["qJAgclMSEuhxfyruuYzqHA","SmM0mgHzNQSkJJ5Xd0Z-iQ"],"type":"temporary"}';
// qJAg → a8 90 20 (101010 001001 000000 100000); SmM0 → 4a 63 34; '-' is base64url for '+'.
export const KEYIDS_JSON = ascii(KEYIDS_JSON_TEXT);

/**
 * Real-world vectors copied from content/cenc/manifest.mpd and
 * content/cbcs/manifest.mpd (Shaka Packager 3.4.2, raw keys, video KID
 * a8902072…, audio KID 4a63349a…).
 */
export const REAL_WORLD = {
  /** `cenc:pssh` of the Common system (same in both manifests and both AdaptationSets). */
  commonPssh: 'AAAARHBzc2gBAAAAEHfv7MCyTQKs4zweUuL7SwAAAAJKYzSaAfM1BKQknld3Rn6JqJAgclMSEuhxfyruuYzqHAAAAAA=',
  /** `cenc:pssh` of Widevine, cenc manifest. */
  widevinePsshCenc: 'AAAASnBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAACoSEEpjNJoB8zUEpCSeV3dGfokSEKiQIHJTEhLocX8q7rmM6hxI49yVmwY=',
  /** `cenc:pssh` of Widevine, cbcs manifest. */
  widevinePsshCbcs: 'AAAASnBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAACoSEEpjNJoB8zUEpCSeV3dGfokSEKiQIHJTEhLocX8q7rmM6hxI88aJmwY=',
  /** `cenc:pssh` of PlayReady, cenc manifest, video AdaptationSet (WRMHEADER 4.0.0.0). */
  playreadyPsshCencVideo:
    'AAACJnBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAAgYGAgAAAQABAPwBPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMAAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBFAFkATABFAE4APgAxADYAPAAvAEsARQBZAEwARQBOAD4APABBAEwARwBJAEQAPgBBAEUAUwBDAFQAUgA8AC8AQQBMAEcASQBEAD4APAAvAFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAPgBjAGkAQwBRAHEAQgBKAFQANgBCAEoAeABmAHkAcgB1AHUAWQB6AHEASABBAD0APQA8AC8ASwBJAEQAPgA8AEMASABFAEMASwBTAFUATQA+AFQAQgBsAHEATABrAHUAagBvAG4AdwA9ADwALwBDAEgARQBDAEsAUwBVAE0APgA8AC8ARABBAFQAQQA+ADwALwBXAFIATQBIAEUAQQBEAEUAUgA+AA==',
  /** `mspr:pro` of the cenc manifest, audio AdaptationSet (WRMHEADER 4.0.0.0). */
  playreadyProCencAudio:
    'BgIAAAEAAQD8ATwAVwBSAE0ASABFAEEARABFAFIAIAB4AG0AbABuAHMAPQAiAGgAdAB0AHAAOgAvAC8AcwBjAGgAZQBtAGEAcwAuAG0AaQBjAHIAbwBzAG8AZgB0AC4AYwBvAG0ALwBEAFIATQAvADIAMAAwADcALwAwADMALwBQAGwAYQB5AFIAZQBhAGQAeQBIAGUAYQBkAGUAcgAiACAAdgBlAHIAcwBpAG8AbgA9ACIANAAuADAALgAwAC4AMAAiAD4APABEAEEAVABBAD4APABQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsARQBZAEwARQBOAD4AMQA2ADwALwBLAEUAWQBMAEUATgA+ADwAQQBMAEcASQBEAD4AQQBFAFMAQwBUAFIAPAAvAEEATABHAEkARAA+ADwALwBQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsASQBEAD4AbQBqAFIAagBTAHYATQBCAEIARABXAGsASgBKADUAWABkADAAWgArAGkAUQA9AD0APAAvAEsASQBEAD4APABDAEgARQBDAEsAUwBVAE0APgBSAEYANABjAEwASwBlAGsAcgBsAGsAPQA8AC8AQwBIAEUAQwBLAFMAVQBNAD4APAAvAEQAQQBUAEEAPgA8AC8AVwBSAE0ASABFAEEARABFAFIAPgA=',
  /** `cenc:pssh` of PlayReady, cbcs manifest, audio AdaptationSet (WRMHEADER 4.3.0.0, AESCBC). */
  playreadyPsshCbcsAudio:
    'AAAB3nBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAAb6+AQAAAQABALQBPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMwAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAUwA+ADwASwBJAEQAIABBAEwARwBJAEQAPQAiAEEARQBTAEMAQgBDACIAIABWAEEATABVAEUAPQAiAG0AagBSAGoAUwB2AE0AQgBCAEQAVwBrAEoASgA1AFgAZAAwAFoAKwBpAFEAPQA9ACIAPgA8AC8ASwBJAEQAPgA8AC8ASwBJAEQAUwA+ADwALwBQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AC8ARABBAFQAQQA+ADwALwBXAFIATQBIAEUAQQBEAEUAUgA+AA==',
  /**
   * PlayReady Object from Microsoft's "PlayReady Header Specification" §3.6.1
   * (WRMHEADER 4.0.0.0, KID q5HgCTj40kGeNVhTH9Gexw==). By hand: q5Hg → ab 91 e0,
   * CTj4 → 09 38 f8, 0kGe → d2 41 9e, NVhT → 35 58 53, H9Ge → 1f d1 9e, xw== → c7;
   * LE ab91e009 38f8 d241 9e3558531fd19ec7 → BE 09e091ab f838 41d2 9e3558531fd19ec7.
   */
  microsoftSpecPro:
    'XAMAAAEAAQBSAzwAVwBSAE0ASABFAEEARABFAFIAIAB4AG0AbABuAHMAPQAiAGgAdAB0AHAAOgAvAC8AcwBjAGgAZQBtAGEAcwAuAG0AaQBjAHIAbwBzAG8AZgB0AC4AYwBvAG0ALwBEAFIATQAvADIAMAAwADcALwAwADMALwBQAGwAYQB5AFIAZQBhAGQAeQBIAGUAYQBkAGUAcgAiACAAdgBlAHIAcwBpAG8AbgA9ACIANAAuADAALgAwAC4AMAAiAD4APABEAEEAVABBAD4APABQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsARQBZAEwARQBOAD4AMQA2ADwALwBLAEUAWQBMAEUATgA+ADwAQQBMAEcASQBEAD4AQQBFAFMAQwBUAFIAPAAvAEEATABHAEkARAA+ADwALwBQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsASQBEAD4AcQA1AEgAZwBDAFQAagA0ADAAawBHAGUATgBWAGgAVABIADkARwBlAHgAdwA9AD0APAAvAEsASQBEAD4APABDAEgARQBDAEsAUwBVAE0APgB3ACsATwBaAFYAcgA4AHYAegByAFEAPQA8AC8AQwBIAEUAQwBLAFMAVQBNAD4APABMAEEAXwBVAFIATAA+AGgAdAB0AHAAcwA6AC8ALwBwAHIAbwBmAGYAaQBjAGkAYQBsAHMAaQB0AGUALgBrAGUAeQBkAGUAbABpAHYAZQByAHkALgBtAGUAZABpAGEAcwBlAHIAdgBpAGMAZQBzAC4AdwBpAG4AZABvAHcAcwAuAG4AZQB0AC8AUABsAGEAeQBSAGUAYQBkAHkALwA8AC8ATABBAF8AVQBSAEwAPgA8AEMAVQBTAFQATwBNAEEAVABUAFIASQBCAFUAVABFAFMAPgA8AEkASQBTAF8ARABSAE0AXwBWAEUAUgBTAEkATwBOAD4AOAAuADAALgAxADcAMAA1AC4AMQA5ADwALwBJAEkAUwBfAEQAUgBNAF8AVgBFAFIAUwBJAE8ATgA+ADwALwBDAFUAUwBUAE8ATQBBAFQAVABSAEkAQgBVAFQARQBTAD4APAAvAEQAQQBUAEEAPgA8AC8AVwBSAE0ASABFAEEARABFAFIAPgA=',
  microsoftSpecKid: '09e091abf83841d29e3558531fd19ec7',
} as const;
