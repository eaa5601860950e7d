/**
 * A `dxlclient.config` read: its brokers, proxy and certificate paths (resolved against its folder), with
 * errors that name the line or file at fault and the kind of problem, never the text of a line (the
 * file may be anything a person pointed at: a key, /etc/shadow, /proc/self/environ).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DxlError, DxlErrorCode } from './errors';
import { expandHome } from './home-path';
import { type IniEntry, type IniLineShape, type IniSection, readIni } from './ini';
import { PORT, readNumber } from './numbers';
import { DXL_CONFIG_FILE, readFileSafely } from './safe-file';

/** One broker: a port and the host names or addresses to try for it, in order. */
export interface BrokerAddress {
  /** The broker's unique id (usually its GUID), when the line names one. */
  id?: string;
  port: number;
  hosts: string[];
}

export interface ProxySettings {
  address: string;
  port: number;
  user?: string;
  password?: string;
}

/** The contents of a `dxlclient.config`, with certificate paths resolved. */
export interface DxlConfig {
  /** The file read, when it came from a file. */
  file?: string;
  /** PEM CA bundle path (`[Certs] BrokerCertChain`). */
  brokerCertChain: string;
  /** PEM client certificate path (`[Certs] CertFile`). */
  certFile: string;
  /** PEM private key path (`[Certs] PrivateKey`). */
  privateKey: string;
  brokers: BrokerAddress[];
  webSocketBrokers: BrokerAddress[];
  /** Effective: true when `UseWebSockets` says so, or only WebSocket brokers are listed. */
  useWebSockets: boolean;
  clientId?: string;
  proxy?: ProxySettings;
}

const DEFAULT_NAME = 'dxlclient.config';

function configError(source: string, where: string, problem: string): DxlError {
  return new DxlError(DxlErrorCode.Config, `${source}${where}: ${problem}`);
}

/** Where in the file: the line, its section and, for keys of ours (never a broker's own name), the key. */
function atLine(entry: { line: number }, section: string, key?: string): string {
  return ` line ${entry.line} ([${section}]${key === undefined ? '' : ` ${key}`})`;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Parses a broker value, `[uniqueId;]port;host[;ip…]`; a string says what is wrong, without quoting the value. */
export function parseBrokerLine(value: string): BrokerAddress | string {
  const parts = value.split(';').map((part) => part.trim());
  if (parts.length < 2) return 'expected "[id;]port;host[;ip]"';
  let id: string | undefined;
  let rest = parts;
  if (readNumber(parts[0], PORT) === undefined) {
    id = parts[0];
    rest = parts.slice(1);
  }
  const port = readNumber(rest[0], PORT);
  if (port === undefined) {
    const fields = id === undefined ? 'the first field is not' : 'neither the first nor the second field is';
    return `no port: ${fields} a port (1-65535); expected "[id;]port;host[;ip]"`;
  }
  const hosts = [
    ...new Set(
      rest
        .slice(1)
        .filter((host) => host !== '')
        .map(stripBrackets),
    ),
  ];
  if (hosts.length === 0) return 'no host after the port; expected "[id;]port;host[;ip]"';
  return id === undefined || id === '' ? { port, hosts } : { id, port, hosts };
}

function parseBoolean(value: string): boolean | undefined {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'yes' || lower === '1' || lower === 'on') return true;
  if (lower === 'false' || lower === 'no' || lower === '0' || lower === 'off') return false;
  return undefined;
}

/** Certificate paths are used as written when they exist, otherwise relative to the config's folder. */
function resolveCertPath(written: string, baseDir: string): string {
  const file = expandHome(written);
  if (path.isAbsolute(file) || fs.existsSync(file)) return path.resolve(file);
  return path.resolve(baseDir, file);
}

const NOT_A_CONFIG = 'is this a certificate or key file rather than a dxlclient.config?';

/** Why a line is not INI, by its shape: error messages go to logs and statuses, so the line is never quoted. */
const UNREADABLE_LINE: Record<IniLineShape, string> = {
  'entry-before-section': 'a key=value line before any [Section]',
  pem: `a PEM line, neither a [Section] nor a key=value line: ${NOT_A_CONFIG}`,
  base64: `base64 data, neither a [Section] nor a key=value line: ${NOT_A_CONFIG}`,
  binary: 'binary data (control characters or bytes that are not text): is this a dxlclient.config?',
  text: 'neither a [Section] nor a key=value line',
};

/**
 * Parses the text of a `dxlclient.config`. `baseDir` is where relative certificate
 * paths point; `source` names the file in error messages.
 */
export function parseDxlConfig(text: string, baseDir: string, source = DEFAULT_NAME): DxlConfig {
  const doc = readIni(text);
  const first = doc.errors[0];
  if (first) throw configError(source, ` line ${first.line}`, UNREADABLE_LINE[first.shape]);

  const section = (name: string): IniSection | undefined => doc.sections.get(name);
  const entry = (sectionName: string, key: string): IniEntry | undefined =>
    section(sectionName)?.entries.find((candidate) => candidate.key === key);

  const certs = section('Certs');
  if (!certs) throw configError(source, '', 'the [Certs] section is missing (BrokerCertChain, CertFile, PrivateKey)');
  const certPath = (key: string): string => {
    const found = entry('Certs', key);
    if (!found || found.value === '') throw configError(source, ` [Certs]`, `${key} is missing`);
    return resolveCertPath(found.value, baseDir);
  };

  const brokerList = (name: string): BrokerAddress[] =>
    (section(name)?.entries ?? []).map((line) => {
      const parsed = parseBrokerLine(line.value);
      if (typeof parsed === 'string') throw configError(source, atLine(line, name), parsed);
      return parsed;
    });

  const brokers = brokerList('Brokers');
  const webSocketBrokers = brokerList('BrokersWebSockets');

  let useWebSockets = brokers.length === 0 && webSocketBrokers.length > 0;
  const useWs = entry('General', 'UseWebSockets');
  if (useWs) {
    const flag = parseBoolean(useWs.value);
    if (flag === undefined) throw configError(source, atLine(useWs, 'General', 'UseWebSockets'), 'is neither true nor false');
    if (flag) useWebSockets = true;
  }
  if (brokers.length === 0 && webSocketBrokers.length === 0) {
    throw configError(source, '', 'no brokers: add a line to [Brokers] or [BrokersWebSockets]');
  }
  if (useWebSockets && webSocketBrokers.length === 0) {
    throw configError(
      source,
      atLine(useWs ?? { line: 0 }, 'General', 'UseWebSockets'),
      'WebSockets are on but [BrokersWebSockets] is empty',
    );
  }

  const config: DxlConfig = {
    brokerCertChain: certPath('BrokerCertChain'),
    certFile: certPath('CertFile'),
    privateKey: certPath('PrivateKey'),
    brokers,
    webSocketBrokers,
    useWebSockets,
  };
  const clientId = entry('General', 'ClientId')?.value;
  if (clientId) config.clientId = clientId;

  if (section('Proxy')) {
    const address = entry('Proxy', 'Address');
    const portEntry = entry('Proxy', 'Port');
    if (!address || address.value === '') throw configError(source, ' [Proxy]', 'Address is missing');
    if (!portEntry) throw configError(source, ' [Proxy]', 'Port is missing');
    const port = readNumber(portEntry.value, PORT);
    if (port === undefined) throw configError(source, atLine(portEntry, 'Proxy', 'Port'), 'is not a port (1-65535)');
    const proxy: ProxySettings = { address: address.value, port };
    const user = entry('Proxy', 'User');
    if (user && user.value !== '') {
      const password = entry('Proxy', 'Password');
      if (!password) throw configError(source, atLine(user, 'Proxy', 'User'), 'User is set but Password is missing');
      proxy.user = user.value;
      proxy.password = password.value;
    }
    config.proxy = proxy;
  }
  return config;
}

/**
 * Reads and parses a `dxlclient.config` file: a regular file of at most MAX_DXL_CONFIG_BYTES, read
 * without waiting on the event loop (safe-file.ts). Throws DXL_CONFIG naming the path as given.
 */
export function loadDxlConfig(given: string): DxlConfig {
  // "~/…" as a shell would read it; messages name the path as given.
  const file = expandHome(given);
  const text = readFileSafely(given, DXL_CONFIG_FILE).toString('utf8');
  return { ...parseDxlConfig(text, path.dirname(path.resolve(file)), given), file: path.resolve(file) };
}
