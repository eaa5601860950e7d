/** tie-config's editor: brokers, TLS material, options, import of a dxlclient.config, provisioning. */
import { TIE_CONFIG_CREDENTIALS } from './config-credentials';
import { DEFAULT_BROKER_PORT, PORT, readNumber } from '../../src/dxl/numbers';
import { choiceOf } from '../kit/properties';
import { EXAMPLE_PROXY_PORT, SETTINGS, isEnvReference, readSetting } from '../kit/settings';
import { fieldText, keyOf, nameOf, nodeLook, paletteLabel, withMessage } from '../editor/common';
import { editorDefaults } from '../editor/defaults';
import { CONFIG_NODE_FORM } from '../editor/form';
import { prepareRows } from '../editor/typed-inputs';
import { pickedFiles } from '../editor/browser-files';
import type { Dollar, EditorNode, EditorRED, JQ, NodeTypeDefinition, Translate } from '../editor/red';
import { type BrokerRow, setupImport, setupProvisioning } from './editor-actions';
import { setupFileSummary } from './editor-file';
import { setupDiagnostics } from './editor-diagnostics';
import { MQTT_PROTOCOL_VERSIONS, PROPERTIES, TYPE } from './properties';

/** A broker list the runtime can use: at least one broker, each with a host and a port. */
export function brokersValid(brokers: unknown): boolean {
  return (
    Array.isArray(brokers) &&
    brokers.length > 0 &&
    brokers.every((b: unknown) => {
      const broker = b as Partial<BrokerRow> | null;
      return (
        broker !== null &&
        typeof broker === 'object' &&
        typeof broker.host === 'string' &&
        broker.host.trim() !== '' &&
        (isEnvReference(broker.port) || readSetting(SETTINGS.brokerPort, broker.port).ok)
      );
    })
  );
}

/** "dxl1:8883 +1" for a broker list, the file name for a dxlclient.config. */
export function configLabel(node: EditorNode): string {
  const name = nameOf(node);
  if (name !== undefined) return name;
  if (node.source === 'file') return typeof node.configFile === 'string' && node.configFile ? node.configFile : 'dxlclient.config';
  const brokers = Array.isArray(node.brokers) ? (node.brokers as BrokerRow[]) : [];
  const first = brokers[0];
  if (first === undefined) return 'TIE';
  return `${first.host}:${first.port}${brokers.length > 1 ? ` +${brokers.length - 1}` : ''}`;
}

/** Stops the open dialog's diagnostics refresh. */
let stopDiagnostics: () => void = () => undefined;

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  const brokers = withMessage(function (v) {
    return this.source === 'file' || brokersValid(v) || RED._(keyOf(TYPE, `${TYPE}.error.brokers`), { min: PORT.min, max: PORT.max });
  });
  return {
    ...nodeLook(TYPE, 'config'),
    // The help sidebar's index names a node type by its palette label: a name, not the raw type.
    paletteLabel: paletteLabel(TYPE),
    defaults: editorDefaults(RED, TYPE, PROPERTIES, { brokers }),
    credentials: TIE_CONFIG_CREDENTIALS,
    label() {
      const label = configLabel(this);
      return this.writeDryRun === true ? `${label} (${this._('tie-config.label.dryRunTag')})` : label;
    },
    oneditprepare() {
      stopDiagnostics = prepare(RED, $, this);
    },
    oneditsave() {
      stopDiagnostics();
      this.brokers = readBrokers($);
      keepStoredKey($);
    },
    oneditcancel() {
      stopDiagnostics();
    },
  };
}

/** Node-RED's stand-in for a stored password credential: the key itself never comes back to the editor. */
const STORED_PASSWORD = '__PWRD__';
const KEY_INPUT = '#node-config-input-keyPem';

/** A stored key is shown as stored (an empty box saying so), never as Node-RED's marker. */
function showStoredKey($: Dollar, _: Translate): void {
  const box = $(KEY_INPUT);
  if (box.val() !== STORED_PASSWORD) return;
  // The template's data-i18n names the placeholder too: Node-RED translates the dialog again after oneditprepare.
  box
    .val('')
    .attr('data-i18n', '[placeholder]tie-config.placeholder.keyStored')
    .attr('placeholder', _('tie-config.placeholder.keyStored'))
    .data('stored', true);
}

/** A box left empty over a stored key keeps that key (Node-RED keeps a credential sent back as its marker). */
function keepStoredKey($: Dollar): void {
  const box = $(KEY_INPUT);
  if (box.data('stored') === true && String(box.val()).trim() === '') box.val(STORED_PASSWORD);
}

/** The form's option lists and the placeholders that say what a blank gives. */
function fillConstants($: Dollar, _: Translate): void {
  prepareRows($, _, PROPERTIES, CONFIG_NODE_FORM.prefix);
  $('#node-config-input-proxyPort').attr('placeholder', EXAMPLE_PROXY_PORT);
  for (const name of ['provisionPort', 'maxMessageKb', 'writeBurst', 'writeQueue'] as const) {
    $(`#node-config-input-${name}`).attr('placeholder', PROPERTIES[name].setting.blank);
  }
  const versions = $('#node-config-input-protocolVersion');
  for (const version of MQTT_PROTOCOL_VERSIONS) versions.append($('<option>').attr('value', version.value).text(version.label));
}

function brokerList($: Dollar, _: Translate): JQ {
  return $('#node-config-input-brokers-container')
    .css({ 'min-height': '120px' })
    .editableList<Partial<BrokerRow> | undefined>({
      addItem(row, _index, broker) {
        const host = $('<input type="text" class="tie-broker-host" style="width:42%">')
          .attr('placeholder', _('tie-config.placeholder.host'))
          .val(broker?.host ?? '');
        const port = $('<input type="number" class="tie-broker-port" style="width:18%; margin-left:5px">')
          .attr('min', PORT.min)
          .attr('max', PORT.max)
          .attr('placeholder', DEFAULT_BROKER_PORT)
          .val(broker?.port ?? DEFAULT_BROKER_PORT);
        const id = $('<input type="text" class="tie-broker-id" style="width:28%; margin-left:5px">')
          .attr('placeholder', _('tie-config.placeholder.brokerId'))
          .val(broker?.id ?? '');
        row.append(host, port, id);
      },
      removable: true,
      sortable: true,
    });
}

function readBrokers($: Dollar): BrokerRow[] {
  const brokers: BrokerRow[] = [];
  $('#node-config-input-brokers-container')
    .editableList('items')
    .each(function () {
      const row = $(this);
      const host = fieldText(row.find('.tie-broker-host').val());
      if (host === '') return;
      // A port as a number; anything else as typed, for the validator to flag.
      const portText = fieldText(row.find('.tie-broker-port').val());
      const broker: BrokerRow = { host, port: readNumber(portText, PORT) ?? portText };
      const id = fieldText(row.find('.tie-broker-id').val());
      if (id !== '') broker.id = id;
      brokers.push(broker);
    });
  return brokers;
}

function prepare(RED: EditorRED, $: Dollar, node: EditorNode): () => void {
  const _ = node._;
  fillConstants($, _);
  showStoredKey($, _);
  const senders = $('#node-config-input-eventSenders');
  for (const value of PROPERTIES.eventSenders.values)
    senders.append(
      $('<option>')
        .attr('value', value)
        .text(_(`tie-config.eventSenders.${value}`)),
    );
  // A tie-config deployed before the setting existed has none: it trusted any sender.
  senders.val(choiceOf(PROPERTIES.eventSenders, node.eventSenders));
  const tabs = RED.tabs.create({
    id: 'tie-config-tabs',
    onchange(tab) {
      $('#tie-config-tabs-content').children().hide();
      $(`#${tab.id}`).show();
    },
  });
  for (const tab of ['connection', 'security', 'advanced', 'provision', 'diagnostics']) {
    tabs.addTab({ id: `tie-config-tab-${tab}`, label: _(`tie-config.tabs.${tab}`) });
  }

  const list = brokerList($, _);
  const setBrokers = (brokers: readonly BrokerRow[]): void => {
    list.editableList('empty');
    for (const broker of brokers) list.editableList('addItem', broker);
  };
  setBrokers(Array.isArray(node.brokers) ? (node.brokers as BrokerRow[]) : []);

  const refreshRows = (): void => {
    const fromFile = $('#node-config-input-source').val() === 'file';
    $('.tie-config-file-row').toggle(fromFile);
    $('.tie-config-form-rows').toggle(!fromFile);
    $('.tie-config-ws-row').toggle(!fromFile && $('#node-config-input-transport').val() === 'websockets');
    const pem = $('#node-config-input-tlsSource').val() !== 'files';
    $('.tie-config-pem-rows').toggle(!fromFile && pem);
    $('.tie-config-path-rows').toggle(!fromFile && !pem);
    $('.tie-config-tls-source-row').toggle(!fromFile);
    $('.tie-config-cache-ttl-row').toggle($('#node-config-input-cache').is(':checked'));
    $('.tie-config-trusted-row').toggle(senders.val() === 'tie-services');
    $('.tie-config-write-limit-row').toggle(fieldText($('#node-config-input-writeRate').val()) !== '');
  };
  $(
    '#node-config-input-source, #node-config-input-transport, #node-config-input-tlsSource, #node-config-input-cache, #node-config-input-eventSenders, #node-config-input-writeRate',
  ).on('change', refreshRows);
  refreshRows();

  // Upload buttons: read a local file into the PEM field (nothing goes to the server until Deploy).
  $('.tie-config-upload').on('click', function () {
    $(`#${String($(this).data('file'))}`).trigger('click');
  });
  $('.tie-config-upload-file').on('change', function () {
    const input = $(this);
    const target = $(`#${String(input.data('target'))}`);
    const file = pickedFiles(input.prop('files'))[0];
    if (file === undefined) return;
    void file.text().then((text) => target.val(text).trigger('change'));
    input.val('');
  });

  const form = { RED, $, _, setBrokers, refreshRows };
  setupProvisioning(form);
  setupImport(form);
  setupFileSummary(form);
  return setupDiagnostics({ ...form, current: () => currentSettings($) }, node);
}

/** The settings that make the connection, as the dialog holds them now (for "Test connection"). */
const FORM_SETTINGS = [
  'source',
  'configFile',
  'transport',
  'proxyHost',
  'proxyPort',
  'tlsSource',
  'caFile',
  'certFile',
  'keyFile',
  'clientId',
  'protocolVersion',
  'requestTimeout',
  'keepalive',
  'maxMessageKb',
  'connectWait',
] as const;

function currentSettings($: Dollar): { settings: Record<string, unknown>; credentials: Record<string, unknown> } {
  const settings: Record<string, unknown> = {
    brokers: readBrokers($),
    checkHostName: $('#node-config-input-checkHostName').is(':checked'),
  };
  for (const name of FORM_SETTINGS) settings[name] = $(`#node-config-input-${name}`).val();
  const credentials: Record<string, unknown> = {};
  for (const name of Object.keys(TIE_CONFIG_CREDENTIALS)) credentials[name] = $(`#node-config-input-${name}`).val();
  return { settings, credentials };
}

export function register(RED: EditorRED, $: Dollar): void {
  RED.nodes.registerType(TYPE, definition(RED, $));
}
