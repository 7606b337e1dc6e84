// A preset's default certificate URL per key system (issue 12 §1.5): keyflow puts it into Shaka's
// drm.advanced[keySystem].serverCertificateUri, never over a certificate the app configured itself
// (URI or bytes), and takes it out again on destroy(). Checked on a real shaka.Player's configuration.
import type S from 'shaka-player';
import { Keyflow } from '../../src/core';
import { definePreset } from '../../src/providers/engine/define-preset';
import type { ShakaPlayer } from '../../src/shaka/types';
import { shaka } from '../helpers/shaka-global';

const FP = 'com.apple.fps';
const CERT = 'https://cert.acme.test/fairplay.cer';

const acme = definePreset<{ token: string; tenant?: string }, string>({
  name: 'acme',
  optionNames: ['token', 'tenant'],
  defaultServers: { [FP]: 'https://lic.acme.test/fp' },
  defaultCertificatesFor: ({ tenant }) => ({ [FP]: tenant ? `https://${tenant}.cert.acme.test/fairplay.cer` : CERT }),
  wire: { headers: { 'X-Token': '{token}' } },
  validate: () => {},
});

describe('Default certificate URLs of a preset', () => {
  let player: S.Player;
  let keyflow: Keyflow<typeof acme> | null = null;
  const certificateUri = () =>
    (player.getConfiguration().drm.advanced as Record<string, { serverCertificateUri?: string } | undefined>)[FP]?.serverCertificateUri ??
    '';

  beforeEach(() => {
    player = new shaka.Player();
  });

  afterEach(async () => {
    keyflow?.destroy();
    keyflow = null;
    await player.destroy();
  });

  it('are put into drm.advanced[keySystem].serverCertificateUri, from the options, and taken out on destroy()', () => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: acme, token: 't', tenant: 'eu1' });
    expect(certificateUri()).toBe('https://eu1.cert.acme.test/fairplay.cer');
    keyflow.destroy();
    expect(certificateUri()).toBe('');
  });

  it('never replace a certificate URL or certificate the app configured', () => {
    player.configure({ drm: { advanced: { [FP]: { serverCertificateUri: 'https://app.test/own.cer' } } } });
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: acme, token: 't' });
    expect(certificateUri()).toBe('https://app.test/own.cer');
    keyflow.destroy();
    expect(certificateUri()).toBe('https://app.test/own.cer');
  });

  it('follow configure(): a new tenant, a new URL', () => {
    keyflow = new Keyflow(player as unknown as ShakaPlayer, { provider: acme, token: 't' });
    expect(certificateUri()).toBe(CERT);
    keyflow.configure({ tenant: 'us2' });
    expect(certificateUri()).toBe('https://us2.cert.acme.test/fairplay.cer');
  });
});
