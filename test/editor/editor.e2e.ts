import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { DEMO_CONFIG_ID, DEMO_TAB_ID, type Demo, startDemo } from '../../scripts/demo';
import { nodeTypes } from '../../scripts/editor-build';
import { flatten, readCatalogue } from '../support/catalogue';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from './chromium';
import { EditorPage, hasConnection } from './editor-page';

/*
 * The editor in a real browser (`npm run test:editor`): Debian's Chromium driven by
 * playwright-core against the demo `npm start` runs (the embedded fabric, its TIE simulator and
 * Node-RED with this package), on loopback, in a temporary user directory.
 *
 * Screenshots go to test-output/editor/. TIE_EDITOR_UPDATE_DOCS=1 also writes the showcase
 * screenshot to docs/showcase.png (the README's picture).
 * CHROMIUM_PATH overrides /usr/bin/chromium. Without a Chromium the suite is skipped, except
 * with CI=true, where it fails.
 *
 * Adding a step: every `it` gets the open editor (`editor`) and the running demo (`demo`; the
 * fabric's management API runs too: demo.fabric.management has its host, port, user and password).
 * editor.openConfigNodeDialog(DEMO_CONFIG_ID), or openNodeDialog(id) + openConnectionDialog('add'),
 * opens a tie-config dialog; editor.showDialogTab('tie-config-tabs', '<tab id>') switches its tabs.
 * The last test (a tie-config made by "Import dxlclient.config", deployed, connected) is the model
 * for a step that fills a new connection in the dialog and checks it connects. A step that adds a
 * tie-config goes after the example imports (with two, imports no longer fill the connection in).
 */

const root = path.resolve(__dirname, '..', '..', '..');
const outputDir = path.join(root, 'test-output', 'editor');

const TIE_TYPES = [
  'tie-get-reputation',
  'tie-set-external-reputation',
  'tie-set-reputation',
  'tie-first-references',
  'tie-reputation-change',
  'tie-detection',
  'tie-first-instance',
];
const DXL_TYPES = ['tie-dxl-request', 'tie-dxl-event-in', 'tie-dxl-event-out', 'tie-dxl-service', 'tie-dxl-response', 'tie-status'];
const FLOW_TYPES = [...TIE_TYPES, ...DXL_TYPES];
/** The sections of each node's help (every flow node not named: Inputs, Outputs, Details). */
const HELP_SECTIONS: Record<string, string[]> = {
  'tie-config': ['Properties', 'Details'],
  'tie-reputation-change': ['Outputs', 'Details'],
  'tie-detection': ['Outputs', 'Details'],
  'tie-first-instance': ['Outputs', 'Details'],
  'tie-dxl-event-in': ['Outputs', 'Details'],
  'tie-dxl-service': ['Outputs', 'Details'],
  'tie-dxl-event-out': ['Inputs', 'Details'],
  'tie-dxl-response': ['Inputs', 'Details'],
};
const EXAMPLES = fs
  .readdirSync(path.join(root, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

/** Every key of the en-US message catalogues, as built ("tie-get-reputation.label.input", …). */
function catalogueKeys(): string[] {
  return [...new Set(nodeTypes(root).flatMap((type) => [...flatten(readCatalogue('en-US', type)).keys()]))];
}
const CATALOGUE_KEYS = catalogueKeys();

/** Fails when the text shows a message-catalogue key instead of its text. */
function assertNoCatalogueKey(text: string, where: string): void {
  const shown = CATALOGUE_KEYS.filter((key) => text.includes(key));
  assert.deepEqual(shown, [], `${where}: catalogue keys shown instead of their text`);
}

interface DialogCase {
  type: string;
  /** Changes made in the dialog before Done. */
  edit(editor: EditorPage): Promise<void>;
  /** Properties expected after Done. */
  saved: Record<string, unknown>;
  /** The node's label on the workspace after Done. */
  label: string;
}

const DIALOGS: DialogCase[] = [
  {
    type: 'tie-get-reputation',
    async edit(editor) {
      await editor.page.selectOption('#node-input-subject', 'certificate');
      await editor.setTypedInput('node-input-input', 'flow.', { text: 'hashes' });
      await editor.page.fill('#node-input-concurrency', '8');
      await editor.page.selectOption('#node-input-batchErrors', 'report');
    },
    saved: { subject: 'certificate', input: 'hashes', inputType: 'flow', concurrency: '8', batchErrors: 'report' },
    label: 'certificate reputation',
  },
  {
    type: 'tie-set-external-reputation',
    async edit(editor) {
      await editor.setTypedInput('node-input-trustLevel', 'trust level', { option: '30 – Might Be Malicious' });
      await editor.setTypedInput('node-input-fileType', 'file type', { option: 'PEEXE' });
      await editor.setTypedInput('node-input-comment', 'string', { text: 'from the flow' });
      await editor.page.uncheck('#node-input-checkFirst');
    },
    saved: {
      trustLevel: '30',
      trustLevelType: 'tie-level',
      fileType: 'PEEXE',
      fileTypeType: 'tie-filetype',
      comment: 'from the flow',
      commentType: 'str',
      checkFirst: false,
    },
    label: 'set external reputation = 30',
  },
  {
    type: 'tie-set-reputation',
    async edit(editor) {
      await editor.setTypedInput('node-input-trustLevel', 'trust level', { option: '1 – Known Malicious' });
      assert.ok(await editor.page.locator('.form-row:has(#node-input-filename)').isVisible(), 'the file name is asked for files');
      await editor.page.selectOption('#node-input-subject', 'certificate');
      assert.ok(!(await editor.page.locator('.form-row:has(#node-input-filename)').isVisible()), 'no file name for certificates');
    },
    saved: { subject: 'certificate', trustLevel: '1', trustLevelType: 'tie-level' },
    label: 'set certificate reputation = 1',
  },
  {
    type: 'tie-first-references',
    async edit(editor) {
      await editor.setTypedInput('node-input-queryLimit', 'number', { text: '10' });
    },
    saved: { queryLimit: '10', queryLimitType: 'num', subject: 'file' },
    label: 'file first references',
  },
  {
    type: 'tie-reputation-change',
    async edit(editor) {
      await editor.page.selectOption('#node-input-subject', 'both');
      await editor.page.selectOption('#node-input-filter', 'now-malicious');
    },
    saved: { subject: 'both', filter: 'now-malicious' },
    label: 'reputation change (now malicious)',
  },
  {
    type: 'tie-detection',
    async edit(editor) {
      await editor.page.fill('#node-input-name', 'my detections');
    },
    saved: { name: 'my detections' },
    label: 'my detections',
  },
  {
    type: 'tie-first-instance',
    async edit() {},
    saved: { name: '' },
    label: 'file first instance',
  },
  {
    type: 'tie-dxl-request',
    async edit(editor) {
      await editor.page.fill('#node-input-topic', '/acme/service/lookup');
      await editor.page.selectOption('#node-input-format', 'json');
      await editor.page.fill('#node-input-timeout', '5');
    },
    saved: { topic: '/acme/service/lookup', payload: 'payload', payloadType: 'msg', format: 'json', timeout: '5' },
    label: '/acme/service/lookup',
  },
  {
    type: 'tie-dxl-event-in',
    async edit(editor) {
      await editor.page.fill('#node-input-topic', '/acme/event/#');
      await editor.page.selectOption('#node-input-format', 'json');
    },
    saved: { topic: '/acme/event/#', format: 'json' },
    label: '/acme/event/#',
  },
  {
    type: 'tie-dxl-event-out',
    async edit(editor) {
      await editor.page.fill('#node-input-topic', '/acme/event/alert');
    },
    saved: { topic: '/acme/event/alert' },
    label: '/acme/event/alert',
  },
  {
    type: 'tie-dxl-service',
    async edit(editor) {
      await editor.page.fill('#node-input-serviceType', '/acme/service');
      await editor.page.fill('#node-input-topics', '/acme/service/lookup, /acme/service/update');
      await editor.page.selectOption('#node-input-format', 'json');
    },
    saved: { serviceType: '/acme/service', topics: '/acme/service/lookup, /acme/service/update', format: 'json' },
    label: '/acme/service',
  },
  {
    type: 'tie-dxl-response',
    async edit(editor) {
      const errorRows = editor.page.locator('.form-row:has(#node-input-errorCode), .form-row:has(#node-input-errorMessage)');
      assert.equal(await errorRows.filter({ visible: true }).count(), 0, 'no error rows for a response');
      await editor.page.selectOption('#node-input-respond', 'error');
      assert.equal(await errorRows.filter({ visible: true }).count(), 2, 'error code and message for an error response');
      await editor.setTypedInput('node-input-errorCode', 'number', { text: '42' });
      await editor.setTypedInput('node-input-errorMessage', 'string', { text: 'not here' });
    },
    saved: { respond: 'error', errorCode: '42', errorCodeType: 'num', errorMessage: 'not here', errorMessageType: 'str' },
    label: 'dxl error response',
  },
];

describe('the editor in a real browser', function () {
  this.timeout(60_000);
  let demo: Demo | undefined;
  let context: BrowserContext | undefined;
  let editor: EditorPage;
  const temporary: string[] = [];
  const nodeRedLog: string[] = [];
  /** Scratch nodes dropped from the palette, by type. */
  const dropped = new Map<string, string>();
  /** Imported example tabs, by example name. */
  const imported = new Map<string, string>();

  before(async function () {
    requireChromium(this);
    fs.rmSync(outputDir, { recursive: true, force: true });
    fs.mkdirSync(outputDir, { recursive: true });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-red-'));
    const browserDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-chromium-'));
    temporary.push(userDir, browserDir);
    demo = await startDemo({
      editorPort: 0,
      userDir,
      eventIntervalMs: 0,
      management: { port: 0 },
      output: (text) => nodeRedLog.push(text),
    });
    context = await chromium.launchPersistentContext(browserDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1600, height: 900 },
      args: CHROMIUM_ARGS.filter((flag) => flag !== '--headless'),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    editor = new EditorPage(page, demo.editorUrl, outputDir);
    await editor.open();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && context) {
      const name = `failed-${(this.currentTest.title ?? 'test').replace(/[^\w-]+/g, '-').slice(0, 60)}`;
      await editor.screenshot(name).catch(() => undefined);
      await editor.reset();
    }
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await demo?.close();
    if (nodeRedLog.length > 0) fs.writeFileSync(path.join(outputDir, 'node-red.log'), nodeRedLog.join(''));
    if (editor) fs.writeFileSync(path.join(outputDir, 'browser-console.log'), `${editor.consoleLog.join('\n')}\n`);
    if (editor?.ignoredErrors.length) {
      fs.writeFileSync(path.join(outputDir, 'ignored-console-errors.txt'), `${editor.ignoredErrors.join('\n')}\n`);
    }
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every test ends with no new console or page error from the editor. */
  function noConsoleErrors(): void {
    const errors = editor.errors.splice(0);
    assert.deepEqual(errors, [], `browser console errors:\n${errors.join('\n')}`);
  }

  it('lists the seven TIE nodes in the TIE palette category, the five DXL nodes in DXL, and the tie-config among the configuration nodes', async () => {
    assert.deepEqual([...(await editor.paletteTypes('TIE'))].sort(), [...TIE_TYPES].sort());
    assert.deepEqual([...(await editor.paletteTypes('DXL'))].sort(), [...DXL_TYPES].sort());
    // Every palette entry has its label and icon.
    for (const type of FLOW_TYPES) {
      const entry = editor.page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
      const label = (await entry.locator('.red-ui-palette-label').innerText()).trim();
      assert.ok(label !== '', `${type}: a palette label`);
      assertNoCatalogueKey(label, `${type} palette label`);
      const icon = await entry.locator('.red-ui-palette-icon').getAttribute('style');
      assert.match(icon ?? '', new RegExp(`${type}\\.svg`), `${type}: icon`);
    }
    await editor.page.locator('[id="red-ui-palette-container-TIE"]').scrollIntoViewIfNeeded();
    await editor.screenshot('palette');
    await editor.page.locator('[id="red-ui-palette-container-DXL"]').scrollIntoViewIfNeeded();
    await editor.screenshot('palette-dxl');
    const configs = await editor.configNodes('tie-config');
    assert.deepEqual(
      configs.map((c) => c.id),
      [DEMO_CONFIG_ID],
    );
    await editor.showSidebar('config');
    await (await editor.configNodeEntry(DEMO_CONFIG_ID)).waitFor();
    await editor.showSidebar('info');
    noConsoleErrors();
  });

  it('the showcase, deployed by the demo: statuses "connected"; "look up notepad.exe" puts the reputation and verdict in the debug sidebar', async () => {
    await editor.showTab(DEMO_TAB_ID);
    for (const node of await editor.nodesOfTab(DEMO_TAB_ID)) {
      await editor.page.locator(`[id="${node.id}"] .red-ui-flow-node-status-label`, { hasText: /^connected$/ }).waitFor();
    }
    await editor.showSidebar('debug');
    await editor.page.locator('[id="i0058"] .red-ui-flow-node-button').click();
    const message = editor.debugMessages('lookup result').last();
    await message.waitFor({ timeout: 15_000 });
    const summary = await message.innerText();
    assert.match(summary, /payload: object/);
    assert.match(summary, /verdict: object/);
    const expanded = await editor.expandDebugMessage(message, 'verdict');
    assert.match(expanded, /trustLevelName: "Known Trusted"/);
    assert.match(expanded, /category: "trusted"/);
    assert.match(expanded, /providerName: "Global Threat Intelligence \(GTI\)"/);

    // The README's picture: the showcase with its statuses and the result, palette hidden.
    const page = editor.page;
    await editor.showPalette(false);
    await page.setViewportSize({ width: 1680, height: 720 });
    await editor.dismissNotifications();
    await page
      .locator('.red-ui-notification')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.waitForTimeout(500);
    const file = await editor.screenshot('showcase');
    if (/^(1|true)$/i.test(process.env.TIE_EDITOR_UPDATE_DOCS ?? '')) {
      fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
      fs.copyFileSync(file, path.join(root, 'docs', 'showcase.png'));
    }
    await editor.showPalette(true);
    await page.setViewportSize({ width: 1600, height: 900 });
    noConsoleErrors();
  });

  describe('edit dialogs', () => {
    let scratchTab: string;
    before(async () => {
      scratchTab = await editor.newTab();
    });

    DIALOGS.forEach((dialog, index) => {
      it(`${dialog.type}: fields, TypedInputs and the connection; changes saved with Done`, async () => {
        await editor.showTab(scratchTab);
        // Two columns, so every node lands inside the workspace.
        const id = await editor.dropFromPalette(dialog.type, 260 + Math.floor(index / 7) * 320, 80 + (index % 7) * 60);
        dropped.set(dialog.type, id);
        const connected = hasConnection(await editor.snapshot(id));
        assert.equal(connected, dialog.type !== 'tie-dxl-response', `${dialog.type}: a connection setting`);
        // Dropped next to the single tie-config, the node uses it.
        if (connected) assert.equal((await editor.snapshot(id)).connection, DEMO_CONFIG_ID);
        await editor.openNodeDialog(id);
        const tray = editor.tray;
        if (connected) {
          assert.equal(await editor.page.inputValue('#node-input-connection'), DEMO_CONFIG_ID);
          assert.match(await editor.page.locator('#node-input-connection option:checked').innerText(), /Embedded fabric/);
        } else {
          assert.equal(await editor.page.locator('#node-input-connection').count(), 0, `${dialog.type}: no connection row`);
        }
        // Every field has its label, text comes from the catalogue, TypedInputs are built.
        const text = await tray.locator('.red-ui-tray-body').innerText();
        assertNoCatalogueKey(text, `${dialog.type} dialog`);
        for (const label of await tray.locator('.form-row:visible > label').all()) {
          assert.notEqual((await label.innerText()).trim(), '', `${dialog.type}: an empty label`);
        }
        // A TypedInput for each property with a "<name>Type" companion (shown or on a hidden row).
        const properties = (await editor.snapshot(id)).properties;
        const typed = Object.keys(properties).filter((key) => key.endsWith('Type') && key.slice(0, -4) in properties);
        assert.equal(
          await tray.locator('.red-ui-tray-body .red-ui-typedInput-container').count(),
          typed.length,
          `${dialog.type}: TypedInputs for ${typed.join(', ')}`,
        );
        await dialog.edit(editor);
        await editor.screenshot(`dialog-${dialog.type}`);
        await editor.closeNodeDialog('done');
        const saved = await editor.snapshot(id);
        assert.equal(saved.valid, true, `${dialog.type} is valid after Done`);
        for (const [key, value] of Object.entries(dialog.saved)) {
          assert.deepEqual(saved.properties[key], value, `${dialog.type}.${key}`);
        }
        assert.equal((await editor.page.locator(`[id="${id}"] .red-ui-flow-node-label`).textContent())?.trim(), dialog.label);
        noConsoleErrors();
      });
    });

    it("tie-dxl-request: a topic with a wildcard is flagged by the editor's validation, and valid again once fixed", async () => {
      const id = dropped.get('tie-dxl-request');
      assert.ok(id, 'the dxl request node of the dialog tests');
      await editor.showTab(scratchTab);
      const topic = editor.page.locator('#node-input-topic');
      await editor.openNodeDialog(id);
      await topic.fill('/a/#');
      await topic.press('Tab');
      await editor.page.locator('#node-input-topic.input-error').waitFor();
      await editor.closeNodeDialog('done');
      assert.equal((await editor.snapshot(id)).valid, false, 'a request to /a/# is invalid');
      await editor.page.locator(`[id="${id}"] .red-ui-flow-node-error`).filter({ visible: true }).waitFor();

      await editor.openNodeDialog(id);
      await topic.fill('/acme/service/lookup');
      await topic.press('Tab');
      await editor.page.locator('#node-input-topic.input-error').waitFor({ state: 'detached' });
      await editor.closeNodeDialog('done');
      assert.equal((await editor.snapshot(id)).valid, true, 'valid again with one topic');
      noConsoleErrors();
    });

    it('a saved TypedInput choice shows again when the dialog reopens', async () => {
      const id = dropped.get('tie-set-reputation');
      assert.ok(id, 'the set-reputation node of the previous test');
      await editor.openNodeDialog(id);
      const shown = await editor.page.locator('.form-row:has(#node-input-trustLevel) .red-ui-typedInput-container').innerText();
      assert.match(shown, /1 – Known Malicious/);
      assert.ok(!(await editor.page.locator('.form-row:has(#node-input-filename)').isVisible()), 'still no file name for a certificate');
      await editor.closeNodeDialog('cancel');
      noConsoleErrors();
    });
  });

  describe('the tie-config dialog', () => {
    it('shows the demo connection read from a dxlclient.config, on tabs', async () => {
      await editor.openConfigNodeDialog(DEMO_CONFIG_ID);
      const tabs = await editor.page.locator('#tie-config-tabs li').allInnerTexts();
      for (const tab of ['Connection', 'Security', 'Advanced'])
        assert.ok(tabs.map((t) => t.trim()).includes(tab), `tab ${tab} in ${tabs.join(', ')}`);
      assert.ok(await editor.page.locator('#tie-config-tab-connection').isVisible(), 'the Connection tab is shown first');
      assert.equal(await editor.page.inputValue('#node-config-input-source'), 'file');
      assert.equal(await editor.page.inputValue('#node-config-input-configFile'), demo?.fabric.configPath);
      assert.ok(!(await editor.page.locator('#node-config-input-brokers-container').isVisible()), 'no broker list for a config file');
      assertNoCatalogueKey(await editor.tray.innerText(), 'tie-config dialog');
      await editor.screenshot('tie-config-file');
      await editor.closeConfigDialog('cancel');
      noConsoleErrors();
    });

    it('the demo connection is a complete node: every property the editor has, and no empty field on any tab, from the file or the form', async () => {
      const config = await editor.snapshot(DEMO_CONFIG_ID);
      const missing = Object.entries(config.properties)
        .filter(([, value]) => value === undefined)
        .map(([key]) => key);
      assert.deepEqual(missing, [], 'properties the demo tie-config lacks');
      await editor.openConfigNodeDialog(DEMO_CONFIG_ID);
      const page = editor.page;
      const tabs = await page
        .locator('#tie-config-tabs li a')
        .evaluateAll((links: Array<{ getAttribute(name: string): string | null }>) =>
          links.map((a) => (a.getAttribute('href') ?? '').slice(1)),
        );
      assert.ok(tabs.length >= 3, `tabs: ${tabs.join(', ')}`);
      const emptyOnTabs = async (): Promise<string[]> => {
        const empty: string[] = [];
        for (const tab of tabs) {
          await editor.showDialogTab('tie-config-tabs', tab);
          empty.push(...(await editor.emptyFields()).map((field) => `${tab}: ${field}`));
        }
        return empty;
      };
      assert.deepEqual(await emptyOnTabs(), [], 'empty fields, settings from the dxlclient.config');
      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-connection');
      await page.selectOption('#node-config-input-source', 'form');
      const ports = await page.locator('.tie-broker-port').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
      assert.deepEqual(ports, [String(demo?.fabric.port)], 'the broker list names the fabric');
      assert.deepEqual(await emptyOnTabs(), [], 'empty fields, settings in the form');
      await editor.screenshot('tie-config-demo-form');
      // Leave the dialog as it opened: settings from the file, on the Connection tab.
      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-connection');
      await page.selectOption('#node-config-input-source', 'file');
      await editor.closeConfigDialog('cancel');
      assert.equal((await editor.snapshot(DEMO_CONFIG_ID)).properties.source, 'file', 'Cancel keeps the file');
      noConsoleErrors();
    });

    it('adds a connection: broker list, WebSockets proxy, PEM credentials, cache; saved, shown again, deleted', async () => {
      const nodeId = dropped.get('tie-detection');
      assert.ok(nodeId, 'the detection node of the dialog tests');
      await editor.openNodeDialog(nodeId);
      await editor.openConnectionDialog('add');
      const page = editor.page;
      // One default broker row; add a second.
      assert.deepEqual(
        await page.locator('.tie-broker-host').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
        ['127.0.0.1'],
      );
      await page.fill('#node-config-input-name', 'two brokers');
      await page.locator('.node-config-input-brokers-container-row .red-ui-editableList-addButton').click();
      await page.locator('.tie-broker-host').nth(1).fill('broker2.example');
      await page.locator('.tie-broker-port').nth(1).fill('8884');
      await page.locator('.tie-broker-id').nth(1).fill('{broker-2}');
      assert.ok(!(await page.locator('#node-config-input-proxyHost').isVisible()), 'no proxy for MQTT over TLS');
      await page.selectOption('#node-config-input-transport', 'websockets');
      await page.fill('#node-config-input-proxyHost', 'proxy.example');
      await page.fill('#node-config-input-proxyPort', '3128');
      await editor.screenshot('tie-config-connection');

      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-security');
      await page.selectOption('#node-config-input-tlsSource', 'files');
      assert.ok(await page.locator('#node-config-input-caFile').isVisible(), 'file paths for TLS files');
      assert.ok(!(await page.locator('#node-config-input-caPem').isVisible()), 'no PEM fields for TLS files');
      await page.selectOption('#node-config-input-tlsSource', 'credentials');
      await page.fill('#node-config-input-caPem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      await page.check('#node-config-input-checkHostName');
      await editor.screenshot('tie-config-security');

      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-advanced');
      assert.ok(!(await page.locator('#node-config-input-cacheTtl').isVisible()), 'no TTL without the cache');
      await page.check('#node-config-input-cache');
      await page.fill('#node-config-input-cacheTtl', '60');
      await page.fill('#node-config-input-requestTimeout', '12');
      await editor.screenshot('tie-config-advanced');
      await editor.closeConfigDialog('ok');

      const configs = await editor.configNodes('tie-config');
      const added = configs.find((c) => c.id !== DEMO_CONFIG_ID);
      assert.ok(added, 'a second tie-config');
      assert.equal(added.valid, true);
      assert.deepEqual(added.properties.brokers, [
        { host: '127.0.0.1', port: 8883 },
        { host: 'broker2.example', port: 8884, id: '{broker-2}' },
      ]);
      assert.equal(added.properties.transport, 'websockets');
      assert.equal(added.properties.proxyHost, 'proxy.example');
      assert.equal(Number(added.properties.proxyPort), 3128);
      assert.equal(added.properties.checkHostName, true);
      assert.equal(added.properties.cache, true);
      assert.equal(Number(added.properties.cacheTtl), 60);
      assert.equal(Number(added.properties.requestTimeout), 12);
      assert.match(String(added.credentials?.caPem), /BEGIN CERTIFICATE/);
      assert.equal(await page.inputValue('#node-input-connection'), added.id, 'the node selects the added connection');

      // Shown again as saved.
      await editor.openConnectionDialog('edit');
      assert.deepEqual(
        await page.locator('.tie-broker-host').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
        ['127.0.0.1', 'broker2.example'],
      );
      assert.equal(await page.inputValue('#node-config-input-transport'), 'websockets');
      assert.ok(await page.locator('#node-config-input-proxyHost').isVisible(), 'the proxy row for WebSockets');
      await editor.closeConfigDialog('cancel');

      // Back to the demo connection, and the added one deleted.
      await page.selectOption('#node-input-connection', DEMO_CONFIG_ID);
      await editor.closeNodeDialog('done');
      await editor.openConfigNodeDialog(added.id);
      await editor.closeConfigDialog('delete');
      assert.deepEqual(
        (await editor.configNodes('tie-config')).map((c) => c.id),
        [DEMO_CONFIG_ID],
      );
      await editor.showSidebar('info');
      noConsoleErrors();
    });
  });

  describe('help in the sidebar', () => {
    for (const type of ['tie-config', ...FLOW_TYPES]) {
      it(`${type}: Node-RED style sections`, async () => {
        await editor.showSidebar('help');
        await editor.showHelp(type);
        const help = editor.page.locator('.red-ui-help').filter({ visible: true }).last();
        await help.locator('h3').first().waitFor();
        const sections = (await help.locator('h3').allInnerTexts()).map((s) => s.trim());
        const expected = HELP_SECTIONS[type] ?? ['Inputs', 'Outputs', 'Details'];
        for (const section of expected) assert.ok(sections.includes(section), `${type}: "${section}" in ${sections.join(', ')}`);
        const first = (await help.locator('p').first().innerText()).trim();
        assert.ok(first.length > 20, `${type}: a first paragraph (the palette tooltip)`);
        assertNoCatalogueKey(await help.innerText(), `${type} help`);
        assert.ok((await help.locator('dl.message-properties').count()) > 0, `${type}: property lists`);
        if (type === 'tie-get-reputation') await editor.screenshot('help-tie-get-reputation');
        noConsoleErrors();
      });
    }
    after(async () => {
      await editor?.showSidebar('info');
    });
  });

  describe('examples, imported through the menu', () => {
    for (const name of EXAMPLES) {
      it(`${name}: imported into a new flow, the connection set to the single tie-config`, async () => {
        const tab = await editor.importExample(name);
        imported.set(name, tab);
        const nodes = await editor.nodesOfTab(tab);
        assert.ok(nodes.length > 0, `${name} has TIE nodes`);
        for (const node of nodes) {
          if (hasConnection(node))
            assert.equal(node.connection, DEMO_CONFIG_ID, `${name}: ${node.type} "${node.name ?? node.id}" connection`);
          assert.equal(node.valid, true, `${name}: ${node.type} "${node.name ?? node.id}" is valid`);
        }
        noConsoleErrors();
      });
    }
  });

  describe('deployed against the fabric', () => {
    it('deploys without a confirmation, and every TIE node with a connection on every tab shows "connected"', async () => {
      await editor.deploy();
      const tabs = [DEMO_TAB_ID, ...imported.values()];
      for (const tab of tabs) {
        await editor.showTab(tab);
        // A dxl response has no connection: it shows a status only once it answers.
        const nodes = (await editor.nodesOfTab(tab)).filter(hasConnection);
        for (const node of nodes) {
          // A set node in dry-run mode says so instead, and only while connected.
          const shown = node.properties.dryRun === true ? /^dry run$/ : /^connected$/;
          await editor.page
            .locator(`[id="${node.id}"] .red-ui-flow-node-status-label`, { hasText: shown })
            .waitFor({ timeout: 15_000 })
            .catch(async () => {
              throw new Error(
                `${tab}: ${node.type} "${node.name ?? node.id}" shows "${await editor.drawnStatus(node.id)}", not ${String(shown)}`,
              );
            });
        }
        const example = [...imported.entries()].find(([, id]) => id === tab)?.[0];
        if (example) await editor.screenshot(`example-${example}`);
      }
      // The runtime agrees: no error in Node-RED's log.
      assert.doesNotMatch(nodeRedLog.join(''), /\[error\]/);
      noConsoleErrors();
    });

    it('every inject of the imported examples gets its answer in the debug sidebar; nothing reaches a Catch node', async () => {
      await editor.showSidebar('debug');
      const errors = editor.debugMessages('TIE errors');
      for (const [name, tab] of imported) {
        await editor.showTab(tab);
        for (const inject of await editor.nodesOfTab(tab, 'inject')) {
          const before = await editor.page.locator('.red-ui-debug-msg').count();
          await editor.pressInjectButton(inject.id);
          await editor.waitForDebugMessages(before + 1).catch(() => {
            throw new Error(`${name}: "${inject.name}" got no answer in the debug sidebar`);
          });
          await editor.dismissNotifications();
        }
      }
      await editor.page.waitForTimeout(500);
      const failures = await errors.allInnerTexts();
      assert.deepEqual(failures, [], 'messages at the Catch nodes');
      await editor.screenshot('debug-sidebar');
      noConsoleErrors();
    });

    it('a new tie-config filled by "Import dxlclient.config" (the fabric\'s files, picked in the browser) connects once deployed', async () => {
      assert.ok(demo, 'the demo');
      const { fabric } = demo;
      const tab = await editor.newTab();
      const id = await editor.dropFromPalette('tie-get-reputation', 260, 120);
      await editor.openNodeDialog(id);
      await editor.openConnectionDialog('add');
      const page = editor.page;
      await page.fill('#node-config-input-name', 'imported config');
      await page.setInputFiles('#tie-config-import-file', [
        fabric.configPath,
        fabric.files.caCert,
        fabric.files.clientCert,
        fabric.files.clientKey,
      ]);
      await page
        .locator('.red-ui-notification', {
          hasText:
            'Imported 1 broker(s), the CA bundle, the client certificate and the private key (kept as credentials). Deploy to connect.',
        })
        .waitFor();
      assert.deepEqual(
        await page.locator('.tie-broker-port').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
        [String(fabric.port)],
      );
      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-security');
      assert.match(await page.inputValue('#node-config-input-caPem'), /^-----BEGIN CERTIFICATE-----/);
      assert.match(await page.inputValue('#node-config-input-certPem'), /^-----BEGIN CERTIFICATE-----/);
      assert.match(await page.inputValue('#node-config-input-keyPem'), /PRIVATE KEY-----/);
      await editor.screenshot('tie-config-imported');
      await editor.closeConfigDialog('ok');
      await editor.closeNodeDialog('done');
      const node = await editor.snapshot(id);
      assert.notEqual(node.connection, DEMO_CONFIG_ID, 'the node uses the imported connection');
      await editor.deploy();
      await editor.showTab(tab);
      await page.locator(`[id="${id}"] .red-ui-flow-node-status-label`, { hasText: /^connected$/ }).waitFor();

      // Deployed, the key is stored on the server: its box says so, and never shows Node-RED's marker.
      await editor.openConfigNodeDialog(String(node.connection));
      await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-security');
      const keyBox = page.locator('#node-config-input-keyPem');
      assert.equal(await keyBox.inputValue(), '', 'the stored key is not in the box');
      assert.equal(
        await keyBox.getAttribute('placeholder'),
        'A private key is stored on the server: paste or upload another to replace it',
      );
      const shown = await editor.tray.evaluate((tray: unknown) => {
        const root = tray as { innerText: string; querySelectorAll(s: string): ArrayLike<{ value: string }> };
        return [root.innerText, ...Array.from(root.querySelectorAll('input, textarea')).map((field) => field.value)].join('\n');
      });
      assert.ok(!shown.includes('__PWRD__'), 'no __PWRD__ in the dialog');
      await editor.screenshot('tie-config-stored-key');
      await editor.closeConfigDialog('cancel');
      noConsoleErrors();
    });
  });
});
