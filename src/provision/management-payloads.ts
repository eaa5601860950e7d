/*
 * The content of the three commands' OK answers: the provisioning package
 * ("<CA bundle>,<client certificate>,<broker lines>[,<WebSocket broker lines>]"), the CA bundle,
 * and the broker list (a JSON text inside the JSON string).
 */
import { type BrokerAddress, parseBrokerLine } from '../dxl/config';
import { PORT, readNumber } from '../dxl/numbers';
import { ProvisionError, ProvisionErrorCode } from './errors';

export interface ProvisioningPackage {
  caBundlePem: string;
  certPem: string;
  brokers: BrokerAddress[];
  webSocketBrokers: BrokerAddress[];
}

export interface BrokerList {
  brokers: BrokerAddress[];
  webSocketBrokers: BrokerAddress[];
  /** The server's version of its broker certificates, when it says. */
  certVersion?: number;
}

function badAnswer(where: string, problem: string): ProvisionError {
  return new ProvisionError(ProvisionErrorCode.BadResponse, `${where}: ${problem}`);
}

/** PEM text with one trailing newline; checked to hold at least one certificate. */
function certificatesPem(text: string, what: string, where: string): string {
  const pem = text.trim();
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem))
    throw badAnswer(where, `the ${what} holds no PEM certificate`);
  return `${pem}\n`;
}

/** `key=value` lines, `value` in the [Brokers] format, separated by CR and/or LF. */
function brokerLines(text: string | undefined, where: string): BrokerAddress[] {
  return (text ?? '')
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const equals = line.indexOf('=');
      const parsed = equals > 0 ? parseBrokerLine(line.slice(equals + 1)) : 'expected "key=[id;]port;host[;ip]"';
      if (typeof parsed === 'string') throw badAnswer(where, `broker line ${JSON.stringify(line)}: ${parsed}`);
      return parsed;
    });
}

export function parseProvisioningPackage(detail: unknown, where: string): ProvisioningPackage {
  if (typeof detail !== 'string')
    throw badAnswer(where, `expected a JSON string holding the provisioning package, got ${detail === null ? 'null' : typeof detail}`);
  const parts = detail.split(',');
  if (parts.length < 3) throw badAnswer(where, `expected "CA bundle,certificate,brokers[,WebSocket brokers]", got ${parts.length} part(s)`);
  const result: ProvisioningPackage = {
    caBundlePem: certificatesPem(parts[0], 'CA bundle', where),
    certPem: certificatesPem(parts[1], 'client certificate', where),
    brokers: brokerLines(parts[2], where),
    webSocketBrokers: brokerLines(parts[3], where),
  };
  if (result.brokers.length === 0 && result.webSocketBrokers.length === 0) throw badAnswer(where, 'the package lists no broker');
  return result;
}

export function parseCaBundle(detail: unknown, where: string): string {
  if (typeof detail !== 'string')
    throw badAnswer(where, `expected a JSON string holding the CA bundle, got ${detail === null ? 'null' : typeof detail}`);
  return certificatesPem(detail, 'CA bundle', where);
}

interface BrokerRecord {
  guid?: unknown;
  hostName?: unknown;
  hostname?: unknown;
  ipAddress?: unknown;
  port?: unknown;
}

function brokerFromRecord(record: BrokerRecord, where: string): BrokerAddress {
  const port = readNumber(record.port, PORT);
  if (port === undefined) throw badAnswer(where, `broker ${JSON.stringify(record)} has no valid port`);
  // Documentation disagrees on "hostName" and "hostname"; servers send "hostName".
  const hosts = [record.hostName ?? record.hostname, record.ipAddress].filter(
    (host): host is string => typeof host === 'string' && host.trim() !== '',
  );
  const unique = [...new Set(hosts.map((host) => host.trim().replace(/^\[|\]$/g, '')))];
  if (unique.length === 0) throw badAnswer(where, `broker ${JSON.stringify(record)} has no host name or address`);
  const id = typeof record.guid === 'string' && record.guid.trim() !== '' ? record.guid.trim() : undefined;
  return id === undefined ? { port, hosts: unique } : { id, port, hosts: unique };
}

function brokerRecords(value: unknown, key: string, where: string): BrokerAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badAnswer(where, `"${key}" is not a list`);
  return value.map((record) => {
    if (typeof record !== 'object' || record === null) throw badAnswer(where, `"${key}" holds something that is not a broker`);
    return brokerFromRecord(record as BrokerRecord, where);
  });
}

export function parseBrokerList(detail: unknown, where: string): BrokerList {
  let document: unknown = detail;
  if (typeof detail === 'string') {
    try {
      document = JSON.parse(detail) as unknown;
    } catch {
      // JSON.parse's message quotes the text it stopped at.
      throw badAnswer(where, 'the broker list is not valid JSON');
    }
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw badAnswer(where, 'expected {"brokers": [...]}');
  const { brokers, webSocketBrokers, certVersion } = document as Record<string, unknown>;
  const result: BrokerList = {
    brokers: brokerRecords(brokers, 'brokers', where),
    webSocketBrokers: brokerRecords(webSocketBrokers, 'webSocketBrokers', where),
  };
  if (typeof certVersion === 'number') result.certVersion = certVersion;
  return result;
}
