/**
 * The one engine: turns a {@link PresetSpec} (data, plus the optional hooks)
 * into the {@link Provider} the Shaka glue runs. Every preset, `custom`
 * included, goes through here, so URL templates, token placement, wrapping,
 * unwrapping and error reading behave the same for all of them.
 *
 * @module
 */

import type { Provider } from '../preset';
import { readFailure, readLicense, type ReplyReader } from './read-reply';
import { knownRequestFacts, shapeRequest } from './shape-request';
import { wireOf, type PresetSpec, type WireSpec } from './spec';
import { wireForKeySystem } from './key-system-wire';

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
  const { name, label, optionNames, defaultServers } = spec;
  const reader: ReplyReader = {
    name,
    ...(label !== undefined ? { label } : {}),
    unwrapOption: optionNames.includes('unwrapResponse'),
    ...(spec.readError ? { readError: spec.readError } : {}),
  };
  const wireFor = (options: Options, keySystem: string): WireSpec => wireForKeySystem(wireOf(spec, options), keySystem);
  return {
    name,
    optionNames,
    defaultServers,
    defaultServersFor: (options) => spec.defaultServersFor?.(options) ?? defaultServers,
    handlesCertificates: (options) => wireOf(spec, options).certificate !== undefined,
    validate: (options) => spec.validate(options),
    rewriteRequest(request, token, options) {
      const placement = spec.placeToken ? spec.placeToken(token, request) : { url: request.url, token };
      return shapeRequest(request, wireFor(options, request.keySystem), placement, name, spec.requestFacts ?? knownRequestFacts);
    },
    unwrapResponse: (response, options) => readLicense(response, wireFor(options, response.keySystem), reader),
    decodeFailure: (failure, options) => readFailure(failure, wireFor(options, failure.keySystem), reader),
  };
}
