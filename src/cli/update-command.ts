/*
 * `tie-dxl update <config-dir> <host>`: refreshes an existing dxlclient.config's CA bundle and
 * broker lists from the management server, as the official `updateconfig` does.
 */
import path from 'node:path';
import { resolveUserPath } from '../dxl/home-path';
import { CONFIG_FILE_NAME, fetchBrokerUpdate, updateConfigFile } from '../provision';
import { MANAGEMENT_OPTIONS, MANAGEMENT_USAGE, managementServer, parseCommandLine } from './management-options';
import { warnUnverified } from './provision-command';
import { UsageError } from './usage-error';

export const UPDATE_USAGE = `Usage: tie-dxl update <config-dir> <host> [options]

Fetches the CA bundle and the broker list from the management server, writes the
CA bundle where <config-dir>/${CONFIG_FILE_NAME} points ([Certs] BrokerCertChain)
and replaces its [Brokers] and [BrokersWebSockets] entries; the rest of the file
is kept.

${MANAGEMENT_USAGE}
`;

const OPTIONS = { ...MANAGEMENT_OPTIONS, help: { type: 'boolean', short: 'h', default: false } } as const;

export async function runUpdate(argv: string[], out: (text: string) => void, warn: (text: string) => void): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return out(UPDATE_USAGE);
  if (positionals.length !== 2) throw new UsageError(`expected <config-dir> <host>, got ${positionals.length} argument(s)`);
  const [configDir, host] = positionals as [string, string];
  const configFile = path.join(resolveUserPath(configDir), CONFIG_FILE_NAME);

  const server = await managementServer(host, values);
  warnUnverified(server, warn);
  const update = await fetchBrokerUpdate(server);
  const caBundle = updateConfigFile(configFile, update);
  out(
    [
      `Updated ${configFile}: ${update.brokers.length} broker(s), ${update.webSocketBrokers.length} WebSocket broker(s).`,
      `  CA bundle:    ${caBundle}`,
      '',
    ].join('\n'),
  );
}
