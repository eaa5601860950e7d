/**
 * The editor in each language of the package (en-US, de, ja), in a real browser against the demo:
 * the palette, one edit dialog per node (the tie-config's with all its tabs) and one help page per
 * node show the language's texts, and no English fallback: no text of the en-US catalogue or help
 * that the language says otherwise. Node-RED picks the language from the editor's setting
 * ("editor-language", used for ja here) or else from the browser's language (en-US, de).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { DEMO_CONFIG_ID, DEMO_TAB_ID, type Demo, startDemo } from '../../scripts/demo';
import { nodeTypes } from '../../scripts/editor-build';
import { type Language, LANGUAGES, flatten, readCatalogue, readHelp } from '../support/catalogue';
import { CHROMIUM_ARGS, chromiumPath, requireChromium } from './chromium';
import { EditorPage, hasConnection } from './editor-page';

const root = path.resolve(__dirname, '..', '..', '..');
const outputDir = path.join(root, 'test-output', 'editor-languages');

const FLOW_TYPES = nodeTypes(root).filter((type) => type !== 'tie-config');
/** The palette category of a flow node: DXL for the generic DXL nodes and tie-status, TIE for the others. */
const categoryOf = (type: string): 'TIE' | 'DXL' => (type.startsWith('tie-dxl-') || type === 'tie-status' ? 'DXL' : 'TIE');

/** The DXL dialogs' own field labels (tie.label.<name>), hidden rows included. */
const DXL_LABELS: Record<string, string[]> = {
  'tie-dxl-request': ['topic', 'payload', 'format', 'timeout'],
  'tie-dxl-event-in': ['topic', 'format'],
  'tie-dxl-event-out': ['topic'],
  'tie-dxl-service': ['serviceType', 'topics', 'format', 'timeout'],
  'tie-dxl-response': ['respond', 'errorCode', 'errorMessage'],
};

/** How each language is chosen: the browser's language, or the editor's language setting. */
const CHOSEN_BY: Record<Language, { locale: string; editorSetting?: string }> = {
  'en-US': { locale: 'en-US' },
  de: { locale: 'de-DE' },
  ja: { locale: 'en-US', editorSetting: 'ja' },
};

function texts(lang: Language, type: string): Map<string, string> {
  return flatten(readCatalogue(lang, type));
}

/** The en-US texts `lang` says otherwise (long enough not to occur by chance inside other words). */
function englishOnly(lang: Language, type: string): string[] {
  if (lang === 'en-US') return [];
  const own = texts(lang, type);
  return [...texts('en-US', type)]
    .filter(([key, text]) => own.get(key) !== text && /[a-z]{3}/.test(text) && !/__\w+__/.test(text))
    .map(([, text]) => text.replace(/<[^>]+>/g, ''));
}

function helpParagraph(lang: Language, type: string): string {
  const page = readHelp(lang, type);
  return (/<p>([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function helpSections(lang: Language, type: string): string[] {
  const page = readHelp(lang, type);
  return [...page.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1].trim());
}

/** Node-RED's own "Edit __type__ node" in `lang`. */
function editTitle(lang: Language, label: string): string {
  const editor = JSON.parse(fs.readFileSync(require.resolve(`@node-red/editor-client/locales/${lang}/editor.json`), 'utf8')) as {
    editor: { editNode: string; editConfig: string };
  };
  return editor.editor.editNode.replace('__type__', label);
}

function assertNoEnglish(shown: string, lang: Language, type: string, where: string): void {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A word inside a path or a DXL topic (/mcafee/event/tie/file/detection) is not a text.
  const word = (text: string): RegExp => new RegExp(`(^|[^A-Za-z/])${escape(text)}($|[^A-Za-z/])`);
  const found = englishOnly(lang, type).filter((text) => word(text).test(shown));
  const lines = shown.split('\n').filter((line) => found.some((text) => word(text).test(line)));
  assert.deepEqual(found, [], `${where} (${lang}): English fallback in ${JSON.stringify(lines.slice(0, 5))}`);
}

/** Text the open dialog cuts short, and layout a reader trips over, on the tab shown: labels and tabs clipped, a checkbox not on its label's line, a control past the row's edge. */
async function layoutProblems(editor: EditorPage): Promise<string[]> {
  return editor.tray.evaluate((tray: unknown) => {
    type Box = { top: number; bottom: number; left: number; right: number; width: number; height: number };
    type Element = {
      textContent: string | null;
      id: string;
      scrollWidth: number;
      clientWidth: number;
      offsetParent: unknown;
      getBoundingClientRect(): Box;
      querySelectorAll(selector: string): ArrayLike<Element>;
      closest(selector: string): Element | null;
      querySelector(selector: string): Element | null;
    };
    const root = tray as Element;
    const shown = (el: Element): boolean => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
    const problems: string[] = [];
    for (const el of Array.from(root.querySelectorAll('.red-ui-tray-body label'))) {
      if (shown(el) && el.scrollWidth > el.clientWidth + 1) problems.push(`clipped: "${(el.textContent ?? '').trim()}"`);
    }
    // A tab's text ends inside its tab (the tab clips what does not fit).
    const doc = (
      globalThis as unknown as { document: { createRange(): { selectNodeContents(node: unknown): void; getBoundingClientRect(): Box } } }
    ).document;
    type Node = { nodeType: number; textContent: string | null; childNodes: ArrayLike<Node> };
    const textNodes = (node: Node): Node[] =>
      node.nodeType === 3 ? (node.textContent?.trim() ? [node] : []) : Array.from(node.childNodes).flatMap(textNodes);
    for (const tab of Array.from(root.querySelectorAll('#tie-config-tabs li.red-ui-tab'))) {
      if (!shown(tab)) continue;
      for (const text of textNodes(tab as unknown as Node)) {
        const range = doc.createRange();
        range.selectNodeContents(text);
        if (range.getBoundingClientRect().right > tab.getBoundingClientRect().right - 1)
          problems.push(`clipped tab: "${(tab.textContent ?? '').trim()}"`);
      }
    }
    for (const box of Array.from(root.querySelectorAll('input[type="checkbox"]'))) {
      if (!shown(box)) continue;
      const label = root.querySelector(`label[for="${box.id}"]`);
      if (label && shown(label) && label.getBoundingClientRect().top >= box.getBoundingClientRect().bottom)
        problems.push(`checkbox above its text: "${(label.textContent ?? '').trim()}"`);
    }
    // A select shows its chosen option whole; an empty field its whole placeholder (measured in the field's own font).
    const win = globalThis as unknown as {
      getComputedStyle(el: unknown): { font: string; paddingLeft: string; paddingRight: string };
      document: { createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(t: string): { width: number } } } };
    };
    const measure = win.document.createElement('canvas').getContext('2d');
    const textWidth = (el: unknown, text: string): number => {
      measure.font = win.getComputedStyle(el).font;
      return measure.measureText(text).width;
    };
    const room = (el: Element): number => {
      const style = win.getComputedStyle(el);
      return el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    };
    type Field = Element & { value: string; placeholder?: string; selectedIndex?: number; options?: ArrayLike<{ text: string }> };
    for (const select of Array.from(root.querySelectorAll('.red-ui-tray-body select')) as Field[]) {
      if (!shown(select) || select.selectedIndex === undefined || select.selectedIndex < 0) continue;
      const text = select.options![select.selectedIndex].text;
      // Room for the drop-down arrow.
      if (textWidth(select, text) > room(select) - 16) problems.push(`clipped select: "${text}"`);
    }
    for (const field of Array.from(root.querySelectorAll('.red-ui-tray-body input[placeholder]')) as Field[]) {
      if (!shown(field) || field.value !== '' || !field.placeholder) continue;
      if (textWidth(field, field.placeholder) > room(field) + 1) problems.push(`clipped placeholder: "${field.placeholder}"`);
    }
    // A label's text on its icon's line.
    for (const label of Array.from(root.querySelectorAll('.red-ui-tray-body .form-row > label'))) {
      const icon = label.querySelector('i.fa');
      const text = label.querySelector('span');
      if (!icon || !text || !shown(label) || !shown(text)) continue;
      if (text.getBoundingClientRect().top >= icon.getBoundingClientRect().bottom)
        problems.push(`label text wrapped away from its icon: "${(label.textContent ?? '').trim()}"`);
    }
    for (const item of Array.from(root.querySelectorAll('#node-config-input-brokers-container .red-ui-editableList-item-content'))) {
      const list = item.closest('.red-ui-editableList-container');
      const remove = item.closest('li')?.querySelector('.red-ui-editableList-item-remove');
      if (list && remove && shown(remove) && remove.getBoundingClientRect().right > list.getBoundingClientRect().right + 1)
        problems.push("the broker row's remove button overflows its list");
      for (const control of Array.from(item.querySelectorAll('input'))) {
        if (list && shown(control) && control.getBoundingClientRect().right > list.getBoundingClientRect().right + 1)
          problems.push('a broker field overflows its list');
      }
    }
    return problems;
  });
}

/** What the open dialog says, hidden rows and tabs included: its texts (not its styles), option texts and placeholders. */
async function formText(editor: EditorPage): Promise<string> {
  return editor.tray.locator('.red-ui-tray-body').evaluate((body: unknown) => {
    type Element = {
      nodeType: number;
      nodeName: string;
      textContent: string | null;
      childNodes: ArrayLike<Element>;
      getAttribute?(name: string): string | null;
    };
    const parts: string[] = [];
    const walk = (node: Element): void => {
      if (node.nodeType === 3) parts.push(node.textContent ?? '');
      if (node.nodeType !== 1 || node.nodeName === 'STYLE' || node.nodeName === 'SCRIPT') return;
      const placeholder = node.getAttribute?.('placeholder');
      if (placeholder) parts.push(placeholder);
      for (const child of Array.from(node.childNodes)) walk(child);
    };
    walk(body as Element);
    return parts
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .join('\n');
  });
}

describe('the editor in en-US, de and ja', function () {
  this.timeout(120_000);
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  const temporary: string[] = [];

  before(async function () {
    requireChromium(this);
    fs.rmSync(outputDir, { recursive: true, force: true });
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-editor-languages-'));
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
        if (this.currentTest?.state === 'failed') {
          await editor
            .screenshot(`failed-${(this.currentTest.title ?? 'test').replace(/[^\w-]+/g, '-').slice(0, 50)}`)
            .catch(() => undefined);
          await editor.reset();
        }
      });

      it('palette: every TIE and DXL node in its category, under its label in this language', async () => {
        for (const type of FLOW_TYPES) {
          const entry = editor.page.locator(
            `[id="red-ui-palette-container-${categoryOf(type)}"] .red-ui-palette-node[data-palette-type="${type}"]`,
          );
          const label = texts(lang, type).get(`${type}.paletteLabel`);
          assert.equal(await entry.getAttribute('data-palette-label'), label, type);
          // Drawn on lines of whole words (Node-RED breaks a word too wide for the palette), except in Japanese.
          const lines = (await entry.locator('.red-ui-palette-label').innerText()).split('\n').map((line) => line.trim());
          if (lang !== 'ja') assert.equal(lines.join(' '), label, `${type}: "${lines.join(' | ')}" breaks a word`);
        }
        await editor.page.locator('[id="red-ui-palette-container-TIE"]').scrollIntoViewIfNeeded();
        await editor.screenshot('palette');
        await editor.page.locator('[id="red-ui-palette-container-DXL"]').scrollIntoViewIfNeeded();
        await editor.screenshot('palette-dxl');
        assert.deepEqual(editor.errors.splice(0), []);
      });

      it("palette tooltips: each node's first help paragraph in this language", async () => {
        for (const type of FLOW_TYPES) {
          const entry = editor.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
          await entry.scrollIntoViewIfNeeded();
          await entry.hover();
          const tip = editor.page.locator('.red-ui-popover').filter({ visible: true }).last();
          await tip.waitFor();
          const shown = (await tip.innerText()).replace(/\s+/g, ' ');
          assert.ok(shown.includes(helpParagraph(lang, type)), `${type}: its tooltip says "${shown.slice(0, 300)}"`);
          if (type === 'tie-get-reputation') await editor.screenshot('palette-tooltip');
          await editor.page.mouse.move(5, 5);
          await tip.waitFor({ state: 'hidden' });
        }
        assert.deepEqual(editor.errors.splice(0), []);
      });

      it('statuses: the deployed nodes show their connection state in this language', async () => {
        const nodeRed = flatten(
          JSON.parse(fs.readFileSync(require.resolve(`@node-red/nodes/locales/${lang}/messages.json`), 'utf8')) as Record<string, never>,
        );
        const connected = nodeRed.get('common.status.connected');
        assert.ok(connected);
        await editor.showTab(DEMO_TAB_ID);
        const ids = (await editor.nodesOfTab(DEMO_TAB_ID)).map((node) => node.id);
        assert.ok(ids.length > 0);
        for (const id of ids) {
          await editor.page.locator(`[id="${id}"] .red-ui-flow-node-status-label`, { hasText: connected }).waitFor();
        }
        await editor.screenshot('statuses');
      });

      it('an edit dialog per node: its title, labels and options in this language, nothing clipped', async () => {
        const tab = await editor.newTab();
        const layout: string[] = [];
        for (const [index, type] of FLOW_TYPES.entries()) {
          await editor.showTab(tab);
          const id = await editor.dropFromPalette(type, 260, 60 + index * 55);
          const label = (await editor.page.locator(`[id="${id}"] .red-ui-flow-node-label`).textContent())?.trim();
          assert.ok(
            label && [...texts(lang, type).values()].includes(label),
            `${type}: its label "${label}" is from the ${lang} catalogue`,
          );
          await editor.openNodeDialog(id);
          const title = (await editor.tray.locator('.red-ui-tray-breadcrumbs li').last().innerText()).trim();
          assert.equal(title, editTitle(lang, texts(lang, type).get(`${type}.paletteLabel`)!), `${type}: dialog title`);
          const body = await formText(editor);
          const own = texts(lang, type);
          // Every node has a name; all but the dxl response have a connection.
          const keys = [
            ...(hasConnection(await editor.snapshot(id)) ? ['tie.label.connection'] : []),
            'tie.label.name',
            ...(DXL_LABELS[type] ?? []).map((name) => `tie.label.${name}`),
          ];
          for (const key of keys) {
            const text = own.get(key);
            assert.ok(text !== undefined, `${type}: the ${lang} catalogue has ${key}`);
            assert.ok(body.includes(text), `${type}: "${text}" (${key})`);
          }
          assertNoEnglish(body, lang, type, `${type} dialog`);
          layout.push(...(await layoutProblems(editor)).map((p) => `${type}: ${p}`));
          await editor.screenshot(`dialog-${type}`);
          await editor.closeNodeDialog('cancel');
        }
        assert.deepEqual(layout, [], `the flow nodes' dialogs in ${lang}`);
        assert.deepEqual(editor.errors.splice(0), []);
      });

      it('the tie-config dialog: every tab in this language', async () => {
        await editor.openConfigNodeDialog(DEMO_CONFIG_ID);
        const tabs = (await editor.page.locator('#tie-config-tabs li').allInnerTexts()).map((t) => t.trim());
        const own = texts(lang, 'tie-config');
        assert.deepEqual(
          tabs,
          ['connection', 'security', 'advanced', 'provision', 'diagnostics'].map((t) => own.get(`tie-config.tabs.${t}`)),
        );
        const body = await formText(editor);
        for (const key of [
          'tie-config.label.source',
          'tie-config.label.tlsSource',
          'tie-config.label.requestTimeout',
          'tie-config.provision.commonName',
        ]) {
          assert.ok(body.includes(own.get(key)!), `"${own.get(key)}" (${key})`);
        }
        assertNoEnglish(body, lang, 'tie-config', 'tie-config dialog');
        // The demo's connection reads a dxlclient.config: what it says is shown, read-only.
        assert.ok(demo);
        const summary = editor.page.locator('#tie-config-file-summary');
        await summary.locator('.tie-config-file-entry', { hasText: `${demo.fabric.host}:${demo.fabric.port}` }).waitFor();
        assert.ok((await summary.innerText()).includes(own.get('tie-config.fileSummary.brokers')!));
        await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-security');
        assert.ok((await editor.page.locator('#tie-config-file-tls').innerText()).includes(demo.fabric.files.caCert));
        await editor.screenshot('tie-config-file-security');
        await editor.showDialogTab('tie-config-tabs', 'tie-config-tab-connection');
        // At the editor's default width, with both sources' rows shown in turn (the form starts from the file's brokers).
        const problems: string[] = [];
        for (const source of ['file', 'form']) {
          await editor.page.selectOption('#node-config-input-source', source);
          problems.push(...(await layoutProblems(editor)).map((p) => `connection (${source}): ${p}`));
        }
        const ports = await editor.page
          .locator('.tie-broker-port')
          .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
        assert.deepEqual(ports, [String(demo.fabric.port)], "the form starts from the file's brokers");
        for (const tab of ['security', 'advanced', 'provision', 'diagnostics']) {
          await editor.showDialogTab('tie-config-tabs', `tie-config-tab-${tab}`);
          problems.push(...(await layoutProblems(editor)).map((p) => `${tab}: ${p}`));
          await editor.screenshot(`tie-config-${tab}`);
          if (tab !== 'security') continue;
          assert.equal(
            await editor.page.inputValue('#node-config-input-caFile'),
            demo.fabric.files.caCert,
            "the form starts from the file's paths",
          );
          // And with the PEM boxes.
          await editor.page.selectOption('#node-config-input-tlsSource', 'credentials');
          problems.push(...(await layoutProblems(editor)).map((p) => `${tab} (PEM): ${p}`));
        }
        assert.deepEqual(problems, [], `the tie-config dialog in ${lang}`);
        await editor.closeConfigDialog('cancel');
        assert.deepEqual(editor.errors.splice(0), []);
      });

      it("the help sidebar's index names the tie-config by its label, not its type", async () => {
        await editor.showHelp('tie-config');
        const toc = editor.page.locator('.red-ui-sidebar-help-toc');
        const label = texts(lang, 'tie-config').get('tie-config.paletteLabel')!;
        await toc.getByText(label, { exact: true }).first().waitFor({ state: 'attached' });
        assert.equal(
          await toc.getByText('tie-config', { exact: true }).count(),
          0,
          'the raw type "tie-config" is not an entry of the index',
        );
      });

      it('a help page per node in this language', async () => {
        for (const type of ['tie-config', ...FLOW_TYPES]) {
          await editor.showHelp(type);
          const help = editor.page.locator('.red-ui-help').filter({ visible: true }).last();
          await help.locator('h3').first().waitFor();
          const shown = (await help.innerText()).replace(/\s+/g, ' ');
          assert.ok(shown.includes(helpParagraph(lang, type)), `${type}: the ${lang} help`);
          if (lang !== 'en-US') assert.ok(!shown.includes(helpParagraph('en-US', type)), `${type}: not the English help`);
          const sections = (await help.locator('h3').allInnerTexts()).map((s) => s.trim());
          for (const section of helpSections(lang, type))
            assert.ok(sections.includes(section), `${type}: "${section}" in ${sections.join(', ')}`);
          if (type === 'tie-get-reputation') await editor.screenshot('help-tie-get-reputation');
        }
        assert.deepEqual(editor.errors.splice(0), []);
      });
    });
  }
});
