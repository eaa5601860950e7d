import fs from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, Locator, Page } from 'playwright-core';

/*
 * What the browser test does to the Node-RED editor, in the words of a user: drag from the
 * palette, double-click, click Done, import through the menu, deploy, read the debug sidebar.
 * The functions passed to page.evaluate run in the browser, where RED and $ are globals.
 */

/** The parts of the editor's RED API the test reads (they run in the browser). */
interface EditorNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  connection?: string;
  valid?: boolean;
  changed?: boolean;
  status?: { text?: string };
  users?: unknown[];
  credentials?: Record<string, unknown>;
  _def: { defaults: Record<string, unknown>; category?: string };
  [property: string]: unknown;
}
declare const RED: {
  nodes: {
    node(id: string): EditorNode | undefined;
    eachNode(visit: (node: EditorNode) => void): void;
    eachConfig(visit: (node: EditorNode) => void): void;
    dirty(): boolean;
    getType(type: string): unknown;
  };
  view: { selection(): { nodes?: EditorNode[] } };
  workspaces: { active(): string; add(): { id: string } };
  sidebar: { show(id: string): void; help: { show(type: string): void } };
  menu: { setSelected(id: string, state: boolean): void };
};
interface JQueryList {
  length: number;
  filter(keep: (index: number, element: unknown) => boolean): JQueryList;
  add(other: JQueryList): JQueryList;
  attr(name: string, value: string): JQueryList;
}
declare const $: {
  (selector: string): JQueryList;
  (element: unknown): { data(key: string): unknown };
};

export interface NodeSnapshot {
  id: string;
  type: string;
  z?: string;
  name?: string;
  connection?: string;
  valid?: boolean;
  status?: string;
  /** The node's properties (its definition's defaults) as the editor holds them. */
  properties: Record<string, unknown>;
  credentials?: Record<string, unknown>;
}

/** Whether the node's type has a connection setting (a tie-config); tie-dxl-response has none. */
export function hasConnection(node: NodeSnapshot): boolean {
  return 'connection' in node.properties;
}

export class EditorPage {
  /** Console errors and page errors from the editor's own origin, oldest first. */
  readonly errors: string[] = [];
  /** Console errors about other origins (the closed network: e.g. the palette catalogue). */
  readonly ignoredErrors: string[] = [];
  /** Every console message, for test-output/. */
  readonly consoleLog: string[] = [];

  constructor(
    readonly page: Page,
    readonly editorUrl: string,
    readonly screenshotDir: string,
  ) {
    const origin = new URL(editorUrl).origin;
    page.on('console', (message: ConsoleMessage) => {
      this.consoleLog.push(`[${message.type()}] ${message.text()}`);
      if (message.type() !== 'error') return;
      const where = message.location().url;
      const line = `${message.text()}${where ? ` (${where})` : ''}`;
      if (where && !where.startsWith(origin)) this.ignoredErrors.push(line);
      else this.errors.push(line);
    });
    page.on('pageerror', (error: Error) => this.errors.push(`page error: ${error.stack ?? error.message}`));
  }

  /** Opens the editor and waits until the palette and the flows are loaded. */
  async open(): Promise<void> {
    await this.page.goto(this.editorUrl);
    await this.page.waitForFunction(
      () =>
        typeof RED !== 'undefined' &&
        RED.nodes !== undefined &&
        $('#red-ui-palette .red-ui-palette-node').length > 0 &&
        RED.workspaces.active() !== '',
      null,
      { timeout: 30_000 },
    );
    // The loading spinner goes when the flows are in.
    await this.page
      .locator('#red-ui-loading-progress')
      .waitFor({ state: 'hidden', timeout: 30_000 })
      .catch(() => undefined);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Node types of a palette category, in palette order. */
  async paletteTypes(category: string): Promise<string[]> {
    const entries = this.page.locator(`[id="red-ui-palette-container-${category}"] .red-ui-palette-node`);
    return (
      await entries.evaluateAll((els: Array<{ getAttribute(name: string): string | null }>) =>
        els.map((el) => el.getAttribute('data-palette-type') ?? ''),
      )
    ).filter((t) => t !== '');
  }

  async newTab(): Promise<string> {
    const before = await this.page.evaluate(() => RED.workspaces.active());
    // The workspace tabs' + button: below the header up to Node-RED 4, in the header from Node-RED 5.
    await this.page.locator('.red-ui-tabs:has(#red-ui-workspace-tabs) > .red-ui-tabs-add a').click();
    await this.page.waitForFunction((old) => RED.workspaces.active() !== old, before);
    await this.page.waitForTimeout(450);
    return this.page.evaluate(() => RED.workspaces.active());
  }

  async showTab(id: string): Promise<void> {
    await this.page.locator(`[id="red-ui-tab-${id}"] a.red-ui-tab-label`).click();
    await this.page.waitForFunction((tab) => RED.workspaces.active() === tab, id);
    // Two tab clicks within 400 ms count as a double-click (rename): leave room before the next one.
    await this.page.waitForTimeout(450);
  }

  /** Drags a node type from the palette onto the workspace; resolves with the new node's id. */
  async dropFromPalette(type: string, x: number, y: number): Promise<string> {
    const entry = this.page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
    await entry.scrollIntoViewIfNeeded();
    await entry.dragTo(this.page.locator('#red-ui-workspace-chart'), { targetPosition: { x, y } });
    const id = await this.page.evaluate(() => RED.view.selection().nodes?.[0]?.id);
    if (!id) throw new Error(`dropping ${type} from the palette added no node`);
    return id;
  }

  /**
   * Presses an inject node's button. On Node-RED 5 the left sidebar's separator handle can lie over
   * a button near it; the inject is then asked for as the button asks for it.
   */
  async pressInjectButton(id: string): Promise<void> {
    const button = this.page.locator(`[id="${id}"] .red-ui-flow-node-button`);
    try {
      await button.click({ timeout: 3000 });
    } catch {
      // What the button does: ask the runtime to inject.
      await this.page.evaluate((nodeId) => fetch(`inject/${nodeId}`, { method: 'POST' }).then(() => undefined), id);
    }
  }

  /** The node's shape on the workspace (on the active tab). */
  nodeShape(id: string): Locator {
    return this.page.locator(`[id="${id}"] .red-ui-flow-node`);
  }

  /** The edit tray on top (the node's, or a config node's opened from it). */
  get tray(): Locator {
    return this.page.locator('.red-ui-tray').last();
  }

  async openNodeDialog(id: string): Promise<void> {
    const ok = this.page.locator('#node-dialog-ok');
    // A double-click made while the editor still closes the previous tray can go unanswered (seen once in 4.1
    // in CI): as a user would, double-click again.
    for (let attempt = 1; ; attempt++) {
      await this.nodeShape(id).dblclick();
      const opened = await ok.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 3) throw new Error(`the edit dialog of node ${id} did not open after three double-clicks`);
    }
    // The tray slides in.
    await this.page.waitForTimeout(300);
  }

  async closeNodeDialog(how: 'done' | 'cancel'): Promise<void> {
    await this.page.locator(how === 'done' ? '#node-dialog-ok' : '#node-dialog-cancel').click();
    await this.page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
  }

  /** From an open node dialog: the pencil next to the connection (edits the selected config), or + (adds one). */
  async openConnectionDialog(button: 'edit' | 'add', property = 'connection'): Promise<void> {
    await this.page.locator(`#node-input-btn-${property}-${button}`).click();
    await this.page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300);
  }

  /**
   * A config node's entry in the Configuration nodes sidebar, shown. Up to Node-RED 4 the entry has
   * the class red-ui-palette-node_id_<id>; Node-RED 5 keeps the id in the entry's jQuery data, so
   * the entry found either way is marked for the locator.
   */
  async configNodeEntry(id: string): Promise<Locator> {
    await this.page.evaluate(() => RED.sidebar.show('config'));
    await this.page.waitForFunction((nodeId) => {
      const byClass = $(`li.red-ui-palette-node_id_${nodeId.replace(/\./g, '-')}`);
      const byData = $('#red-ui-sidebar-node-config li').filter((_, element) => $(element).data('data-node-id') === nodeId);
      const entry = byClass.add(byData);
      entry.attr('data-tie-test-id', nodeId);
      return entry.length > 0;
    }, id);
    return this.page.locator(`li[data-tie-test-id="${id}"] .red-ui-palette-node`).first();
  }

  /** Opens a config node's dialog from the Configuration nodes sidebar (double-click), as a user does. */
  async openConfigNodeDialog(id: string): Promise<void> {
    const entry = await this.configNodeEntry(id);
    await entry.scrollIntoViewIfNeeded();
    await entry.dblclick();
    await this.page.locator('#node-config-dialog-ok').waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300);
  }

  async closeConfigDialog(how: 'ok' | 'cancel' | 'delete'): Promise<void> {
    const button =
      how === 'delete'
        ? this.tray.locator('button.leftButton', { hasText: 'Delete' })
        : this.page.locator(how === 'ok' ? '#node-config-dialog-ok' : '#node-config-dialog-cancel');
    await button.click();
    await this.page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
  }

  /** Switches a RED.tabs tab strip (e.g. tie-config's Connection / Security / Advanced). */
  async showDialogTab(tabStrip: string, tabId: string): Promise<void> {
    await this.page.locator(`#${tabStrip} a[href="#${tabId}"]`).click();
    await this.page.locator(`#${tabId}`).waitFor({ state: 'visible' });
    await this.page.waitForTimeout(450);
  }

  /**
   * The visible fields of the open dialog that show nothing: a select with no option chosen, or a
   * text field, number field or text area with neither a value nor a placeholder. Ids, or names.
   */
  async emptyFields(): Promise<string[]> {
    return this.tray.locator('.red-ui-tray-body').evaluate((body: { querySelectorAll(selectors: string): ArrayLike<unknown> }) => {
      const empty: string[] = [];
      for (const field of Array.from(body.querySelectorAll('input, select, textarea'))) {
        const element = field as {
          id: string;
          name?: string;
          type?: string;
          value: string;
          placeholder?: string;
          offsetParent: unknown;
          tagName: string;
        };
        // Hidden fields, and the decoys Node-RED adds against password managers (red-ui-trap-*).
        if (element.offsetParent === null || element.id.startsWith('red-ui-trap')) continue;
        if (element.tagName === 'INPUT' && ['checkbox', 'radio', 'file', 'button', 'hidden'].includes(element.type ?? '')) continue;
        const shown = element.tagName === 'SELECT' ? element.value : element.value.trim() || (element.placeholder ?? '').trim();
        if (shown === '') empty.push(element.id || element.name || element.tagName.toLowerCase());
      }
      return empty;
    });
  }

  /**
   * Picks a type from a TypedInput's type menu, then for types with options one of them, or
   * types a value into its text field.
   */
  async setTypedInput(inputId: string, typeLabel: string, value?: { option: string } | { text: string }): Promise<void> {
    const row = this.page.locator(`.form-row:has(#${inputId})`);
    await row.locator('.red-ui-typedInput-type-select').click();
    await this.page.locator('.red-ui-typedInput-options:visible a', { hasText: typeLabel }).first().click();
    // The type menu fades out: an option picked while it is still visible could be one of its items.
    await this.page.locator('.red-ui-typedInput-options:visible').first().waitFor({ state: 'hidden' });
    if (value && 'option' in value) {
      await row.locator('.red-ui-typedInput-option-trigger').click();
      await this.page.locator('.red-ui-typedInput-options:visible a', { hasText: value.option }).first().click();
    } else if (value) {
      await row.locator('input.red-ui-typedInput-input').fill(value.text);
    }
  }

  /**
   * Back to a plain workspace after a failed step: closes open edit trays (Cancel), dialogs and
   * menus, and drops notifications.
   */
  async reset(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const cancel = this.page
        .locator(
          '#node-config-dialog-cancel, #node-dialog-cancel, .ui-dialog button:has-text("Cancel"), .red-ui-notification button:has-text("Cancel")',
        )
        .filter({ visible: true });
      if ((await cancel.count()) === 0) break;
      await cancel
        .last()
        .click({ timeout: 2000 })
        .catch(() => undefined);
      await this.page.waitForTimeout(400);
    }
    await this.page.keyboard.press('Escape').catch(() => undefined);
    await this.dismissNotifications();
  }

  async snapshot(id: string): Promise<NodeSnapshot> {
    const found = await this.page.evaluate((nodeId) => {
      const node = RED.nodes.node(nodeId);
      if (!node) return undefined;
      const properties: Record<string, unknown> = {};
      for (const key of Object.keys(node._def.defaults)) properties[key] = node[key];
      return {
        id: node.id,
        type: node.type,
        z: node.z,
        name: node.name,
        connection: node.connection,
        valid: node.valid,
        status: node.status?.text,
        properties,
        credentials: node.credentials,
      };
    }, id);
    if (!found) throw new Error(`the editor has no node ${id}`);
    return found;
  }

  async nodesOfTab(tabId: string, typePrefix = 'tie-'): Promise<NodeSnapshot[]> {
    const ids = await this.page.evaluate(
      ({ tab, prefix }) => {
        const out: string[] = [];
        RED.nodes.eachNode((n) => {
          if (n.z === tab && n.type.startsWith(prefix)) out.push(n.id);
        });
        return out;
      },
      { tab: tabId, prefix: typePrefix },
    );
    return Promise.all(ids.map((id) => this.snapshot(id)));
  }

  async configNodes(type: string): Promise<NodeSnapshot[]> {
    const ids = await this.page.evaluate((configType) => {
      const out: string[] = [];
      RED.nodes.eachConfig((n) => {
        if (n.type === configType) out.push(n.id);
      });
      return out;
    }, type);
    return Promise.all(ids.map((id) => this.snapshot(id)));
  }

  /**
   * Menu > Import > Examples > node-red-contrib-tie > name, into a new flow; answers "Import copy"
   * when the nodes already exist, and drops the imported nodes on the workspace.
   * Resolves with the new tab's id.
   */
  async importExample(name: string, moduleName = 'node-red-contrib-tie'): Promise<string> {
    const before = await this.page.evaluate(() => RED.workspaces.active());
    await this.page.locator('#red-ui-header-button-sidemenu').click();
    await this.page.locator('#menu-item-import').click();
    await this.page.locator('#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a').click();
    const pane = this.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    const entry = pane.locator('.red-ui-treeList-label', { hasText: new RegExp(`^${name}$`) });
    if (!(await entry.isVisible())) {
      await pane.locator('.red-ui-treeList-label', { hasText: new RegExp(`^${moduleName}$`) }).click();
    }
    await entry.scrollIntoViewIfNeeded();
    await entry.click();
    await this.page.locator('#red-ui-clipboard-dialog-import-opt-new').click();
    await this.page.locator('#red-ui-clipboard-dialog-ok').click();
    await this.page.locator('#red-ui-clipboard-dialog-ok').waitFor({ state: 'hidden' });
    // Either the new flow shows, or Node-RED first asks about nodes that already exist.
    await this.page.waitForFunction(
      (old) => RED.workspaces.active() !== old || $('.red-ui-notification:visible:contains("already exist")').length > 0,
      before,
    );
    const conflict = this.page.locator('.red-ui-notification', { hasText: 'already exist' });
    if (await conflict.isVisible()) await conflict.locator('button', { hasText: 'Import copy' }).click();
    await this.page.waitForFunction((old) => RED.workspaces.active() !== old, before);
    // Imported nodes follow the mouse until a click drops them.
    const chart = await this.page.locator('#red-ui-workspace-chart').boundingBox();
    if (!chart) throw new Error('no workspace');
    await this.page.mouse.move(chart.x + 120, chart.y + 80);
    await this.page.mouse.move(chart.x + 140, chart.y + 90);
    await this.page.mouse.click(chart.x + 140, chart.y + 90);
    await this.page.waitForFunction(() => RED.nodes.dirty());
    await this.dismissNotifications();
    return this.page.evaluate(() => RED.workspaces.active());
  }

  async dismissNotifications(): Promise<void> {
    for (const note of await this.page.locator('.red-ui-notification').all()) {
      await note.click({ timeout: 1000 }).catch(() => undefined);
    }
  }

  /** Clicks Deploy and waits for "Successfully deployed". */
  async deploy(): Promise<void> {
    await this.page.locator('#red-ui-header-button-deploy').click();
    const confirm = this.page.locator('.red-ui-editor-dialog button, .ui-dialog button', { hasText: /^Confirm deploy$/ });
    await this.page.locator('.red-ui-notification', { hasText: 'Successfully deployed' }).or(confirm).first().waitFor({ timeout: 15_000 });
    if (await confirm.isVisible())
      throw new Error(`Deploy asked for confirmation: ${await this.page.locator('.ui-dialog:visible').innerText()}`);
    await this.page.waitForFunction(() => !RED.nodes.dirty());
    await this.dismissNotifications();
  }

  /** Status texts of the nodes on the active tab, as drawn under them. */
  async drawnStatus(id: string): Promise<string> {
    return (await this.page.locator(`[id="${id}"] .red-ui-flow-node-status-label`).textContent()) ?? '';
  }

  async showSidebar(tab: 'debug' | 'help' | 'info' | 'config'): Promise<void> {
    await this.page.evaluate((id) => RED.sidebar.show(id), tab);
  }

  /** The help sidebar on a node type's help, as when the node is selected. */
  async showHelp(type: string): Promise<void> {
    await this.showSidebar('help');
    await this.page.evaluate((t) => RED.sidebar.help.show(t), type);
  }

  /** View > Show palette. */
  async showPalette(shown: boolean): Promise<void> {
    await this.page.evaluate((on) => RED.menu.setSelected('menu-item-palette', on), shown);
  }

  /** The debug sidebar's messages from the debug node with this name, newest last. */
  debugMessages(nodeName: string): Locator {
    return this.page.locator('.red-ui-debug-msg', { has: this.page.locator('.red-ui-debug-msg-name', { hasText: nodeName }) });
  }

  /** Resolves once the debug sidebar holds at least `count` messages. */
  async waitForDebugMessages(count: number, timeoutMs = 15_000): Promise<void> {
    await this.page.waitForFunction((n) => $('.red-ui-debug-msg').length >= n, count, { timeout: timeoutMs });
  }

  /** Expands the message and then each named property, and returns the message's text. */
  async expandDebugMessage(message: Locator, ...properties: string[]): Promise<string> {
    await message.locator('.red-ui-debug-msg-element').first().click();
    for (const property of properties) {
      await message
        .locator('.red-ui-debug-msg-object-key', { hasText: new RegExp(`^${property}$`) })
        .filter({ visible: true })
        .first()
        .click();
    }
    return message.innerText();
  }
}
