/**
 * The embedded DXL fabric with the TIE simulator for the node tests: real TLS, real broker, a
 * simulator we can ask to publish detection and first-instance events, and the config node
 * settings and credentials that reach it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../../src/dxl/client';
import { loadDxlConfig } from '../../src/dxl/config';
import { type RunningFabric, type TopicPolicy, startFabric } from '../../src/fabric';
import { TieSimulator } from '../../src/fabric/tie-simulator';
import type { FlowNode } from './node-red-helper';

export interface TestFabric {
  fabric: RunningFabric;
  /** Undefined on a fabric started without the simulator. */
  simulator: TieSimulator | undefined;
  credentials: { caPem: string; certPem: string; keyPem: string };
  /** A DXL client of the test itself, connected to the fabric (closed with the fabric). */
  client(): Promise<DxlClient>;
  close(): Promise<void>;
}

export async function startTestFabric(
  options: {
    simulator?: boolean;
    port?: number;
    dataDir?: string;
    webSockets?: boolean;
    periodicEventsMs?: number;
    policy?: TopicPolicy;
  } = {},
): Promise<TestFabric> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tie-nodes-fabric-'));
  let simulator: TieSimulator | undefined;
  const fabric = await startFabric({
    port: options.port ?? 0,
    dataDir,
    ...(options.webSockets ? { webSocketPort: 0 } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    simulator:
      options.simulator === false
        ? false
        : async (dxl) => {
            simulator = new TieSimulator(dxl, options.periodicEventsMs ? { periodicEvents: { intervalMs: options.periodicEventsMs } } : {});
            await simulator.start();
            return simulator;
          },
  });
  const credentials = {
    caPem: fs.readFileSync(fabric.files.caCert, 'utf8'),
    certPem: fs.readFileSync(fabric.files.clientCert, 'utf8'),
    keyPem: fs.readFileSync(fabric.files.clientKey, 'utf8'),
  };
  let own: DxlClient | undefined;
  return {
    fabric,
    simulator,
    credentials,
    async client() {
      if (own === undefined) {
        own = DxlClient.fromConfig(loadDxlConfig(fabric.configPath), { logger: { warn: () => undefined }, probeBrokers: false });
        await own.connect({ timeoutMs: 5000 });
      }
      return own;
    },
    async close() {
      await own?.close();
      await fabric.close();
    },
  };
}

/** A tie-config node pointing at the fabric; its credentials go in the second element. */
export function configNodeFor(
  test: TestFabric,
  id = 'config',
  overrides: Record<string, unknown> = {},
): [FlowNode, Record<string, Record<string, string>>] {
  return [
    {
      id,
      type: 'tie-config',
      name: 'test fabric',
      brokers: [{ host: '127.0.0.1', port: test.fabric.port, id: test.fabric.brokerId }],
      transport: 'mqtt',
      tlsSource: 'credentials',
      requestTimeout: 5,
      ...overrides,
    },
    { [id]: { ...test.credentials } },
  ];
}
