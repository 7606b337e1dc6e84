import { SYSTEM_IDS, systemNameOf } from '../../src/pssh/system-ids';

describe('system IDs', () => {
  it('names the known systems (formats.md §3.1)', () => {
    expect(systemNameOf('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed')).toBe('widevine');
    expect(systemNameOf('9a04f079-9840-4286-ab92-e65be0885f95')).toBe('playready');
    expect(systemNameOf('79f0049a-4098-8642-ab92-e65be0885f95')).toBe('playready');
    expect(systemNameOf('1077efec-c0b2-4d02-ace3-3c1e52e2fb4b')).toBe('common');
    expect(systemNameOf('e2719d58-a985-b3c9-781a-b030af78d30e')).toBe('clearkey');
    expect(systemNameOf('94ce86fb-07ff-4f43-adb8-93d2fa968ca2')).toBe('fairplay');
    expect(systemNameOf('5e629af5-38da-4063-8977-97ffbd9902d4')).toBe('marlin');
    expect(systemNameOf('69f908af-4816-46ea-910c-cd5dcccb0a3a')).toBe('marlin');
    expect(systemNameOf('f239e769-efa3-4850-9c16-a903c6932efb')).toBe('primetime');
  });

  it('accepts hex without dashes, upper case and urn:uuid: prefixes', () => {
    expect(systemNameOf('EDEF8BA979D64ACEA3C827DCD51D21ED')).toBe('widevine');
    expect(systemNameOf('urn:uuid:5E629AF5-38DA-4063-8977-97FFBD9902D4')).toBe('marlin');
  });

  it("returns 'unknown' for unknown IDs and for non-UUIDs", () => {
    expect(systemNameOf('00000000000000000000000000000000')).toBe('unknown');
    expect(systemNameOf('not a uuid')).toBe('unknown');
    expect(systemNameOf(undefined as unknown as string)).toBe('unknown');
  });

  it('stores every ID as 32 lower-case hex digits', () => {
    for (const id of Object.values(SYSTEM_IDS)) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});
