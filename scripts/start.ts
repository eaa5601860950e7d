import { startDemo } from './demo';

/*
 * `npm start`: the embedded fabric with the TIE simulator (periodic detection and
 * first-instance events on) and Node-RED with this package, a tie-config pointing at
 * the fabric and the showcase flow, all on loopback (see ./demo.ts). Ctrl-C stops everything.
 * Environment: PORT (editor, default 1880), TIE_FABRIC_PORT (default: a free port),
 * TIE_EVENT_INTERVAL (seconds between simulated events, default 20; 0 turns them off).
 * The fabric's provisioning API runs too, on a free loopback port with a fresh password.
 */

function numberFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number (got "${text}")`);
  return value;
}

async function main(): Promise<void> {
  const demo = await startDemo({
    editorPort: numberFromEnv('PORT', 1880),
    fabricPort: numberFromEnv('TIE_FABRIC_PORT', 0),
    eventIntervalMs: numberFromEnv('TIE_EVENT_INTERVAL', 20) * 1000,
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

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.message}\n`);
  process.exit(1);
});
