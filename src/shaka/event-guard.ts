/**
 * Lets keyflow see a Shaka event before any listener does, whatever the
 * order listeners were added in, and a rejected `player.load()` before the
 * app does.
 *
 * Why: Shaka dispatches `downloadcompleted` / `downloadfailed` with the
 * request object (tokenized URL, token headers) straight from the network
 * plugin, before any filter of keyflow's runs again; its `error` and the
 * networking engine's `retry` events carry errors whose data holds that URL.
 * A listener the app added before `new Keyflow()` would see the token, and
 * would not find the KeyflowError in the chain. Listener order cannot be
 * changed through Shaka's API, so keyflow wraps the `dispatchEvent` method of
 * the player and of its networking engine (instance properties, restored on
 * `destroy()`): Shaka's compiled builds call it by that name (it is a DOM
 * extern, never renamed), on both the 4.x and 5.x lines. Load-time failures
 * (Shaka 6001, 6012) reject `load()` and are never dispatched as events, so
 * `load` is wrapped the same way to type them.
 *
 * Limits (documented in docs): events dispatched to a `shaka.media.PreloadManager`
 * (after `player.preload()`) go to the preload manager, which keyflow does
 * not wrap.
 *
 * @module
 */

/** Something with a `dispatchEvent(event)` method, as Shaka's FakeEventTarget. */
interface Dispatcher {
  dispatchEvent(event: unknown): boolean;
}

/** Called with each event before it is dispatched. */
export type EventInspector = (event: { type: string; [key: string]: unknown }) => void;

/** Called with what `load()` rejected with, before the app sees it. */
export type LoadFailureInspector = (error: unknown) => void;

/** Undoes what {@link guardDispatch} or {@link guardLoad} did. */
export type Unguard = () => void;

/**
 * Puts `replacement` in place of `target[name]` and returns how to undo it:
 * the own property `target` had is put back (an app's own wrapper), else the
 * instance property is deleted so the prototype's method shows again. Undo
 * leaves a method someone else replaced since alone.
 */
function replaceMethod(target: object, name: string, replacement: unknown): Unguard | null {
  const own = Object.getOwnPropertyDescriptor(target, name);
  try {
    Object.defineProperty(target, name, { value: replacement, configurable: true, writable: true });
  } catch {
    return null;
  }
  return () => {
    if ((target as Record<string, unknown>)[name] !== replacement) return;
    if (own) Object.defineProperty(target, name, own);
    else delete (target as Record<string, unknown>)[name];
  };
}

/**
 * Makes `inspect` run before `target`'s listeners for every event it
 * dispatches. Returns a function that restores the original method, unless
 * something else has replaced it since (then it leaves it alone and stops
 * inspecting); null when `target` has no `dispatchEvent` keyflow can wrap
 * (the caller then falls back to listeners).
 */
export function guardDispatch(target: object, inspect: EventInspector): Unguard | null {
  const dispatcher = target as Partial<Dispatcher>;
  const original = dispatcher.dispatchEvent;
  if (typeof original !== 'function') return null;
  // Dropped on unguard, so a guard another wrapper keeps alive holds nothing of keyflow's.
  let inspector: EventInspector | null = inspect;
  const guarded = function (this: unknown, event: unknown): boolean {
    if (inspector && event && typeof event === 'object' && typeof (event as { type?: unknown }).type === 'string') {
      try {
        inspector(event as { type: string });
      } catch {
        // keyflow's inspection must never break Shaka's dispatch
      }
    }
    return original.call(this, event);
  };
  const restore = replaceMethod(target, 'dispatchEvent', guarded);
  if (!restore) return null;
  return () => {
    inspector = null;
    restore();
  };
}

/**
 * Makes `inspect` see what `player.load()` rejects with before the caller
 * does (to type and attach keyflow's error). The returned promise settles as
 * the original one does.
 */
export function guardLoad(player: object, inspect: LoadFailureInspector): Unguard {
  const loader = player as { load?: (...args: unknown[]) => Promise<unknown> };
  const original = loader.load;
  if (typeof original !== 'function') return () => {};
  let inspector: LoadFailureInspector | null = inspect;
  const guarded = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return original.apply(this, args).catch((error: unknown) => {
      try {
        inspector?.(error);
      } catch {
        // never replace the app's error with keyflow's own failure
      }
      throw error;
    });
  };
  const restore = replaceMethod(player, 'load', guarded);
  return () => {
    inspector = null;
    restore?.();
  };
}
