import { parseKeyIdsInitData } from '../../src/pssh/keyids';
import { MAX_INPUT_BYTES } from '../../src/pssh/limits';
import { ascii, concat, expectDecodeError, hex } from './helpers';
import { AUDIO_KID, KEYIDS_JSON, VIDEO_KID } from './vectors';

const json = (text: string): Uint8Array => ascii(text);

describe('parseKeyIdsInitData', () => {
  it('parses the two KIDs and ignores other members', () => {
    expect(parseKeyIdsInitData(KEYIDS_JSON)).toEqual([VIDEO_KID, AUDIO_KID]);
  });

  it('decodes the DASH-IF worked example (formats.md §4.4)', () => {
    expect(parseKeyIdsInitData(json('{"kids":["nrQFDeRLSAKTLifXUIPiZg"]}'))).toEqual(['9eb4050de44b4802932e27d75083e266']);
  });

  it('accepts whitespace in the JSON, a BOM, and key IDs of 1 and 512 bytes', () => {
    expect(parseKeyIdsInitData(json(' { "kids" : [ "AQ" ] } '))).toEqual(['01']); // AQ → 000000 010000 → 01
    expect(parseKeyIdsInitData(concat(hex('efbbbf'), json('{"kids":["AQ"]}')))).toEqual(['01']);
    // 512 zero bytes = 170 groups of "AAAA" (510 bytes) + "AAA" (2 bytes) = 683 characters
    expect(parseKeyIdsInitData(json(`{"kids":["${'A'.repeat(683)}"]}`))).toEqual(['00'.repeat(512)]);
  });

  it('keeps duplicates in order', () => {
    expect(parseKeyIdsInitData(json('{"kids":["AQ","Ag","AQ"]}'))).toEqual(['01', '02', '01']);
  });

  describe('rejects with BAD_KEYIDS_JSON', () => {
    const bad: Array<[string, string]> = [
      ['padding', '{"kids":["nrQFDeRLSAKTLifXUIPiZg=="]}'],
      ['a "+" (standard alphabet)', '{"kids":["nrQFDeRLSAKTLifXUIPi+g"]}'],
      ['a "/" (standard alphabet)', '{"kids":["nrQFDeRLSAKTLifXUIPi/g"]}'],
      ['an impossible base64 length', '{"kids":["nrQFDeRLSAKTLifXUIPiZ"]}'],
      ['an empty KID', '{"kids":[""]}'],
      ['a KID of 513 bytes', `{"kids":["${'A'.repeat(684)}"]}`],
      ['a non-string KID', '{"kids":[1]}'],
      ['a null KID', '{"kids":[null]}'],
      ['an empty kids array', '{"kids":[]}'],
      ['kids not an array', '{"kids":"nrQFDeRLSAKTLifXUIPiZg"}'],
      ['no kids member', '{"type":"temporary"}'],
      ['a top-level array', '["nrQFDeRLSAKTLifXUIPiZg"]'],
      ['a top-level string', '"x"'],
      ['null', 'null'],
      ['not JSON', '{kids:[]}'],
      ['truncated JSON', '{"kids":["nrQFDeRLSAKTLifXUIPiZg"]'],
      ['empty input', ''],
    ];
    for (const [name, text] of bad) {
      it(name, () => {
        expectDecodeError(() => parseKeyIdsInitData(json(text)), 'BAD_KEYIDS_JSON');
      });
    }

    it('invalid UTF-8', () => {
      expectDecodeError(() => parseKeyIdsInitData(hex('7b 22 6b 69 64 73 22 3a 5b 22 ff 22 5d 7d')), 'BAD_KEYIDS_JSON');
    });

    it('names the index of the bad KID', () => {
      const e = expectDecodeError(() => parseKeyIdsInitData(json('{"kids":["AQ","A="]}')), 'BAD_KEYIDS_JSON');
      expect(e.message).toContain("'kids'[1]");
    });
  });

  it('rejects input over the size cap with TOO_LARGE', () => {
    expectDecodeError(() => parseKeyIdsInitData(new Uint8Array(MAX_INPUT_BYTES + 1)), 'TOO_LARGE');
  });
});
