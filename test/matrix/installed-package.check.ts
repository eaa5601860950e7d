/**
 * The package as a user installs it: the tarball `npm pack` makes, installed into a fresh Node-RED
 * user directory the way the Palette Manager does, Node-RED and `tie-fabric` started from what was
 * installed, and everything checked from outside over HTTP. This catches what a checkout hides: a
 * file missing from `files`, a runtime need met only by a devDependency, a path that exists only in
 * the repository. The version matrix (test/matrix/run.ts) runs it once per Node-RED major, under
 * that major's Node.js; it needs TIE_TARBALL and TIE_NPM_CLI.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { nodeRedRuntime } from '../../scripts/node-red-runtime';
import { freePort, waitForPort } from '../../test-kit/ports';
import { paletteInstall } from './installs';

const MODULE = 'node-red-contrib-tie';
/** notepad.exe in the TIE simulator: Global Threat Intelligence says Known Trusted (99). */
const KNOWN_MD5 = 'f2c7bb8acc97f92e987a2d4087d021b1';
const GTI_PROVIDER = '1';

const nodeRed = nodeRedRuntime();
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const tarball = process.env.TIE_TARBALL ?? '';
const npmCli = process.env.TIE_NPM_CLI ?? '';

interface Reply {
  status: number;
  body: string;
}

function send(port: number, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const getJson = async <T>(port: number, urlPath: string): Promise<T> => {
  const reply = await send(port, 'GET', urlPath, { Accept: 'application/json' });
  assert.equal(reply.status, 200, `GET ${urlPath}: ${reply.body}`);
  return JSON.parse(reply.body) as T;
};

/** Starts a program and resolves once its output matches `ready`, with the match. */
function startUntil(
  program: string,
  args: string[],
  ready: RegExp,
  log: string[],
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${path.basename(program)} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      log.push(chunk.toString());
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(program)} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

interface NodeSet {
  module: string;
  types: string[];
  enabled: boolean;
  err?: string;
}

interface InstalledManifest {
  bin: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
}

describe(`the installed tarball on Node-RED ${nodeRed.version} (Node.js ${process.versions.node})`, function () {
  this.timeout(60_000);
  const log: string[] = [];
  const children: ChildProcess[] = [];
  let userDir: string;
  let installed: string;
  let manifest: InstalledManifest;
  let port: number;

  before(async function () {
    this.timeout(300_000);
    assert.ok(fs.existsSync(tarball), `TIE_TARBALL names no file: "${tarball}" (run this through npm run test:matrix)`);
    assert.ok(fs.existsSync(npmCli), `TIE_NPM_CLI names no file: "${npmCli}"`);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-installed-'));
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }));
    await paletteInstall(npmCli, tarball, userDir);
    installed = path.join(userDir, 'node_modules', MODULE);
    manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as InstalledManifest;

    const fabricBin = manifest.bin['tie-fabric'];
    assert.ok(fabricBin, 'package.json names a tie-fabric bin');
    assert.ok(fs.existsSync(path.join(userDir, 'node_modules', '.bin', 'tie-fabric')), 'npm linked the tie-fabric bin');
    const fabric = await startUntil(
      path.join(installed, fabricBin),
      ['--port', '0', '--no-mgmt', '--quiet', '--data-dir', path.join(userDir, 'fabric')],
      /Client config: (\S+)\n/,
      log,
    );
    children.push(fabric.child);
    const configFile = fabric.match[1];

    port = await freePort();
    const settings = path.join(userDir, 'settings.js');
    fs.writeFileSync(
      settings,
      `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: 'installed-test' };\n`,
    );
    const red = spawn(process.execPath, [nodeRed.redJs, '--userDir', userDir, '--settings', settings], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(red);
    red.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    red.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    await waitForPort(port, 60_000);

    const flow = [
      { id: 'tab', type: 'tab', label: 'installed' },
      { id: 'cfg', type: 'tie-config', name: 'fabric', source: 'file', configFile },
      { id: 'in', type: 'http in', z: 'tab', x: 100, y: 100, url: '/tie/lookup', method: 'post', upload: false, wires: [['get']] },
      {
        id: 'get',
        type: 'tie-get-reputation',
        z: 'tab',
        x: 300,
        y: 100,
        connection: 'cfg',
        subject: 'file',
        input: 'payload',
        inputType: 'msg',
        concurrency: 4,
        batchErrors: 'fail',
        wires: [['out']],
      },
      { id: 'out', type: 'http response', z: 'tab', x: 500, y: 100, statusCode: '', headers: {} },
      { id: 'catch', type: 'catch', z: 'tab', x: 100, y: 200, scope: ['get'], uncaught: false, wires: [['refused']] },
      {
        id: 'refused',
        type: 'change',
        z: 'tab',
        x: 300,
        y: 200,
        rules: [
          { t: 'set', p: 'statusCode', pt: 'msg', to: '400', tot: 'num' },
          { t: 'set', p: 'payload', pt: 'msg', to: '{"errorCode": error.code, "tieErrorCode": tieError.code}', tot: 'jsonata' },
        ],
        wires: [['out']],
      },
    ];
    const deployed = await send(
      port,
      'POST',
      '/flows',
      { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      JSON.stringify(flow),
    );
    assert.equal(deployed.status, 204, `deploy: ${deployed.body}`);
  });

  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stdout.write(`--- Node-RED and tie-fabric output ---\n${log.join('')}\n`);
  });

  it('registers every node type of the package, enabled, without a load error', async () => {
    const sets = (await getJson<NodeSet[]>(port, '/nodes')).filter((set) => set.module === MODULE);
    assert.deepEqual(sets.flatMap((set) => set.types).sort(), Object.keys(manifest['node-red'].nodes).sort());
    for (const set of sets) {
      assert.equal(set.err, undefined, String(set.err));
      assert.equal(set.enabled, true);
    }
  });

  it('serves every icon of the repository', async () => {
    const icons = fs.readdirSync(path.join(repositoryRoot, 'icons')).filter((file) => file.endsWith('.svg'));
    assert.ok(icons.length >= Object.keys(manifest['node-red'].nodes).length, icons.join(', '));
    const listed = (await getJson<Record<string, string[]>>(port, '/icons'))[MODULE] ?? [];
    assert.deepEqual([...listed].sort(), [...icons].sort());
    for (const icon of icons) {
      const served = await send(port, 'GET', `/icons/${MODULE}/${icon}`, { Accept: 'image/svg+xml' });
      assert.equal(served.status, 200, icon);
      assert.match(served.body, /<svg[\s>]/, icon);
    }
  });

  it('lists every example flow of the repository in the import menu', async () => {
    // The library behind the editor's Import > Examples menu.
    const listing = await getJson<Array<string | { fn: string }>>(port, `/library/examples/flows/${MODULE}`);
    const listed = listing.flatMap((entry) => (typeof entry === 'string' ? [] : [entry.fn]));
    const repositoryExamples = fs
      .readdirSync(path.join(repositoryRoot, 'examples'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.replace(/\.json$/, ''));
    assert.ok(repositoryExamples.length > 0);
    assert.deepEqual(listed.sort(), repositoryExamples.sort());
  });

  it('answers a known hash through a deployed HTTP flow, against tie-fabric from the installed bin', async () => {
    // The deployed tie-config connects on its first use; the lookup waits for the connection.
    const reply = await send(port, 'POST', '/tie/lookup', { 'Content-Type': 'text/plain' }, KNOWN_MD5);
    assert.equal(reply.status, 200, reply.body);
    const reputations = JSON.parse(reply.body) as Record<string, { trustLevel: number }>;
    assert.equal(reputations[GTI_PROVIDER]?.trustLevel, 99, reply.body);
  });

  it('refuses a bad hash with its stable code, to the Catch node', async () => {
    const reply = await send(port, 'POST', '/tie/lookup', { 'Content-Type': 'text/plain' }, 'not-a-hash');
    assert.equal(reply.status, 400, reply.body);
    const codes = JSON.parse(reply.body) as { errorCode?: string; tieErrorCode?: string };
    assert.equal(codes.tieErrorCode, 'TIE_INVALID_INPUT');
    // Node-RED 4 and later copy an error's code into the Catch node's msg.error; Node-RED 3 does not.
    assert.equal(codes.errorCode, nodeRed.major >= 4 ? 'TIE_INVALID_INPUT' : undefined);
  });
});
