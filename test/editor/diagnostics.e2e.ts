/**
 * The tie-config's Diagnostics tab in a real browser (the system's headless Chromium), in en-US and
 * de: a tie-config pointing at an embedded fabric whose topic policy refuses this client the
 * Enterprise set topic, used by a get and a set reputation node, deployed; "Test connection"
 * reports the set topic as probably not authorized, naming its ePO group, and the lookup topic as
 * answered, in the editor's language; the live diagnostics say the connection is up.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type Demo, startDemo } from '../../scripts/demo';
import { type RunningFabric, startFabric } from '../../src/fabric';
import { TieTopic } from '../../src/tie/topics';
import { readCatalogue } from '../support/catalogue';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from './chromium';
import { EditorPage } from './editor-page';

const root = path.resolve(__dirname, '..', '..', '..');
const outputDir = path.join(root, 'test-output', 'editor-diagnostics');
const CONFIG_ID = 'diag-config';
const GROUP = 'TIE Server Set Enterprise Reputation';

type Window = {
  RED: {
    nodes: { import(nodes: object[]): unknown; dirty(d: boolean): void };
    view: { redraw(): void };
    workspaces: { active(): string };
    editor: { editConfig(name: string, type: string, id: string): void };
  };
};

/** A text of tie-config's catalogue in `lang`, its parameters filled in. */
function text(lang: string, key: string, params: Record<string, string> = {}): string {
  let found: unknown = readCatalogue(lang, 'tie-config');
  for (const part of ['tie-config', ...key.split('.')]) found = (found as Record<string, unknown>)[part];
  assert.equal(typeof found, 'string', `${lang}: ${key}`);
  return (found as string).replace(/__(\w+)__/g, (whole, name: string) => params[name] ?? whole);
}

describe('tie-config Diagnostics tab: Test connection in the browser, en-US and de', function () {
  this.timeout(120_000);
  let demo: Demo | undefined;
  let fabric: RunningFabric | undefined;
  let browser: Browser | undefined;
  const temporary: string[] = [];

  before(async function () {
    requireChromium(this);
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-diagnostics-'));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-diagnostics-fabric-'));
    temporary.push(userDir, dataDir);
    // Nobody may send on the Enterprise set topic; everything else is open.
    fabric = await startFabric({ port: 0, dataDir, policy: { send: [{ topic: TieTopic.SET_FILE_REPUTATION, clients: [] }], receive: [] } });
    demo = await startDemo({ editorPort: 0, userDir, eventIntervalMs: 0, output: () => undefined });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await demo?.close();
    await fabric?.close();
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function editor(locale: string, lang: string): Promise<EditorPage> {
    const context = await browser!.newContext({ locale, viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const shown = new EditorPage(page, demo!.editorUrl, path.join(outputDir, lang));
    await shown.open();
    return shown;
  }

  async function openConfig(page: EditorPage): Promise<void> {
    await page.page.evaluate((id) => (globalThis as unknown as Window).RED.editor.editConfig('', 'tie-config', id), CONFIG_ID);
    await page.page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await page.page.waitForTimeout(300);
  }

  async function testConnection(page: EditorPage, lang: string): Promise<string[]> {
    await openConfig(page);
    await page.showDialogTab('tie-config-tabs', 'tie-config-tab-diagnostics');
    const connected = text(lang, 'diagnostics.status.connected');
    await page.page.locator('#tie-config-diagnostics li', { hasText: connected }).first().waitFor();
    await page.page.click('#tie-config-test-button');
    const setLine = page.page.locator('#tie-config-test-result li', { hasText: TieTopic.SET_FILE_REPUTATION });
    await setLine.waitFor({ timeout: 30_000 });
    await page.screenshot('test-connection');
    const lines = await page.page.locator('#tie-config-test-result li').allInnerTexts();
    await page.closeConfigDialog('cancel');
    return lines;
  }

  it('reports the set topic as not authorized, naming the group, and the lookup topic as answered', async () => {
    const en = await editor('en-US', 'en-US');
    await en.page.evaluate(
      ({ configId, port }) => {
        const RED = (globalThis as unknown as Window).RED;
        const z = RED.workspaces.active();
        RED.nodes.import([
          { id: configId, type: 'tie-config', name: 'policy fabric', brokers: [{ host: '127.0.0.1', port }], tlsSource: 'credentials' },
          { id: 'diag-get', type: 'tie-get-reputation', z, x: 200, y: 100, connection: configId, subject: 'file', wires: [[]] },
          { id: 'diag-set', type: 'tie-set-reputation', z, x: 200, y: 160, connection: configId, subject: 'file', wires: [[]] },
        ]);
        RED.nodes.dirty(true);
        RED.view.redraw();
      },
      { configId: CONFIG_ID, port: fabric!.port },
    );
    // The TLS material, pasted as a user does.
    await openConfig(en);
    await en.showDialogTab('tie-config-tabs', 'tie-config-tab-security');
    await en.page.fill('#node-config-input-caPem', fs.readFileSync(fabric!.files.caCert, 'utf8'));
    await en.page.fill('#node-config-input-certPem', fs.readFileSync(fabric!.files.clientCert, 'utf8'));
    await en.page.fill('#node-config-input-keyPem', fs.readFileSync(fabric!.files.clientKey, 'utf8'));
    await en.closeConfigDialog('ok');
    await en.deploy();

    for (const [page, lang] of [
      [en, 'en-US'],
      [await editor('de-DE', 'de'), 'de'],
    ] as const) {
      const lines = await testConnection(page, lang);
      const expected = [
        text(lang, 'diagnostics.test.brokerOk', { broker: `127.0.0.1:${fabric!.port}` }),
        text(lang, 'diagnostics.test.topic.answered', { topic: TieTopic.GET_FILE_REPUTATION }),
        text(lang, 'diagnostics.test.topic.notAuthorizedGroup', { topic: TieTopic.SET_FILE_REPUTATION, group: GROUP }),
      ];
      for (const line of expected) assert.ok(lines.includes(line), `${lang}: "${line}" in ${JSON.stringify(lines)}`);
      assert.match(lines.join('\n'), lang === 'de' ? /nicht berechtigt/ : /not authorized/);
      assert.deepEqual(page.errors, [], `${lang}: no errors in the editor`);
    }
  });
});
