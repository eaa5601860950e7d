/**
 * What a file-based tie-config's dxlclient.config says, for its editor: the brokers, the transport,
 * the proxy's address and the paths of the certificate files, read from the server's disk with the
 * one safe reader (src/dxl/safe-file.ts, through loadDxlConfig). Never key material, never a proxy's
 * user or password, never a line of the file: a file that is not a dxlclient.config is named with
 * the line and the kind of problem only. Only a file whose name ends in ".config" is read, so the
 * action (open to editor users who may only read) cannot tell whether any other file exists.
 */
import path from 'node:path';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import type { BrokerSetting } from './client-options';
import { loadFollowedConfig } from './config-file-missing';
import { toBrokerSettings } from './config-import';

export interface ConfigFileSummary {
  /** The file read, its path absolute. */
  file: string;
  brokers: BrokerSetting[];
  transport: 'mqtt' | 'websockets';
  /** Absolute paths of the PEM files the file names (not read here). */
  caFile: string;
  certFile: string;
  keyFile: string;
  clientId?: string;
  /** The proxy's address only. */
  proxy?: { host: string; port: number };
}

/** The longest path accepted: far above any real one, short enough to never matter. */
const MAX_PATH_CHARS = 4096;
const CONFIG_SUFFIX = '.config';

function summaryError(message: string): DxlError {
  return new DxlError(DxlErrorCode.Config, message);
}

/** The summary of the dxlclient.config `request.file` names. Throws DXL_CONFIG saying what is wrong. */
export function summarizeConfigFile(request: unknown): ConfigFileSummary {
  const given = (request as { file?: unknown } | null)?.file;
  if (typeof given !== 'string' || given.trim() === '') throw summaryError('No dxlclient.config path given');
  const file = given.trim();
  if (file.length > MAX_PATH_CHARS) throw summaryError(`The path is longer than ${MAX_PATH_CHARS} characters`);
  if (!path.basename(file).endsWith(CONFIG_SUFFIX))
    throw summaryError(`Only a file whose name ends in "${CONFIG_SUFFIX}" is read here (a dxlclient.config)`);
  const config = loadFollowedConfig(file);
  const summary: ConfigFileSummary = {
    file: config.file ?? file,
    brokers: toBrokerSettings(config.useWebSockets ? config.webSocketBrokers : config.brokers),
    transport: config.useWebSockets ? 'websockets' : 'mqtt',
    caFile: config.brokerCertChain,
    certFile: config.certFile,
    keyFile: config.privateKey,
  };
  if (config.clientId) summary.clientId = config.clientId;
  if (config.proxy) summary.proxy = { host: config.proxy.address, port: config.proxy.port };
  return summary;
}
