import type S from 'shaka-player';
import { findKeyflowError, type KeyflowError } from '../../src/api/errors';
import { shaka } from './shaka-global';
import { waitFor } from './env';

/** A fresh muted video element in the page and a Shaka player attached to it. */
export async function createAttachedPlayer(): Promise<{ video: HTMLVideoElement; player: S.Player; dispose(): Promise<void> }> {
  const video = document.createElement('video');
  video.muted = true;
  video.width = 320;
  video.height = 180;
  document.body.appendChild(video);
  const player = new shaka.Player();
  // Media errors (3xxx) are never what a spec provokes: say what the browser said, to explain a
  // failure that surfaces later as a rejected play() or load().
  player.addEventListener('error', (event) => {
    const error = (event as unknown as { detail?: { code?: number; data?: unknown[] } }).detail;
    if (error?.code && error.code >= 3000 && error.code < 4000) {
      console.warn(
        `media error ${error.code} ${JSON.stringify(error.data ?? []).slice(0, 300)} video.error=${video.error?.code ?? '-'} ${video.error?.message ?? ''}`,
      );
    }
  });
  player.addEventListener('mediasourcerecovered', () => console.warn('Shaka reset the MediaSource after a media error and recovered'));
  await player.attach(video);
  return {
    video,
    player,
    async dispose() {
      await player.destroy();
      video.remove();
    },
  };
}

/** Total decoded video frames so far. */
export function decodedFrames(video: HTMLVideoElement): number {
  return video.getVideoPlaybackQuality().totalVideoFrames;
}

/**
 * `video.play()`, once more if the first is aborted: when the media pipeline reports a recoverable
 * error, Shaka resets the MediaSource and recovers (its `mediasourcerecovered` event), which
 * aborts a pending play() (seen in Firefox). What the specs assert is the playback that follows.
 */
async function play(video: HTMLVideoElement): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await video.play();
      return;
    } catch (error) {
      if ((error as Error).name !== 'AbortError' || attempt === 3) throw error;
      console.warn(`video.play() aborted (${(error as Error).message}); playing again`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Asserts real playback: currentTime passes `seconds` and the number of
 * decoded frames keeps growing (so the decryptor really fed the decoder).
 */
export async function expectPlaysPast(video: HTMLVideoElement, seconds = 2): Promise<void> {
  await play(video);
  await waitFor(() => video.currentTime > 0.5, 'playback to start');
  const framesEarly = decodedFrames(video);
  await waitFor(() => video.currentTime > seconds, `currentTime to pass ${seconds} s`, 20000);
  expect(video.currentTime).toBeGreaterThan(seconds);
  expect(decodedFrames(video)).toBeGreaterThan(framesEarly);
  expect(video.error).toBeNull();
}

/** Loads `manifest` expecting failure; resolves to the first Shaka error seen (load rejection or `error` event). */
export async function loadExpectingError(
  player: S.Player,
  manifest: string,
): Promise<{ shakaError: S.util.Error; keyflowError: KeyflowError | null; events: S.util.Error[] }> {
  const events: S.util.Error[] = [];
  player.addEventListener('error', (event) => events.push((event as unknown as { detail: S.util.Error }).detail));
  let rejected: S.util.Error | null = null;
  try {
    await player.load(manifest);
  } catch (error) {
    rejected = error as S.util.Error;
  }
  if (!rejected) await waitFor(() => events.length > 0, 'a Shaka error event');
  const shakaError = events[0] ?? rejected!;
  return { shakaError, keyflowError: findKeyflowError(shakaError), events };
}
