/**
 * The engine's optional parts: placeholder templates (`template.ts`) and
 * body wrapping / unwrapping (`wrap.ts`). {@link definePreset} gives a preset
 * all of them; a built-in preset whose wire is fixed data may pass only what
 * its wire uses, so an app's bundler leaves the rest out (shaka-keyflow/core).
 *
 * @module
 */
import type { expandJson, expandText } from './template';
import type { recallChallenge, unwrapLicense, wrapChallenge } from './wrap';
import { tokenString } from './token-string';
import { unwrapFairPlayCkc } from './fairplay-ckc';

/** What the engine calls for templates, wrapping and unwrapping. */
export interface EngineParts {
  expandText: typeof expandText;
  expandJson: typeof expandJson;
  wrapChallenge: typeof wrapChallenge;
  recallChallenge: typeof recallChallenge;
  unwrapLicense: typeof unwrapLicense;
}

/** Reached only by a wire that {@link TOKEN_ONLY_PARTS} does not cover: a bug in a built-in preset. */
const unsupported = (): never => {
  throw new TypeError('keyflow: engine part missing');
};

/**
 * The parts of a fixed wire whose templates are literal text with no
 * placeholder but `{token}` (`'{token}'`, `'Bearer {token}'`), that wraps no
 * request and unwraps only FairPlay CKCs (ExpressPlay's, Clear Key's):
 * `expandText` gives what `template.ts` gives for those templates.
 */
export const TOKEN_ONLY_PARTS: EngineParts = {
  expandText(template, values, _where, escape = (text) => text) {
    // Any other placeholder (or a doubled brace) needs the full template engine: a built-in preset bug.
    if (/\{(?!token\})|\}(?<!\{token\})/.test(template)) unsupported();
    const pieces = template.split('{token}');
    if (pieces.length === 1) return { value: template, secrets: [] };
    const value = tokenString(values.token, values.keySystem);
    return { value: pieces.join(escape(value)), secrets: [value] };
  },
  expandJson: unsupported,
  wrapChallenge: unsupported,
  recallChallenge: unsupported,
  unwrapLicense: (body, unwrapping) => (unwrapping.format === 'fairplay-ckc' ? unwrapFairPlayCkc(body) : unsupported()),
};
