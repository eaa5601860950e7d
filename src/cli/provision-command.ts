/*
 * `tie-dxl provision <config-dir> <host> <common-name>`: makes a key and CSR here, has the
 * management server sign it, and writes the files the official `provisionconfig` writes.
 */
import path from 'node:path';
import type { BrokerAddress } from '../dxl/config';
import {
  type CsrSubject,
  DEFAULT_FILE_PREFIX,
  type ManagementServer,
  configFilePaths,
  existingConfigFiles,
  provisionDxlClient,
  writeProvisionedConfig,
} from '../provision';
import { MANAGEMENT_OPTIONS, MANAGEMENT_USAGE, managementServer, parseCommandLine } from './management-options';
import { UsageError } from './usage-error';

export const PROVISION_USAGE = `Usage: tie-dxl provision <config-dir> <host> <common-name> [options]

Makes an RSA 2048 key and a certificate signing request on this machine, has the
management server sign it, and writes dxlclient.config, ca-bundle.crt and
<prefix>.crt/.key/.csr into <config-dir>: the files the official
"dxlclient provisionconfig" writes.

${MANAGEMENT_USAGE}

Files and certificate:
  -f, --file-prefix <prefix>   name of the certificate, key and CSR files (default ${DEFAULT_FILE_PREFIX})
  -s, --san <name>             subject alternative name (DNS); repeatable
      --country <C>  --state-or-province <ST>  --locality <L>
      --organization <O>  --organizational-unit <OU>  --email-address <E>
                               more subject fields for the certificate
      --websockets             write UseWebSockets=true
      --force                  overwrite files already in <config-dir>
`;

const OPTIONS = {
  ...MANAGEMENT_OPTIONS,
  'file-prefix': { type: 'string', short: 'f' },
  san: { type: 'string', short: 's', multiple: true },
  country: { type: 'string' },
  'state-or-province': { type: 'string' },
  locality: { type: 'string' },
  organization: { type: 'string' },
  'organizational-unit': { type: 'string' },
  'email-address': { type: 'string' },
  websockets: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function describeBroker(broker: BrokerAddress): string {
  return `${broker.id ? `${broker.id} ` : ''}${broker.hosts.join(' / ')} port ${broker.port}`;
}

function subjectOf(values: Record<string, unknown>): CsrSubject {
  const subject: CsrSubject = {};
  const fields: Array<[keyof CsrSubject, string]> = [
    ['country', 'country'],
    ['stateOrProvince', 'state-or-province'],
    ['locality', 'locality'],
    ['organization', 'organization'],
    ['organizationalUnit', 'organizational-unit'],
    ['emailAddress', 'email-address'],
  ];
  for (const [field, option] of fields) {
    const value = values[option];
    if (typeof value === 'string') subject[field] = value;
  }
  return subject;
}

export function warnUnverified(server: ManagementServer, write: (line: string) => void): void {
  if (server.trustUnverifiedServer) write(`Warning: the certificate of ${server.host} is NOT verified (--trust-unverified-server).\n`);
}

export async function runProvision(argv: string[], out: (text: string) => void, warn: (text: string) => void): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return out(PROVISION_USAGE);
  if (positionals.length !== 3) throw new UsageError(`expected <config-dir> <host> <common-name>, got ${positionals.length} argument(s)`);
  const [configDir, host, commonName] = positionals as [string, string, string];
  const filePrefix = values['file-prefix'] ?? DEFAULT_FILE_PREFIX;
  configFilePaths(configDir, filePrefix);
  // Refuse before anything is signed, rather than after.
  const existing = values.force ? [] : existingConfigFiles(configDir, filePrefix);
  if (existing.length > 0)
    throw new UsageError(
      `${configDir} already holds ${existing.map((file) => path.basename(file)).join(', ')}: use --force to overwrite, or another folder`,
    );

  const server = await managementServer(host, values);
  warnUnverified(server, warn);
  const client = await provisionDxlClient(server, { commonName, subject: subjectOf(values), subjectAltNames: values.san ?? [] });
  const files = writeProvisionedConfig(configDir, client, { filePrefix, useWebSockets: values.websockets, overwrite: values.force });
  out(
    [
      `Provisioned "${commonName}" from ${host}.`,
      `  config:       ${files.config}`,
      `  CA bundle:    ${files.caBundle}`,
      `  certificate:  ${files.cert}`,
      `  private key:  ${files.key} (readable by its owner only)`,
      `  request:      ${files.csr}`,
      ...client.brokers.map((broker) => `  broker:       ${describeBroker(broker)}`),
      ...client.webSocketBrokers.map((broker) => `  WebSocket:    ${describeBroker(broker)}`),
      '',
    ].join('\n'),
  );
}
