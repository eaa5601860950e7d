/**
 * The message catalogue is the one home of every text a user sees. This fails when
 * - a language lacks a key, a help page or a help section that en-US has (or has one en-US lacks);
 * - a node's editor html holds a text, a placeholder or a number instead of a catalogue key;
 * - an editor script or the runtime's status, warning and log code writes a sentence itself;
 * - a key the editor html or the runtime uses is not in every language.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DxlErrorCode } from '../src/dxl/errors';
import { NodeErrorCode } from '../nodes/kit/errors';
import {
  CAUSE_KEYS,
  EventActivity,
  NO_CONFIG_STATUS,
  RequestActivity,
  StatusText,
  connectionStatus,
  errorStatusLabel,
} from '../nodes/kit/status';
import type { UserText } from '../nodes/kit/text';
import { TieErrorCode } from '../src/tie/errors';
import { builtNodeDir } from '../scripts/editor-build';
import { LANGUAGES, flatten, readCatalogue, readHelp } from './support/catalogue';
import { ALL_TYPES } from './support/node-red-helper';

const root = path.resolve(__dirname, '..', '..');

/** The TypeScript files under nodes/ (paths relative to the checkout) that `keep` picks by their name. */
function nodeSources(keep: (relative: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts') && keep(relative)) out.push(relative);
    }
  };
  walk('nodes');
  return out;
}

const isEditorSource = (relative: string): boolean =>
  relative.startsWith('nodes/editor/') || /^editor(-[\w-]+)?\.ts$/.test(path.basename(relative));

function builtForm(type: string): string {
  return fs.readFileSync(path.join(builtNodeDir(root, type), 'node.html'), 'utf8');
}

function params(text: string): string[] {
  return [...text.matchAll(/__(\w+)__/g)].map((m) => m[1]).sort();
}

/** How many of each element a help page has: a translation keeps the structure. */
function shape(help: string): Record<string, number> {
  const count = (tag: string): number => (help.match(new RegExp(`<${tag}[\\s>]`, 'g')) ?? []).length;
  return { h3: count('h3'), h4: count('h4'), dt: count('dt'), dd: count('dd'), tr: count('tr'), li: count('li') };
}

/** String literals of a TypeScript source, comments removed (enough for our own sources). */
function stringLiterals(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\s\/\/ .*$/gm, '');
  return [...code.matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** Words for people (two words of letters in a row), not markup, selectors, icons or keys. */
function readsAsText(literal: string): boolean {
  if (/^\s*</.test(literal) || /^fa /.test(literal)) return false;
  return /\b[A-Za-z]{2,} [a-z]{2,}\b/.test(literal.replace(/\$\{[^}]*\}/g, ''));
}

/** Every status, note and warning text the node kit can produce. */
function runtimeTexts(): UserText[] {
  const texts: UserText[] = [NO_CONFIG_STATUS.text!, ...Object.values(StatusText), ...CAUSE_KEYS.map((key) => ({ key }))];
  const states = ['idle', 'connecting', 'reconnecting', 'connected', 'closed'] as const;
  for (const status of states) {
    texts.push(connectionStatus({ status }).text!, connectionStatus({ status, broker: 'h:1' }).text!);
    for (const cause of ['CONFIG', 'ECONNREFUSED', 'ERR_SSL_X', 'WHATEVER']) texts.push(connectionStatus({ status, cause }).text!);
  }
  for (const code of [...Object.values(DxlErrorCode), ...Object.values(TieErrorCode), ...Object.values(NodeErrorCode), 'OTHER']) {
    texts.push(errorStatusLabel(code));
  }
  const request = new RequestActivity();
  request.started();
  texts.push(request.status({ status: 'connected' }).text!, request.status({ status: 'connecting' }).text!);
  request.progress(1, 2);
  texts.push(request.status({ status: 'connected' }).text!, request.status({ status: 'connecting' }).text!);
  // A set node's writes: a dry run, a write queue.
  const writes = new RequestActivity('tie', { dryRun: () => true, queued: () => 3 });
  writes.started();
  texts.push(writes.status({ status: 'connected' }).text!);
  writes.progress(1, 2);
  texts.push(writes.status({ status: 'connected' }).text!);
  writes.finished({});
  texts.push(writes.status({ status: 'connected' }).text!);
  const events = new EventActivity();
  events.subscribing();
  texts.push(events.status({ status: 'connected' }).text!);
  events.subscribedNow();
  events.received();
  texts.push(events.status({ status: 'connected' }).text!);
  events.received();
  texts.push(events.status({ status: 'connected' }).text!);
  return texts;
}

/** Keys written as literals in runtime code (userText('…')), the dynamic ones being covered by runtimeTexts(). */
function literalRuntimeKeys(): string[] {
  const files = nodeSources((relative) => !isEditorSource(relative));
  return files.flatMap((file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/userText\('([^']+)'/g)].map((m) => m[1]));
}

describe('message catalogues (nodes/locales, as built)', () => {
  const english = new Map(ALL_TYPES.map((type) => [type, flatten(readCatalogue('en-US', type))]));

  for (const lang of LANGUAGES.filter((l) => l !== 'en-US')) {
    for (const type of ALL_TYPES) {
      it(`${lang}/${type}: every key of en-US and no other, each with the same parameters`, () => {
        const texts = flatten(readCatalogue(lang, type));
        const reference = english.get(type)!;
        assert.deepEqual([...texts.keys()].sort(), [...reference.keys()].sort());
        for (const [key, text] of texts) {
          assert.ok(text.trim() !== '', `${key} is empty`);
          assert.deepEqual(params(text), params(reference.get(key)!), `${key}: parameters`);
        }
      });

      it(`${lang}/${type}: a help page with every section of en-US, in ${lang}`, () => {
        const help = readHelp(lang, type);
        const reference = readHelp('en-US', type);
        assert.match(help, new RegExp(`data-help-name="${type}"`));
        assert.deepEqual(shape(help), shape(reference));
        const first = (page: string): string => /<p>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
        assert.notEqual(first(help), first(reference), 'not the English text');
      });
    }
  }

  for (const lang of LANGUAGES) {
    it(`${lang}: help pages are built whole (no include or placeholder left)`, () => {
      for (const type of ALL_TYPES) assert.doesNotMatch(readHelp(lang, type), /<!--\s*include:|\{\{\w+\}\}/, type);
    });
  }

  it("every key of the editor html is in the node's catalogue", () => {
    for (const type of ALL_TYPES) {
      const html = builtForm(type);
      const keys = [...html.matchAll(/data-i18n="([^"]+)"/g)].flatMap((m) => m[1].split(';').map((k) => k.replace(/^\[\w+\]/, '')));
      assert.ok(keys.length > 0, type);
      for (const key of keys) assert.ok(english.get(type)!.has(key), `${type}.html: "${key}" is not in its catalogue`);
    }
  });

  it('the editor html holds no text, placeholder, number or script of its own', () => {
    for (const type of ALL_TYPES) {
      const html = builtForm(type);
      // The one script: the node's editor, served from resources/.
      assert.deepEqual(
        [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]),
        [
          `<script type="text/javascript" src="resources/node-red-contrib-tie/${type}.js">`,
          `<script type="text/html" data-template-name="${type}">`,
        ],
      );
      const template = html.slice(html.indexOf('data-template-name'));
      const texts = [...template.replace(/<style>[\s\S]*?<\/style>/g, '').matchAll(/>([^<]+)</g)]
        .map((m) => m[1].trim())
        .filter((t) => t !== '');
      assert.deepEqual(texts, [], `${type}.html: text outside the catalogue`);
      assert.doesNotMatch(template, /\s(placeholder|title|min|max)="/, `${type}.html: an attribute with a text or a limit`);
      assert.doesNotMatch(template, /TieEditor/);
    }
  });

  it('the editor scripts write no sentence of their own', () => {
    const files = nodeSources(isEditorSource);
    assert.ok(files.length > 20, `${files.length} editor files`);
    for (const file of files) {
      const found = stringLiterals(fs.readFileSync(path.join(root, file), 'utf8')).filter(readsAsText);
      assert.deepEqual(found, [], `${file}: texts outside the catalogue`);
    }
  });

  it("the runtime's statuses, warnings and logs write no sentence of their own", () => {
    for (const file of ['nodes/kit/status.ts', 'nodes/kit/text.ts']) {
      const source = fs.readFileSync(path.join(root, file), 'utf8');
      assert.deepEqual(stringLiterals(source).filter(readsAsText), [], `${file}: texts outside the catalogue`);
    }
    for (const file of [
      'nodes/tie-config/node.ts',
      'nodes/kit/request-node.ts',
      'nodes/kit/input.ts',
      'nodes/kit/event-node.ts',
      'nodes/kit/connection.ts',
    ]) {
      const source = fs.readFileSync(path.join(root, file), 'utf8');
      assert.doesNotMatch(source, /\bnode\.(warn|log|error)\(\s*['`]/, `${file}: a log line written in code`);
      assert.doesNotMatch(source, /new TieNodeError\([^,]+,\s*['`]/, `${file}: an error message written in code`);
    }
  });

  for (const lang of LANGUAGES) {
    it(`${lang}: every status, warning and log text of the runtime has its key`, () => {
      const nodeRed = flatten(
        JSON.parse(fs.readFileSync(require.resolve(`@node-red/nodes/locales/${lang}/messages.json`), 'utf8')) as Record<string, never>,
      );
      const keys = new Set([...runtimeTexts().map((t) => t.key), ...literalRuntimeKeys()]);
      assert.ok(keys.size > 40, `${keys.size} keys`);
      for (const type of ALL_TYPES) {
        const texts = flatten(readCatalogue(lang, type));
        for (const key of keys) {
          if (key.startsWith('node-red:')) assert.ok(nodeRed.has(key.slice('node-red:'.length)), `Node-RED's ${lang} catalogue: ${key}`);
          else assert.ok(texts.has(key), `${lang}/${type}.json: ${key}`);
        }
      }
    });
  }
});
