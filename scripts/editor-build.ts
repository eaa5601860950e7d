/**
 * The editor half of the build (scripts/build.js calls buildEditor after the main compile, which
 * type-checks the editor modules with everything else):
 * - bundles each node's editor script with esbuild, from nodes/editor/<type>.ts and what it imports,
 *   into resources/<type>.js, which Node-RED serves as resources/node-red-contrib-tie/<type>.js;
 * - writes dist/nodes/locales/<lang>/: each node's catalogue with the shared "tie." keys
 *   (_shared.json) merged in, and its help with the shared sections (_help/) and the limits and
 *   tables of src/ filled in.
 * A node's form (nodes/<type>.html) is copied as it is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { MAX_BATCH_ITEMS } from '../nodes/kit/items';
import { SERVICE_DRAIN_MAX_S } from '../nodes/kit/service-node';
import { DEFAULT_BROKER_PORT, DEFAULT_KEEPALIVE_S, DEFAULT_MANAGEMENT_PORT, DEFAULT_REQUEST_TIMEOUT_S } from '../src/dxl/numbers';
import {
  DEFAULT_CACHE_TTL_S,
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECT_WAIT_S,
  DEFAULT_MAX_MESSAGE_KB,
  DEFAULT_SERVICE_ANSWER_TIMEOUT_S,
  DEFAULT_SERVICE_MAX_PENDING,
  DEFAULT_VERIFY_TIMEOUT_S,
  DEFAULT_WRITE_BURST,
  DEFAULT_WRITE_QUEUE,
  DEFAULT_WRITE_RATE,
  MAX_CONCURRENCY,
  MAX_TIMEOUT_S,
  MAX_VERIFY_TIMEOUT_S,
} from '../nodes/kit/settings';
import { FileType, TRUST_LEVELS, TrustLevel } from '../src/tie/constants';
import { DEFAULT_FIRST_REFERENCES_LIMIT } from '../src/tie/topics';

type Catalogue = { [key: string]: string | Catalogue };

const INCLUDE = /<!--\s*include:\s*([\w/-]+)\s*-->/g;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The numbers of src/ the help texts quote. */
const LIMITS: Readonly<Record<string, number>> = {
  MAX_BATCH_ITEMS,
  MAX_CONCURRENCY,
  DEFAULT_CONCURRENCY,
  DEFAULT_FIRST_REFERENCES_LIMIT,
  DEFAULT_REQUEST_TIMEOUT_S,
  DEFAULT_CACHE_TTL_S,
  DEFAULT_MAX_MESSAGE_KB,
  DEFAULT_CONNECT_WAIT_S,
  DEFAULT_KEEPALIVE_S,
  DEFAULT_SERVICE_ANSWER_TIMEOUT_S,
  DEFAULT_SERVICE_MAX_PENDING,
  SERVICE_DRAIN_MAX_S,
  MAX_TIMEOUT_S,
  DEFAULT_VERIFY_TIMEOUT_S,
  MAX_VERIFY_TIMEOUT_S,
  DEFAULT_WRITE_RATE,
  DEFAULT_WRITE_BURST,
  DEFAULT_WRITE_QUEUE,
};
/** Numbers quoted as they are written (ports), not in the language's number format. */
const NAMES: Readonly<Record<string, number>> = { DEFAULT_BROKER_PORT, DEFAULT_MANAGEMENT_PORT };

/** Replaces `<!-- include: name -->` with `dir/name.html`, recursively. */
export function expandIncludes(text: string, dir: string, seen: readonly string[] = []): string {
  return text.replace(INCLUDE, (_whole, name: string) => {
    if (seen.includes(name)) throw new Error(`include loop: ${[...seen, name].join(' → ')}`);
    const file = path.join(dir, `${name}.html`);
    if (!fs.existsSync(file)) throw new Error(`no ${file} to include`);
    return expandIncludes(fs.readFileSync(file, 'utf8').trimEnd(), dir, [...seen, name]);
  });
}

function lookup(catalogue: Catalogue, key: string): string | undefined {
  let at: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  return typeof at === 'string' ? at : undefined;
}

/** The trust-level table's rows: value, constant name, and the catalogue's name for it. */
function trustLevelRows(shared: Catalogue, lang: string): string {
  const names = new Map(Object.entries(TrustLevel).map(([name, value]) => [value as number, name]));
  return TRUST_LEVELS.map((level) => {
    const meaning = lookup(shared, `tie.trustLevelMeaning.${level}`) ?? lookup(shared, `tie.trustLevel.${level}`);
    if (meaning === undefined) throw new Error(`${lang}/_shared.json: no tie.trustLevel.${level}`);
    return `    <tr><td>${level}</td><td>${names.get(level) ?? ''}</td><td>${meaning}</td></tr>`;
  }).join('\n');
}

/** `{{NAME}}`: a limit of src/ in the language's number format, or a generated table. */
export function fillPlaceholders(text: string, lang: string, shared: Catalogue): string {
  const numbers = new Intl.NumberFormat(lang);
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'TRUST_LEVEL_ROWS') return trustLevelRows(shared, lang);
    if (name === 'FILE_TYPE_LIST')
      return Object.entries(FileType)
        .map(([type, value]) => `${type} ${value}`)
        .join(', ');
    const plain = NAMES[name];
    if (plain !== undefined) return String(plain);
    const value = LIMITS[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole}`);
    return numbers.format(value);
  });
}

function readJson(file: string): Catalogue {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Catalogue;
}

/** A node's built catalogue: its own keys and the shared "tie." ones. */
export function mergedCatalogue(own: Catalogue, shared: Catalogue): Catalogue {
  for (const key of Object.keys(shared)) if (key in own) throw new Error(`"${key}" is both the node's own and shared`);
  return { ...own, ...shared };
}

export function nodeTypes(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
  return Object.keys(pkg['node-red'].nodes);
}

function writeLocales(root: string, types: readonly string[]): void {
  const source = path.join(root, 'nodes', 'locales');
  const out = path.join(root, 'dist', 'nodes', 'locales');
  fs.rmSync(out, { recursive: true, force: true });
  for (const lang of fs.readdirSync(source)) {
    const dir = path.join(source, lang);
    const shared = readJson(path.join(dir, '_shared.json'));
    fs.mkdirSync(path.join(out, lang), { recursive: true });
    for (const type of types) {
      const catalogue = mergedCatalogue(readJson(path.join(dir, `${type}.json`)), shared);
      fs.writeFileSync(path.join(out, lang, `${type}.json`), `${JSON.stringify(catalogue, null, 2)}\n`);
      const help = expandIncludes(fs.readFileSync(path.join(dir, `${type}.html`), 'utf8'), path.join(dir, '_help'));
      fs.writeFileSync(path.join(out, lang, `${type}.html`), fillPlaceholders(help, lang, shared));
    }
  }
}

/** resources/<type>.js: the node's editor module and its imports in one script that registers the node on the page. */
function writeBundles(root: string, types: readonly string[]): void {
  const editor = path.join(root, 'nodes', 'editor');
  for (const type of types) {
    buildSync({
      stdin: {
        contents: `import { register } from './${type}';
import { registerOnLoad } from './register-on-load';
registerOnLoad(register);
`,
        resolveDir: editor,
        sourcefile: `${type}.entry.ts`,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2017',
      outfile: path.join(root, 'resources', `${type}.js`),
      banner: { js: `/* node-red-contrib-tie: ${type}'s editor, bundled by esbuild from nodes/editor/${type}.ts */` },
      logLevel: 'warning',
    });
  }
}

export function buildEditor(root: string): void {
  const types = nodeTypes(root);
  writeBundles(root, types);
  writeLocales(root, types);
}
