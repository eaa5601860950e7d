/**
 * A new user's first minutes, on the path the README's install section gives: the tarball `npm pack`
 * makes installed into a fresh Node-RED user directory (`~/.node-red` of a home of its own) the way the
 * Palette Manager installs it, `npx --prefix ~/.node-red tie-fabric` run from another folder, and the
 * editor driven in Chromium: an example imported from the menu, deployed without a dialog, its button
 * pressed and the answer read in the Debug sidebar; the detection example shows one of the fabric's
 * periodic events within 60 s; a palette tooltip shows the node's help in en-US and de. The version
 * matrix (test/matrix/run.ts) runs it on the targets that say so (Node-RED 5.0); it needs TIE_TARBALL
 * and TIE_NPM_CLI, as the installed-package check.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { builtLocaleFile } from '../../scripts/editor-build';
import { nodeRedRuntime } from '../../scripts/node-red-runtime';
import { freePort, waitForPort } from '../../test-kit/ports';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from '../editor/chromium';
import { EditorPage } from '../editor/editor-page';
import { paletteInstall } from './installs';

const MODULE = 'node-red-contrib-tie';
const nodeRed = nodeRedRuntime();
const repositoryRoot = path.resolve(__dirname, '..', '..', '..');
const README = fs.readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');
const tarball = process.env.TIE_TARBALL ?? '';
const npmCli = process.env.TIE_NPM_CLI ?? '';
const outputDir = path.join(repositoryRoot, 'test-output', `first-run-node-red-${nodeRed.version}`);

/** The first paragraph of a node's help as the installed package ships it, as text. */
function helpParagraph(installed: string, lang: string, type: string): string {
  const page = fs.readFileSync(builtLocaleFile(installed, type, lang, 'html'), 'utf8');
  return (/<p>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Starts a program and resolves once its output matches `ready`. */
function startUntil(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, ready: RegExp, log: string[]) {
  return new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      log.push(chunk.toString());
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

describe(`a new user's first run: the README's install section on Node-RED ${nodeRed.version} (Node.js ${process.versions.node})`, function () {
  this.timeout(120_000);
  const log: string[] = [];
  const children: ChildProcess[] = [];
  let home: string;
  let installed: string;
  let editorUrl: string;
  let browser: Browser | undefined;
  let editor: EditorPage;

  before(async function () {
    this.timeout(600_000);
    requireChromium(this);
    assert.ok(fs.existsSync(tarball), `TIE_TARBALL names no file: "${tarball}" (run this through npm run test:matrix)`);
    assert.ok(fs.existsSync(npmCli), `TIE_NPM_CLI names no file: "${npmCli}"`);
    for (const command of ['npm install node-red-contrib-tie', 'npx --prefix ~/.node-red tie-fabric'])
      assert.ok(README.includes(command), `the README says ${command}`);

    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-first-run-'));
    const userDir = path.join(home, '.node-red');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }));
    // A home of its own (~ is it), npm's cache shared with this machine's, the target's Node.js first on the PATH.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    };
    // "npm install node-red-contrib-tie" in ~/.node-red, with the tarball for the registry: the Palette Manager's command.
    await paletteInstall(npmCli, tarball, userDir, env);
    installed = path.join(userDir, 'node_modules', MODULE);

    // "npx --prefix ~/.node-red tie-fabric", from a folder that is not the user directory (the shell expands ~).
    // --port 0 only because a test must not need port 8883; the examples read the config file it writes.
    const elsewhere = fs.mkdtempSync(path.join(home, 'elsewhere-'));
    children.push(
      await startUntil(
        process.execPath,
        [npmCli, 'exec', '--prefix', userDir, '--', 'tie-fabric', '--port', '0'],
        { cwd: elsewhere, env },
        /Press Ctrl\+C to stop\./,
        log,
      ),
    );
    assert.ok(
      fs.existsSync(path.join(home, '.node-red-contrib-tie', 'fabric', 'dxlclient.config')),
      'tie-fabric wrote ~/.node-red-contrib-tie/fabric/dxlclient.config',
    );

    // Node-RED as its users start it, with a settings file that keeps it on loopback and quiet.
    const port = await freePort();
    const settings = path.join(userDir, 'settings.js');
    const options = {
      uiHost: '127.0.0.1',
      uiPort: port,
      flowFile: 'flows.json',
      credentialSecret: 'first-run-test',
      diagnostics: { enabled: false, ui: false },
      telemetry: { enabled: false },
      editorTheme: { tours: false, projects: { enabled: false } },
    };
    fs.writeFileSync(settings, `module.exports = ${JSON.stringify(options)};\n`);
    const red = spawn(process.execPath, [nodeRed.redJs, '--userDir', userDir, '--settings', settings], {
      cwd: userDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(red);
    red.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    red.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    await waitForPort(port, 60_000);
    editorUrl = `http://127.0.0.1:${port}/`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    editor = new EditorPage(page, editorUrl, path.join(outputDir, 'en-US'));
    await editor.open();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const child of children) child.kill('SIGKILL');
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    process.stdout.write(`--- Node-RED and tie-fabric output ---\n${log.join('')}\n`);
    await editor?.screenshot('failed').catch(() => undefined);
  });

  it('get-reputation: imported from the menu, deployed without a dialog, its button answers in the Debug sidebar', async () => {
    const tab = await editor.importExample('get-reputation');
    const configs = await editor.configNodes('tie-config');
    assert.deepEqual(
      configs.map((config) => [config.name, config.properties.source, config.properties.configFile]),
      [['tie-fabric', 'file', '~/.node-red-contrib-tie/fabric/dxlclient.config']],
      'the example brought its tie-config',
    );
    await editor.deploy();
    await editor.showSidebar('debug');
    const inject = (await editor.nodesOfTab(tab, 'inject')).find((node) => node.name === 'notepad.exe (md5): trusted');
    assert.ok(inject, 'the example has the button the README names');
    await editor.pressInjectButton(inject.id);
    await editor.waitForDebugMessages(1, 30_000);
    const shown = await editor.expandDebugMessage(editor.debugMessages('reputations').first(), 'verdict');
    assert.match(shown, /Known Trusted/);
    assert.match(shown, /trusted/);
    await editor.screenshot('get-reputation');
  });

  it("detection: imported beside it, shares its tie-config, and shows one of tie-fabric's events within 60 s", async () => {
    await editor.importExample('detection');
    assert.equal((await editor.configNodes('tie-config')).length, 1, 'one tie-config for both examples');
    await editor.deploy();
    await editor.showSidebar('debug');
    await editor.debugMessages('detections').first().waitFor({ timeout: 60_000 });
    await editor.screenshot('detection');
  });

  for (const [lang, locale] of [
    ['en-US', 'en-US'],
    ['de', 'de-DE'],
  ] as const) {
    it(`a palette tooltip shows the node's help in ${lang}`, async () => {
      assert.ok(browser);
      const context = await browser.newContext({ locale, viewport: { width: 1600, height: 900 } });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        const localized = new EditorPage(page, editorUrl, path.join(outputDir, lang));
        await localized.open();
        const entry = page.locator(`.red-ui-palette-node[data-palette-type="tie-get-reputation"]`);
        await entry.scrollIntoViewIfNeeded();
        await entry.hover();
        const tip = page.locator('.red-ui-popover').filter({ visible: true }).last();
        await tip.waitFor();
        const text = (await tip.innerText()).replace(/\s+/g, ' ');
        assert.ok(text.includes(helpParagraph(installed, lang, 'tie-get-reputation')), `the tooltip says "${text}"`);
        await localized.screenshot('palette-tooltip');
      } finally {
        await context.close();
      }
    });
  }
});
