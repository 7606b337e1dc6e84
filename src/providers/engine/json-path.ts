/**
 * Paths into JSON values, as license services nest their fields:
 * `license`, `data.license`, `getWidevineLicenseResponse.license`,
 * `licenses.0.data`.
 *
 * A path is either a dotted string (each segment a property name; a segment
 * of digits also indexes an array) or an array of segments, for property
 * names that contain a dot (`['x.y', 'license']`).
 *
 * @module
 */

/** A path into a JSON value: `'data.license'` or `['data', 'license']`. */
export type JsonPath = string | readonly (string | number)[];

/** The segments of a path; empty for `''` or `[]` (the value itself). */
export function pathSegments(path: JsonPath): string[] {
  if (typeof path === 'string') return path === '' ? [] : path.split('.');
  return path.map(String);
}

/** A path written for messages: `data.license`. */
export function formatPath(path: JsonPath): string {
  return pathSegments(path).join('.') || '(the whole body)';
}

/** True when `path` is usable: a string without empty segments, or a non-empty array of non-empty segments. */
export function isValidPath(path: unknown, allowEmpty = false): path is JsonPath {
  if (typeof path === 'string') return path === '' ? allowEmpty : !path.split('.').includes('');
  if (!Array.isArray(path)) return false;
  if (path.length === 0) return allowEmpty;
  return path.every((s) => (typeof s === 'string' && s !== '') || (typeof s === 'number' && Number.isInteger(s) && s >= 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object';
}

/**
 * The value at `path` in `root`, or `undefined` when any step is missing
 * (a segment of digits indexes arrays; own properties only).
 */
export function getPath(root: unknown, path: JsonPath): unknown {
  let current: unknown = root;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isObject(current) && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Sets `value` at `path` in the plain object `root`, creating intermediate
 * objects (never arrays) as needed and replacing non-object values in the
 * way. Returns `root`.
 *
 * @throws TypeError for an empty path or a `__proto__` / `constructor` / `prototype` segment
 */
export function setPath(root: Record<string, unknown>, path: JsonPath, value: unknown): Record<string, unknown> {
  const segments = pathSegments(path);
  if (segments.length === 0) throw new TypeError('setPath: empty path');
  let current = root;
  segments.forEach((segment, index) => {
    if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') {
      throw new TypeError(`setPath: refusing segment ${segment}`);
    }
    if (index === segments.length - 1) {
      current[segment] = value;
      return;
    }
    const next = current[segment];
    if (!isObject(next) || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  });
  return root;
}
