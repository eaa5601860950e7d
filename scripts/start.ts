import path from 'node:path';
import { LISTEN_PORT, type NumberKind, describeKind, isBlank, readNumber } from '../src/dxl/numbers';
import { DEFAULT_EVENT_INTERVAL_S, EVENT_INTERVAL_S } from '../src/fabric/tie-simulator';
import { startDemo } from './demo';
import { DemoPortInUse, DemoUserDirInUse } from './demo-preflight';

/*
 * `npm start`: the embedded fabric with the TIE simulator (periodic detection and
 * first-instance events on) and Node-RED with this package, a tie-config pointing at
 * the fabric and the showcase flow, all on loopback (see ./demo.ts). Ctrl-C stops everything.
 * Environment: PORT (editor, default 1880), TIE_FABRIC_PORT (default: a free port),
 * TIE_EVENT_INTERVAL (seconds between simulated events, default 20; 0 turns them off),
 * TIE_USER_DIR (Node-RED's user directory, default .node-red-data in the checkout).
 * The fabric's provisioning API runs too, on a free loopback port with a fresh password.
 * A taken port or a user directory held by another npm start is refused before anything is written.
 */

function numberFromEnv(name: string, kind: NumberKind, fallback: number): number {
  const text = process.env[name];
  if (isBlank(text)) return fallback;
  const value = readNumber(text, kind);
  if (value === undefined) throw new Error(`${name} must be ${describeKind(kind)} (got "${text}")`);
  return value;
}

async function main(): Promise<void> {
  const demo = await startDemo({
    editorPort: numberFromEnv('PORT', LISTEN_PORT, 1880),
    fabricPort: numberFromEnv('TIE_FABRIC_PORT', LISTEN_PORT, 0),
    eventIntervalMs: numberFromEnv('TIE_EVENT_INTERVAL', EVENT_INTERVAL_S, DEFAULT_EVENT_INTERVAL_S) * 1000,
    ...(process.env.TIE_USER_DIR ? { userDir: path.resolve(process.env.TIE_USER_DIR) } : {}),
    // The Provisioning tab of tie-config can be tried against the fabric (port 0: a free one).
    management: { port: 0 },
  });
  const { fabric } = demo;
  process.stdout.write(
    `\nDXL fabric with the TIE simulator on ${fabric.host}:${fabric.port} (client config: ${fabric.configPath})\n` +
      (fabric.management
        ? `Provisioning API (tie-config > Provisioning): ${fabric.management.host} port ${fabric.management.port}, ` +
          `user ${fabric.management.user}, password ${fabric.management.password}, server CA ${fabric.files.caCert}\n`
        : '') +
      `Node-RED editor: ${demo.editorUrl}   (Ctrl-C stops Node-RED and the fabric)\n\n`,
  );

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) process.exit(code);
    stopping = true;
    await demo.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void demo.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`Node-RED exited (${code ?? 'signal'})\n`);
      void stop(code ?? 1);
    }
  });
}

/** What to do about a refusal: the variables that choose another port or user directory. */
function advice(error: Error): string {
  const ownFolder = 'a second instance also needs a user directory of its own, e.g. PORT=1881 TIE_USER_DIR=.node-red-data-2 npm start';
  if (error instanceof DemoPortInUse) {
    return error.role === 'editor'
      ? `Is Node-RED or another npm start running? Choose another editor port: PORT=${error.port === 1881 ? 1882 : 1881} npm start (${ownFolder}).`
      : `Choose another fabric port (TIE_FABRIC_PORT=0 picks a free one): TIE_FABRIC_PORT=0 npm start.`;
  }
  if (error instanceof DemoUserDirInUse)
    return `Stop it, or give this one a user directory and port of its own: PORT=1881 TIE_USER_DIR=.node-red-data-2 npm start.`;
  return '';
}

main().catch((error: Error) => {
  const hint = advice(error);
  process.stderr.write(`npm start failed: ${error.message}\n${hint ? `${hint}\n` : ''}`);
  process.exit(1);
});
