/**
 * The two brokers the fault tests kill, behind one interface: Mosquitto (the broker the OpenDXL
 * broker is built on) and the embedded fabric, each in its own process, killed with SIGKILL and
 * started again on the same port with the same certificates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PkiFileName } from '../../../src/fabric/pki-store';
import { type MosquittoBroker, mosquittoBinary, startMosquitto } from '../../../test-kit/mosquitto';
import { testPki } from '../../../test-kit/pki-fixture';
import { startFabricProcess } from './fabric-process';

export interface Pem {
  ca: string;
  cert: string;
  key: string;
}

export interface KillableBroker {
  readonly kind: 'mosquitto' | 'fabric';
  readonly host: string;
  readonly port: number;
  /** The CA bundle that verifies the broker, and a client certificate and key it accepts. */
  readonly pem: Pem;
  /** The CA that issues client certificates this broker accepts (for making bad ones). */
  readonly clientCa: { certPem: string; keyPem: string };
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** The fabric's data directory (PKI, broker id); undefined for Mosquitto. */
  readonly dataDir?: string;
}

export const BROKER_KINDS = ['mosquitto', 'fabric'] as const;

/** Under CI=true a missing mosquitto binary is an error; elsewhere too: the fault suite never skips. */
function requiredMosquitto(): string {
  const binary = mosquittoBinary();
  if (binary === undefined) throw new Error('mosquitto is not installed: the fault suite needs it (apt-get install -y mosquitto)');
  return binary;
}

export async function startKillableBroker(
  kind: KillableBroker['kind'],
  options: { port?: number; dataDir?: string } = {},
): Promise<KillableBroker> {
  if (kind === 'mosquitto') {
    const pki = testPki();
    const broker: MosquittoBroker = await startMosquitto(requiredMosquitto(), options.port === undefined ? {} : { port: options.port });
    return {
      kind,
      host: broker.host,
      port: broker.port,
      pem: { ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem },
      clientCa: pki.ca,
      kill: () => broker.stop('SIGKILL'),
      start: () => broker.restart(),
    };
  }
  const fabric = await startFabricProcess({ ...options, simulator: false });
  return {
    kind,
    host: fabric.host,
    port: fabric.port,
    pem: { ca: fabric.pem.ca, cert: fabric.pem.cert, key: fabric.pem.key },
    clientCa: { certPem: fabric.pem.ca, keyPem: fabric.pem.caKey },
    kill: () => fabric.kill(),
    start: () => fabric.start(),
    dataDir: fabric.dataDir,
  };
}

/**
 * Two brokers of a kind that trust the same certificates but are separate brokers (not bridged),
 * as two brokers of one DXL fabric look to a client: two Mosquittos with the test PKI, or two
 * fabrics sharing a PKI with a broker id each.
 */
export async function startBrokerPair(kind: KillableBroker['kind']): Promise<[KillableBroker, KillableBroker]> {
  const first = await startKillableBroker(kind);
  if (kind === 'mosquitto') return [first, await startKillableBroker(kind)];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-fabric-pair-'));
  for (const name of Object.values(PkiFileName)) fs.copyFileSync(path.join(first.dataDir!, name), path.join(dataDir, name));
  return [first, await startKillableBroker(kind, { dataDir })];
}
