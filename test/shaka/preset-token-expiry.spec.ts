// A preset's own token expiry reader (issue 12 §1.7: vendor-specific timestamps) against Shaka's
// real NetworkingEngine (fake `https` plugin): the token cache asks it before its generic reader,
// so the reader decides whether the next license request reuses the token or fetches a new one.
// The tokens here are opaque to the generic reader (base64 JSON, no expiresAt, no JWT): without
// the preset's reader each would be reused for tokenMaxAgeMs (10 min).
import type S from 'shaka-player';
import { Keyflow } from '../../src/core';
import { definePreset } from '../../src/providers/engine/define-preset';
import type { ShakaPlayer } from '../../src/shaka/types';
import { installFakeHttps, licenseRequest } from '../helpers/fake-license-server';
import { shaka } from '../helpers/shaka-global';

const CK = 'org.w3.clearkey';
const LICENSE = 2;
const CK_CHALLENGE = '{"kids":["qJAgclMSEuhxfyruuYzqHA"],"type":"temporary"}';
const CK_LICENSE = '{"keys":[{"kty":"oct","k":"ZmX_YHctTBU0M9rnn9VptQ","kid":"qJAgclMSEuhxfyruuYzqHA"}],"type":"temporary"}';
/** The service's window around a token's timestamp (as PallyCon documents its token `timestamp`, 600 s by default). */
const WINDOW_MS = 600_000;

/** A preset whose tokens are base64 JSON with an issue `timestamp`: it reads their expiry itself. */
const timed = definePreset<{ token: () => string }, string>({
  name: 'timed',
  optionNames: ['token'],
  defaultServers: { [CK]: 'https://license.timed.test/ck' },
  wire: { headers: { 'X-Token': '{token}' } },
  tokenExpiry: (token) => Date.parse((JSON.parse(atob(token)) as { timestamp: string }).timestamp) + WINDOW_MS,
  validate: () => {},
});

describe("A preset's token expiry reader on Shaka NetworkingEngine", () => {
  /** Two license requests one after the other, each token issued `issuedAgoMs` ago; the tokens the server saw. */
  async function twoRequests(issuedAgoMs: number): Promise<{ fetches: number; sent: string[] }> {
    let fetches = 0;
    const player = new shaka.Player();
    const fake = installFakeHttps([{ status: 200, body: CK_LICENSE }]);
    const keyflow = new Keyflow(player as unknown as ShakaPlayer, {
      provider: timed,
      token: () => btoa(JSON.stringify({ timestamp: new Date(Date.now() - issuedAgoMs).toISOString(), n: ++fetches })),
    });
    try {
      const net = player.getNetworkingEngine()!;
      for (let i = 0; i < 2; i++) {
        const request = licenseRequest(CK, 'https://manifest.test/laurl', 1, new TextEncoder().encode(CK_CHALLENGE));
        await net.request(LICENSE as S.net.NetworkingEngine.RequestType, request).promise;
      }
      return { fetches, sent: fake.captured.map((r) => r.headers['X-Token'] ?? '') };
    } finally {
      keyflow.destroy();
      fake.uninstall();
      await player.destroy();
    }
  }

  it('reuses a token its timestamp says is valid for minutes', async () => {
    const { fetches, sent } = await twoRequests(0);
    expect(fetches).toBe(1);
    expect(sent.length).toBe(2);
    expect(sent[1]).toBe(sent[0]!);
  });

  it('fetches a new token for each request when its timestamp leaves less than tokenRefreshMarginMs (10 s)', async () => {
    // Issued 595 s ago: 5 s of the 600 s window left, inside the default 10 s refresh margin.
    const { fetches, sent } = await twoRequests(WINDOW_MS - 5_000);
    expect(fetches).toBe(2);
    expect(new Set(sent).size).toBe(2);
  });
});
