/** tie-config's editor: brokers, TLS material, options, import of a dxlclient.config, provisioning. */
import { TIE_CONFIG_CREDENTIALS } from '../config/config-credentials';
import { DEFAULT_BROKER_PORT, PORT, readNumber } from '../../src/dxl/numbers';
import {
  DEFAULT_WRITE_RATE,
  EVENT_SENDERS,
  EXAMPLE_PROXY_PORT,
  MQTT_PROTOCOL_VERSIONS,
  type NumberSetting,
  SETTINGS,
  isEnvReference,
  readSetting,
} from '../kit/settings';
import { fieldText, keyOf, nameOf, nodeLook, paletteLabel, settingValidator, withMessage } from './common';
import { pickedFiles } from './browser-files';
import type { Dollar, EditorNode, EditorRED, JQ, NodeTypeDefinition, Translate, Validator } from './red';
import { type BrokerRow, setupImport, setupProvisioning } from './tie-config-actions';
import { setupFileSummary } from './tie-config-file';
import { setupDiagnostics } from './tie-config-diagnostics';

const TYPE = 'tie-config';

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
  const error = (key: string): string => RED._(keyOf(TYPE, `${TYPE}.error.${key}`), { min: PORT.min, max: PORT.max });
  const proxyPort = settingValidator(RED, TYPE, SETTINGS.proxyPort);
  const cacheTtl = settingValidator(RED, TYPE, SETTINGS.cacheTtl);
  return {
    ...nodeLook(TYPE, 'config'),
    // The help sidebar's index names a node type by its palette label: a name, not the raw type.
    paletteLabel: paletteLabel(TYPE),
    defaults: {
      name: { value: '' },
      source: { value: 'form' },
      configFile: {
        value: '',
        validate: withMessage(function (v) {
          return this.source !== 'file' || fieldText(v) !== '' || error('configFile');
        }),
      },
      brokers: {
        value: [{ host: '127.0.0.1', port: DEFAULT_BROKER_PORT, id: '' }],
        validate: withMessage(function (v) {
          return this.source === 'file' || brokersValid(v) || error('brokers');
        }),
      },
      transport: { value: 'mqtt' },
      proxyHost: { value: '' },
      proxyPort: {
        value: '',
        validate: withMessage(function (v) {
          return this.transport !== 'websockets' || !this.proxyHost || proxyPort.call(this, v);
        }),
      },
      tlsSource: { value: 'credentials' },
      caFile: { value: '' },
      certFile: { value: '' },
      keyFile: { value: '' },
      checkHostName: { value: false },
      clientId: { value: '' },
      protocolVersion: { value: MQTT_PROTOCOL_VERSIONS[0]?.value ?? '4' },
      requestTimeout: { value: SETTINGS.requestTimeout.blank, validate: settingValidator(RED, TYPE, SETTINGS.requestTimeout) },
      keepalive: { value: SETTINGS.keepalive.blank, validate: settingValidator(RED, TYPE, SETTINGS.keepalive) },
      cache: { value: false },
      cacheTtl: {
        value: SETTINGS.cacheTtl.blank,
        validate: withMessage(function (v) {
          return !this.cache || cacheTtl.call(this, v);
        }),
      },
      maxMessageKb: { value: SETTINGS.maxMessageKb.blank, validate: settingValidator(RED, TYPE, SETTINGS.maxMessageKb) },
      connectWait: { value: SETTINGS.connectWait.blank, validate: settingValidator(RED, TYPE, SETTINGS.connectWait) },
      // A tie-config made now trusts only the TIE service's clients; one deployed before the setting keeps "any".
      eventSenders: { value: EVENT_SENDERS[0] },
      trustedClientIds: { value: '' },
      // A tie-config made now limits its writes; one deployed before the setting has none (no limit).
      writeDryRun: { value: false },
      writeRate: { value: DEFAULT_WRITE_RATE, validate: settingValidator(RED, TYPE, SETTINGS.writeRate) },
      writeBurst: { value: SETTINGS.writeBurst.blank, validate: writeLimitPart(RED, SETTINGS.writeBurst) },
      writeQueue: { value: SETTINGS.writeQueue.blank, validate: writeLimitPart(RED, SETTINGS.writeQueue) },
      // Where "Provision" and "Update brokers" go (ePO or an OpenDXL console). The password is never stored.
      provisionHost: { value: '' },
      provisionPort: { value: SETTINGS.provisionPort.blank, validate: settingValidator(RED, TYPE, SETTINGS.provisionPort) },
      provisionUser: { value: '' },
      provisionCommonName: { value: '' },
      provisionCaPem: { value: '' },
      provisionTrustUnverified: { value: false },
    },
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

/** The burst and queue of the write limit: judged only when there is a limit. */
function writeLimitPart(RED: EditorRED, setting: NumberSetting): Validator {
  const validate = settingValidator(RED, TYPE, setting);
  return withMessage(function (v) {
    const rate = readSetting(SETTINGS.writeRate, this.writeRate);
    return !rate.ok || rate.value === undefined || validate.call(this, v);
  });
}

/** The form's numbers and option lists, from the settings' declarations (nodes/kit/settings.ts). */
function fillConstants($: Dollar): void {
  for (const id of ['proxyPort', 'provisionPort']) $(`#node-config-input-${id}`).attr('min', PORT.min).attr('max', PORT.max);
  $('#node-config-input-keepalive').attr('min', SETTINGS.keepalive.kind.min).attr('max', SETTINGS.keepalive.kind.max);
  $('#node-config-input-proxyPort').attr('placeholder', EXAMPLE_PROXY_PORT);
  $('#node-config-input-provisionPort').attr('placeholder', SETTINGS.provisionPort.blank);
  const versions = $('#node-config-input-protocolVersion');
  for (const version of MQTT_PROTOCOL_VERSIONS) versions.append($('<option>').attr('value', version.value).text(version.label));
  const maxMessage = SETTINGS.maxMessageKb;
  $('#node-config-input-maxMessageKb')
    .attr('min', maxMessage.kind.min)
    .attr('max', maxMessage.kind.max)
    .attr('placeholder', maxMessage.blank);
  const { writeRate, writeBurst, writeQueue } = SETTINGS;
  $('#node-config-input-writeRate').attr('min', writeRate.kind.min).attr('max', writeRate.kind.max);
  $('#node-config-input-writeBurst')
    .attr('min', writeBurst.kind.min)
    .attr('max', writeBurst.kind.max)
    .attr('placeholder', writeBurst.blank);
  $('#node-config-input-writeQueue')
    .attr('min', writeQueue.kind.min)
    .attr('max', writeQueue.kind.max)
    .attr('placeholder', writeQueue.blank);
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
  fillConstants($);
  showStoredKey($, _);
  const senders = $('#node-config-input-eventSenders');
  for (const value of EVENT_SENDERS)
    senders.append(
      $('<option>')
        .attr('value', value)
        .text(_(`tie-config.eventSenders.${value}`)),
    );
  // A tie-config deployed before the setting existed has none: it trusted any sender.
  senders.val(typeof node.eventSenders === 'string' ? node.eventSenders : 'any');
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
