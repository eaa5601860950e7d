/**
 * The tie-config editor's Provision action in a real browser (the system's headless Chromium,
 * driven by playwright-core) against Node-RED and the embedded fabric with its management API, as
 * `npm start` runs them: open a new tie-config, fill in the Provisioning tab, Provision, Done,
 * Deploy; the node that uses it turns connected with no further edits, and the password is
 * nowhere in the saved flows or credentials.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type Demo, startDemo } from '../../scripts/demo';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from './chromium';

const PASSWORD = 'Editor-Provision-Pw1';
const CONFIG_ID = 'prov-config';
const GET_ID = 'prov-get';

interface EditorNode {
  status?: { text?: string; fill?: string };
}
type EditorWindow = {
  RED: {
    nodes: {
      node(id: string): EditorNode | null;
      getType(type: string): unknown;
      import(nodes: object[]): unknown;
      dirty(d: boolean): void;
    };
    view: { redraw(): void };
    editor: { editConfig(name: string, type: string, id: string): void };
    workspaces: { active(): string };
  };
};
type EditorDocument = { document: { getElementById(id: string): { textContent: string | null } | null } };

describe('tie-config editor: Provision in the browser', function () {
  this.timeout(120_000);
  let userDir: string;
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  let caPem: string;

  before(async function () {
    requireChromium(this);
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-provision-editor-'));
    demo = await startDemo({
      editorPort: 0,
      userDir,
      eventIntervalMs: 0,
      management: { port: 0, password: PASSWORD },
      output: () => undefined,
    });
    caPem = fs.readFileSync(demo.fabric.files.caCert, 'utf8');
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.goto(demo.editorUrl);
    await page.waitForFunction(
      () => {
        const red = (globalThis as unknown as Partial<EditorWindow>).RED;
        return Boolean(red?.nodes?.getType?.('tie-config') && red.workspaces?.active?.());
      },
      undefined,
      { timeout: 60_000 },
    );
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('Provision (failing without the CA, then again with it), Done, Deploy: the node turns connected, and the password is stored nowhere', async () => {
    // A new tie-config with its defaults (a broker that is not there) and a node using it.
    await page.evaluate(
      ({ configId, getId }) => {
        const RED = (globalThis as unknown as EditorWindow).RED;
        const z = RED.workspaces.active();
        RED.nodes.import([
          { id: configId, type: 'tie-config', name: 'provisioned' },
          {
            id: getId,
            type: 'tie-get-reputation',
            z,
            x: 200,
            y: 100,
            connection: configId,
            subject: 'file',
            input: 'payload',
            inputType: 'msg',
            wires: [[]],
          },
        ]);
        RED.nodes.dirty(true);
        RED.view.redraw();
        RED.editor.editConfig('', 'tie-config', configId);
      },
      { configId: CONFIG_ID, getId: GET_ID },
    );
    await page.click('#red-ui-tab-tie-config-tab-provision a');
    await page.fill('#node-config-input-provisionHost', demo.fabric.management!.host);
    await page.fill('#node-config-input-provisionPort', String(demo.fabric.management!.port));
    await page.fill('#node-config-input-provisionUser', demo.fabric.management!.user);
    await page.fill('#tie-config-provision-password', PASSWORD);
    assert.equal(await page.isVisible('.tie-config-provision-insecure'), false, 'no insecure warning while verifying');
    await page.check('#node-config-input-provisionTrustUnverified');
    assert.equal(await page.isVisible('.tie-config-provision-insecure'), true, 'not verifying is shown as insecure');
    await page.uncheck('#node-config-input-provisionTrustUnverified');
    await page.fill('#node-config-input-provisionCommonName', 'editor-client');
    // First without the server's CA: refused (the server is not trusted), and what was typed stays for the retry.
    await page.click('#tie-config-provision-button');
    await page.locator('#tie-config-provision-result.tie-config-provision-error').waitFor({ timeout: 20_000 });
    assert.equal(await page.inputValue('#tie-config-provision-password'), PASSWORD, 'the password is kept after a failure');
    assert.equal(await page.inputValue('#node-config-input-provisionCommonName'), 'editor-client');
    await page.fill('#node-config-input-provisionCaPem', caPem);
    await page.click('#tie-config-provision-button');
    await page.waitForFunction(
      () =>
        /Provisioned: 1 broker/.test(
          (globalThis as unknown as EditorDocument).document.getElementById('tie-config-provision-result')?.textContent ?? '',
        ),
      undefined,
      { timeout: 20_000 },
    );
    assert.equal(await page.inputValue('#tie-config-provision-password'), '', 'the password field is cleared after the call');
    assert.match(await page.inputValue('#node-config-input-keyPem'), /BEGIN PRIVATE KEY/);
    assert.equal(await page.inputValue('.tie-broker-port'), String(demo.fabric.port));

    await page.click('#node-config-dialog-ok');
    await page.click('#red-ui-header-button-deploy');
    await page.waitForFunction(
      (getId) => {
        // The editor shows the runtime's status, its text translated.
        const status = (globalThis as unknown as EditorWindow).RED.nodes.node(getId)?.status;
        return status?.fill === 'green' && status.text === 'connected';
      },
      GET_ID,
      { timeout: 30_000 },
    );

    const saved = fs.readFileSync(path.join(userDir, 'flows.json'), 'utf8');
    const credentials = fs.readFileSync(path.join(userDir, 'flows_cred.json'), 'utf8');
    assert.ok(saved.includes(CONFIG_ID), 'the provisioned node was deployed');
    assert.ok(!saved.includes('PRIVATE KEY'), 'the key is a credential, not a property');
    assert.ok(credentials.includes('PRIVATE KEY'), 'the key is kept with the credentials');
    assert.ok(!saved.includes(PASSWORD) && !credentials.includes(PASSWORD), 'the password is stored nowhere');
  });
});
