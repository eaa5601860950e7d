/**
 * The embedded fabric in a process of its own (the tie-fabric command), so that a test can kill it
 * with SIGKILL as a crash would, and start it again on the same port with the same data directory
 * (same PKI, same broker id).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PkiFileName } from '../../../src/fabric/pki-store';

const CLI = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'tie-fabric.js');
const START_TIMEOUT_MS = 20_000;

export interface FabricProcess {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly configPath: string;
  /** PEM texts of the fabric's CA, and of the client certificate and key it hands out. */
  readonly pem: { ca: string; cert: string; key: string; caKey: string };
  /** Kills the process with SIGKILL; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  start(): Promise<void>;
  readonly running: boolean;
}

export interface FabricProcessOptions {
  /** 0 (default) picks a free port on the first start. */
  port?: number;
  /** A fresh temporary folder when absent. */
  dataDir?: string;
  /** Run the TIE simulator inside the fabric. Default false: the tests bring their own services. */
  simulator?: boolean;
}

function spawnFabric(args: string[]): Promise<{ child: ChildProcess; port: number; configPath: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tie-fabric did not start within ${START_TIMEOUT_MS} ms: ${stdout} ${stderr}`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`tie-fabric exited (${code}) before it was ready: ${stderr.trim()}`));
    };
    child.once('exit', onExit);
    const check = (): void => {
      const listening = /listening on mqtts:\/\/[^:]+:(\d+)/.exec(stdout);
      const config = /^Client config: (.+)$/m.exec(stdout);
      if (!listening || !config) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', check);
      resolve({ child, port: Number(listening[1]), configPath: config[1].trim() });
    };
    child.stdout.on('data', check);
  });
}

/** Kills of every fabric process still running, for when the test process exits: one exit hook for all. */
const living = new Set<() => void>();
process.once('exit', () => {
  for (const kill of living) kill();
});

export async function startFabricProcess(options: FabricProcessOptions = {}): Promise<FabricProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-fabric-'));
  const argsFor = (port: number): string[] => [
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--no-mgmt',
    '--quiet',
    ...(options.simulator ? [] : ['--no-simulator']),
  ];
  let current = await spawnFabric(argsFor(options.port ?? 0));
  const port = current.port;
  let child: ChildProcess | undefined = current.child;
  const read = (name: string): string => fs.readFileSync(path.join(dataDir, name), 'utf8');
  const pem = {
    ca: read(PkiFileName.caCert),
    cert: read(PkiFileName.clientCert),
    key: read(PkiFileName.clientKey),
    caKey: read(PkiFileName.caKey),
  };
  living.add(() => child?.kill('SIGKILL'));
  return {
    host: '127.0.0.1',
    port,
    dataDir,
    configPath: current.configPath,
    pem,
    get running() {
      return child !== undefined;
    },
    kill: async () => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    },
    start: async () => {
      if (child !== undefined) return;
      current = await spawnFabric(argsFor(port));
      child = current.child;
    },
  };
}
