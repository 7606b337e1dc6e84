// The Shaka line strategy is chosen once per player from shaka.Player.version: 4.x (filters run
// once per request; a token rejection is recovered by reloading) below 5, 5.x (filters before
// every attempt) from 5 on; when the version cannot be read, each request tells (request.attempt).
import { shakaLineFor, shakaMajorOf } from '../../src/shaka/shaka-line';
import type { ShakaPlayer } from '../../src/shaka/types';
import { shaka } from '../helpers/shaka-global';
import { shakaMajor } from '../helpers/shaka-version';

function playerOfVersion(version: unknown): ShakaPlayer {
  class FakePlayer {
    static version = version;
  }
  return new FakePlayer() as unknown as ShakaPlayer;
}

describe('Shaka line strategy', () => {
  it('reads the major version from shaka.Player.version', () => {
    expect(shakaMajorOf(playerOfVersion('v4.16.50'))).toBe(4);
    expect(shakaMajorOf(playerOfVersion('v5.2.12'))).toBe(5);
    expect(shakaMajorOf(playerOfVersion('4.9.0-uncompiled'))).toBe(4);
    expect(shakaMajorOf(playerOfVersion(undefined))).toBeNull();
    expect(shakaMajorOf(playerOfVersion('main'))).toBeNull();
  });

  it('chooses 4.x below 5, 5.x from 5 on, and per request when the version is unknown', () => {
    const v4 = shakaLineFor(playerOfVersion('v4.16.50'));
    expect(v4.name).toBe('4.x');
    expect(v4.perAttemptFilters).toBeFalse();
    const v5 = shakaLineFor(playerOfVersion('v5.2.12'));
    expect(v5.name).toBe('5.x');
    expect(v5.perAttemptFilters).toBeTrue();
    const unknown = shakaLineFor(playerOfVersion(undefined));
    expect(unknown.name).toBe('unknown');
    expect(unknown.perAttemptFilters).toBeNull();
  });

  it('gives each 4.x player its own line (the reloaded asset is per player)', () => {
    expect(shakaLineFor(playerOfVersion('v4.16.50'))).not.toBe(shakaLineFor(playerOfVersion('v4.16.50')));
  });

  it('matches the Shaka this suite runs', () => {
    const player = new shaka.Player();
    try {
      expect(shakaLineFor(player as unknown as ShakaPlayer).name).toBe(shakaMajor() >= 5 ? '5.x' : '4.x');
    } finally {
      void player.destroy();
    }
  });
});
