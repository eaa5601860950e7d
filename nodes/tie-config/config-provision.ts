/**
 * The editor's "Provision" and "Update brokers" actions: the editor posts the management server's
 * address, user, password and (PEM) CA; this provisions a client, or fetches the CA bundle and
 * brokers, and hands back what the form needs. The password is used for this one call and is
 * never part of an answer. Files are written only when the user gave a folder, and never over
 * existing ones; no server folder is ever listed.
 */
import path from 'node:path';
import type { BrokerAddress } from '../../src/dxl/config';
import {
  type ManagementServer,
  ProvisionError,
  ProvisionErrorCode,
  existingConfigFiles,
  fetchBrokerUpdate,
  provisionDxlClient,
  writeProvisionedConfig,
} from '../../src/provision';
import type { BrokerSetting } from './client-options';
import type { AdminHandler, AdminRequest } from '../kit/node-red';
import { SETTINGS, readSetting } from '../kit/settings';

export interface ProvisionFormResult {
  brokers: BrokerSetting[];
  webSocketBrokers: BrokerSetting[];
  /** WebSockets when the server listed only WebSocket brokers. */
  transport: 'mqtt' | 'websockets';
  caPem: string;
  certPem: string;
  /** Absent when the files were saved to a folder: the form then points at them. */
  keyPem?: string;
  /** Set when the user chose a folder on the server. */
  files?: { config: string; caFile: string; certFile: string; keyFile: string };
}

export interface UpdateFormResult {
  brokers: BrokerSetting[];
  webSocketBrokers: BrokerSetting[];
  caPem: string;
}

/** The answer to an admin POST whose body is not JSON. */
export const NOT_JSON_STATUS = 415;
export const NOT_JSON_CODE = 'TIE_CONFIG_NOT_JSON';

/** An admin request as Express gives it: the headers say how Node-RED parsed the body. */
interface AdminBodyRequest extends AdminRequest {
  headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Lets only JSON bodies through to the tie-config's admin actions. The editor always posts JSON;
 * a form (application/x-www-form-urlencoded, multipart) is what a cross-site page can make a
 * browser send without asking, and Node-RED parses it into the same body object, so the
 * Content-Type is checked before the action runs at all.
 */
export const requireJsonBody: AdminHandler = (request: AdminBodyRequest, response, next) => {
  const header = request.headers?.['content-type'];
  const type = (typeof header === 'string' ? header : '').split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/json') {
    next();
    return;
  }
  response.status(NOT_JSON_STATUS).json({
    code: NOT_JSON_CODE,
    message: 'The tie-config actions take a JSON body only (Content-Type: application/json)',
  });
};

const MAX_FIELD_CHARS = 1024;
const MAX_CA_CHARS = 1024 * 1024;

function invalid(message: string): ProvisionError {
  return new ProvisionError(ProvisionErrorCode.InvalidArgument, message);
}

function field(body: Record<string, unknown>, name: string, what: string, required: boolean): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw invalid(`${what} is missing`);
    return '';
  }
  if (typeof value !== 'string' || value.length > MAX_FIELD_CHARS) throw invalid(`${what} must be a short text`);
  return value;
}

function requestBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('expected a JSON object');
  return body as Record<string, unknown>;
}

/** The management server from the posted form; the password is taken as given (not trimmed). */
function serverFromBody(body: Record<string, unknown>): ManagementServer {
  const port = readSetting(SETTINGS.provisionPort, body.port);
  if (!port.ok || port.value === undefined)
    throw invalid(`The management server port ${(JSON.stringify(body.port) ?? '').slice(0, 20)} is not a port (1-65535)`);
  const server: ManagementServer = {
    host: field(body, 'host', 'The management server host', true).trim(),
    port: port.value,
    user: field(body, 'user', 'The management server user', true).trim(),
    password: field(body, 'password', 'The management server password', true),
  };
  const ca = body.caPem;
  if (typeof ca === 'string' && ca.trim() !== '') {
    if (ca.length > MAX_CA_CHARS) throw invalid('The management server CA is larger than 1 MB');
    server.ca = ca;
  }
  if (body.trustUnverifiedServer === true) server.trustUnverifiedServer = true;
  return server;
}

function toSettings(brokers: readonly BrokerAddress[]): BrokerSetting[] {
  return brokers.map((broker) => {
    const setting: BrokerSetting = { host: broker.hosts.join(';'), port: broker.port };
    if (broker.id !== undefined) setting.id = broker.id;
    return setting;
  });
}

function saveFolder(body: Record<string, unknown>): string | undefined {
  const folder = field(body, 'saveFolder', 'The folder', false).trim();
  if (folder === '') return undefined;
  if (!path.isAbsolute(folder)) throw invalid('The folder to save the files in must be an absolute path on the server');
  // Checked before anything is signed; the names are ours, so no listing of the folder is shown.
  if (existingConfigFiles(folder).length > 0) {
    throw new ProvisionError(
      ProvisionErrorCode.Files,
      `${folder} already holds a dxlclient.config or its files: choose an empty or new folder`,
    );
  }
  return folder;
}

/** Provisions a client for the tie-config form. Throws ProvisionError. */
export async function provisionForEditor(body: unknown): Promise<ProvisionFormResult> {
  const fields = requestBody(body);
  const server = serverFromBody(fields);
  const commonName = field(fields, 'commonName', 'The common name (CN)', true);
  const folder = saveFolder(fields);
  const client = await provisionDxlClient(server, { commonName });
  const result: ProvisionFormResult = {
    brokers: toSettings(client.brokers),
    webSocketBrokers: toSettings(client.webSocketBrokers),
    transport: client.brokers.length === 0 ? 'websockets' : 'mqtt',
    caPem: client.caBundlePem,
    certPem: client.certPem,
  };
  if (folder === undefined) return { ...result, keyPem: client.keyPem };
  const files = writeProvisionedConfig(folder, client, { useWebSockets: result.transport === 'websockets' });
  return { ...result, files: { config: files.config, caFile: files.caBundle, certFile: files.cert, keyFile: files.key } };
}

/** The CA bundle and brokers the server lists now, for the tie-config form. Throws ProvisionError. */
export async function updateBrokersForEditor(body: unknown): Promise<UpdateFormResult> {
  const update = await fetchBrokerUpdate(serverFromBody(requestBody(body)));
  return { brokers: toSettings(update.brokers), webSocketBrokers: toSettings(update.webSocketBrokers), caPem: update.caBundlePem };
}

/** HTTP status for a failure: the request's fault (400) or the management server's (502). */
export function provisionFailureStatus(error: unknown): number {
  if (!(error instanceof ProvisionError)) return 500;
  return error.code === ProvisionErrorCode.InvalidArgument || error.code === ProvisionErrorCode.Files ? 400 : 502;
}
