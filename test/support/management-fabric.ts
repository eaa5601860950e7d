/**
 * The embedded fabric with its management API on a free loopback port, for the provisioning
 * tests: where it listens, its user and password, and the CA its HTTPS certificate chains to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient, type DxlClientOptions } from '../../src/dxl/client';
import type { ManagementServer } from '../../src/provision';
import { type FabricManagement, type RunningFabric, startFabric } from '../../src/fabric';

export const MANAGEMENT_PASSWORD = 'Pr0vision-Secret!';

export interface ManagementFabric {
  fabric: RunningFabric;
  management: FabricManagement;
  /** PEM of the fabric CA: signs the brokers, the management server and provisioned clients. */
  caPem: string;
  /** Settings that reach the management API, verifying it against the fabric CA. */
  server(overrides?: Partial<ManagementServer>): ManagementServer;
  close(): Promise<void>;
}

export async function startManagementFabric(options: { webSocketPort?: number } = {}): Promise<ManagementFabric> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-provision-fabric-'));
  const fabric = await startFabric({
    port: 0,
    dataDir,
    simulator: false,
    management: { port: 0, password: MANAGEMENT_PASSWORD },
    ...(options.webSocketPort === undefined ? {} : { webSocketPort: options.webSocketPort }),
  });
  const management = fabric.management!;
  const caPem = fs.readFileSync(fabric.files.caCert, 'utf8');
  return {
    fabric,
    management,
    caPem,
    server: (overrides = {}) => ({
      host: management.host,
      port: management.port,
      user: management.user,
      password: management.password,
      ca: caPem,
      ...overrides,
    }),
    async close() {
      await fabric.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const SERVICE_QUERY_TOPIC = '/mcafee/service/dxl/svcregistry/query';

/**
 * Connects our DxlClient with the given options and has the fabric answer a service-registry
 * query: proof that the TLS material and the broker list work together. Returns the broker id
 * that answered.
 */
export async function connectAndAsk(options: DxlClientOptions, timeoutMs = 10_000): Promise<string> {
  const client = new DxlClient({ probeBrokers: false, logger: { warn: () => undefined }, ...options });
  try {
    await client.connect({ timeoutMs });
    const response = await client.request(SERVICE_QUERY_TOPIC, '{}', { timeoutMs: 5000 });
    return response.sourceBrokerId;
  } finally {
    await client.close();
  }
}
