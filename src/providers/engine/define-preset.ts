/**
 * The one engine: turns a {@link PresetSpec} (data, plus the optional hooks)
 * into the {@link Provider} the Shaka glue runs. Every preset, `custom`
 * included, goes through here, so URL templates, token placement, wrapping,
 * unwrapping and error reading behave the same for all of them.
 *
 * @module
 */

import { TOKEN_URL } from '../../api/config';
import { KeyflowError } from '../../api/errors';
import type { Provider } from '../preset';
import { readFailure, readLicense, type ReplyReader } from './read-reply';
import { knownRequestFacts, shapeRequest } from './shape-request';
import { wireOf, type PresetSpec, type WireSpec } from './spec';
import { wireForKeySystem } from './key-system-wire';
import { skdContentId } from './skd';
import type { EngineParts } from './parts';
import { expandJson, expandText } from './template';
import { recallChallenge, unwrapLicense, wrapChallenge } from './wrap';

/** Every part of the engine: what {@link definePreset} gives a preset. */
const ALL_PARTS: EngineParts = { expandText, expandJson, wrapChallenge, recallChallenge, unwrapLicense };

/** Only presets with URL templates (`custom`) take the license URL from the token (`servers: '{token.url}'`). */
function refuseTokenUrls(name: string, servers: Record<string, unknown> | undefined): void {
  for (const [keySystem, url] of Object.entries(servers ?? {})) {
    if (typeof url === 'string' && TOKEN_URL.test(url)) {
      throw new KeyflowError(
        'INVALID_CONFIG',
        `${name}: servers['${keySystem}'] must be a license URL; only custom takes it from the token`,
      );
    }
  }
}

/** `run()`, or what `recover` makes of what it threw (a third party's hooks must not throw untyped). */
function guarded<T>(run: () => T, recover: (error: unknown) => T): T {
  try {
    return run();
  } catch (error) {
    return recover(error);
  }
}

/** A time that is a finite number, else null (a preset's expiry reader that read nothing). */
const finiteOrNull = (time: unknown): number | null => (Number.isFinite(time) ? (time as number) : null);
/** What a reader that threw read: nothing (the generic reader decides). */
const readNothing = (): null => null;

/**
 * The provider preset a spec describes.
 *
 * @example
 * ```ts
 * const myService = definePreset<{ token: TokenSource<string> }, string>({
 *   name: 'myservice',
 *   optionNames: ['token'],
 *   defaultServers: { 'com.widevine.alpha': 'https://lic.example.com/wv' },
 *   wire: { headers: { Authorization: 'Bearer {token}' }, errors: { code: 'error.code' } },
 *   validate: () => {},
 * });
 * ```
 */
export function definePreset<Options, Token>(spec: PresetSpec<Options, Token>): Provider<Options, Token> {
  return presetWith(spec, ALL_PARTS);
}

/**
 * {@link definePreset} with only the engine parts the spec's wire uses (a
 * built-in preset's fixed wire), so a bundler can leave the others out.
 */
export function presetWith<Options, Token>(spec: PresetSpec<Options, Token>, parts: EngineParts): Provider<Options, Token> {
  const { name, label, optionNames, defaultServers } = spec;
  const { readError } = spec;
  const reader: ReplyReader = {
    name,
    ...(label !== undefined ? { label } : {}),
    unwrapOption: optionNames.includes('unwrapResponse'),
    unwrapLicense: parts.unwrapLicense,
    // A hook that throws reads nothing: the failure is then typed by its HTTP status.
    ...(readError
      ? {
          readError: (reply) =>
            guarded(
              () => readError(reply),
              () => ({}),
            ),
        }
      : {}),
  };
  const hookFailed = (what: string) => (error: unknown) => {
    throw error instanceof KeyflowError
      ? error
      : new KeyflowError('INVALID_CONFIG', `${name}: the preset's ${what} threw: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
  };
  const wire = (options: Options): WireSpec => guarded(() => wireOf(spec, options), hookFailed('wire'));
  const wireFor = (options: Options, keySystem: string): WireSpec => wireForKeySystem(wire(options), keySystem);
  return {
    name,
    optionNames,
    defaultServers,
    defaultServersFor: (options) => guarded(() => spec.defaultServersFor?.(options) ?? defaultServers, hookFailed('defaultServersFor')),
    defaultCertificatesFor: (options) => guarded(() => spec.defaultCertificatesFor?.(options) ?? {}, hookFailed('defaultCertificatesFor')),
    handlesCertificates: (options) => wire(options).certificate !== undefined,
    tokenReuse: (options) => wire(options).tokenReuse ?? 'cached',
    tokenExpiry: (token, options) => guarded(() => finiteOrNull(spec.tokenExpiry?.(token, options)), readNothing),
    sessionHooks: (options) => guarded(() => spec.session?.(options) ?? null, hookFailed('session')),
    fairPlayContentIdOf: (options) => {
      const rule = wire(options).fairPlayContentId;
      return rule ? (skdUri) => skdContentId(skdUri, rule) : null;
    },
    validate: (options) => {
      if (!wire(options).serverTemplates) refuseTokenUrls(name, (options as { servers?: Record<string, unknown> }).servers);
      spec.validate(options);
    },
    rewriteRequest(request, token, options) {
      const placement = spec.placeToken ? spec.placeToken(token, request) : { url: request.url, token };
      return shapeRequest(request, wireFor(options, request.keySystem), placement, name, spec.requestFacts ?? knownRequestFacts, parts);
    },
    unwrapResponse: (response, options) => readLicense(response, wireFor(options, response.keySystem), reader),
    decodeFailure: (failure, options) => readFailure(failure, wireFor(options, failure.keySystem), reader),
  };
}
