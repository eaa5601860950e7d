import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningFabric, startFabric } from '../src/fabric';
import { certificateSha1 } from '../src/fabric/pki';
import {
  type OfficialClient,
  type OfficialMessage,
  type OfficialRequestError,
  closeOfficialClient,
  connectOfficialClient,
  connectOfficialClientFromConfig,
  disconnectOfficialClient,
  officialEvent,
  officialRequest,
  payloadText,
  registerOfficialService,
  subscribeOfficial,
  unregisterOfficialService,
} from './support/official-client';
import { eventually } from './support/eventually';

const SERVICE_UNAVAILABLE = 0x80000001;

async function serviceUnavailable(request: Promise<unknown>): Promise<OfficialRequestError> {
  const error = await request.then(
    () => assert.fail('the request was answered'),
    (failure: OfficialRequestError) => failure,
  );
  assert.equal(error.code, 'ERR_DXL_SERVICE_UNAVAILABLE');
  assert.equal(error.dxlErrorResponse.errorCode >>> 0, SERVICE_UNAVAILABLE);
  assert.equal(error.dxlErrorResponse.errorMessage, 'unable to locate service for request');
  return error;
}

async function registeredServices(client: OfficialClient): Promise<string[]> {
  const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{}');
  return Object.keys((JSON.parse(payloadText(response)) as { services: object }).services);
}

async function untilTrue(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('fabric with the official @opendxl/dxl-client', function () {
  this.timeout(20_000);
  let fabric: RunningFabric;
  let dataDir: string;
  const clients: OfficialClient[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-official-'));
    fabric = await startFabric({ port: 0, webSocketPort: 0, dataDir, simulator: false });
  });
  after(async () => {
    await fabric?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeOfficialClient));
  });

  const connect = async (options: { webSockets?: boolean } = {}): Promise<OfficialClient> => {
    const port = options.webSockets ? fabric.webSocketPort! : fabric.port;
    const client = await connectOfficialClient(
      { caFile: fabric.files.caCert, certFile: fabric.files.clientCert, keyFile: fabric.files.clientKey },
      { host: '127.0.0.1', port },
      options,
    );
    clients.push(client);
    return client;
  };

  it('connects with the dxlclient.config the fabric wrote and queries the service registry', async () => {
    const client = await connectOfficialClientFromConfig(fabric.configPath);
    clients.push(client);
    const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{}');
    assert.deepEqual(JSON.parse(payloadText(response)), { services: {} });
    assert.equal(response.sourceBrokerId, fabric.brokerId);
  });

  it('registers a service, fires its callback, and stamps the requests it routes to it', async () => {
    const service = await connect();
    const requester = await connect();
    let seen: OfficialMessage | undefined;
    const info = await registerOfficialService(service, '/test/echo-service', {
      '/test/official/echo': (request) => {
        seen = request;
        return `echo: ${payloadText(request)}`;
      },
    });

    const response = await officialRequest(requester, '/test/official/echo', 'hello');
    assert.equal(payloadText(response), 'echo: hello');
    assert.ok(seen);
    assert.equal(seen.serviceId, info.serviceId);
    assert.equal(seen.sourceClientId, certificateSha1(fs.readFileSync(fabric.files.clientCert, 'utf8')));
    assert.equal(seen.sourceBrokerId, fabric.brokerId);
    assert.deepEqual(seen.brokerIds, [fabric.brokerId]);

    const query = await officialRequest(
      requester,
      '/mcafee/service/dxl/svcregistry/query',
      JSON.stringify({ serviceGuid: info.serviceId }),
    );
    const entry = (JSON.parse(payloadText(query)) as { services: Record<string, { serviceType: string; requestChannels: string[] }> })
      .services[info.serviceId];
    assert.equal(entry?.serviceType, '/test/echo-service');
    assert.deepEqual(entry?.requestChannels, ['/test/official/echo']);
  });

  it('shares four requests two and two between two service instances', async () => {
    const counts = { first: 0, second: 0 };
    await registerOfficialService(await connect(), '/test/shared', {
      '/test/official/shared': () => `first ${++counts.first}`,
    });
    await registerOfficialService(await connect(), '/test/shared', {
      '/test/official/shared': () => `second ${++counts.second}`,
    });
    const requester = await connect();
    for (let i = 0; i < 4; i++) await officialRequest(requester, '/test/official/shared', `request ${i}`);
    assert.deepEqual(counts, { first: 2, second: 2 });
  });

  it('routes a request that names a serviceId to that instance only', async () => {
    const counts = { first: 0, second: 0 };
    await registerOfficialService(await connect(), '/test/targeted', { '/test/official/targeted': () => `first ${++counts.first}` });
    const second = await registerOfficialService(await connect(), '/test/targeted', {
      '/test/official/targeted': () => `second ${++counts.second}`,
    });
    const requester = await connect();
    for (let i = 0; i < 3; i++) {
      const response = await officialRequest(requester, '/test/official/targeted', 'x', { serviceId: second.serviceId });
      assert.equal(response.serviceId, second.serviceId);
    }
    assert.deepEqual(counts, { first: 0, second: 3 });
    await serviceUnavailable(officialRequest(requester, '/test/official/targeted', 'x', { serviceId: '{no-such-service}' }));
  });

  it('answers a request to a topic nobody serves with the service-unavailable error, even with a plain subscriber', async () => {
    const bystander = await connect();
    const seenByBystander: OfficialMessage[] = [];
    await subscribeOfficial(bystander, '/test/official/unserved', (message) => seenByBystander.push(message));
    const requester = await connect();
    await serviceUnavailable(officialRequest(requester, '/test/official/unserved', 'anyone?'));
    assert.deepEqual(seenByBystander, []);
  });

  it('delivers events to every subscriber, DXL wildcards included, stamped with the sender', async () => {
    const exact: string[] = [];
    const wildcard: string[] = [];
    await subscribeOfficial(await connect(), '/test/official/events/a', (event) => exact.push(payloadText(event)));
    let stamp: OfficialMessage | undefined;
    await subscribeOfficial(await connect(), '/test/official/events/#', (event) => {
      wildcard.push(`${event.destinationTopic} ${payloadText(event)}`);
      stamp = event;
    });
    const sender = await connect();
    officialEvent(sender, '/test/official/events/a', 'one');
    officialEvent(sender, '/test/official/events/b/c', 'two');
    await eventually(() => wildcard.length === 2 && exact.length === 1, 'both events');
    assert.deepEqual(exact, ['one']);
    assert.deepEqual(wildcard.sort(), ['/test/official/events/a one', '/test/official/events/b/c two']);
    assert.equal(stamp?.sourceClientId, certificateSha1(fs.readFileSync(fabric.files.clientCert, 'utf8')));
    assert.equal(stamp?.sourceBrokerId, fabric.brokerId);
  });

  it('routes requests on wildcard service topics to the most specific one', async () => {
    await registerOfficialService(await connect(), '/test/wide', { '/test/official/wild/#': () => 'wide' });
    await registerOfficialService(await connect(), '/test/narrow', { '/test/official/wild/x/#': () => 'narrow' });
    const requester = await connect();
    assert.equal(payloadText(await officialRequest(requester, '/test/official/wild/x/y', '')), 'narrow');
    assert.equal(payloadText(await officialRequest(requester, '/test/official/wild/z/y', '')), 'wide');
    assert.equal(payloadText(await officialRequest(requester, '/test/official/wild/x', '')), 'wide');
    await serviceUnavailable(officialRequest(requester, '/test/official/wild', ''));
  });

  it('forgets a service when it unregisters or its client disconnects', async () => {
    const unregistering = await connect();
    const info = await registerOfficialService(unregistering, '/test/leaving', { '/test/official/leaving': () => 'here' });
    const leaving = await connect();
    await registerOfficialService(leaving, '/test/leaving', { '/test/official/gone': () => 'here' });
    const requester = await connect();
    assert.equal(payloadText(await officialRequest(requester, '/test/official/leaving', '')), 'here');
    assert.equal(payloadText(await officialRequest(requester, '/test/official/gone', '')), 'here');

    await unregisterOfficialService(unregistering, info);
    await serviceUnavailable(officialRequest(requester, '/test/official/leaving', ''));

    clients.splice(clients.indexOf(leaving), 1);
    await disconnectOfficialClient(leaving);
    await untilTrue(async () => (await registeredServices(requester)).length === 0, 'the registry to forget the disconnected service');
    await serviceUnavailable(officialRequest(requester, '/test/official/gone', ''));
  });

  it('accepts the official client over secure WebSockets, next to MQTT over TLS', async () => {
    await registerOfficialService(await connect(), '/test/ws', { '/test/official/ws': (request) => `ws ${payloadText(request)}` });
    const overWebSockets = await connect({ webSockets: true });
    assert.equal(payloadText(await officialRequest(overWebSockets, '/test/official/ws', 'hi')), 'ws hi');
  });
});
