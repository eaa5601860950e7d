/*
 * The management-server options shared by `tie-dxl provision` and `tie-dxl update`, with the
 * official command line's short names (-t, -u, -e). The password is never an argument (every
 * user of the machine could read it from the process list): it comes from $TIE_DXL_PASSWORD,
 * standard input, or a prompt with echo off.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { PORT, readNumber } from '../dxl/numbers';
import { CA_BUNDLE_FILE, FileReadError, readFileSafely } from '../dxl/safe-file';
import { DEFAULT_MANAGEMENT_PORT, type ManagementServer } from '../provision';
import { parseProxy, proxyFromEnvironment } from './proxy-from-env';
import { promptHidden, promptVisible, readAllStdin } from './secret-input';
import { UsageError } from './usage-error';

export const PASSWORD_VARIABLE = 'TIE_DXL_PASSWORD';

export const MANAGEMENT_OPTIONS = {
  port: { type: 'string', short: 't' },
  user: { type: 'string', short: 'u' },
  truststore: { type: 'string', short: 'e' },
  'trust-unverified-server': { type: 'boolean', default: false },
  'password-stdin': { type: 'boolean', default: false },
  proxy: { type: 'string' },
  'no-proxy': { type: 'boolean', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const MANAGEMENT_USAGE = `Management server (ePO or an OpenDXL console):
  -t, --port <n>               HTTPS port (default ${DEFAULT_MANAGEMENT_PORT})
  -u, --user <name>            user allowed to run the command (asked when absent)
  -e, --truststore <file>      PEM CA file that the server's certificate must chain to
                               (without it, Node's public root CAs and the host name)
      --trust-unverified-server
                               do not verify the server's certificate (insecure: anyone
                               on the path could read the password and sign your key)
      --password-stdin         read the password from standard input
      --proxy <host:port>      HTTP proxy (default: $HTTPS_PROXY / $HTTP_PROXY)
      --no-proxy               ignore proxy variables
  The password comes from $${PASSWORD_VARIABLE}, --password-stdin, or a prompt;
  it is never a command-line argument, which other users could see.`;

export interface ManagementValues {
  port?: string | undefined;
  user?: string | undefined;
  truststore?: string | undefined;
  'trust-unverified-server'?: boolean | undefined;
  'password-stdin'?: boolean | undefined;
  proxy?: string | undefined;
  'no-proxy'?: boolean | undefined;
}

/** A clearer refusal than "unknown option" for the official command's -p/--password. */
function refusePasswordArgument(argv: readonly string[]): void {
  if (
    argv.some(
      (arg) => arg === '-p' || (arg.startsWith('-p') && !arg.startsWith('--')) || arg === '--password' || arg.startsWith('--password='),
    )
  ) {
    throw new UsageError(
      `the password is not taken as an argument (other users could read it from the process list): set $${PASSWORD_VARIABLE}, use --password-stdin, or let tie-dxl ask`,
    );
  }
}

/**
 * Parses a management subcommand's arguments (options and positionals): the password refused as
 * an argument, and anything parseArgs rejects turned into a UsageError.
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  refusePasswordArgument(argv);
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MANAGEMENT_PORT;
  const port = readNumber(text, PORT);
  if (port === undefined) throw new UsageError(`--port must be a port number from 1 to 65535, not "${text}"`);
  return port;
}

function readTruststore(file: string): Buffer {
  try {
    return readFileSafely(file, CA_BUNDLE_FILE);
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`--truststore ${file}: ${error.reason}`);
    throw error;
  }
}

async function password(values: ManagementValues): Promise<string> {
  const fromEnvironment = process.env[PASSWORD_VARIABLE];
  if (values['password-stdin']) return readAllStdin();
  if (fromEnvironment) return fromEnvironment;
  if (process.stdin.isTTY) return promptHidden('Management server password: ');
  throw new UsageError(`no password: set $${PASSWORD_VARIABLE}, or pipe it in with --password-stdin`);
}

async function user(values: ManagementValues): Promise<string> {
  if (values.user) return values.user;
  if (process.stdin.isTTY) return promptVisible('Management server user: ');
  throw new UsageError('no user: give --user <name>');
}

/** The server settings from the parsed options; asks for what is missing when on a terminal. */
export async function managementServer(host: string, values: ManagementValues): Promise<ManagementServer> {
  if (values.truststore && values['trust-unverified-server'])
    throw new UsageError('give either --truststore or --trust-unverified-server, not both');
  let proxy;
  try {
    proxy = values['no-proxy'] ? undefined : values.proxy ? parseProxy(values.proxy) : proxyFromEnvironment(host);
  } catch (error) {
    throw new UsageError(`proxy: ${(error as Error).message}`);
  }
  const server: ManagementServer = { host, port: parsePort(values.port), user: await user(values), password: await password(values) };
  if (values.truststore) server.ca = readTruststore(values.truststore);
  if (values['trust-unverified-server']) server.trustUnverifiedServer = true;
  if (proxy) server.proxy = proxy;
  return server;
}
