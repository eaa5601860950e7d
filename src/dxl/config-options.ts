/**
 * What a `dxlclient.config` gives a DxlClient: its brokers (or WebSocket brokers), the TLS material
 * read from the files it names, its client id and proxy. The one reading of a config file into
 * client options, for `DxlClient.fromConfig` and for the tie-config node's "file" source.
 */
import type { DxlClientOptions } from './options';
import type { DxlConfig } from './config';
import { FileReadError, PEM_FILE, readFileSafely } from './safe-file';

export type ConfigClientOptions = Pick<DxlClientOptions, 'brokers' | 'ca' | 'cert' | 'key' | 'webSockets' | 'clientId' | 'proxy'>;

const PEM_ARMOUR = '-----BEGIN ';

/**
 * Reads a PEM file (a regular file of at most MAX_PEM_BYTES, safe-file.ts) and checks that it is
 * PEM; DXL_CONFIG names the file and why, never its contents.
 */
export function readTlsFile(file: string, what: string): Buffer {
  const label = `${what} file ${file}`;
  const pem = readFileSafely(file, PEM_FILE, label);
  if (!pem.includes(PEM_ARMOUR)) throw new FileReadError(label, 'is not PEM: it has no "-----BEGIN ...-----" line');
  return pem;
}

/** Client options from a parsed config; the client id and proxy only when the file has them. */
export function clientOptionsFromConfig(config: DxlConfig): ConfigClientOptions {
  const options: ConfigClientOptions = {
    brokers: config.useWebSockets ? config.webSocketBrokers : config.brokers,
    ca: readTlsFile(config.brokerCertChain, 'BrokerCertChain'),
    cert: readTlsFile(config.certFile, 'CertFile'),
    key: readTlsFile(config.privateKey, 'PrivateKey'),
    webSockets: config.useWebSockets,
  };
  if (config.clientId) options.clientId = config.clientId;
  if (config.proxy) options.proxy = config.proxy;
  return options;
}
