/**
 * The two brokers the generic DXL node tests run on: the embedded fabric (with its service
 * registry) and a plain Mosquitto over mutual TLS (none). Each gives the tie-config node that
 * reaches it, official clients, and an official service registered as that broker allows.
 */
import { DxlClient } from '../../src/dxl/client';
import { loadDxlConfig } from '../../src/dxl/config';
import type { SharedConnection } from '../../nodes/kit/connection';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../../test-kit/mosquitto';
import { testPki } from '../../test-kit/pki-fixture';
import { type TestFabric, configNodeFor, startTestFabric } from './node-red-fabric';
import { type FlowNode, helper, node } from './node-red-helper';
import { eventually } from './eventually';
import {
  type OfficialClient,
  type OfficialClientFiles,
  type OfficialServiceInfo,
  type OfficialTopics,
  closeOfficialClient,
  connectOfficialClient,
  registerOfficialService,
  serveOfficialOnPlainMqtt,
} from './official-client';
import { ourClient } from './our-client';

export interface DxlBackend {
  name: 'fabric' | 'mosquitto';
  /** True on the fabric: a request nobody serves is refused at once as service unavailable. */
  hasRegistry: boolean;
  /** A tie-config node reaching the broker, and its credentials. */
  configNode(id?: string, overrides?: Record<string, unknown>): [FlowNode, Record<string, Record<string, string>>];
  /** An official client, closed by `cleanup`. */
  official(): Promise<OfficialClient>;
  /** An official service: acknowledged by the fabric, or with its topics subscribed on Mosquitto. */
  serve(client: OfficialClient, serviceType: string, topics: OfficialTopics): Promise<OfficialServiceInfo>;
  /** One of our DxlClients (for probing), closed by `cleanup`. */
  probe(): Promise<DxlClient>;
  /** Closes the clients of one test. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

async function makeBackend(name: DxlBackend['name'], context: Mocha.Context): Promise<DxlBackend> {
  const cleanups: Array<() => Promise<void>> = [];
  let fabric: TestFabric | undefined;
  let mosquitto: MosquittoBroker | undefined;
  let files: OfficialClientFiles;
  let address: { host: string; port: number };
  let credentials: Record<string, string>;
  if (name === 'fabric') {
    fabric = await startTestFabric({ simulator: false });
    files = { caFile: fabric.fabric.files.caCert, certFile: fabric.fabric.files.clientCert, keyFile: fabric.fabric.files.clientKey };
    address = { host: '127.0.0.1', port: fabric.fabric.port };
    credentials = fabric.credentials;
  } else {
    mosquitto = await startMosquitto(requireMosquitto(context));
    const pki = testPki();
    files = { caFile: pki.files.caCert, certFile: pki.files.clientCert, keyFile: pki.files.clientKey };
    address = { host: mosquitto.host, port: mosquitto.port };
    credentials = { caPem: pki.ca.certPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem };
  }
  return {
    name,
    hasRegistry: name === 'fabric',
    configNode(id = 'config', overrides = {}) {
      if (fabric) return configNodeFor(fabric, id, overrides);
      const config: FlowNode = {
        id,
        type: 'tie-config',
        name: 'test mosquitto',
        brokers: [{ host: address.host, port: address.port }],
        transport: 'mqtt',
        tlsSource: 'credentials',
        requestTimeout: 5,
        ...overrides,
      };
      return [config, { [id]: { ...credentials } }];
    },
    async official() {
      const client = await connectOfficialClient(files, address);
      cleanups.push(() => closeOfficialClient(client));
      return client;
    },
    serve: (client, serviceType, topics) =>
      fabric ? registerOfficialService(client, serviceType, topics) : serveOfficialOnPlainMqtt(client, serviceType, topics),
    async probe() {
      const client = fabric
        ? DxlClient.fromConfig(loadDxlConfig(fabric.fabric.configPath), {
            logger: { warn: () => undefined },
            probeBrokers: false,
          })
        : ourClient([address]);
      cleanups.push(() => client.close());
      await client.connect({ timeoutMs: 5000 });
      return client;
    },
    async cleanup() {
      while (cleanups.length) await cleanups.pop()!();
    },
    async close() {
      await fabric?.close();
      await mosquitto?.stop();
    },
  };
}

/**
 * Runs `suite` once per broker, each in its own describe with one broker for all its tests and
 * the Node-RED test server started; every test's flow is unloaded and its clients closed after it.
 */
export function onEachBroker(title: string, suite: (backend: () => DxlBackend) => void): void {
  for (const name of ['fabric', 'mosquitto'] as const) {
    describe(`${title} (${name})`, function () {
      this.timeout(15_000);
      let backend: DxlBackend | undefined;
      before(async function () {
        backend = await makeBackend(name, this);
        await helper.startServer();
      });
      after(async () => {
        await helper.stopServer();
        await backend?.close();
      });
      afterEach(async () => {
        await helper.unload();
        await backend?.cleanup();
      });
      suite(() => backend!);
    });
  }
}

/** The shared connection of a running tie-config node. */
export function sharedConnection(id = 'config'): SharedConnection {
  return (node(id) as unknown as { connection: SharedConnection }).connection;
}

/** Waits until the tie-config node's connection is up. */
export async function connected(id = 'config'): Promise<void> {
  await eventually(
    () => sharedConnection(id).state.status === 'connected',
    () => `connection ${id}: ${JSON.stringify(sharedConnection(id).state)}`,
  );
}
