/**
 * The guarded writes in the editor, in each language of the package, in a real browser against the
 * demo: a set node taken from the palette has its safety net on and no dry run; its form shows the
 * write settings in the language; ticked, the dry run shows in the node's label and, once deployed,
 * in its status; the tie-config's Advanced tab shows the dry run and the write limit, its burst and
 * queue rows only with a limit.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { DEMO_CONFIG_ID, type Demo, startDemo } from '../../scripts/demo';
import { type Language, LANGUAGES, flatten, readCatalogue } from '../support/catalogue';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from './chromium';
import { EditorPage } from './editor-page';

/** The editor page's RED, as the deploy check below reads it in the browser. */
declare const RED: { nodes: { dirty(): boolean } };

const root = path.resolve(__dirname, '..', '..', '..');
const outputDir = path.join(root, 'test-output', 'editor-guarded-writes');

const CHOSEN_BY: Record<Language, { locale: string; editorSetting?: string }> = {
  'en-US': { locale: 'en-US' },
  de: { locale: 'de-DE' },
  ja: { locale: 'en-US', editorSetting: 'ja' },
};

describe('the editor: guarded writes in en-US, de and ja', function () {
  this.timeout(120_000);
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  const temporary: string[] = [];

  before(async function () {
    requireChromium(this);
    fs.rmSync(outputDir, { recursive: true, force: true });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-writes-'));
    temporary.push(userDir);
    demo = await startDemo({ editorPort: 0, userDir, eventIntervalMs: 0, output: () => undefined });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await demo?.close();
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of LANGUAGES) {
    describe(lang, () => {
      let context: BrowserContext;
      let editor: EditorPage;
      const text = (type: string, key: string): string => {
        const found = flatten(readCatalogue(lang, type)).get(key);
        assert.ok(found !== undefined, `${lang}/${type}: ${key}`);
        return found;
      };

      before(async () => {
        assert.ok(browser && demo);
        const chosen = CHOSEN_BY[lang];
        context = await browser.newContext({ locale: chosen.locale, viewport: { width: 1600, height: 900 } });
        if (chosen.editorSetting) {
          await context.addInitScript((language) => {
            (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(
              'editor-language',
              language,
            );
          }, chosen.editorSetting);
        }
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        editor = new EditorPage(page, demo.editorUrl, path.join(outputDir, lang));
        await editor.open();
      });

      after(async () => {
        await context?.close();
      });

      afterEach(async function () {
        if (this.currentTest?.state === 'failed')
          await editor.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
      });

      it('a set node from the palette: the write settings in this language, the safety net on; a dry run in its label and status', async () => {
        const type = 'tie-set-reputation';
        const tab = await editor.newTab();
        await editor.showTab(tab);
        const id = await editor.dropFromPalette(type, 300, 120);
        await editor.openNodeDialog(id);
        const form = await editor.tray.locator('.red-ui-tray-body').innerText();
        for (const key of ['tie.label.dryRun', 'tie.label.protectTrusted', 'tie.label.whenLimited', 'tie.label.verify'])
          assert.ok(form.includes(text(type, key)), `"${text(type, key)}" (${key})`);
        const options = await editor.page.locator('#node-input-whenLimited option').allInnerTexts();
        assert.deepEqual(
          options.map((o) => o.trim()),
          [text(type, 'tie.whenLimited.wait'), text(type, 'tie.whenLimited.fail')],
        );
        assert.equal(await editor.page.locator('#node-input-protectTrusted').isChecked(), true, 'the safety net is on');
        assert.equal(await editor.page.locator('#node-input-dryRun').isChecked(), false);
        assert.equal(await editor.page.locator('#node-input-verifyTimeout').isVisible(), false, 'read-back time only with read-back');
        await editor.page.locator('#node-input-verify').check();
        assert.equal(await editor.page.locator('#node-input-verifyTimeout').isVisible(), true);
        await editor.page.locator('#node-input-verify').uncheck();
        await editor.page.locator('#node-input-dryRun').check();
        await editor.screenshot('set-node-dialog');
        await editor.closeNodeDialog('done');

        const tag = text(type, 'tie.label.dryRunTag');
        const label = (await editor.page.locator(`[id="${id}"] .red-ui-flow-node-label`).textContent())?.trim() ?? '';
        assert.equal(label, `${text(type, `${type}.default.file`)} (${tag})`);

        await editor.page.locator('#red-ui-header-button-deploy').click();
        await editor.page.waitForFunction(() => !RED.nodes.dirty());
        await editor.page.locator(`[id="${id}"] .red-ui-flow-node-status-label`, { hasText: text(type, 'tie.status.dryRun') }).waitFor();
        await editor.screenshot('set-node-dry-run');
        assert.deepEqual(editor.errors.splice(0), []);
      });

      it("the tie-config's Advanced tab: the dry run and the write limit in this language", async () => {
        await editor.openConfigNodeDialog(DEMO_CONFIG_ID);
        await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-advanced');
        const advanced = editor.page.locator('#tie-config-tab-advanced');
        const shown = await advanced.innerText();
        for (const key of ['writeDryRun', 'writeRate', 'writesPerSecond'])
          assert.ok(shown.includes(text('tie-config', `tie-config.label.${key}`)), key);
        const rate = editor.page.locator('#node-config-input-writeRate');
        await rate.fill('');
        await rate.dispatchEvent('change');
        assert.equal(await rate.getAttribute('placeholder'), text('tie-config', 'tie-config.placeholder.writeRate'));
        assert.equal(await editor.page.locator('#node-config-input-writeBurst').isVisible(), false, 'no burst without a limit');
        await rate.fill('5');
        await rate.dispatchEvent('change');
        assert.equal(await editor.page.locator('#node-config-input-writeBurst').isVisible(), true);
        const withLimit = await advanced.innerText();
        for (const key of ['writeBurst', 'atOnce', 'writeQueue', 'waitingAtMost'])
          assert.ok(withLimit.includes(text('tie-config', `tie-config.label.${key}`)), key);
        await editor.screenshot('tie-config-advanced');
        await editor.closeConfigDialog('cancel');
        assert.deepEqual(editor.errors.splice(0), []);
      });
    });
  }
});
