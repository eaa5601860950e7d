import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import { type RunningFabric, startFabric } from '../src/fabric';
import { certificateSha1 } from '../src/fabric/pki';
import {
  type OfficialClient,
  closeOfficialClient,
  connectOfficialClientFromConfig,
  officialRequest,
  payloadText,
} from './support/official-client';

function readDataDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    ['ca.crt', 'ca.key', 'broker.crt', 'client.crt', 'client.key', 'broker.json'].map((name) => [
      name,
      fs.readFileSync(path.join(dir, name), 'utf8'),
    ]),
  );
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function registeredServiceTypes(client: OfficialClient): Promise<string[]> {
  const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{}');
  const { services } = JSON.parse(payloadText(response)) as { services: Record<string, { serviceType: string }> };
  return Object.values(services).map((service) => service.serviceType);
}

describe('fabric lifecycle and data directory', function () {
  this.timeout(30_000);
  let dataDir: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-life-'));
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof startFabric>[0] = {}): Promise<RunningFabric> => {
    const fabric = await startFabric({ port: 0, dataDir, simulator: false, ...options });
    cleanups.push(() => fabric.close());
    return fabric;
  };
  const official = async (configPath: string): Promise<OfficialClient> => {
    const client = await connectOfficialClientFromConfig(configPath);
    cleanups.push(() => closeOfficialClient(client));
    return client;
  };

  it('writes its PKI and config on first run and reuses them afterwards, with the new port', async () => {
    const first = await start();
    const created = readDataDir(dataDir);
    assert.match(fs.readFileSync(first.configPath, 'utf8'), new RegExp(`;${first.port};127\\.0\\.0\\.1`));
    await first.close();

    const second = await start();
    assert.deepEqual(readDataDir(dataDir), created);
    assert.equal(second.brokerId, first.brokerId);
    const config = fs.readFileSync(second.configPath, 'utf8');
    assert.match(config, /^BrokerCertChain=ca\.crt$/m);
    assert.match(config, /^CertFile=client\.crt$/m);
    assert.match(config, /^PrivateKey=client\.key$/m);
    assert.match(config, new RegExp(`^\\S+=\\S+;${second.port};127\\.0\\.0\\.1$`, 'm'));
    assert.doesNotMatch(config, /BrokersWebSockets/);
    assert.deepEqual(await registeredServiceTypes(await official(second.configPath)), []);
  });

  it("keeps the management API's password across restarts, in a file only its owner reads; a given one wins", async () => {
    const first = await start({ management: { port: 0 } });
    const password = first.management!.password;
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    const file = path.join(dataDir, 'management-password');
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    await first.close();
    const second = await start({ management: { port: 0 } });
    assert.equal(second.management!.password, password, 'the same password after a restart');
    await second.close();
    const given = await start({ management: { port: 0, password: 'chosen-by-the-user' } });
    assert.equal(given.management!.password, 'chosen-by-the-user');
    await given.close();
    fs.writeFileSync(file, 'not one of ours\n');
    const replaced = await start({ management: { port: 0 } });
    assert.notEqual(replaced.management!.password, password);
    assert.match(replaced.management!.password, /^[A-Za-z0-9_-]{24}$/);
  });

  it('lists the WebSocket listener in the config when it runs', async () => {
    const fabric = await start({ webSocketPort: 0 });
    assert.ok(fabric.webSocketPort);
    assert.match(
      fs.readFileSync(fabric.configPath, 'utf8'),
      new RegExp(`\\[BrokersWebSockets\\]\\n\\S+;${fabric.webSocketPort};127\\.0\\.0\\.1`),
    );
  });

  it('issues new certificates when its CA is gone', async () => {
    await (await start()).close();
    const before = readDataDir(dataDir);
    fs.rmSync(path.join(dataDir, 'ca.crt'));
    const fabric = await start();
    const after = readDataDir(dataDir);
    assert.notEqual(after['ca.crt'], before['ca.crt']);
    assert.notEqual(after['client.crt'], before['client.crt']);
    await registeredServiceTypes(await official(fabric.configPath));
  });

  it('closes within a bound while clients are connected, and frees its port', async () => {
    const fabric = await start();
    const officialClient = await official(fabric.configPath);
    const ours = new DxlClient({
      brokers: [{ host: '127.0.0.1', port: fabric.port }],
      ca: fs.readFileSync(fabric.files.caCert),
      cert: fs.readFileSync(fabric.files.clientCert),
      key: fs.readFileSync(fabric.files.clientKey),
      probeBrokers: false,
      logger: { warn: () => undefined },
    });
    cleanups.push(() => ours.close());
    await ours.connect({ timeoutMs: 5000 });
    await ours.registerService({ serviceType: '/test/closing', topics: { '/test/closing': (request) => ours.sendResponse(request, '') } });
    assert.deepEqual(await registeredServiceTypes(officialClient), ['/test/closing']);

    const began = Date.now();
    await fabric.close();
    assert.ok(Date.now() - began < 3000, `close took ${Date.now() - began} ms`);
    assert.equal(await refusesConnections(fabric.port), true);
    await fabric.close();
  });

  it('runs a service factory on a client of its own, with its own certificate, and stops it on close', async () => {
    let stopped = false;
    const fabric = await start({
      simulator: async (dxl) => {
        const registration = await dxl.registerService({
          serviceType: '/test/fabric-service',
          topics: { '/test/fabric-service/hello': (request) => dxl.sendResponse(request, 'hello from the fabric') },
        });
        return {
          close: async () => {
            await registration.unregister();
            stopped = true;
          },
        };
      },
    });
    const client = await official(fabric.configPath);
    const response = await officialRequest(client, '/test/fabric-service/hello', '');
    assert.equal(payloadText(response), 'hello from the fabric');
    assert.equal(response.sourceClientId, certificateSha1(fs.readFileSync(path.join(dataDir, 'tie-simulator.crt'), 'utf8')));
    await fabric.close();
    assert.equal(stopped, true);
  });

  it('runs the TIE simulator unless told not to', async () => {
    const fabric = await start({ simulator: true });
    assert.deepEqual(await registeredServiceTypes(await official(fabric.configPath)), ['/mcafee/service/tie']);
  });

  it('fails to start on a port in use, and starts there once the port is free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    await assert.rejects(startFabric({ port, dataDir, simulator: false }), { code: 'EADDRINUSE' });
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const fabric = await start({ port });
    assert.equal(fabric.port, port);
    await registeredServiceTypes(await official(fabric.configPath));
  });
});
