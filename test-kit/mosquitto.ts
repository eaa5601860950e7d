import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import { testPki } from './pki-fixture';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/bin/mosquitto'];

export function mosquittoBinary(): string | undefined {
  for (const candidate of CANDIDATES) if (fs.existsSync(candidate)) return candidate;
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'mosquitto'));
  return fromPath.find((file) => fs.existsSync(file));
}

/**
 * Skips the calling suite when mosquitto is missing on a developer machine;
 * under CI=true a missing binary is a failure, never a skip.
 */
export function requireMosquitto(context: Mocha.Context): string {
  const binary = mosquittoBinary();
  if (binary) return binary;
  if (process.env.CI === 'true') throw new Error('mosquitto is not installed; .ci/run must install it (apt-get install -y mosquitto)');
  context.skip();
}

export interface MosquittoBroker {
  host: string;
  port: number;
  /** Stops the broker (SIGTERM, or the signal given: SIGKILL for a crash); resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
}

/**
 * Starts Mosquitto with TLS and required client certificates on a free loopback port; with
 * `maxPacketSize`, it disconnects a client that sends a bigger packet, as the OpenDXL broker does.
 */
export async function startMosquitto(binary: string, options: { port?: number; maxPacketSize?: number } = {}): Promise<MosquittoBroker> {
  const pki = testPki();
  const port = options.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-mosquitto-'));
  const confFile = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    confFile,
    [
      // Run as whoever started the tests, so the broker can read the temporary key files.
      `user ${os.userInfo().username}`,
      'per_listener_settings false',
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      `listener ${port} 127.0.0.1`,
      `cafile ${pki.files.caCert}`,
      `certfile ${pki.files.brokerCert}`,
      `keyfile ${pki.files.brokerKey}`,
      'require_certificate true',
      'use_identity_as_username false',
      ...(options.maxPacketSize === undefined ? [] : [`max_packet_size ${options.maxPacketSize}`]),
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn(binary, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child = proc;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr.trim()}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port), exited]);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  };
  await start();
  process.once('exit', () => {
    child?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { host: '127.0.0.1', port, stop, restart: start };
}
