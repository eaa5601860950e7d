#!/usr/bin/env node
/*
 * tie-dxl: command line for users who keep dxlclient.config files.
 *   tie-dxl provision <config-dir> <host> <common-name>   (as the official `dxlclient provisionconfig`)
 *   tie-dxl update <config-dir> <host>                    (as the official `dxlclient updateconfig`)
 */
import { DxlError } from '../dxl/errors';
import { ProvisionError } from '../provision';
import { PROVISION_USAGE, runProvision } from './provision-command';
import { UPDATE_USAGE, runUpdate } from './update-command';
import { UsageError } from './usage-error';

const USAGE = `Usage: tie-dxl <command> [options]

Commands:
  provision <config-dir> <host> <common-name>
                 get a client certificate from ePO or an OpenDXL console and
                 write a dxlclient.config with it
  update <config-dir> <host>
                 refresh a dxlclient.config's CA bundle and broker list

Run "tie-dxl <command> --help" for its options.
`;

const out = (text: string): void => void process.stdout.write(text);
const warn = (text: string): void => void process.stderr.write(text);

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'provision':
      return runProvision(rest, out, warn);
    case 'update':
      return runUpdate(rest, out, warn);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      return out(USAGE);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function usageFor(command: string | undefined): string {
  if (command === 'provision') return PROVISION_USAGE;
  if (command === 'update') return UPDATE_USAGE;
  return USAGE;
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      warn(`tie-dxl: ${error.message}\n\n${usageFor(process.argv[2])}`);
      process.exit(2);
    }
    const code = error instanceof ProvisionError || error instanceof DxlError ? ` [${error.code}]` : '';
    warn(`tie-dxl: ${(error as Error).message}${code}\n`);
    process.exit(1);
  },
);
