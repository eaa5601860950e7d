/**
 * The editor's "import dxlclient.config": the editor sends the file's text and the PEM files the
 * user picked beside it; this parses the config with the DXL layer's parser and hands back what
 * the form needs. It reads nothing from the server's disk: certificate paths in the config only
 * name which uploaded file is which, by base name.
 */
import { type BrokerAddress, parseDxlConfig } from '../../src/dxl/config';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import { MAX_DXL_CONFIG_BYTES, MAX_PEM_BYTES, formatSize } from '../../src/dxl/safe-file';
import { type BrokerSetting, checkPem } from './client-options';

export interface ImportRequest {
  /** The text of a dxlclient.config. */
  config: string;
  /** Uploaded files by name (base name is enough): their text. */
  files?: Record<string, string>;
}

export interface ImportedCertificate {
  /** The base name the config gives for it. */
  file: string;
  /** Its PEM, when a file of that name was uploaded. */
  pem?: string;
}

export interface ImportResult {
  brokers: BrokerSetting[];
  transport: 'mqtt' | 'websockets';
  clientId?: string;
  proxy?: { host: string; port: number; user?: string; password?: string };
  ca: ImportedCertificate;
  cert: ImportedCertificate;
  key: ImportedCertificate;
  /** Base names the config names that were not uploaded. */
  missing: string[];
}

// The caps of the same files read from the server's disk, counted here in characters.
const MAX_CONFIG_CHARS = MAX_DXL_CONFIG_BYTES;
const MAX_PEM_CHARS = MAX_PEM_BYTES;
/** Certificate paths resolve against this folder, which is never read. */
const NOWHERE = '/nonexistent-import-dir';

function importError(message: string): DxlError {
  return new DxlError(DxlErrorCode.Config, message);
}

/** "C:\\dxl\\client.crt" or "/etc/dxl/client.crt" → "client.crt". */
export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] ?? file;
}

export function toBrokerSettings(brokers: readonly BrokerAddress[]): BrokerSetting[] {
  return brokers.map((broker) => {
    const setting: BrokerSetting = { host: broker.hosts.join(';'), port: broker.port };
    if (broker.id !== undefined) setting.id = broker.id;
    return setting;
  });
}

function uploadedFiles(files: unknown): Map<string, string> {
  const byName = new Map<string, string>();
  if (files === undefined || files === null) return byName;
  if (typeof files !== 'object' || Array.isArray(files)) throw importError('files must be an object of file name → text');
  for (const [name, content] of Object.entries(files as Record<string, unknown>)) {
    if (typeof content !== 'string') throw importError(`uploaded file ${JSON.stringify(baseName(name))} is not text`);
    if (content.length > MAX_PEM_CHARS)
      throw importError(`uploaded file ${JSON.stringify(baseName(name))} is larger than ${formatSize(MAX_PEM_CHARS)}`);
    byName.set(baseName(name), content);
  }
  return byName;
}

/** Parses an import request from the editor. Throws DXL_CONFIG with the reason. */
export function importDxlConfig(request: unknown): ImportResult {
  if (request === null || typeof request !== 'object') throw importError('expected {config, files}');
  const { config, files } = request as { config?: unknown; files?: unknown };
  if (typeof config !== 'string' || config.trim() === '') throw importError('the dxlclient.config text is empty');
  if (config.length > MAX_CONFIG_CHARS)
    throw importError(`the dxlclient.config is larger than ${formatSize(MAX_CONFIG_CHARS)}: is it the right file?`);
  const uploads = uploadedFiles(files);
  const parsed = parseDxlConfig(config, NOWHERE, 'dxlclient.config');

  const missing: string[] = [];
  const certificate = (path: string, what: 'CA bundle' | 'client certificate' | 'private key'): ImportedCertificate => {
    const file = baseName(path);
    const pem = uploads.get(file);
    if (pem === undefined) {
      missing.push(file);
      return { file };
    }
    checkPem(pem, what);
    return { file, pem };
  };

  const result: ImportResult = {
    brokers: toBrokerSettings(parsed.useWebSockets ? parsed.webSocketBrokers : parsed.brokers),
    transport: parsed.useWebSockets ? 'websockets' : 'mqtt',
    ca: certificate(parsed.brokerCertChain, 'CA bundle'),
    cert: certificate(parsed.certFile, 'client certificate'),
    key: certificate(parsed.privateKey, 'private key'),
    missing,
  };
  if (parsed.clientId) result.clientId = parsed.clientId;
  if (parsed.proxy) {
    result.proxy = { host: parsed.proxy.address, port: parsed.proxy.port };
    if (parsed.proxy.user !== undefined) result.proxy.user = parsed.proxy.user;
    if (parsed.proxy.password !== undefined) result.proxy.password = parsed.proxy.password;
  }
  return result;
}

/** The editor's answer to a failed import: the stable code (DXL_CONFIG unless the error has its own) and the message. */
export function importFailure(error: unknown): { code: string; message: string } {
  const code = error instanceof DxlError ? error.code : DxlErrorCode.Config;
  return { code, message: error instanceof Error ? error.message : String(error) };
}
