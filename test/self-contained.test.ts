/**
 * The repository is self-contained: no code under src/, nodes/, test/, test-kit/, bench/, scripts/ or .ci/
 * names a path outside the checkout. A path built from `__dirname` is resolved where the file runs
 * (its compiled place under dist/ for TypeScript) and must stay inside; nothing names the reference
 * documents the project was written from.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const FOLDERS = ['src', 'nodes', 'test', 'test-kit', 'bench', 'scripts', '.ci'];
const CODE = /\.(ts|js|sh)$|^run$/;

function codeFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'fixtures') walk(full);
      else if (entry.isFile() && CODE.test(entry.name)) found.push(full);
    }
  };
  walk(path.join(root, folder));
  return found;
}

/** Where a file runs from: TypeScript runs compiled, at the same place under dist/. */
function runDir(file: string): string {
  const relative = path.relative(root, path.dirname(file));
  return file.endsWith('.ts') ? path.join(root, 'dist', relative) : path.join(root, relative);
}

/** `path.resolve(__dirname, 'a', '../b')` and `path.join(__dirname, ...)` whose parts are all literals. */
const DIRNAME_PATH = /path\.(?:resolve|join)\(\s*__dirname((?:\s*,\s*'[^'\n]*')+)\s*\)/g;

describe('the repository is self-contained', () => {
  const files = FOLDERS.flatMap(codeFiles);

  it('finds the code it checks', () => {
    assert.ok(files.length > 100, `${files.length} files`);
    assert.ok(files.includes(path.join(root, '.ci', 'run')));
  });

  it('builds no path from __dirname that leaves the checkout', () => {
    const escapes: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(DIRNAME_PATH)) {
        const parts = [...match[1].matchAll(/'([^']*)'/g)].map((part) => part[1]);
        const target = path.resolve(runDir(file), ...parts);
        checked++;
        if (target !== root && !target.startsWith(root + path.sep)) escapes.push(`${path.relative(root, file)}: ${match[0]} -> ${target}`);
      }
    }
    assert.ok(checked > 10, `${checked} paths checked`);
    assert.deepEqual(escapes, []);
  });

  it('names no folder beside the checkout', () => {
    const outside = /\.\.\/shared\b|shared\/(?:data|spec|seeds)\/|\/work\//;
    const named = files.filter(
      (file) => file !== path.join(root, 'test', 'self-contained.test.ts') && outside.test(fs.readFileSync(file, 'utf8')),
    );
    assert.deepEqual(
      named.map((file) => path.relative(root, file)),
      [],
    );
  });
});
