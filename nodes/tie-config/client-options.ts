/**
 * The tie-config node's settings and credentials → options of a DxlClient and a TieClient.
 * TLS material comes from the node's credentials (pasted or uploaded PEM) or from files on the
 * server; the whole connection can also come from a dxlclient.config file on the server.
 * Errors are DxlError DXL_CONFIG and name files and fields, never their contents.
 */
import type { DxlClientOptions, DxlLogger } from '../../src/dxl/client';
import type { BrokerAddress, ProxySettings } from '../../src/dxl/config';
import { clientOptionsFromConfig, readTlsFile } from '../../src/dxl/config-options';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import type { TieClientOptions } from '../../src/tie/client';
import { DEFAULT_RECONNECT_DELAY_MS, DEFAULT_RECONNECT_MAX_DELAY_MS, POSITIVE_TIME, describeKind, readNumber } from '../../src/dxl/numbers';
import { type NumberProperty, type Property, type PropertyValue, type StoredProperties, readProperty } from '../kit/properties';
import { SETTINGS, readSetting } from '../kit/settings';
import { PROPERTIES } from './properties';
import { loadFollowedConfig } from './config-file-missing';

export interface BrokerSetting {
  /** A host name or address; several separated by ";" or "," are tried in order (name;ip). */
  host: string;
  port: number | string;
  /** The broker's id (GUID), optional. */
  id?: string;
}

/** The tie-config node's properties (as the editor stores them: numbers may arrive as text); declared in properties.ts. */
export type TieConfigSettings = {
  /** "form": the fields below; "file": a dxlclient.config on the server gives brokers, TLS files, proxy. */
  source?: 'form' | 'file';
  configFile?: string;
  brokers?: BrokerSetting[];
  /** "mqtt": MQTT over TLS (default); "websockets": MQTT over secure WebSockets. */
  transport?: 'mqtt' | 'websockets';
  proxyHost?: string;
  proxyPort?: number | string;
  /** "credentials": PEM kept as node credentials (default); "files": PEM files on the server. */
  tlsSource?: 'credentials' | 'files';
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  checkHostName?: boolean;
  clientId?: string;
  /** "4" MQTT 3.1.1 (default) or "3" MQTT 3.1, as the official clients. */
  protocolVersion?: string | number;
  /** Seconds. Default 30. */
  requestTimeout?: number | string;
  /** MQTT keepalive, whole seconds from 1 to 65535. Default 60. */
  keepalive?: number | string;
  cache?: boolean;
  /** Seconds. Default 300. */
  cacheTtl?: number | string;
  /** Seconds a request waits for a connection when none is ready. Default 4. */
  connectWait?: number | string;
  /** KiB: the largest DXL message sent or received. Default the broker's 1024. */
  maxMessageKb?: number | string;
  /** Who may send TIE events: "any" client (absent: flows deployed before the setting), or only "tie-services". */
  eventSenders?: 'any' | 'tie-services';
  /** Client ids (certificate thumbprints) also trusted to send TIE events; commas, spaces or new lines between. */
  trustedClientIds?: string;
  /** Every write of the connection's set nodes is a dry run: nothing is sent. */
  writeDryRun?: boolean;
  /** Writes a second over the connection; blank or absent: no limit. */
  writeRate?: number | string;
  /** Writes that may go at once. Default 10. */
  writeBurst?: number | string;
  /** Writes waiting for the limit at most. Default 1000. */
  writeQueue?: number | string;
};

export interface TieConfigCredentials {
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  proxyUser?: string;
  proxyPassword?: string;
}

/** Runtime knobs that are Node-RED settings rather than node properties. */
export interface ConnectionTuning {
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  logger?: DxlLogger;
}

/** How often a followed dxlclient.config is checked for changes, in ms (Node-RED setting tieConfigFileCheckInterval). */
export const DEFAULT_CONFIG_FILE_CHECK_MS = 2000;

/**
 * Node-RED's settings (settings.js) for every tie-config, in ms: the reconnect backoff, and how often
 * a followed dxlclient.config is checked. One that is not a positive number is left for the default.
 */
export function nodeRedTuning(settings: Readonly<Record<string, unknown>>): {
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  configFileCheckMs: number;
} {
  const initial = readNumber(settings.tieConfigReconnectDelay, POSITIVE_TIME) ?? DEFAULT_RECONNECT_DELAY_MS;
  const max = readNumber(settings.tieConfigReconnectMaxDelay, POSITIVE_TIME) ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  return {
    reconnect: { initialDelayMs: initial, maxDelayMs: Math.max(initial, max) },
    configFileCheckMs: readNumber(settings.tieConfigFileCheckInterval, POSITIVE_TIME) ?? DEFAULT_CONFIG_FILE_CHECK_MS,
  };
}

function configError(message: string): DxlError {
  return new DxlError(DxlErrorCode.Config, message);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

type Declared = typeof PROPERTIES;
/** The declared number properties. */
type NumberName = { [K in keyof Declared]: Declared[K] extends NumberProperty ? K : never }[keyof Declared];

/** A setting the editor would refuse: DXL_CONFIG naming it, its value and what it takes. */
function refused(what: string, value: unknown, takes: string): DxlError {
  return configError(`${what} ${JSON.stringify(value) ?? 'unset'} is not ${takes}`);
}

/** What a declared property takes, in words for an error. */
function describeProperty(property: Property): string {
  if (property.kind === 'number') return describeKind(property.setting.kind);
  if (property.kind === 'choice') return `one of ${property.values.join(', ')}`;
  return property.kind === 'flag' ? 'true or false' : 'usable';
}

/** A property by its one reader (nodes/kit/properties.ts); one the editor would refuse is a DXL_CONFIG error. */
function setting<N extends keyof Declared>(settings: TieConfigSettings, name: N, what: string): PropertyValue<Declared[N]> {
  const stored: StoredProperties = settings;
  const reading = readProperty(PROPERTIES[name], name, stored);
  if (reading.ok) return reading.value;
  throw refused(what, stored[name], describeProperty(PROPERTIES[name]));
}

/** A number setting that always has a value: one without a value (a blank required one) is a DXL_CONFIG error too. */
function numberSetting(settings: TieConfigSettings, name: NumberName, what: string): number {
  const value = setting(settings, name, what);
  const stored: StoredProperties = settings;
  if (value === undefined) throw refused(what, stored[name], describeProperty(PROPERTIES[name]));
  return value;
}

/** A broker's port: the list is the editor's own widget, its ports one number setting. */
function brokerPort(value: unknown, what: string): number {
  const reading = readSetting(SETTINGS.brokerPort, value);
  if (reading.ok && reading.value !== undefined) return reading.value;
  throw refused(what, value, describeKind(SETTINGS.brokerPort.kind));
}

/** The broker list of the form, validated. */
export function brokersFromSettings(brokers: readonly BrokerSetting[] | undefined): BrokerAddress[] {
  if (!Array.isArray(brokers) || brokers.length === 0) throw configError('No brokers: add at least one broker (host and port)');
  // Array.isArray narrows a readonly array to any[]; keep the element type.
  const list: readonly BrokerSetting[] = brokers;
  return list.map((broker, i) => {
    const what = `broker ${i + 1}`;
    const hosts = text(broker?.host)
      .split(/[;,]/)
      .map((host) => host.trim())
      .filter((host) => host !== '');
    if (hosts.length === 0) throw configError(`${what}: no host`);
    const address: BrokerAddress = { port: brokerPort(broker.port, `${what}: port`), hosts };
    const id = text(broker.id);
    if (id !== '') address.id = id;
    return address;
  });
}

const PEM_BEGIN_RE = /-----BEGIN [A-Z0-9 ]+-----/;

/** Checks that pasted or uploaded material looks like the PEM it should be, without echoing it. */
export function checkPem(pem: string, what: 'CA bundle' | 'client certificate' | 'private key'): void {
  if (!PEM_BEGIN_RE.test(pem)) throw configError(`The ${what} is not PEM: expected a "-----BEGIN ...-----" line`);
  if (what === 'private key') {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
      throw configError('The private key is not a PEM private key (no "BEGIN ... PRIVATE KEY" line)');
    if (/ENCRYPTED/.test(pem))
      throw configError('The private key is encrypted: give it unencrypted (e.g. openssl pkey -in key.pem -out plain.pem)');
  } else if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw configError(`The ${what} holds no certificate (no "BEGIN CERTIFICATE" line)`);
  }
}

function tlsFromCredentials(credentials: TieConfigCredentials): { ca: string; cert: string; key: string } {
  const ca = text(credentials.caPem);
  const cert = text(credentials.certPem);
  const key = text(credentials.keyPem);
  const missing = [!ca && 'CA bundle', !cert && 'client certificate', !key && 'private key'].filter(Boolean);
  if (missing.length > 0)
    throw configError(`TLS material missing: paste or upload the ${missing.join(', ')} (DXL brokers require mutual TLS)`);
  checkPem(ca, 'CA bundle');
  checkPem(cert, 'client certificate');
  checkPem(key, 'private key');
  return { ca, cert, key };
}

function tlsFromFiles(settings: TieConfigSettings): { ca: Buffer; cert: Buffer; key: Buffer } {
  const files = { ca: text(settings.caFile), cert: text(settings.certFile), key: text(settings.keyFile) };
  const missing = [!files.ca && 'CA bundle', !files.cert && 'client certificate', !files.key && 'private key'].filter(Boolean);
  if (missing.length > 0) throw configError(`TLS file paths missing: ${missing.join(', ')}`);
  return {
    ca: readTlsFile(files.ca, 'CA bundle'),
    cert: readTlsFile(files.cert, 'Client certificate'),
    key: readTlsFile(files.key, 'Private key'),
  };
}

function proxyFromSettings(settings: TieConfigSettings, credentials: TieConfigCredentials): ProxySettings | undefined {
  const host = text(settings.proxyHost);
  if (host === '') return undefined;
  const proxy: ProxySettings = { address: host, port: numberSetting(settings, 'proxyPort', 'proxy: port') };
  const user = text(credentials.proxyUser);
  if (user !== '') {
    proxy.user = user;
    proxy.password = typeof credentials.proxyPassword === 'string' ? credentials.proxyPassword : '';
  }
  return proxy;
}

/** DxlClient options for a tie-config node. Throws DXL_CONFIG saying what to fix. */
export function buildClientOptions(
  settings: TieConfigSettings,
  credentials: TieConfigCredentials,
  tuning: ConnectionTuning = {},
): DxlClientOptions {
  const common: Partial<DxlClientOptions> = {
    checkHostName: setting(settings, 'checkHostName', 'check host name'),
    protocolVersion: setting(settings, 'protocolVersion', 'MQTT version') === '3' ? 3 : 4,
    requestTimeoutMs: Math.round(numberSetting(settings, 'requestTimeout', 'request timeout (seconds)') * 1000),
    keepaliveSec: numberSetting(settings, 'keepalive', 'keepalive (seconds)'),
    maxMessageBytes: numberSetting(settings, 'maxMessageKb', 'largest message (KiB)') * 1024,
    connectWaitMs: Math.round(numberSetting(settings, 'connectWait', 'wait for a connection (seconds)') * 1000),
    ...(tuning.reconnect ? { reconnect: tuning.reconnect } : {}),
    ...(tuning.logger ? { logger: tuning.logger } : {}),
  };
  const clientId = text(settings.clientId);
  if (clientId !== '') common.clientId = clientId;

  if (setting(settings, 'source', 'source') === 'file') {
    const file = text(settings.configFile);
    if (file === '') throw configError('No dxlclient.config path given');
    // The node's own client id, when set, wins over the file's.
    return { ...clientOptionsFromConfig(loadFollowedConfig(file)), ...common };
  }

  const webSockets = setting(settings, 'transport', 'transport') === 'websockets';
  const tls = setting(settings, 'tlsSource', 'TLS material') === 'files' ? tlsFromFiles(settings) : tlsFromCredentials(credentials);
  const options: DxlClientOptions = { brokers: brokersFromSettings(settings.brokers), ...tls, webSockets, ...common };
  const proxy = webSockets ? proxyFromSettings(settings, credentials) : undefined;
  if (proxy) options.proxy = proxy;
  return options;
}

/** The client ids of the trusted-senders setting: separated by commas, spaces or new lines, each once. */
export function trustedClientIdsOf(setting: unknown): string[] {
  return [
    ...new Set(
      text(setting)
        .split(/[\s,]+/)
        .filter((id) => id !== ''),
    ),
  ];
}

/** TieClient options: the optional reputation cache, who may send TIE events, the write limit and the dry run. */
export function buildTieOptions(settings: TieConfigSettings): TieClientOptions {
  const options: TieClientOptions = { cache: false };
  if (setting(settings, 'cache', 'cache')) {
    options.cache = { ttlMs: Math.round(numberSetting(settings, 'cacheTtl', 'cache lifetime (seconds)') * 1000) };
  }
  if (setting(settings, 'eventSenders', 'TIE events from') === 'tie-services') {
    options.eventSenders = { onlyTieServices: true, allowedClientIds: trustedClientIdsOf(settings.trustedClientIds) };
  }
  const rate = setting(settings, 'writeRate', 'writes a second');
  if (rate !== undefined) {
    options.writeLimit = {
      perSecond: rate,
      burst: numberSetting(settings, 'writeBurst', 'write burst'),
      maxQueued: numberSetting(settings, 'writeQueue', 'write queue'),
    };
  }
  if (setting(settings, 'writeDryRun', 'dry run')) options.dryRun = true;
  return options;
}
