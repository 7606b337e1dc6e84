#!/usr/bin/env node
// The README is code: every TypeScript and JavaScript block of the docs compiles against the BUILT
// package. Run after `npm run build` (npm test's pretest does): `npm run check:docs`, or
// `node scripts/check-docs.mjs some.md other.md` to check only those files.
//
// What it checks: README.md, CONTRIBUTING.md and docs/**/*.md (not docs/api/, TypeDoc's output).
// Each fenced block tagged ts / typescript / js / javascript is written to its own file in a
// temporary project and type-checked with this checkout's TypeScript, strict (the options of a
// careful app: strict, exactOptionalPropertyTypes, verbatimModuleSyntax, moduleResolution bundler,
// DOM lib; JS blocks with checkJs). In that project node_modules/shaka-keyflow is a symlink to
// this checkout, so `shaka-keyflow`, `shaka-keyflow/core`, `/pssh`, `/testing` and `/testing/node`
// resolve through package.json "exports" to dist/*.d.mts (which also tests the exports map), and
// `shaka-player` is the real package (node_modules/shaka-player, with its own .d.ts), as in
// scripts/check-consumers.mjs. Each block is a module of its own (top-level await works, names
// do not clash between blocks).
//
// A block that assumes something (a `player`, a `video`, Jasmine's globals) says so in an HTML
// comment right before its fence (GitHub does not render it):
//
//   <!-- prelude: declare const player: shaka.Player; -->
//   ```ts
//   new Keyflow(player, …)
//   ```
//
// The prelude is code in the block's language, put before the block (so it may hold imports,
// `declare` lines in TypeScript, `/// <reference types="jasmine" />`); it may span lines. A
// prelude not followed by a checked block is an error. There is no way to skip a checked block:
// a snippet that cannot compile is not a ts/js block (tag it `text`). Blocks tagged sh, bash,
// shell, console, html, json, jsonc, text, http, diff, yaml, or with no tag, are not code to
// check; any other tag is an error, so a new language is never skipped silently.
//
// Prints `N doc code blocks type-checked` and exits 1, listing file:line of each block that does
// not compile (with TypeScript's messages, lines mapped back to the Markdown file).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHECKED = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };
const NOT_CODE = new Set(['', 'sh', 'bash', 'shell', 'console', 'html', 'json', 'jsonc', 'text', 'http', 'diff', 'yaml']);
const PRELUDE = /^<!--\s*prelude:([\s\S]*?)-->\s*$/;

if (!existsSync(path.join(ROOT, 'dist', 'shaka-keyflow.d.mts'))) {
  console.error('FAIL doc code blocks: dist/ is missing, run `npm run build` first');
  process.exit(1);
}

const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => path.resolve(f)) : docFiles();
const problems = []; // { where, message }
const blocks = []; // { file, fence, line, lang, indent, code, prelude, preludeLines, preludeLine, name }
const notCode = new Map(); // tag -> count

for (const file of files) collectBlocks(file);

const failedBlocks = new Map(); // block -> messages
const stray = []; // tsc output not about a block
const work = mkdtempSync(path.join(tmpdir(), 'keyflow-docs-'));
try {
  setUpProject(work);
  // TypeScript reports no semantic errors while any file has a syntax error, so a pass that finds
  // failing blocks is followed by one without them, until a pass finds nothing new: every block
  // that does not compile is listed.
  let remaining = blocks;
  while (remaining.length > 0) {
    const run = typeCheck(work, remaining);
    const known = failedBlocks.size;
    readTscOutput(run.output);
    if (run.ok || stray.length > 0) break;
    if (failedBlocks.size === known) {
      stray.push('tsc failed without a message about a block');
      break;
    }
    remaining = remaining.filter((block) => !failedBlocks.has(block));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const skippedText = [...notCode].map(([tag, n]) => `${n} ${tag || 'untagged'}`).join(', ');
console.log(`${blocks.length} doc code blocks type-checked (${files.length} files${skippedText ? `; not code: ${skippedText}` : ''})`);
for (const [block, messages] of failedBlocks) {
  console.log(`FAIL ${rel(block.file)}:${block.fence} (${block.lang} block) does not compile:`);
  for (const message of messages) console.log(`  ${message}`);
}
if (stray.length > 0) console.log(`FAIL TypeScript reported errors outside the blocks:\n${stray.map((l) => `  ${l}`).join('\n')}`);
for (const { where, message } of problems) console.log(`FAIL ${where}: ${message}`);
const failed = failedBlocks.size + problems.length + (stray.length > 0 ? 1 : 0);
if (failed > 0) {
  console.log(
    `doc code blocks: ${failedBlocks.size} of ${blocks.length} do not compile${problems.length ? `, ${problems.length} other problems` : ''}`,
  );
  process.exit(1);
}
console.log('PASS doc code blocks');

/** README.md, CONTRIBUTING.md and docs/**\/*.md, not docs/api/. */
function docFiles() {
  const found = ['README.md', 'CONTRIBUTING.md'].map((f) => path.join(ROOT, f)).filter((f) => existsSync(f));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== path.join(ROOT, 'docs', 'api')) walk(full);
      } else if (entry.name.endsWith('.md')) found.push(full);
    }
  };
  if (existsSync(path.join(ROOT, 'docs'))) walk(path.join(ROOT, 'docs'));
  return found.sort();
}

/** Finds the fenced blocks of one Markdown file (fences may be indented, e.g. in list items). */
function collectBlocks(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let pendingPrelude = null; // { code, line, lines }
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) {
      if (pendingPrelude && lines[i].trim() !== '') {
        problems.push({ where: `${rel(file)}:${pendingPrelude.line}`, message: 'a prelude comment must come right before a ts/js block' });
        pendingPrelude = null;
      }
      const comment = readComment(lines, i);
      if (comment) {
        const m = PRELUDE.exec(comment.text);
        if (m) pendingPrelude = { code: m[1].trim(), line: i + 1 };
        i = comment.end;
      }
      continue;
    }
    const [, indent, fence, rawTag] = open;
    const tag = rawTag.toLowerCase();
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (j === lines.length) problems.push({ where: `${rel(file)}:${i + 1}`, message: 'unclosed code fence' });
    if (tag in CHECKED) {
      const prelude = pendingPrelude?.code ?? '';
      blocks.push({
        file,
        fence: i + 1, // the opening fence's line
        line: i + 2, // the block's first line
        lang: CHECKED[tag],
        indent: indent.length,
        code: body.join('\n'),
        prelude,
        preludeLines: prelude ? prelude.split('\n').length : 0,
        preludeLine: pendingPrelude?.line ?? 0,
        name: `b${blocks.length}`,
      });
    } else {
      if (pendingPrelude)
        problems.push({
          where: `${rel(file)}:${pendingPrelude.line}`,
          message: `a prelude comment must come right before a ts/js block, not a ${tag || 'untagged'} block`,
        });
      if (NOT_CODE.has(tag)) notCode.set(tag, (notCode.get(tag) ?? 0) + 1);
      else
        problems.push({
          where: `${rel(file)}:${i + 1}`,
          message: `unknown code block language "${rawTag}": tag it ts or js (checked), or one of ${[...NOT_CODE].filter(Boolean).join(', ')}`,
        });
    }
    pendingPrelude = null;
    i = j;
  }
  if (pendingPrelude)
    problems.push({ where: `${rel(file)}:${pendingPrelude.line}`, message: 'a prelude comment must come right before a ts/js block' });
}

/** An HTML comment starting on line i (possibly spanning lines): its text and last line. */
function readComment(lines, i) {
  if (!lines[i].trimStart().startsWith('<!--')) return null;
  let text = '';
  for (let j = i; j < lines.length; j++) {
    text += (j > i ? '\n' : '') + lines[j].trim();
    if (lines[j].includes('-->')) return { text, end: j };
  }
  return null;
}

/** A temporary project next to the built package: node_modules and tsconfig.json. */
function setUpProject(dir) {
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  // The checkout itself as the installed package: its package.json "exports" and dist/*.d.mts.
  symlinkSync(ROOT, path.join(modules, 'shaka-keyflow'), 'dir');
  symlinkSync(path.join(ROOT, 'node_modules', 'shaka-player'), path.join(modules, 'shaka-player'), 'dir');
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      allowJs: true,
      checkJs: true,
      noEmit: true,
      skipLibCheck: true,
      // No ambient types unless a block asks (`/// <reference types="jasmine" />` in its prelude);
      // dist/testing/node.d.mts finds @types/node through its own imports.
      types: [],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    },
    include: ['blocks'],
  };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
}

/** Writes these blocks (only) into the project and runs tsc once. */
function typeCheck(dir, some) {
  const blocksDir = path.join(dir, 'blocks');
  rmSync(blocksDir, { recursive: true, force: true });
  mkdirSync(blocksDir);
  for (const block of some) {
    // `export {}` makes every block a module: its own scope, and top-level await.
    const text = `${block.prelude ? `${block.prelude}\n` : ''}${block.code}\nexport {};\n`;
    writeFileSync(path.join(blocksDir, `${block.name}.${block.lang}`), text);
  }
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.replaceAll(dir, '<tmp>') };
}

/** Sorts tsc's messages into failedBlocks (with Markdown file:line:column) and stray. */
function readTscOutput(output) {
  let last = null; // the message list a continuation line (indented) belongs to
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line) && last) {
      last.push(`    ${line.trim()}`);
      continue;
    }
    const m = /^blocks\/(b\d+)\.(?:ts|js)\((\d+),(\d+)\): (.*)$/.exec(line.trim());
    const block = m && blocks.find((b) => b.name === m[1]);
    if (!block) {
      stray.push(line);
      last = stray;
      continue;
    }
    const fileLine = Number(m[2]);
    const where =
      fileLine <= block.preludeLines
        ? `${rel(block.file)}:${block.preludeLine} (prelude)`
        : `${rel(block.file)}:${block.line + fileLine - 1 - block.preludeLines}:${Number(m[3]) + block.indent}`;
    if (!failedBlocks.has(block)) failedBlocks.set(block, []);
    last = failedBlocks.get(block);
    last.push(`${where} ${m[4]}`);
  }
}

function rel(file) {
  return path.relative(process.cwd(), file) || file;
}
