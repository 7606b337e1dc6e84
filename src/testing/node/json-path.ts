/**
 * Dotted paths into JSON objects (`licenseRequest.challenge`), as the wrapping proxy's routes
 * name fields. Own properties only; no arrays, no escapes. The test tools keep their own (they are
 * written from the protocols, not from keyflow's engine).
 *
 * @module
 */

/** The value at a dotted path, or `undefined` when a segment is missing or not an object. */
export function getField(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Sets the value at a dotted path, making (or replacing non-object) intermediate objects. */
export function setField(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = root;
  segments.slice(0, -1).forEach((segment) => {
    const next = current[segment];
    if (!next || typeof next !== 'object' || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  });
  current[segments[segments.length - 1]!] = value;
}
