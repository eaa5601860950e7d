/*
 * dxlclient.config files for users who keep them: the same files the official
 * `provisionconfig` writes (dxlclient.config, ca-bundle.crt, <prefix>.crt, <prefix>.key,
 * <prefix>.csr), and an update of an existing configuration's CA bundle and broker sections
 * that keeps the rest of the file as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type BrokerAddress, loadDxlConfig, parseDxlConfig } from '../dxl/config';
import { resolveUserPath } from '../dxl/home-path';
import { DXL_CONFIG_FILE, readFileSafely } from '../dxl/safe-file';
import { ProvisionError, ProvisionErrorCode } from './errors';
import type { BrokerUpdate, ProvisionedClient } from './provision';

export const CONFIG_FILE_NAME = 'dxlclient.config';
export const CA_BUNDLE_FILE_NAME = 'ca-bundle.crt';
export const DEFAULT_FILE_PREFIX = 'client';

export interface WriteConfigOptions {
  /** Base name of the certificate, key and CSR files. Default "client". */
  filePrefix?: string;
  /** Writes `UseWebSockets=true`; otherwise the line is commented out, as the official command does. */
  useWebSockets?: boolean;
  /** Replace files already there. Default false: refuse, naming them. */
  overwrite?: boolean;
}

export interface ConfigFiles {
  config: string;
  caBundle: string;
  cert: string;
  key: string;
  csr: string;
}

function filesError(message: string, cause?: unknown): ProvisionError {
  return new ProvisionError(ProvisionErrorCode.Files, message, cause === undefined ? {} : { cause });
}

/** The paths `writeProvisionedConfig` writes in `dir`. */
export function configFilePaths(dir: string, filePrefix = DEFAULT_FILE_PREFIX): ConfigFiles {
  if (!/^[A-Za-z0-9._-]+$/.test(filePrefix) || filePrefix.startsWith('.')) {
    throw new ProvisionError(
      ProvisionErrorCode.InvalidArgument,
      `The file prefix "${filePrefix}" must be a plain file name (letters, digits, ".", "_", "-")`,
    );
  }
  const at = (name: string): string => path.join(resolveUserPath(dir), name);
  return {
    config: at(CONFIG_FILE_NAME),
    caBundle: at(CA_BUNDLE_FILE_NAME),
    cert: at(`${filePrefix}.crt`),
    key: at(`${filePrefix}.key`),
    csr: at(`${filePrefix}.csr`),
  };
}

/** Those of the files that already exist. */
export function existingConfigFiles(dir: string, filePrefix = DEFAULT_FILE_PREFIX): string[] {
  const files = configFilePaths(dir, filePrefix);
  return [files.config, files.caBundle, files.cert, files.key, files.csr].filter((file) => fs.existsSync(file));
}

function brokerLine(broker: BrokerAddress, index: number): string {
  const key = broker.id ?? `broker${index + 1}`;
  const value = [...(broker.id === undefined ? [] : [broker.id]), String(broker.port), ...broker.hosts].join(';');
  return `${key}=${value}`;
}

/** The text of a dxlclient.config naming the files by their base names. */
export function formatProvisionedConfig(
  client: Pick<ProvisionedClient, 'brokers' | 'webSocketBrokers'>,
  files: ConfigFiles,
  useWebSockets = false,
): string {
  return [
    '[General]',
    `${useWebSockets ? '' : '#'}UseWebSockets=${useWebSockets}`,
    '',
    '[Certs]',
    `BrokerCertChain=${path.basename(files.caBundle)}`,
    `CertFile=${path.basename(files.cert)}`,
    `PrivateKey=${path.basename(files.key)}`,
    '',
    '[Brokers]',
    ...client.brokers.map(brokerLine),
    '',
    '[BrokersWebSockets]',
    ...client.webSocketBrokers.map(brokerLine),
    '',
  ].join('\n');
}

function writeFile(file: string, text: string, mode: number): void {
  try {
    fs.writeFileSync(file, text, { mode });
    fs.chmodSync(file, mode);
  } catch (error) {
    throw filesError(`Cannot write ${file}: ${(error as Error).message}`, error);
  }
}

/** Writes the provisioned client as a dxlclient.config and its PEM files in `dir` (made if needed). */
export function writeProvisionedConfig(dir: string, client: ProvisionedClient, options: WriteConfigOptions = {}): ConfigFiles {
  const files = configFilePaths(dir, options.filePrefix);
  if (!options.overwrite) {
    const existing = existingConfigFiles(dir, options.filePrefix);
    if (existing.length > 0)
      throw filesError(`Not overwriting existing files: ${existing.join(', ')} (choose another folder, or overwrite)`);
  }
  try {
    // The folder will hold a private key: keep it to its owner.
    fs.mkdirSync(resolveUserPath(dir), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw filesError(`Cannot create the folder ${resolveUserPath(dir)}: ${(error as Error).message}`, error);
  }
  writeFile(files.key, client.keyPem, 0o600);
  writeFile(files.csr, client.csrPem, 0o644);
  writeFile(files.caBundle, client.caBundlePem, 0o644);
  writeFile(files.cert, client.certPem, 0o644);
  writeFile(files.config, formatProvisionedConfig(client, files, options.useWebSockets === true), 0o644);
  return files;
}

const SECTION_RE = /^\s*\[([^\]]+)\]\s*$/;
const ENTRY_RE = /^\s*[^;#\s][^=]*=/;

/** `text` with the entries of `[section]` replaced by `lines` (comments and other sections kept). */
export function replaceSectionEntries(text: string, section: string, lines: readonly string[]): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const input = text.split(/\r?\n/);
  const output: string[] = [];
  let inSection = false;
  let found = false;
  for (const line of input) {
    const header = SECTION_RE.exec(line);
    if (header) {
      inSection = header[1].trim() === section;
      output.push(line);
      if (inSection && !found) {
        found = true;
        output.push(...lines);
      }
      continue;
    }
    if (inSection && ENTRY_RE.test(line)) continue;
    output.push(line);
  }
  if (!found && lines.length > 0) {
    while (output.length > 0 && output[output.length - 1] === '') output.pop();
    output.push('', `[${section}]`, ...lines, '');
  }
  return output.join(newline);
}

/**
 * Updates an existing dxlclient.config from the server's answer: writes the CA bundle where
 * `[Certs] BrokerCertChain` points and replaces the `[Brokers]` and `[BrokersWebSockets]` entries.
 * Returns the CA bundle file written.
 */
export function updateConfigFile(given: string, update: BrokerUpdate): string {
  const configFile = resolveUserPath(given);
  const config = loadDxlConfig(configFile);
  const original = readFileSafely(configFile, DXL_CONFIG_FILE).toString('utf8');
  let text = replaceSectionEntries(original, 'Brokers', update.brokers.map(brokerLine));
  text = replaceSectionEntries(text, 'BrokersWebSockets', update.webSocketBrokers.map(brokerLine));
  // The result must still be a configuration the clients read.
  parseDxlConfig(text, path.dirname(path.resolve(configFile)), configFile);
  writeFile(config.brokerCertChain, update.caBundlePem, 0o644);
  writeFile(configFile, text, fs.statSync(configFile).mode & 0o777);
  return config.brokerCertChain;
}
