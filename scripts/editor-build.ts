/**
 * The editor half of the build (scripts/build.js calls buildEditor after the main compile, which
 * type-checks the editor modules with everything else). A node's folder nodes/<type>/ compiles to
 * dist/nodes/<type>/, its runtime to node.js; beside it, where Node-RED looks for them, this writes:
 * - node.html: the node's form, the rows of its declared properties (nodes/<type>/properties.ts, with
 *   its FORM_TIP if any), or what its form.ts renders (the tie-config), with the script tag of its editor;
 * - locales/<lang>/node.json: its catalogue (nodes/<type>/locales/<lang>.json) with the shared
 *   "tie." keys (nodes/locales/<lang>/_shared.json) merged in;
 * - locales/<lang>/node.html: its help (nodes/<type>/help/<lang>.html) with the shared sections
 *   (nodes/locales/<lang>/_help/) and the limits and tables of src/ filled in;
 * - icons/<type>.svg, from the top-level icons/;
 * and bundles its editor script with esbuild, from nodes/<type>/editor.ts and what it imports, into
 * resources/<type>.js, which Node-RED serves as resources/node-red-contrib-tie/<type>.js.
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
import { flowNodePage } from '../nodes/editor/form';
import type { Properties } from '../nodes/kit/properties';
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

/** Where a node's built files are: dist/nodes/<type>/, its runtime node.js. */
export function builtNodeDir(root: string, type: string): string {
  return path.join(root, 'dist', 'nodes', type);
}

/** A built node's catalogue (`json`) or help (`html`) in one language. */
export function builtLocaleFile(root: string, type: string, lang: string, ext: 'json' | 'html'): string {
  return path.join(builtNodeDir(root, type), 'locales', lang, `node.${ext}`);
}

/** The languages of the catalogues: the folders of nodes/locales/, each with the shared keys and help sections. */
function languages(root: string): string[] {
  return fs.readdirSync(path.join(root, 'nodes', 'locales'));
}

function writeLocales(root: string, types: readonly string[]): void {
  for (const lang of languages(root)) {
    const sharedDir = path.join(root, 'nodes', 'locales', lang);
    const shared = readJson(path.join(sharedDir, '_shared.json'));
    for (const type of types) {
      const own = path.join(root, 'nodes', type);
      const catalogue = mergedCatalogue(readJson(path.join(own, 'locales', `${lang}.json`)), shared);
      const out = builtLocaleFile(root, type, lang, 'json');
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(catalogue, null, 2)}\n`);
      const help = expandIncludes(fs.readFileSync(path.join(own, 'help', `${lang}.html`), 'utf8'), path.join(sharedDir, '_help'));
      fs.writeFileSync(builtLocaleFile(root, type, lang, 'html'), fillPlaceholders(help, lang, shared));
    }
  }
}

/** A node's form module (nodes/<type>/form.ts, for a form with more than its properties' rows), compiled. */
interface FormModule {
  page(): string;
}

/** A node's page: its form module's, or its declared properties' rows. */
function formPageOf(dir: string, type: string): string {
  const formModule = path.join(dir, 'form.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled form module of a node picked by its type
  if (fs.existsSync(formModule)) return (require(formModule) as FormModule).page();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled declaration of a node picked by its type
  const { PROPERTIES, FORM_TIP } = require(path.join(dir, 'properties.js')) as { PROPERTIES: Properties; FORM_TIP?: string };
  return flowNodePage(type, PROPERTIES, FORM_TIP);
}

/** node.html: the node's page; and the node's icon beside it. */
function writeForms(root: string, types: readonly string[]): void {
  for (const type of types) {
    const dir = builtNodeDir(root, type);
    fs.writeFileSync(path.join(dir, 'node.html'), formPageOf(dir, type));
    fs.mkdirSync(path.join(dir, 'icons'), { recursive: true });
    fs.copyFileSync(path.join(root, 'icons', `${type}.svg`), path.join(dir, 'icons', `${type}.svg`));
  }
}

/** resources/<type>.js: the node's editor module and its imports in one script that registers the node on the page. */
function writeBundles(root: string, types: readonly string[]): void {
  for (const type of types) {
    buildSync({
      stdin: {
        contents: `import { register } from './${type}/editor';
import { registerOnLoad } from './editor/register-on-load';
registerOnLoad(register);
`,
        resolveDir: path.join(root, 'nodes'),
        sourcefile: `${type}.entry.ts`,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2017',
      outfile: path.join(root, 'resources', `${type}.js`),
      banner: { js: `/* node-red-contrib-tie: ${type}'s editor, bundled by esbuild from nodes/${type}/editor.ts */` },
      logLevel: 'warning',
    });
  }
}

export function buildEditor(root: string): void {
  const types = nodeTypes(root);
  writeBundles(root, types);
  writeForms(root, types);
  writeLocales(root, types);
}
