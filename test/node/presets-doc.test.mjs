// Every preset in the registry has a row in README.md's provider table and, for the vendor
// presets, in docs/presets/README.md's table and a page of its own: a preset added without its
// docs fails here (issue 13 §5).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ROOT } from './helpers.mjs';

const read = (file) => readFileSync(path.join(ROOT, file), 'utf8');

/** The names in src/providers/registry.ts's PRESETS, and which provider each selects. */
function registryPresets() {
  const source = read('src/providers/registry.ts');
  const body = /const PRESETS = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? '';
  return [...body.matchAll(/^\s*([a-z]+): (\w+),/gm)].map(([, name, provider]) => ({ name, provider }));
}

test('the registry lists the presets (the parse works)', () => {
  const names = registryPresets().map((p) => p.name);
  assert.ok(names.includes('expressplay') && names.includes('axinom') && names.length >= 16, names.join(','));
});

test('every preset has a row in README.md’s provider table', () => {
  const readme = read('README.md');
  const seen = new Set();
  for (const { name, provider } of registryPresets()) {
    // An alias is named in its preset's row (`'doverunner'` (alias `'pallycon'`)).
    const row = seen.has(provider) ? new RegExp(`\`'${name}'\``) : new RegExp(`^\\| \`'${name}'\``, 'm');
    seen.add(provider);
    assert.match(readme, row, `README.md has no row for '${name}'`);
  }
});

test('every vendor preset has a row in docs/presets/README.md and a page of its own', () => {
  const index = read('docs/presets/README.md');
  const builtIns = new Set(['expressplay', 'custom', 'clearkey']);
  const seen = new Set();
  for (const { name, provider } of registryPresets()) {
    if (builtIns.has(name) || seen.has(provider)) continue; // an alias shares its preset's row
    seen.add(provider);
    assert.match(index, new RegExp(`^\\| \\[\`'${name}'\`\\]\\(${name}\\.md\\)`, 'm'), `docs/presets/README.md has no row for '${name}'`);
    assert.ok(existsSync(path.join(ROOT, 'docs/presets', `${name}.md`)), `docs/presets/${name}.md is missing`);
  }
});
