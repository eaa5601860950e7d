/**
 * What a `dxlclient.config` gives a DxlClient: its brokers (or WebSocket brokers), the TLS material
 * read from the files it names, its client id and proxy. The one reading of a config file into
 * client options, for `DxlClient.fromConfig` and for the tie-config node's "file" source.
 */
import fs from 'node:fs';
import type { DxlClientOptions } from './options';
import { type DxlConfig, unreadableFileReason } from './config';
import { DxlError, DxlErrorCode } from './errors';
import { expandHome } from './home-path';

export type ConfigClientOptions = Pick<DxlClientOptions, 'brokers' | 'ca' | 'cert' | 'key' | 'webSockets' | 'clientId' | 'proxy'>;

/** Reads a PEM file; DXL_CONFIG names the file and why (never its contents). */
export function readTlsFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(expandHome(file));
  } catch (error) {
    const reason = unreadableFileReason(error, 'the PEM file in it');
    throw new DxlError(DxlErrorCode.Config, `${what} file ${file}: ${reason}`, { cause: error });
  }
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
