#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  DEFAULT_FABRIC_HOST,
  DEFAULT_FABRIC_PORT,
  type FabricOptions,
  type RunningFabric,
  defaultDataDir,
  startFabric,
} from '../fabric/fabric';
import { startTieSimulator } from '../fabric/simulator-host';
import { DEFAULT_MANAGEMENT_PORT, LISTEN_PORT, readNumber } from '../dxl/numbers';
import { DEFAULT_EVENT_INTERVAL_S, EVENT_INTERVAL_S } from '../fabric/tie-simulator';
import { DEFAULT_MANAGEMENT_USER } from '../fabric/management-service';
import { UsageError } from './usage-error';

/** Sets the management password instead of the one kept in the data folder (kept off the command line, where ps shows it). */
const PASSWORD_VARIABLE = 'TIE_FABRIC_MGMT_PASSWORD';

/** Seconds between the simulator's periodic events by default, as `npm start`'s demo. */

const USAGE = `Usage: tie-fabric [options]

Runs a local DXL fabric (MQTT over mutual TLS, with DXL service semantics)
and the TIE simulator, for trying TIE flows without McAfee servers.

Options:
  --port <n>          MQTT over TLS port (default ${DEFAULT_FABRIC_PORT}; 0 picks a free one)
  --host <address>    interface to listen on (default ${DEFAULT_FABRIC_HOST})
  --ws-port <n>       also accept MQTT over secure WebSockets on this port
  --data-dir <dir>    where certificates and dxlclient.config live
                      (default ${defaultDataDir()})
  --no-simulator      run the fabric without the TIE simulator
  --event-interval <s>
                      seconds between the simulator's periodic detection and
                      first-instance events (default ${DEFAULT_EVENT_INTERVAL_S}; 0 sends none)
  --mgmt-port <n>     HTTPS port of the management API that clients provision
                      themselves from, as from ePO (default ${DEFAULT_MANAGEMENT_PORT}, or a free
                      port when --port is 0)
  --mgmt-user <name>  its user (default ${DEFAULT_MANAGEMENT_USER}); the password is made at the first
                      start, kept in the data folder and printed at start, or taken
                      from $${PASSWORD_VARIABLE}
  --no-mgmt           do not serve the management API
  --policy <file>     topic authorization policy, in the OpenDXL broker's
                      topicauth.policy format (replaces the default one). Example:
                        { "send": [ { "topic": "/mcafee/event/tie/#",
                            "clients": [ "<SHA-1 of tie-simulator.crt>",
                                         "<SHA-1 of client.crt>" ] } ],
                          "receive": [] }
                      Default: with the simulator, only its certificate may serve
                      /mcafee/service/tie/# and send /mcafee/event/tie/# and
                      /mcafee/event/epo/threat/response; without it, all topics open
  --quiet             do not log refused and disconnected clients
  -h, --help          show this help
`;

function parsePort(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = readNumber(value, LISTEN_PORT);
  if (port === undefined) throw new UsageError(`--${name} must be a port number from 0 to 65535, not "${value}"`);
  return port;
}

function parseInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVENT_INTERVAL_S;
  const seconds = readNumber(value, EVENT_INTERVAL_S);
  if (seconds === undefined)
    throw new UsageError(`--event-interval must be a number of seconds from 0 (no events) to 86400, not "${value}"`);
  return seconds;
}

interface CliOptions extends FabricOptions {
  quiet: boolean;
  /** Seconds between periodic events; 0: none. */
  eventIntervalS: number;
}

function parseOptions(argv: string[]): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'ws-port': { type: 'string' },
        'data-dir': { type: 'string' },
        'no-simulator': { type: 'boolean', default: false },
        'event-interval': { type: 'string' },
        'mgmt-port': { type: 'string' },
        'mgmt-user': { type: 'string' },
        'no-mgmt': { type: 'boolean', default: false },
        policy: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const eventIntervalS = parseInterval(values['event-interval']);
  const options: CliOptions = { quiet: values.quiet, eventIntervalS };
  if (values['no-simulator']) options.simulator = false;
  else {
    const periodicEvents = eventIntervalS > 0 ? { intervalMs: Math.round(eventIntervalS * 1000) } : false;
    options.simulator = (dxl, context) => startTieSimulator(dxl, context, { periodicEvents });
  }
  const port = parsePort(values.port, 'port');
  const webSocketPort = parsePort(values['ws-port'], 'ws-port');
  if (port !== undefined) options.port = port;
  if (webSocketPort !== undefined) options.webSocketPort = webSocketPort;
  if (values.host !== undefined) options.host = values.host;
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.policy !== undefined) options.policy = values.policy;
  if (!values['no-mgmt']) {
    const managementPort = parsePort(values['mgmt-port'], 'mgmt-port') ?? (port === 0 ? 0 : DEFAULT_MANAGEMENT_PORT);
    const password = process.env[PASSWORD_VARIABLE];
    options.management = {
      port: managementPort,
      ...(values['mgmt-user'] ? { user: values['mgmt-user'] } : {}),
      ...(password ? { password } : {}),
    };
  }
  return options;
}

/** How to provision a client from this fabric: the URL, the user, the password and the CA to verify it with. */
function managementLines(fabric: RunningFabric): string[] {
  const management = fabric.management;
  if (!management) return ['Management:    off'];
  return [
    `Management:    ${management.url} (provisioning, as ePO or an OpenDXL console)`,
    `  user:        ${management.user}`,
    `  password:    ${management.password}`,
    `  server CA:   ${fabric.files.caCert}`,
  ];
}

function simulatorLine(on: boolean, eventIntervalS: number): string {
  if (!on) return 'off';
  if (eventIntervalS === 0) return 'on, no periodic events (--event-interval 0)';
  return `on, a detection or first-instance event every ${eventIntervalS} s (--event-interval 0 turns them off)`;
}

function policyLine(options: FabricOptions, fabric: RunningFabric): string {
  const { send, receive } = fabric.policy;
  if (typeof options.policy === 'string') return `${options.policy} (${send.length} send and ${receive.length} receive rules)`;
  if (options.simulator === false) return 'open (no rules)';
  return 'default: only the simulator serves TIE and sends its events (--policy replaces it)';
}

function stamp(line: string): string {
  return `${new Date().toISOString()} ${line}`;
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const { quiet, eventIntervalS, ...options } = parsed;
  if (!quiet) options.log = (line) => process.stderr.write(`${stamp(line)}\n`);

  const fabric = await startFabric(options);
  const lines = [
    `DXL fabric listening on mqtts://${fabric.host}:${fabric.port}` +
      (fabric.webSocketPort === undefined ? '' : ` and wss://${fabric.host}:${fabric.webSocketPort}`),
    `Broker id:     ${fabric.brokerId}`,
    `Client config: ${fabric.configPath}`,
    `TIE simulator: ${simulatorLine(options.simulator !== false, eventIntervalS)}`,
    `Topic policy:  ${policyLine(options, fabric)}`,
    ...managementLines(fabric),
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal: the user does not want to wait.
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`Stopping (${signal})...\n`);
    fabric.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`tie-fabric: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`tie-fabric: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'EADDRINUSE' ? `the port is already in use (${(error as Error).message})` : (error as Error).message;
  process.stderr.write(`tie-fabric: ${message}\n`);
  process.exit(1);
});
