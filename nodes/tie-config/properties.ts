/**
 * tie-config's properties: where the connection comes from (the form or a dxlclient.config), the
 * brokers and TLS material, the client's options, who may send TIE events, the write limit, and
 * where provisioning goes. The credentials (PEM, proxy user) are declared in config-credentials.ts.
 */
import { DEFAULT_BROKER_PORT, isBlank } from '../../src/dxl/numbers';
import { NAME } from '../kit/common-properties';
import {
  type FlagProperty,
  type ListProperty,
  type NumberProperty,
  type Properties,
  type StoredProperties,
  type TextProperty,
  choice,
} from '../kit/properties';
import { DEFAULT_WRITE_RATE, SETTINGS, readSetting } from '../kit/settings';

export const TYPE = 'tie-config';

const fromFile = (node: StoredProperties): boolean => node.source === 'file';

/** A row of the Advanced tab whose number counts in seconds. */
function seconds(setting: NumberProperty['setting'], icon: string, label: string, fractions: boolean): NumberProperty {
  return { kind: 'number', setting, icon, label: `${TYPE}.label.${label}`, unit: `${TYPE}.label.seconds`, fractions };
}

function text(label: string, icon: string, placeholder: string, rowClass?: string): TextProperty {
  return {
    kind: 'text',
    label: `${TYPE}.label.${label}`,
    icon,
    placeholder: `${TYPE}.placeholder.${placeholder}`,
    ...(rowClass ? { rowClass } : {}),
  };
}

function flag(label: string): FlagProperty {
  return { kind: 'flag', initial: false, label: `${TYPE}.label.${label}` };
}

/** The write limit's burst and queue count only when there is a limit: a usable rate. */
const limited = (node: StoredProperties): boolean => {
  const rate = readSetting(SETTINGS.writeRate, node.writeRate);
  return rate.ok && rate.value !== undefined;
};

/** A part of the write limit, shown and judged only when there is a limit. */
function limitPart(setting: NumberProperty['setting'], icon: string, label: string, unit: string): NumberProperty {
  const row = { icon, label: `${TYPE}.label.${label}`, unit: `${TYPE}.label.${unit}`, rowClass: 'tie-config-write-limit-row' };
  return { kind: 'number', setting, when: limited, ...row };
}

/** Who may send TIE events: a tie-config made now trusts only the TIE service's clients; one deployed before the setting keeps "any". */
const EVENT_SENDERS = choice(['tie-services', 'any'] as const, 'tie-services', {
  absent: 'any',
  label: `${TYPE}.label.eventSenders`,
  icon: 'fa-shield',
});

/** The MQTT versions a DXL broker speaks, as the official clients name them (the editor fills the list). */
export const MQTT_PROTOCOL_VERSIONS: ReadonlyArray<{ value: '4' | '3'; label: string }> = [
  { value: '4', label: 'MQTT 3.1.1' },
  { value: '3', label: 'MQTT 3.1' },
];

export const PROPERTIES = {
  name: NAME,
  // ---- Connection
  source: choice(['form', 'file'] as const, 'form', { label: `${TYPE}.label.source`, icon: 'fa-sitemap', options: `${TYPE}.source` }),
  configFile: {
    ...text('configFile', 'fa-file-text-o', 'configFile', 'tie-config-file-row'),
    required: true,
    when: fromFile,
    message: `${TYPE}.error.configFile`,
  },
  brokers: { kind: 'list', initial: [{ host: '127.0.0.1', port: DEFAULT_BROKER_PORT, id: '' }] } satisfies ListProperty,
  transport: choice(['mqtt', 'websockets'] as const, 'mqtt', {
    label: `${TYPE}.label.transport`,
    icon: 'fa-exchange',
    options: `${TYPE}.transport`,
  }),
  proxyHost: { kind: 'text' } satisfies TextProperty,
  proxyPort: {
    kind: 'number',
    setting: SETTINGS.proxyPort,
    when: (node) => !fromFile(node) && node.transport === 'websockets' && !isBlank(node.proxyHost),
  } satisfies NumberProperty,
  // ---- Security
  tlsSource: choice(['credentials', 'files'] as const, 'credentials', {
    label: `${TYPE}.label.tlsSource`,
    icon: 'fa-lock',
    options: `${TYPE}.tlsSource`,
    rowClass: 'tie-config-tls-source-row',
  }),
  caFile: text('ca', 'fa-certificate', 'caFile'),
  certFile: text('cert', 'fa-id-card-o', 'certFile'),
  keyFile: text('key', 'fa-key', 'keyFile'),
  checkHostName: flag('checkHostName'),
  // ---- Advanced
  clientId: text('clientId', 'fa-tag', 'clientId'),
  protocolVersion: choice(
    MQTT_PROTOCOL_VERSIONS.map((version) => version.value),
    '4',
    { label: `${TYPE}.label.protocolVersion`, icon: 'fa-code-fork' },
  ),
  requestTimeout: seconds(SETTINGS.requestTimeout, 'fa-clock-o', 'requestTimeout', true),
  connectWait: seconds(SETTINGS.connectWait, 'fa-hourglass-start', 'connectWait', true),
  keepalive: seconds(SETTINGS.keepalive, 'fa-heartbeat', 'keepalive', false),
  cache: flag('cache'),
  cacheTtl: {
    ...seconds(SETTINGS.cacheTtl, 'fa-hourglass-half', 'cacheTtl', false),
    when: (node) => node.cache === true,
    rowClass: 'tie-config-cache-ttl-row',
  },
  maxMessageKb: {
    kind: 'number',
    setting: SETTINGS.maxMessageKb,
    label: `${TYPE}.label.maxMessageKb`,
    icon: 'fa-arrows-v',
    unit: `${TYPE}.label.kib`,
  } satisfies NumberProperty,
  eventSenders: EVENT_SENDERS,
  trustedClientIds: text('trustedClientIds', 'fa-check-square-o', 'trustedClientIds', 'tie-config-trusted-row'),
  // A tie-config made now limits its writes; one deployed before the setting has none (no limit).
  writeDryRun: flag('writeDryRun'),
  writeRate: {
    kind: 'number',
    setting: SETTINGS.writeRate,
    initial: DEFAULT_WRITE_RATE,
    fractions: true,
    label: `${TYPE}.label.writeRate`,
    icon: 'fa-tachometer',
    unit: `${TYPE}.label.writesPerSecond`,
    placeholder: `${TYPE}.placeholder.writeRate`,
  } satisfies NumberProperty,
  writeBurst: limitPart(SETTINGS.writeBurst, 'fa-bolt', 'writeBurst', 'atOnce'),
  writeQueue: limitPart(SETTINGS.writeQueue, 'fa-list-ol', 'writeQueue', 'waitingAtMost'),
  // ---- Provisioning: where "Provision" and "Update brokers" go (ePO or an OpenDXL console); the password is never stored.
  provisionHost: { kind: 'text' } satisfies TextProperty,
  provisionPort: { kind: 'number', setting: SETTINGS.provisionPort } satisfies NumberProperty,
  provisionUser: { kind: 'text' } satisfies TextProperty,
  provisionCommonName: {
    kind: 'text',
    label: `${TYPE}.provision.commonName`,
    icon: 'fa-id-card-o',
    placeholder: `${TYPE}.provision.commonNamePlaceholder`,
  } satisfies TextProperty,
  provisionCaPem: { kind: 'text' } satisfies TextProperty,
  provisionTrustUnverified: { kind: 'flag', initial: false } satisfies FlagProperty,
} as const satisfies Properties;
