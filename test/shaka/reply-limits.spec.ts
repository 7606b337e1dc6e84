// keyflow parses no reply over 1 MiB (MAX_REPLY_BYTES): a 2xx one is MALFORMED_RESPONSE without
// being read, an error reply is typed by its status alone. Through the real Keyflow on Shaka's
// NetworkingEngine with a fake https plugin.
import type S from 'shaka-player';
import { findKeyflowError } from '../../src/api/errors';
import { Keyflow } from '../../src/keyflow';
import { MAX_REPLY_BYTES } from '../../src/shaka/keyflow-base';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installFakeHttps, licenseRequest } from '../helpers/fake-license-server';
import { shaka } from '../helpers/shaka-global';
import { shakaMajor } from '../helpers/shaka-version';

const CK = 'org.w3.clearkey';
const URL_CK = 'https://ck.example.test/license';
const LICENSE = 2;

describe('reply size limit', () => {
  let player: S.Player;
  let fake: ReturnType<typeof installFakeHttps> | null = null;
  let keyflow: Keyflow | null = null;

  beforeEach(() => {
    player = new shaka.Player();
  });
  afterEach(async () => {
    keyflow?.destroy();
    fake?.uninstall();
    await player.destroy();
  });

  async function send(body: string, status: number): Promise<unknown> {
    fake = installFakeHttps([{ status, body }]);
    keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: 'custom',
      servers: { [CK]: URL_CK },
      unwrapResponse: { path: 'license' },
      errors: { code: 'errorCode' },
    });
    const net = player.getNetworkingEngine()!;
    return net.request(LICENSE as S.net.NetworkingEngine.RequestType, licenseRequest(CK, URL_CK, 1)).promise.then(
      () => null,
      (e: unknown) => e,
    );
  }

  it('is 1 MiB', () => {
    expect(MAX_REPLY_BYTES).toBe(1024 * 1024);
  });

  it('a 2xx reply of 1 MiB + 1 byte is MALFORMED_RESPONSE, not parsed', async () => {
    // Valid JSON with a license field: parsed, it would be accepted.
    const license = btoa('{"keys":[]}');
    const body = `{"license":"${license}","pad":"${'x'.repeat(MAX_REPLY_BYTES)}"}`;
    const error = findKeyflowError(await send(body, 200));
    expect(error?.code).toBe('MALFORMED_RESPONSE');
    expect(error?.message).toContain(`${MAX_REPLY_BYTES}-byte limit`);
  });

  it('a 2xx reply just under the limit is read', async () => {
    const license = btoa('{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA","kid":"AAAAAAAAAAAAAAAAAAAAAA"}]}');
    const head = `{"license":"${license}","pad":"`;
    const body = `${head}${'x'.repeat(MAX_REPLY_BYTES - head.length - 2)}"}`;
    expect(body.length).toBe(MAX_REPLY_BYTES);
    expect(await send(body, 200)).toBeNull();
  });

  it('an error reply over the limit is typed by its status alone (its body is not read)', async () => {
    const body = `{"errorCode":"SHOULD_NOT_BE_READ","pad":"${'x'.repeat(MAX_REPLY_BYTES)}"}`;
    const error = findKeyflowError(await send(body, 403));
    if (shakaMajor() >= 5) {
      expect(error?.code).toBe('NOT_ENTITLED');
      expect(error?.providerCode).toBeUndefined();
    } else {
      expect(error).toBeNull(); // 4.x types HTTP failures from the player's error event
    }
  });
});
