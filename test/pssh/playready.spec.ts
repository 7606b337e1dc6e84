import { decodePlayReadyObject, decodeWrmHeader, parseWrmHeaderXml } from '../../src/pssh/playready';
import { PsshDecodeError } from '../../src/pssh/errors';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { base64, concat, expectDecodeError, hex, utf16le } from './helpers';
import { AUDIO_KID, PRO_V40, PRO_V43, REAL_WORLD, VIDEO_KID, XML_V40, XML_V40_KID, XML_V43 } from './vectors';

const NS = 'xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader"';

/** A PRO with one type-1 record holding `xml`; lengths written from the spec layout. */
function proWith(xml: string): Uint8Array {
  const record = utf16le(xml);
  const length = 10 + record.length;
  return concat(
    hex(
      [length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, 0].map((b) => b.toString(16).padStart(2, '0')).join(''),
      '0100 0100',
      [record.length & 0xff, record.length >> 8].map((b) => b.toString(16).padStart(2, '0')).join(''),
    ),
    record,
  );
}

describe('decodePlayReadyObject', () => {
  it('sanity-checks the hand-written vector lengths', () => {
    expect(XML_V40.length).toBe(313);
    expect(PRO_V40.length).toBe(0x27c);
    expect(XML_V43.length).toBe(491);
    expect(PRO_V43.length).toBe(0x3e0);
  });

  it('decodes a 4.0.0.0 header: KID (LE GUID → BE), ALGID, KEYLEN, CHECKSUM, LA_URL', () => {
    const pro = decodePlayReadyObject(PRO_V40);
    expect(pro.length).toBe(636);
    expect(pro.records).toEqual([{ type: 1, offset: 10, length: 626 }]);
    expect(pro.headers.length).toBe(1);
    const h = pro.headers[0]!;
    expect(h.version).toBe('4.0.0.0');
    expect(h.keyIds).toEqual([XML_V40_KID]); // f81d4fae-7dec-11d0-a765-00a0c91e6bf6
    expect(h.kids).toEqual([{ keyId: XML_V40_KID, value: 'rk8d+Ox90BGnZQCgyR5r9g==', algorithm: 'AESCTR', checksum: 'AAECAwQFBgc=' }]);
    expect(h.algorithm).toBe('AESCTR');
    expect(h.keyLength).toBe(16);
    expect(h.checksum).toBe('AAECAwQFBgc=');
    expect(h.laUrl).toBe('https://license.example.com/pr?a=1&b=2');
    expect(h.luiUrl).toBeUndefined();
    expect(h.dsId).toBeUndefined();
    expect(h.customAttributes).toBeUndefined();
    expect(h.xml).toBe(XML_V40);
    expect(pro.embeddedLicenseStore).toBeUndefined();
  });

  it('decodes a 4.3.0.0 header with two AESCBC KIDs and the optional DATA children', () => {
    const h = decodePlayReadyObject(PRO_V43).headers[0]!;
    expect(h.version).toBe('4.3.0.0');
    expect(h.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
    expect(h.kids).toEqual([
      { keyId: VIDEO_KID, value: 'ciCQqBJT6BJxfyruuYzqHA==', algorithm: 'AESCBC' },
      { keyId: AUDIO_KID, value: 'mjRjSvMBBDWkJJ5Xd0Z+iQ==', algorithm: 'AESCBC' },
    ]);
    expect(h.algorithm).toBe('AESCBC');
    expect(h.checksum).toBeUndefined();
    expect(h.laUrl).toBe('https://license.example.com/pr');
    expect(h.dsId).toBe('AH+03juKbUGbHl1V/QIwRA==');
    expect(h.customAttributes).toBe('<Note kind="test">keyflow &amp; co</Note>');
    expect(h.decryptorSetup).toBe('ONDEMAND');
  });

  it("decodes the PlayReady Object from Microsoft's header specification (§3.6.1)", () => {
    const pro = decodePlayReadyObject(base64(REAL_WORLD.microsoftSpecPro));
    expect(pro.length).toBe(0x35c); // 5c 03 00 00
    expect(pro.records).toEqual([{ type: 1, offset: 10, length: 0x352 }]);
    const h = pro.headers[0]!;
    expect(h.keyIds).toEqual([REAL_WORLD.microsoftSpecKid]);
    expect(h.checksum).toBe('w+OZVr8vzrQ=');
    expect(h.laUrl).toBe('https://profficialsite.keydelivery.mediaservices.windows.net/PlayReady/');
    expect(h.customAttributes).toBe('<IIS_DRM_VERSION>8.0.1705.19</IIS_DRM_VERSION>');
  });

  it('decodes the mspr:pro written by Shaka Packager (content/cenc, audio)', () => {
    const h = decodePlayReadyObject(base64(REAL_WORLD.playreadyProCencAudio)).headers[0]!;
    expect(h.version).toBe('4.0.0.0');
    expect(h.keyIds).toEqual([AUDIO_KID]);
    expect(h.algorithm).toBe('AESCTR');
    expect(h.checksum).toBeDefined();
    expect(h.laUrl).toBeUndefined();
  });

  it('keeps an embedded license store and ignores other record types', () => {
    const pro = concat(
      hex('18000000', '0300'), // Length 6 + 6 + 8 + 4 = 24, 3 records
      hex('0200 0200 aaaa'), // type 2 (reserved), 2 bytes
      hex('0300 0400 01020304'), // type 3 (ELS), 4 bytes
      hex('0900 0000'), // type 9 (unknown), empty
    );
    const decoded = decodePlayReadyObject(pro);
    expect(decoded.records.map((r) => r.type)).toEqual([2, 3, 9]);
    expect(decoded.headers).toEqual([]);
    expect(Array.from(decoded.embeddedLicenseStore!)).toEqual([1, 2, 3, 4]);
  });

  it('accepts an object with zero records', () => {
    expect(decodePlayReadyObject(hex('06000000 0000')).records).toEqual([]);
  });

  describe('rejects', () => {
    it('a Length beyond the data with TRUNCATED', () => {
      const pro = PRO_V40.slice();
      pro[0] = 0x7d; // 637
      expectDecodeError(() => decodePlayReadyObject(pro), 'TRUNCATED');
    });

    it('a Length shorter than the data, or than its own header, with BAD_PLAYREADY_OBJECT', () => {
      const pro = PRO_V40.slice();
      pro[0] = 0x7b; // 635
      expectDecodeError(() => decodePlayReadyObject(pro), 'BAD_PLAYREADY_OBJECT');
      expectDecodeError(() => decodePlayReadyObject(hex('05000000 0000 00')), 'BAD_PLAYREADY_OBJECT');
    });

    it('a record running past Length with TRUNCATED', () => {
      expectDecodeError(() => decodePlayReadyObject(hex('0c000000 0100 0100 0400 aabb')), 'TRUNCATED');
      expectDecodeError(() => decodePlayReadyObject(hex('0a000000 0200 0300 0000')), 'TRUNCATED'); // 2nd record missing
    });

    it('bytes after the last record with BAD_PLAYREADY_OBJECT', () => {
      expectDecodeError(() => decodePlayReadyObject(hex('08000000 0000 aabb')), 'BAD_PLAYREADY_OBJECT');
    });

    it('a header record of odd length with BAD_WRMHEADER', () => {
      expectDecodeError(() => decodePlayReadyObject(hex('0b000000 0100 0100 0100 3c')), 'BAD_WRMHEADER');
    });

    it('an unpaired surrogate with BAD_WRMHEADER', () => {
      const xml = utf16le(`<WRMHEADER ${NS} version="4.3.0.0"><DATA><LA_URL>x</LA_URL></DATA></WRMHEADER>`);
      const bad = concat(xml.subarray(0, 20), hex('00d8'), xml.subarray(20)); // lone high surrogate U+D800
      expectDecodeError(() => decodeWrmHeader(bad), 'BAD_WRMHEADER');
      expectDecodeError(() => decodeWrmHeader(hex('00dc 3c00')), 'BAD_WRMHEADER'); // lone low surrogate
    });

    it('every proper prefix with a PsshDecodeError', () => {
      let failures = 0;
      for (let n = 0; n < PRO_V40.length; n++) {
        try {
          decodePlayReadyObject(PRO_V40.subarray(0, n));
          failures++;
        } catch (e) {
          if (!(e instanceof PsshDecodeError)) failures++;
        }
      }
      expect(failures).toBe(0);
    });

    it('input over the size cap with TOO_LARGE', () => {
      expectDecodeError(() => decodePlayReadyObject(new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
      expectDecodeError(() => decodeWrmHeader(new Uint8Array(MAX_INPUT_BYTES + 2)), 'TOO_LARGE');
    });
  });
});

describe('decodeWrmHeader', () => {
  it('decodes UTF-16LE header bytes and tolerates a BOM', () => {
    expect(decodeWrmHeader(utf16le(XML_V40)).keyIds).toEqual([XML_V40_KID]);
    expect(decodeWrmHeader(concat(hex('fffe'), utf16le(XML_V40))).keyIds).toEqual([XML_V40_KID]);
  });
});

describe('parseWrmHeaderXml', () => {
  const v41 =
    `<WRMHEADER ${NS} version="4.1.0.0"><DATA><PROTECTINFO>` +
    '<KID ALGID="AESCTR" CHECKSUM="xNvWVxoWk04=" VALUE="0IbHou/5s0yzM80yOkKEpQ=="></KID>' +
    '</PROTECTINFO><DECRYPTORSETUP>ONDEMAND</DECRYPTORSETUP></DATA></WRMHEADER>';
  // 0IbHou/5s0yzM80yOkKEpQ== by hand: 0IbH → d0 86 c7, ou/5 → a2 ef f9, s0yz → b3 4c b3,
  // M80y → 33 cd 32, OkKE → 3a 42 84, pQ== → a5.
  // LE d086c7a2 eff9 b34c b333cd323a4284a5 → BE a2c786d0 f9ef 4cb3 b333cd323a4284a5
  const V41_KID = 'a2c786d0f9ef4cb3b333cd323a4284a5';

  it('reads a 4.1.0.0 PROTECTINFO/KID with attributes', () => {
    const h = parseWrmHeaderXml(v41);
    expect(h.version).toBe('4.1.0.0');
    expect(h.kids).toEqual([{ keyId: V41_KID, value: '0IbHou/5s0yzM80yOkKEpQ==', algorithm: 'AESCTR', checksum: 'xNvWVxoWk04=' }]);
    expect(h.algorithm).toBe('AESCTR');
    expect(h.checksum).toBeUndefined(); // the 4.0 DATA/CHECKSUM element, not the KID attribute
    expect(h.decryptorSetup).toBe('ONDEMAND');
  });

  it('reads 4.2.0.0 KIDS/KID and leaves the header algorithm unset when KIDs differ', () => {
    const h = parseWrmHeaderXml(
      `<WRMHEADER ${NS} version="4.2.0.0"><DATA><PROTECTINFO><KIDS>` +
        '<KID ALGID="AESCTR" VALUE="ciCQqBJT6BJxfyruuYzqHA=="></KID>' +
        '<KID ALGID="COCKTAIL" VALUE="mjRjSvMBBDWkJJ5Xd0Z+iQ=="></KID>' +
        '</KIDS></PROTECTINFO></DATA></WRMHEADER>',
    );
    expect(h.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
    expect(h.kids.map((k) => k.algorithm)).toEqual(['AESCTR', 'COCKTAIL']);
    expect(h.algorithm).toBeUndefined();
  });

  it('reads a 4.3.0.0 KID without ALGID, LICENSEREQUESTED, and de-duplicates keyIds', () => {
    const h = parseWrmHeaderXml(
      `<WRMHEADER ${NS} version="4.3.0.0"><DATA><PROTECTINFO LICENSEREQUESTED="true"><KIDS>` +
        '<KID VALUE="ciCQqBJT6BJxfyruuYzqHA=="></KID><KID VALUE="ciCQqBJT6BJxfyruuYzqHA=="></KID>' +
        '</KIDS></PROTECTINFO></DATA></WRMHEADER>',
    );
    expect(h.kids.length).toBe(2);
    expect(h.keyIds).toEqual([VIDEO_KID]);
    expect(h.algorithm).toBeUndefined();
    expect(h.kids[0]!.algorithm).toBeUndefined();
    expect(h.licenseRequested).toBeTrue();
  });

  it('accepts headers without KIDs from 4.1 on', () => {
    const h = parseWrmHeaderXml(`<WRMHEADER ${NS} version="4.1.0.0"><DATA><LA_URL>https://x/</LA_URL></DATA></WRMHEADER>`);
    expect(h.keyIds).toEqual([]);
    expect(h.laUrl).toBe('https://x/');
    expect(parseWrmHeaderXml(`<WRMHEADER version="4.2.0.0"></WRMHEADER>`).keyIds).toEqual([]);
  });

  it('tolerates XML variations: prolog, comments, CDATA, single quotes, prefixes, self-closing KID, BOM, trailing NUL', () => {
    const h = parseWrmHeaderXml(
      '\uFEFF<?xml version="1.0" encoding="utf-16"?>\n<!-- header -->\n' +
        `<pr:WRMHEADER xmlns:pr="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version='4.3.0.0'>` +
        '<pr:DATA>\n  <pr:PROTECTINFO><pr:KIDS><pr:KID ALGID="AESCBC" VALUE="ciCQqBJT6BJxfyruuYzqHA&#x3D;&#61;"/></pr:KIDS></pr:PROTECTINFO>' +
        '<pr:LA_URL><![CDATA[https://l.example/?a=1&b=<2>]]></pr:LA_URL><!-- c -->' +
        '<pr:LUI_URL> https://ui.example/ </pr:LUI_URL><pr:UNKNOWN_THING a="b">x</pr:UNKNOWN_THING>' +
        '</pr:DATA></pr:WRMHEADER>\n\u0000',
    );
    expect(h.keyIds).toEqual([VIDEO_KID]);
    expect(h.kids[0]!.value).toBe('ciCQqBJT6BJxfyruuYzqHA==');
    expect(h.laUrl).toBe('https://l.example/?a=1&b=<2>');
    expect(h.luiUrl).toBe('https://ui.example/');
  });

  it('keeps CUSTOMATTRIBUTES as raw inner XML', () => {
    const inner = '\n  <mm:Publisher xmlns:mm="urn:x"><mm:Author>A &lt;B&gt;</mm:Author></mm:Publisher>\n';
    const h = parseWrmHeaderXml(
      `<WRMHEADER ${NS} version="4.0.0.0"><DATA><KID>rk8d+Ox90BGnZQCgyR5r9g==</KID>` +
        `<CUSTOMATTRIBUTES xmlns="">${inner}</CUSTOMATTRIBUTES></DATA></WRMHEADER>`,
    );
    expect(h.customAttributes).toBe(inner);
    expect(h.keyIds).toEqual([XML_V40_KID]);
  });

  describe('rejects with BAD_WRMHEADER', () => {
    const kid40 = '<KID>rk8d+Ox90BGnZQCgyR5r9g==</KID>';
    const bad: Array<[string, string]> = [
      ['empty text', ''],
      ['text only', 'hello'],
      ['no root', '<!-- only a comment -->'],
      ['mismatched end tag', `<WRMHEADER version="4.0.0.0"><DATA>${kid40}</WRMHEADER>`],
      ['unclosed element', `<WRMHEADER version="4.0.0.0"><DATA>${kid40}</DATA>`],
      ['stray end tag', `<WRMHEADER version="4.3.0.0"></DATA></WRMHEADER>`],
      ['two roots', `<WRMHEADER version="4.3.0.0"></WRMHEADER><WRMHEADER version="4.3.0.0"></WRMHEADER>`],
      ['text after the root', `<WRMHEADER version="4.3.0.0"></WRMHEADER>x`],
      ['unknown entity', `<WRMHEADER version="4.3.0.0"><DATA><LA_URL>a&nbsp;b</LA_URL></DATA></WRMHEADER>`],
      ['bare ampersand', `<WRMHEADER version="4.3.0.0"><DATA><LA_URL>a&b=1</LA_URL></DATA></WRMHEADER>`],
      ['invalid character reference', `<WRMHEADER version="4.3.0.0"><DATA><LA_URL>&#0;</LA_URL></DATA></WRMHEADER>`],
      ['surrogate character reference', `<WRMHEADER version="4.3.0.0"><DATA><LA_URL>&#xD800;</LA_URL></DATA></WRMHEADER>`],
      ['DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]><WRMHEADER version="4.3.0.0"></WRMHEADER>`],
      ['duplicate attribute', `<WRMHEADER version="4.3.0.0" version="4.3.0.0"></WRMHEADER>`],
      ['unquoted attribute', `<WRMHEADER version=4.3.0.0></WRMHEADER>`],
      ['attribute without value', `<WRMHEADER version></WRMHEADER>`],
      ['attributes without whitespace', `<WRMHEADER a="1"version="4.3.0.0"></WRMHEADER>`],
      ['< in an attribute value', `<WRMHEADER version="<4"></WRMHEADER>`],
      ['unterminated comment', `<WRMHEADER version="4.3.0.0"><!-- x</WRMHEADER>`],
      ['unterminated CDATA', `<WRMHEADER version="4.3.0.0"><![CDATA[x</WRMHEADER>`],
      ['unterminated start tag', `<WRMHEADER version="4.3.0.0"`],
      ['bad tag name', `< WRMHEADER version="4.3.0.0"></WRMHEADER>`],
      ['wrong root element', `<WRMHEADERX version="4.3.0.0"></WRMHEADERX>`],
      ['lower-case element name (names are case-sensitive)', `<wrmheader version="4.3.0.0"></wrmheader>`],
      ['missing version', `<WRMHEADER ${NS}></WRMHEADER>`],
      ['unsupported version', `<WRMHEADER version="4.4.0.0"></WRMHEADER>`],
      ['4.0 without DATA', `<WRMHEADER version="4.0.0.0"></WRMHEADER>`],
      ['4.0 without KID', `<WRMHEADER version="4.0.0.0"><DATA><LA_URL>x</LA_URL></DATA></WRMHEADER>`],
      ['4.0 with two KIDs', `<WRMHEADER version="4.0.0.0"><DATA>${kid40}${kid40}</DATA></WRMHEADER>`],
      ['KID not base64', `<WRMHEADER version="4.0.0.0"><DATA><KID>not base64!</KID></DATA></WRMHEADER>`],
      ['KID of 15 bytes', `<WRMHEADER version="4.0.0.0"><DATA><KID>AAAAAAAAAAAAAAAAAAAA</KID></DATA></WRMHEADER>`],
      [
        'KID without VALUE',
        `<WRMHEADER version="4.3.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCTR"></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`,
      ],
      [
        'lower-case VALUE attribute',
        `<WRMHEADER version="4.3.0.0"><DATA><PROTECTINFO><KIDS><KID value="ciCQqBJT6BJxfyruuYzqHA=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`,
      ],
      [
        'unknown ALGID',
        `<WRMHEADER version="4.3.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESECB" VALUE="ciCQqBJT6BJxfyruuYzqHA=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`,
      ],
      [
        'unknown 4.0 ALGID element',
        `<WRMHEADER version="4.0.0.0"><DATA><PROTECTINFO><ALGID>RC4</ALGID></PROTECTINFO>${kid40}</DATA></WRMHEADER>`,
      ],
      ['non-numeric KEYLEN', `<WRMHEADER version="4.0.0.0"><DATA><PROTECTINFO><KEYLEN>x</KEYLEN></PROTECTINFO>${kid40}</DATA></WRMHEADER>`],
      ['two LA_URLs', `<WRMHEADER version="4.3.0.0"><DATA><LA_URL>a</LA_URL><LA_URL>b</LA_URL></DATA></WRMHEADER>`],
      ['two DATA elements', `<WRMHEADER version="4.3.0.0"><DATA></DATA><DATA></DATA></WRMHEADER>`],
      ['two KIDS elements', `<WRMHEADER version="4.3.0.0"><DATA><PROTECTINFO><KIDS></KIDS><KIDS></KIDS></PROTECTINFO></DATA></WRMHEADER>`],
      ['nesting deeper than 64', `<WRMHEADER version="4.3.0.0">${'<a>'.repeat(100)}${'</a>'.repeat(100)}</WRMHEADER>`],
    ];
    for (const [name, xml] of bad) {
      it(name, () => {
        expectDecodeError(() => parseWrmHeaderXml(xml), 'BAD_WRMHEADER');
        expectDecodeError(() => decodePlayReadyObject(proWith(xml)), 'BAD_WRMHEADER');
      });
    }
  });

  it('rejects non-string input with BAD_INPUT and overlong text with TOO_LARGE', () => {
    expectDecodeError(() => parseWrmHeaderXml(42 as unknown as string), 'BAD_INPUT');
    expectDecodeError(() => parseWrmHeaderXml(' '.repeat(MAX_INPUT_BYTES / 2 + 1)), 'TOO_LARGE');
  });
});
