/**
 * tie-config's form: its name, then five tabs (Connection, Security, Advanced, Provisioning,
 * Diagnostics: the editor orders them). Rows of a declared property come from its declaration; the rest are the widgets
 * its editor fills (the broker list, PEM boxes with upload, two boxes on one row, the results).
 */
import { CONFIG_NODE_FORM, formPage, label, propertyRow, row } from '../editor/form';
import { PROPERTIES, TYPE } from './properties';

type Name = keyof typeof PROPERTIES;

const STYLE = `<style>
  /* Room for the longer labels of some languages (German "Konfigurationsdatei"), at the editor's default width. */
  #tie-config-tabs-content .form-row > label:not(.tie-config-check) { width: 140px; }
  /* Five tabs: room for the longer labels of some languages at the editor's default width. */
  #tie-config-tabs .red-ui-tab-label { padding-left: 2px; padding-right: 2px; font-size: 13px; }
  #tie-config-tabs li.red-ui-tab { margin-left: 1px; margin-right: 1px; }
  /* A checkbox's text beside it, wrapping under itself rather than under the box. */
  #tie-config-tabs-content .form-row > label.tie-config-check { width: calc(100% - 30px); vertical-align: top; margin-left: 4px; }
  /* What a dxlclient.config says, read-only; long paths and host lists wrap instead of being clipped. */
  .tie-config-file-summary { margin-top: 6px; }
  .tie-config-file-entry { display: flex; margin-bottom: 3px; }
  .tie-config-file-key { flex: 0 0 140px; font-weight: bold; }
  .tie-config-file-entry > span:last-child, .tie-config-file-summary { overflow-wrap: anywhere; min-width: 0; }
  /* Long error texts (URLs, fingerprints) wrap in the result line and in the toasts shown while the dialog is open. */
  #tie-config-provision-result, .red-ui-notification { overflow-wrap: anywhere; }
  /* The diagnostics' verdicts and a provisioning error. */
  .tie-config-ok { color: #3a873a; }
  .tie-config-warn { color: #b57b00; }
  .tie-config-bad, .tie-config-provision-error { color: #b94a48; }
</style>`;

const id = (name: string): string => `${CONFIG_NODE_FORM.prefix}-${name}`;

function rowsOf(...names: Name[]): string[] {
  return names.map((name) => propertyRow(name, PROPERTIES[name], CONFIG_NODE_FORM) ?? '');
}

interface Box {
  type: 'text' | 'number' | 'password';
  id: string;
  /** Its share of the row's room beside the label. */
  share: number;
  /** More attributes: a placeholder's catalogue key, autocomplete. */
  extra?: string;
}

/** Two boxes on one row (host and port, user and password); the label names the first. */
function pairRow(labelKey: string, icon: string, boxes: [Box, Box], rowClass?: string): string {
  const html = boxes.map((b) => `<input type="${b.type}" id="${b.id}" style="width: calc((100% - 150px) * ${b.share});"${b.extra ?? ''}>`);
  return row([label(boxes[0].id, labelKey, icon), ...html], rowClass);
}

const placeholder = (key: string): string => ` data-i18n="[placeholder]${TYPE}.${key}"`;

/** A PEM textarea with an upload button that reads a local file into it. */
function pemRow(target: string, labelKey: string, icon: string, file: string, placeholder: string, after: string[] = []): string {
  return row([
    label(target, labelKey, icon),
    `<button type="button" class="red-ui-button tie-config-upload" data-file="${file}"><i class="fa fa-upload"></i> <span data-i18n="${TYPE}.label.upload"></span></button>`,
    `<input type="file" id="${file}" class="tie-config-upload-file" data-target="${target}" style="display: none;">`,
    `<textarea id="${target}" rows="3" style="width: 100%; font-family: monospace; font-size: 11px;" data-i18n="[placeholder]${placeholder}"></textarea>`,
    ...after,
  ]);
}

/** A `<div>` with `attributes` around rows the editor shows or hides together. */
function group(attributes: string, parts: readonly string[]): string {
  const lines = parts.flatMap((part) => part.split('\n')).map((line) => `  ${line}`);
  return [`<div ${attributes}>`, ...lines, '</div>'].join('\n');
}

/** A tab's content, hidden until the editor shows it. */
function tab(name: string, parts: readonly string[]): string {
  return group(`id="tie-config-tab-${name}" style="display: none;"`, parts);
}

const connectionTab = tab('connection', [
  ...rowsOf('source', 'configFile'),
  row(
    [
      `<div class="form-tips" data-i18n="${TYPE}.fileSummary.intro"></div>`,
      '<div id="tie-config-file-summary" class="tie-config-file-summary" aria-live="polite"></div>',
    ],
    'tie-config-file-row',
  ),
  group('class="tie-config-form-rows"', [
    row([
      `<label><i class="fa fa-server"></i> <span data-i18n="${TYPE}.label.brokers"></span></label>`,
      `<button type="button" id="tie-config-import-button" class="red-ui-button" style="float: right;"><i class="fa fa-upload"></i> <span data-i18n="${TYPE}.import.button"></span></button>`,
      '<input type="file" id="tie-config-import-file" multiple style="display: none;">',
    ]),
    row([`<ol id="${id('brokers')}-container"></ol>`], `${id('brokers')}-container-row`),
    ...rowsOf('transport'),
    pairRow(
      `${TYPE}.label.proxy`,
      'fa-globe',
      [
        { type: 'text', id: id('proxyHost'), share: 0.64, extra: placeholder('placeholder.proxyHost') },
        { type: 'number', id: id('proxyPort'), share: 0.33 },
      ],
      'tie-config-ws-row',
    ),
    pairRow(
      `${TYPE}.label.proxyUser`,
      'fa-user',
      [
        { type: 'text', id: id('proxyUser'), share: 0.49, extra: placeholder('placeholder.proxyUser') },
        { type: 'password', id: id('proxyPassword'), share: 0.48, extra: placeholder('placeholder.proxyPassword') },
      ],
      'tie-config-ws-row',
    ),
  ]),
]);

const securityTab = tab('security', [
  row(['<div id="tie-config-file-tls" class="tie-config-file-summary"></div>'], 'tie-config-file-row'),
  ...rowsOf('tlsSource'),
  group('class="tie-config-pem-rows"', [
    pemRow(id('caPem'), `${TYPE}.label.ca`, 'fa-certificate', 'tie-config-ca-file', `${TYPE}.placeholder.ca`),
    pemRow(id('certPem'), `${TYPE}.label.cert`, 'fa-id-card-o', 'tie-config-cert-file', `${TYPE}.placeholder.cert`),
    pemRow(id('keyPem'), `${TYPE}.label.key`, 'fa-key', 'tie-config-key-file', `${TYPE}.placeholder.key`, [
      `<div class="form-tips" data-i18n="${TYPE}.tip.key"></div>`,
    ]),
  ]),
  group('class="tie-config-path-rows"', rowsOf('caFile', 'certFile', 'keyFile')),
  ...rowsOf('checkHostName'),
]);

const advancedTab = tab(
  'advanced',
  rowsOf(
    'clientId',
    'protocolVersion',
    'requestTimeout',
    'connectWait',
    'keepalive',
    'cache',
    'cacheTtl',
    'maxMessageKb',
    'eventSenders',
    'trustedClientIds',
    'writeDryRun',
    'writeRate',
    'writeBurst',
    'writeQueue',
  ),
);

const diagnosticsTab = tab('diagnostics', [
  `<div class="form-tips" data-i18n="${TYPE}.diagnostics.intro" style="margin-bottom: 12px;"></div>`,
  row([
    `<button type="button" id="tie-config-test-button" class="red-ui-button"><i class="fa fa-stethoscope"></i> <span data-i18n="${TYPE}.diagnostics.testButton"></span></button>`,
  ]),
  '<ul id="tie-config-test-result" aria-live="polite" style="list-style: none; margin: 0 0 12px 0;"></ul>',
  '<ul id="tie-config-diagnostics" style="list-style: none; margin: 0; font-size: 12px;"></ul>',
]);

const provisionTab = tab('provision', [
  `<div class="form-tips" data-i18n="${TYPE}.provision.intro" style="margin-bottom: 12px;"></div>`,
  pairRow(`${TYPE}.provision.host`, 'fa-server', [
    { type: 'text', id: id('provisionHost'), share: 0.64, extra: placeholder('provision.hostPlaceholder') },
    { type: 'number', id: id('provisionPort'), share: 0.33 },
  ]),
  pairRow(`${TYPE}.provision.user`, 'fa-user', [
    { type: 'text', id: id('provisionUser'), share: 0.39, extra: ` autocomplete="off"${placeholder('provision.userPlaceholder')}` },
    {
      type: 'password',
      id: 'tie-config-provision-password',
      share: 0.58,
      extra: ` autocomplete="new-password"${placeholder('provision.passwordPlaceholder')}`,
    },
  ]),
  pemRow(
    id('provisionCaPem'),
    `${TYPE}.provision.serverCa`,
    'fa-certificate',
    'tie-config-provision-ca-file',
    `${TYPE}.provision.serverCaPlaceholder`,
  ),
  row([
    `<input type="checkbox" id="${id('provisionTrustUnverified')}" style="display: inline-block; width: auto; vertical-align: top;">`,
    `<label for="${id('provisionTrustUnverified')}" class="tie-config-check" style="color: #b94a48;"><i class="fa fa-exclamation-triangle"></i> <span data-i18n="${TYPE}.provision.trustUnverified"></span></label>`,
    `<div class="form-tips tie-config-provision-insecure" style="border-color: #b94a48;" data-i18n="${TYPE}.provision.insecureTip"></div>`,
  ]),
  ...rowsOf('provisionCommonName'),
  row([
    label('tie-config-provision-folder', `${TYPE}.provision.folder`, 'fa-folder-o'),
    `<input type="text" id="tie-config-provision-folder" style="width: calc(100% - 150px);" data-i18n="[placeholder]${TYPE}.provision.folderPlaceholder">`,
  ]),
  row([
    `<button type="button" id="tie-config-provision-button" class="red-ui-button tie-config-provision-action"><i class="fa fa-magic"></i> <span data-i18n="${TYPE}.provision.button"></span></button>`,
    `<button type="button" id="tie-config-update-button" class="red-ui-button tie-config-provision-action" style="margin-left: 8px;"><i class="fa fa-refresh"></i> <span data-i18n="${TYPE}.provision.updateButton"></span></button>`,
  ]),
  row(['<span id="tie-config-provision-result" aria-live="polite"></span>']),
]);

export function page(): string {
  return formPage(TYPE, [
    STYLE,
    ...rowsOf('name'),
    row(['<ul style="margin-bottom: 20px;" id="tie-config-tabs"></ul>']),
    group('id="tie-config-tabs-content" style="min-height: 170px;"', [
      connectionTab,
      securityTab,
      advancedTab,
      diagnosticsTab,
      provisionTab,
    ]),
  ]);
}
