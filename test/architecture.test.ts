/**
 * The import rule of docs/architecture.md, checked on the import statements of every source file:
 * the Node-RED side (a node's folder nodes/<type>/ -> nodes/kit, its editor -> nodes/editor; no
 * folder imports another's) -> src/tie -> src/dxl, with src/fabric, src/provision and src/cli beside,
 * importing down; test/, test-kit/, bench/ and scripts/ may import anything, and nothing in nodes/ or
 * src/ imports them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

type Area = 'node' | 'kit' | 'editor' | 'tie' | 'dxl' | 'fabric' | 'provision' | 'cli' | 'index' | 'outside';

/** Which areas each area's files may import (its own always; a node only its own folder). */
const MAY_IMPORT: Readonly<Record<Exclude<Area, 'outside'>, readonly Area[]>> = {
  // A node's folder: its runtime on its kind's road in the kit, its editor on the editor's kit; the
  // tie-config's side makes the connection and provisions, on the libraries.
  node: ['kit', 'editor', 'tie', 'dxl', 'provision'],
  // The roads of the node kinds, on the TIE and DXL clients.
  kit: ['tie', 'dxl'],
  // What the node editors share (bundled for the browser): the kit's settings and rules, TIE's tables and the kinds of number.
  editor: ['kit', 'tie', 'dxl'],
  tie: ['dxl'],
  dxl: [],
  provision: ['dxl'],
  fabric: ['tie', 'dxl'],
  cli: ['fabric', 'provision', 'tie', 'dxl'],
  // The package's programmatic API (src/index.ts) gathers the libraries.
  index: ['tie', 'dxl', 'fabric', 'provision'],
};

/** Packages a node file may import: Node-RED's own types. */
const NODE_RED_PACKAGE_RE = /^(node-red|@node-red\/)/;

/** The area of a file or of an imported module path (with or without .ts; a folder stands for its index). */
function areaOf(file: string): Area {
  const relative = path.relative(ROOT, file).replace(/\.ts$/, '').split(path.sep);
  if (relative[0] === 'nodes') {
    if (relative[1] === 'kit' || relative[1] === 'editor') return relative[1];
    return relative.length === 3 ? 'node' : 'outside';
  }
  if (relative[0] !== 'src' || relative.length < 2) return 'outside';
  const folder = relative[1];
  if (relative.length === 2 && folder === 'index') return 'index';
  switch (folder) {
    case 'tie':
    case 'dxl':
    case 'fabric':
    case 'provision':
    case 'cli':
      return folder;
    default:
      return 'outside';
  }
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every module a file names in import, export ... from, import() or require(). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

/** Why `specifier` may not be imported from `file`, or undefined when it may. */
export function violation(file: string, specifier: string): string | undefined {
  const from = areaOf(file);
  if (from === 'outside') return undefined;
  if (!specifier.startsWith('.')) {
    if (specifier.startsWith('node:')) return undefined;
    if ((from === 'node' || from === 'kit' || from === 'editor') && !NODE_RED_PACKAGE_RE.test(specifier)) {
      return `a ${from} file imports the package ${specifier}`;
    }
    return undefined;
  }
  const target = path.resolve(path.dirname(file), specifier);
  const to = areaOf(target);
  if (to === 'node' && from === 'node') {
    return path.dirname(target) === path.dirname(file) ? undefined : `a node's folder imports another's (${path.relative(ROOT, target)})`;
  }
  if (to === from) return undefined;
  if (to === 'outside') {
    const where = path.relative(ROOT, target);
    return `imports ${where}, outside nodes/ and the src/ layers`;
  }
  if (MAY_IMPORT[from].includes(to)) return undefined;
  return `${from} may import ${[from, ...MAY_IMPORT[from]].join(', ')}, not ${to}`;
}

describe('architecture: the import rule', () => {
  const files = [...sourceFiles(path.join(ROOT, 'nodes')), ...sourceFiles(path.join(ROOT, 'src'))];

  it('reads the imports of every source file of nodes/ and src/', () => {
    assert.ok(files.length > 100, `only ${files.length} source files found under ${ROOT}`);
    const imports = files.reduce((count, file) => count + importsOf(file).length, 0);
    assert.ok(imports > 300, `only ${imports} imports found`);
  });

  it('holds for every import', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        const why = violation(file, specifier);
        if (why !== undefined) broken.push(`${path.relative(ROOT, file)}: '${specifier}': ${why}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('refuses imports that point up, sideways into a room beside, or out of the product', () => {
    const at = (file: string): string => path.join(ROOT, file);
    assert.match(violation(at('src/dxl/client.ts'), '../tie/client') ?? '', /dxl may import dxl, not tie/);
    assert.match(violation(at('src/tie/client.ts'), '../../nodes/kit/event-sources') ?? '', /not kit/);
    assert.match(violation(at('nodes/kit/event-sources.ts'), '../../src/fabric/fabric') ?? '', /not fabric/);
    assert.match(violation(at('nodes/kit/request-node.ts'), '../tie-get-reputation/node') ?? '', /kit may import kit, tie, dxl, not node/);
    assert.match(violation(at('nodes/kit/status.ts'), '../tie-config/client-options') ?? '', /not node/);
    assert.match(violation(at('src/tie/client.ts'), '../provision') ?? '', /not provision/);
    assert.match(violation(at('nodes/tie-get-reputation/node.ts'), '../../src/fabric/fabric') ?? '', /not fabric/);
    assert.match(violation(at('nodes/tie-get-reputation/editor.ts'), '../tie-config/config-credentials') ?? '', /another's/);
    assert.match(violation(at('nodes/editor/common.ts'), '../tie-config/node') ?? '', /not node/);
    assert.match(violation(at('nodes/kit/connection.ts'), 'mqtt') ?? '', /package mqtt/);
    assert.match(violation(at('nodes/tie-config/node.ts'), 'mqtt') ?? '', /package mqtt/);
    assert.match(violation(at('src/fabric/fabric.ts'), '../../test/support/ports') ?? '', /outside/);
    assert.match(violation(at('src/dxl/client.ts'), '../cli/tie-dxl') ?? '', /not cli/);
    assert.equal(violation(at('src/cli/tie-fabric.ts'), '../fabric/fabric'), undefined);
    assert.equal(violation(at('nodes/tie-config/node.ts'), './config-connection'), undefined);
    assert.equal(violation(at('nodes/tie-get-reputation/editor.ts'), '../editor/request-node'), undefined);
    assert.equal(violation(at('nodes/kit/request-node.ts'), '../../src/tie/client'), undefined);
    assert.equal(violation(at('bench/run.ts'), '../test-kit/mosquitto'), undefined);
  });
});
