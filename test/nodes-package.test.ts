/**
 * The package as Node-RED loads it: a real Node-RED (its own process, a temporary user
 * directory with this package linked into node_modules) must register all eight types and serve
 * their editor templates, editor scripts, help, message catalogues (en-US, de, ja) and icons.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { builtLocaleFile } from '../scripts/editor-build';
import { freePort, waitForPort } from '../test-kit/ports';
import { ALL_TYPES, nodeRed } from './support/node-red-helper';

const root = path.resolve(__dirname, '..', '..');

function get(port: number, urlPath: string, accept: string, language?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { Accept: accept };
  if (language !== undefined) headers['Accept-Language'] = language;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

interface NodeSet {
  module: string;
  name: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

describe(`the package in Node-RED ${nodeRed.major}`, function () {
  this.timeout(30000);
  let redProcess: ChildProcess;
  let port: number;
  let output = '';

  before(async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-node-red-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(root, path.join(userDir, 'node_modules', 'node-red-contrib-tie'), 'dir');
    port = await freePort();
    const settings = path.join(userDir, 'settings.js');
    fs.writeFileSync(settings, `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json' };\n`);
    redProcess = spawn(process.execPath, [nodeRed.redJs, '--userDir', userDir, '--settings', settings], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    redProcess.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    redProcess.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, 20000);
  });

  after(() => {
    redProcess?.kill();
  });

  it('registers the eight node types, enabled and without load errors', async () => {
    const { status, body } = await get(port, '/nodes', 'application/json');
    assert.equal(status, 200);
    const sets = (JSON.parse(body) as NodeSet[]).filter((set) => set.module === 'node-red-contrib-tie');
    const types = sets.flatMap((set) => set.types).sort();
    assert.deepEqual(types, [...ALL_TYPES].sort());
    for (const set of sets) {
      assert.equal(set.enabled, true, `${set.name} enabled`);
      assert.equal(set.err, undefined, `${set.name}: ${set.err}`);
    }
    assert.doesNotMatch(output, /\[node-red-contrib-tie\/[^\]]+\].*(Error|error)/);
  });

  it('serves an editor template, its editor script from resources/ and help for every type', async () => {
    const { status, body } = await get(port, '/nodes', 'text/html');
    assert.equal(status, 200);
    for (const type of ALL_TYPES) {
      assert.match(body, new RegExp(`data-template-name="${type}"`), `${type} template`);
      const script = `resources/node-red-contrib-tie/${type}.js`;
      assert.ok(body.includes(`<script type="text/javascript" src="${script}"></script>`), `${type} loads ${script}`);
      const served = await get(port, `/${script}`, 'application/javascript');
      assert.equal(served.status, 200, `${script} is served`);
      assert.match(served.body, new RegExp(`var TYPE = "${type}";`), `${script} is ${type}'s editor`);
      // After Node-RED's own load handler has put the help on the page, so that the palette's tooltip has it.
      assert.match(
        served.body,
        /script\.addEventListener\("load", run, \{ once: true \}\);\n {4}else run\(\);\n {2}\}\n[^]*\n {2}registerOnLoad\(register\);\n\}\)\(\);\n$/,
        `${script} registers itself with the page's RED once loaded`,
      );
      assert.match(body, new RegExp(`data-help-name="${type}"`), `${type} help`);
    }
    // No editor code in our html: no inline script, so no global one node's file defines for another.
    const ours = body
      .split(/<!-- --- \[red-module:/)
      .filter((part) => part.startsWith('node-red-contrib-tie/'))
      .join('');
    assert.equal((ours.match(/data-template-name=/g) ?? []).length, ALL_TYPES.length);
    assert.doesNotMatch(ours, /<script type="text\/javascript">/);
    assert.doesNotMatch(ours, /TieEditor/);
  });

  for (const lang of ['en-US', 'de', 'ja']) {
    it(`serves the ${lang} message catalogue and help of every type`, async () => {
      for (const type of ALL_TYPES) {
        const { status, body } = await get(port, `/locales/node-red-contrib-tie/${type}?lng=${lang}`, 'application/json');
        assert.equal(status, 200, type);
        const catalogue = JSON.parse(body) as Record<string, Record<string, unknown>>;
        assert.ok(catalogue[type], `${type} catalogue has its section`);
        assert.ok(catalogue.tie?.status, `${type} catalogue has the shared statuses`);
      }
      // The help in the browser's language (Node-RED picks it from Accept-Language).
      const help = await get(port, '/nodes', 'text/html', lang);
      for (const type of ALL_TYPES) {
        const built = fs.readFileSync(builtLocaleFile(root, type, lang, 'html'), 'utf8');
        const first = /<p>([^<]+)/.exec(built)?.[1] ?? '';
        assert.ok(first.length > 20 && help.body.includes(first), `${type}: the ${lang} help ("${first}")`);
      }
    });
  }

  it('serves an SVG icon for every flow node', async () => {
    const { body } = await get(port, '/icons', 'application/json');
    const icons = (JSON.parse(body) as Record<string, string[]>)['node-red-contrib-tie'] ?? [];
    for (const type of ALL_TYPES) assert.ok(icons.includes(`${type}.svg`), `${type}.svg in ${icons.join(', ')}`);
    const { status, body: svg } = await get(port, '/icons/node-red-contrib-tie/tie-get-reputation.svg', 'image/svg+xml');
    assert.equal(status, 200);
    assert.match(svg, /^<svg /);
  });
});
