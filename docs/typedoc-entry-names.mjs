// TypeDoc plugin (typedoc.json "plugin"): names each entry point's module by its import path
// (`shaka-keyflow/core`, not `core`). TypeDoc derives module names from file paths, and the
// sources may not carry `@module <name>` tags for this. An entry point missing from the map is
// a warning, which fails `npm run docs` (treatWarningsAsErrors).
import { Converter, ReflectionKind } from 'typedoc';

/** TypeDoc's name for each entry point (its path under src/, without .ts) → its import path. */
const IMPORT_PATHS = {
  index: 'shaka-keyflow',
  core: 'shaka-keyflow/core',
  'pssh-entry': 'shaka-keyflow/pssh',
  testing: 'shaka-keyflow/testing',
  'testing/node': 'shaka-keyflow/testing/node',
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    (context) => {
      for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
        const importPath = IMPORT_PATHS[module.name];
        if (importPath) module.name = importPath;
        else app.logger.warn(`docs/typedoc-entry-names.mjs: no import path for the entry point module "${module.name}"`);
      }
    },
    // Before TypeDoc resolves links and validates, so both see the new names.
    1000,
  );
}
