// The emulated FairPlay SPC and CKC (src/testing/fairplay-messages.ts): the layout its module
// comment documents (magic, then version-1 JSON), written out here byte for byte, and the typed
// refusals of anything else.
import { decodeCkc, decodeSpc, encodeCkc, encodeSpc } from '../../src/testing/fairplay-messages';
import { EmulatedMessageError } from '../../src/testing/message-error';

const KID = 'a8902072531212e8717f2aeeb98cea1c';
const KEY = '6665ff60772d4c153433dae79fd569b5';
const NONCE = '00112233445566778899aabbccddeeff';
const CERT = 'ab'.repeat(32);
const utf8 = (text: string) => new TextEncoder().encode(text);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof EmulatedMessageError ? error.code : `not typed: ${String(error)}`;
  }
  return undefined;
}

describe('emulated FairPlay messages', () => {
  it('an SPC is KFSPC1 then version-1 JSON, read back whole', () => {
    const spc = { contentId: 'fps.example/asset-42', keyIds: [KID], nonce: NONCE, certificateSha256: CERT };
    const bytes = encodeSpc(spc);
    expect(new TextDecoder().decode(bytes)).toBe(
      `KFSPC1{"v":1,"contentId":"fps.example/asset-42","keyIds":["${KID}"],"nonce":"${NONCE}","certificateSha256":"${CERT}"}`,
    );
    expect(decodeSpc(bytes)).toEqual(spc);
  });

  it('a CKC is KFCKC1 then version-1 JSON with the keys in clear', () => {
    const bytes = encodeCkc({ nonce: NONCE, keys: [{ kid: KID, key: KEY }] });
    expect(new TextDecoder().decode(bytes)).toBe(`KFCKC1{"v":1,"nonce":"${NONCE}","keys":[{"kid":"${KID}","key":"${KEY}"}]}`);
    expect(decodeCkc(bytes)).toEqual({ nonce: NONCE, keys: [{ kid: KID, key: KEY }] });
  });

  it('refuses other messages with a typed reason', () => {
    const spcJson = (value: object) =>
      utf8(`KFSPC1${JSON.stringify({ v: 1, contentId: '', keyIds: [KID], nonce: NONCE, certificateSha256: CERT, ...value })}`);
    expect(codeOf(() => decodeSpc(encodeCkc({ nonce: NONCE, keys: [{ kid: KID, key: KEY }] })))).toBe('WRONG_TYPE');
    expect(codeOf(() => decodeSpc(utf8('KFSPC1{')))).toBe('MALFORMED');
    expect(codeOf(() => decodeSpc(new Uint8Array([0xff, 0xfe])))).toBe('MALFORMED');
    expect(codeOf(() => decodeSpc(spcJson({ v: 2 })))).toBe('MALFORMED');
    expect(codeOf(() => decodeSpc(spcJson({ keyIds: [] })))).toBe('MISSING_FIELD');
    expect(codeOf(() => decodeSpc(spcJson({ keyIds: ['A8902072531212E8717F2AEEB98CEA1C'] })))).toBe('MALFORMED');
    expect(codeOf(() => decodeSpc(spcJson({ nonce: 'short' })))).toBe('MISSING_FIELD');
    expect(codeOf(() => decodeSpc(spcJson({ certificateSha256: undefined })))).toBe('MISSING_FIELD');
    expect(codeOf(() => decodeSpc(spcJson({})))).toBeUndefined();
    expect(codeOf(() => decodeCkc(utf8(`KFCKC1{"v":1,"nonce":"${NONCE}","keys":[{"kid":"${KID}"}]}`)))).toBe('MALFORMED');
    expect(codeOf(() => decodeCkc(utf8(`KFCKC1{"v":1,"nonce":"${NONCE}","keys":[]}`)))).toBe('MISSING_FIELD');
  });
});
