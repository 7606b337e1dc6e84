// Exact vectors for the emulated PlayReady messages (src/testing/playready-messages.ts): the
// UTF-16LE key message, the SOAP challenge, the emulated XMR-shaped license, the license
// response and SOAP Faults. Expected texts are written out in full; UTF-16LE and base64 come from
// the test helpers (independent of the code under test).
import { decodeBase64 } from '../../src/pssh/bytes';
import { parseWrmHeaderXml } from '../../src/pssh/playready';
import { EmulatedMessageError } from '../../src/testing/message-error';
import {
  buildAcquireLicenseChallenge,
  buildAcquireLicenseResponse,
  buildSoapFault,
  buildWrmHeaderForKeyIds,
  decodeEmulatedLicense,
  decodePlayReadyKeyMessage,
  encodeEmulatedLicense,
  encodePlayReadyKeyMessage,
  parseAcquireLicenseAnswer,
  parseAcquireLicenseChallenge,
  PLAYREADY_SOAP_ACTION,
} from '../../src/testing/playready-messages';
import { ascii, hex, utf16le } from '../pssh/helpers';
import { AUDIO_KID, VIDEO_KID, XML_V40, XML_V40_KID, XML_V43 } from '../pssh/vectors';

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const NONCE = hex('000102030405060708090a0b0c0d0e0f'); // base64 AAECAwQFBgcICQoLDA0ODw==

const ENVELOPE =
  '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';

const CHALLENGE =
  '<?xml version="1.0" encoding="utf-8"?>' +
  ENVELOPE +
  '<AcquireLicense xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><challenge>' +
  '<Challenge xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">' +
  '<LA xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols" Id="SignedData" xml:space="preserve">' +
  '<Version>1</Version>' +
  `<ContentHeader>${XML_V40}</ContentHeader>` +
  '<CLIENTINFO><CLIENTVERSION>keyflow-test-cdm</CLIENTVERSION></CLIENTINFO>' +
  '<LicenseNonce>AAECAwQFBgcICQoLDA0ODw==</LicenseNonce>' +
  '<ClientTime>1700000000</ClientTime>' +
  '</LA></Challenge></challenge></AcquireLicense></soap:Body></soap:Envelope>';

describe('emulated PlayReady messages', () => {
  describe('key message', () => {
    it('is the UTF-16LE PlayReadyKeyMessage with the base64 challenge and the two HTTP headers', () => {
      const bytes = encodePlayReadyKeyMessage(ascii('abc'));
      const expected =
        '<PlayReadyKeyMessage type="LicenseAcquisition"><LicenseAcquisition Version="1">' +
        '<Challenge encoding="base64encoded">YWJj</Challenge><HttpHeaders>' +
        '<HttpHeader><name>Content-Type</name><value>text/xml; charset=utf-8</value></HttpHeader>' +
        '<HttpHeader><name>SOAPAction</name><value>"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense"</value></HttpHeader>' +
        '</HttpHeaders></LicenseAcquisition></PlayReadyKeyMessage>';
      expect(toHex(bytes)).toBe(toHex(utf16le(expected)));
      expect(toHex(bytes.subarray(0, 8))).toBe('3c0050006c006100'); // "<Pla", no byte-order mark
    });

    it('decodes back to the challenge bytes and the headers', () => {
      const decoded = decodePlayReadyKeyMessage(encodePlayReadyKeyMessage(ascii(CHALLENGE)));
      expect(new TextDecoder().decode(decoded.challenge)).toBe(CHALLENGE);
      expect(decoded.headers).toEqual({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: PLAYREADY_SOAP_ACTION });
    });

    it('refuses what is not a PlayReadyKeyMessage', () => {
      expect(() => decodePlayReadyKeyMessage(hex('3c'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'MALFORMED');
      expect(() => decodePlayReadyKeyMessage(utf16le('<Other/>'))).toThrowMatching(
        (e) => (e as EmulatedMessageError).code === 'WRONG_TYPE',
      );
      expect(() => decodePlayReadyKeyMessage(utf16le('<PlayReadyKeyMessage/>'))).toThrowMatching(
        (e) => (e as EmulatedMessageError).code === 'MISSING_FIELD',
      );
    });
  });

  describe('challenge', () => {
    it('is the SOAP AcquireLicense envelope with the WRMHEADER verbatim', () => {
      expect(buildAcquireLicenseChallenge({ wrmHeaderXml: XML_V40, nonce: NONCE, clientTime: 1700000000 })).toBe(CHALLENGE);
    });

    it('parses back: WRMHEADER (KIDs turned from LE GUIDs into big-endian hex), nonce, time, version', () => {
      const parsed = parseAcquireLicenseChallenge(ascii(CHALLENGE));
      expect(parsed.wrmHeaderXml).toBe(XML_V40);
      expect(parsed.header.keyIds).toEqual([XML_V40_KID]);
      expect(parsed.header.laUrl).toBe('https://license.example.com/pr?a=1&b=2');
      expect(parsed.nonce).toBe('AAECAwQFBgcICQoLDA0ODw==');
      expect(parsed.clientTime).toBe(1700000000);
      expect(parsed.version).toBe('1');
      expect(parsed.clientVersion).toBe('keyflow-test-cdm');
    });

    it('reads the WRMHEADER out of a challenge shaped like a real one (other prefixes, encrypted data, signature)', () => {
      const real =
        '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
        '<AcquireLicense xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><challenge>' +
        '<Challenge xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages"><LA Id="SignedData">' +
        `<Version>4</Version><ContentHeader>\n  ${XML_V43}\n</ContentHeader>` +
        '<EncryptedData xmlns="http://www.w3.org/2001/04/xmlenc#"><CipherData><CipherValue>AAAA</CipherValue></CipherData></EncryptedData>' +
        '</LA><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignatureValue>AAAA</SignatureValue></Signature>' +
        '</Challenge></challenge></AcquireLicense></s:Body></s:Envelope>';
      const parsed = parseAcquireLicenseChallenge(real);
      expect(parsed.header.version).toBe('4.3.0.0');
      expect(parsed.header.keyIds).toEqual([VIDEO_KID, AUDIO_KID]);
      expect(parsed.header.algorithm).toBe('AESCBC');
      expect(parsed.nonce).toBeUndefined();
    });

    it('refuses non-XML, other SOAP messages and a challenge without WRMHEADER', () => {
      const code = (body: string) => {
        try {
          parseAcquireLicenseChallenge(body);
          return 'none';
        } catch (e) {
          return (e as EmulatedMessageError).code;
        }
      };
      expect(code('not xml')).toBe('MALFORMED');
      expect(code(`${ENVELOPE}<Other/></soap:Body></soap:Envelope>`)).toBe('WRONG_TYPE');
      expect(code(CHALLENGE.replace(XML_V40, ''))).toBe('MISSING_FIELD');
      expect(code(CHALLENGE.replace('version="4.0.0.0"', 'version="9"'))).toBe('MALFORMED');
      expect(() => parseAcquireLicenseChallenge(hex('ff fe'))).toThrowMatching((e) => (e as EmulatedMessageError).code === 'MALFORMED');
    });

    it('a WRMHEADER 4.3 synthesized for keyids init data', () => {
      const xml = buildWrmHeaderForKeyIds([XML_V40_KID]);
      expect(xml).toBe(
        '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0">' +
          '<DATA><PROTECTINFO><KIDS><KID VALUE="rk8d+Ox90BGnZQCgyR5r9g=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>',
      );
      expect(parseWrmHeaderXml(xml).keyIds).toEqual([XML_V40_KID]);
    });
  });

  describe('emulated license', () => {
    const rightsId = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const key = hex('00112233445566778899aabbccddeeff');
    const LICENSE = hex(
      '584d5200', //                           'XMR\0'
      '00000003', //                           version 3
      'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', //   rights ID
      '0001 000a 0000002e', //                 flags, type content key, length 46 (header included)
      'ae4f1df8ec7dd011a76500a0c91e6bf6', //   KID f81d4fae-7dec-11d0-a765-00a0c91e6bf6 as an LE GUID (PR Table 2)
      '0001', //                               AES-128-CTR
      '0000', //                               key encryption NONE: the key is in clear
      '0010', //                               key length 16
      '00112233445566778899aabbccddeeff', //   the content key
    );

    it('encodes and decodes byte for byte', () => {
      expect(toHex(encodeEmulatedLicense({ keyId: XML_V40_KID, key, cipher: 1, rightsId }))).toBe(toHex(LICENSE));
      const decoded = decodeEmulatedLicense(LICENSE);
      expect(decoded).toEqual({ keyId: XML_V40_KID, key, cipher: 1, rightsId });
    });

    it('refuses other data, and keys that are encrypted', () => {
      const code = (bytes: Uint8Array) => {
        try {
          decodeEmulatedLicense(bytes);
          return 'none';
        } catch (e) {
          return (e as EmulatedMessageError).code;
        }
      };
      expect(code(LICENSE.subarray(0, 69))).toBe('MALFORMED');
      const wrongMagic = LICENSE.slice();
      wrongMagic[0] = 0x59;
      expect(code(wrongMagic)).toBe('MALFORMED');
      const encrypted = LICENSE.slice();
      encrypted[51] = 3; // "ECC-256" key encryption
      expect(code(encrypted)).toBe('UNSUPPORTED');
    });
  });

  describe('license response and faults', () => {
    const RESPONSE =
      '<?xml version="1.0" encoding="utf-8"?>' +
      ENVELOPE +
      '<AcquireLicenseResponse xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><AcquireLicenseResult>' +
      '<Response xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols/messages">' +
      '<LicenseResponse xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols">' +
      '<Version>1</Version><Licenses><License>AQI=</License><License>AwQ=</License></Licenses>' +
      '<LicenseNonce>AAECAwQFBgcICQoLDA0ODw==</LicenseNonce><ResponseID>AAECAwQFBgcICQoLDA0ODw==</ResponseID>' +
      '</LicenseResponse></Response></AcquireLicenseResult></AcquireLicenseResponse></soap:Body></soap:Envelope>';

    it('builds the AcquireLicenseResponse exactly and parses it back', () => {
      const text = buildAcquireLicenseResponse({
        licenses: [hex('0102'), hex('0304')],
        nonce: 'AAECAwQFBgcICQoLDA0ODw==',
        responseId: NONCE,
      });
      expect(text).toBe(RESPONSE);
      const answer = parseAcquireLicenseAnswer(ascii(text));
      expect(answer.kind).toBe('licenses');
      if (answer.kind === 'licenses') {
        expect(answer.licenses.map(toHex)).toEqual(['0102', '0304']);
        expect(answer.nonce).toBe('AAECAwQFBgcICQoLDA0ODw==');
      }
    });

    it('builds the SOAP Fault exactly; the parser reports it as a fault', () => {
      const text = buildSoapFault({
        faultCode: 'soap:Client',
        faultString: 'Invalid token <&>',
        statusCode: '0x8004C604',
        errorCode: -4010,
      });
      expect(text).toBe(
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
          '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Invalid token &lt;&amp;&gt;</faultstring>' +
          '<detail><Exception><StatusCode>0x8004C604</StatusCode><ErrorCode>-4010</ErrorCode></Exception></detail>' +
          '</soap:Fault></soap:Body></soap:Envelope>',
      );
      expect(parseAcquireLicenseAnswer(text)).toEqual({
        kind: 'fault',
        fault: { faultCode: 'soap:Client', faultString: 'Invalid token <&>', statusCode: '0x8004C604', errorCode: -4010 },
      });
    });

    it('refuses a response without licenses, bad base64 and other documents', () => {
      const code = (body: string) => {
        try {
          parseAcquireLicenseAnswer(body);
          return 'none';
        } catch (e) {
          return (e as EmulatedMessageError).code;
        }
      };
      expect(code(RESPONSE.replace('<License>AQI=</License><License>AwQ=</License>', ''))).toBe('MISSING_FIELD');
      expect(code(RESPONSE.replace('AQI=', 'A-I='))).toBe('MALFORMED');
      expect(code('{"keys":[]}')).toBe('MALFORMED');
      expect(code(`${ENVELOPE}<Other/></soap:Body></soap:Envelope>`)).toBe('WRONG_TYPE');
      expect(decodeBase64('AQI=')).toEqual(hex('0102'));
    });
  });
});
