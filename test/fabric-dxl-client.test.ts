import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient, type DxlClientOptions } from '../src/dxl/client';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import type { DxlMessage } from '../src/dxl/message';
import { type RunningFabric, startFabric } from '../src/fabric';
import { type KeyPairPem, certificateSha1, issueCertificate } from '../src/fabric/pki';
import {
  type OfficialClient,
  closeOfficialClient,
  connectOfficialClient,
  officialRequest,
  payloadText,
  registerOfficialService,
} from './support/official-client';
import { eventually } from './support/eventually';

const quiet = { warn: (): void => undefined };

async function rejection(promise: Promise<unknown>): Promise<DxlError> {
  return promise.then(
    () => assert.fail('the request was answered'),
    (error: unknown) => {
      assert.ok(error instanceof DxlError, `expected a DxlError, got ${String(error)}`);
      return error;
    },
  );
}

describe('fabric with our DxlClient', function () {
  this.timeout(20_000);
  let fabric: RunningFabric;
  let dataDir: string;
  let ca: string;
  let userClient: KeyPairPem;
  /** A second certificate of the fabric CA, so that requester and service differ. */
  let otherClient: KeyPairPem;
  const cleanups: Array<() => Promise<void>> = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-ours-'));
    fabric = await startFabric({ port: 0, webSocketPort: 0, dataDir, simulator: false });
    ca = fs.readFileSync(fabric.files.caCert, 'utf8');
    userClient = { certPem: fs.readFileSync(fabric.files.clientCert, 'utf8'), keyPem: fs.readFileSync(fabric.files.clientKey, 'utf8') };
    const caKey = fs.readFileSync(path.join(dataDir, 'ca.key'), 'utf8');
    otherClient = issueCertificate({ certPem: ca, keyPem: caKey }, { commonName: 'second test client', usage: 'client' });
  });
  after(async () => {
    await fabric?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const ours = async (identity: KeyPairPem = userClient, options: Partial<DxlClientOptions> = {}): Promise<DxlClient> => {
    const client = new DxlClient({
      brokers: [{ host: '127.0.0.1', port: options.webSockets ? fabric.webSocketPort! : fabric.port }],
      ca,
      cert: identity.certPem,
      key: identity.keyPem,
      probeBrokers: false,
      logger: quiet,
      requestTimeoutMs: 5000,
      ...options,
    });
    cleanups.push(() => client.close());
    await client.connect({ timeoutMs: 5000 });
    return client;
  };

  const theirs = async (): Promise<OfficialClient> => {
    const client = await connectOfficialClient(
      { caFile: fabric.files.caCert, certFile: fabric.files.clientCert, keyFile: fabric.files.clientKey },
      { host: '127.0.0.1', port: fabric.port },
    );
    cleanups.push(() => closeOfficialClient(client));
    return client;
  };

  it('registers a service with an acknowledgement and stamps sourceClientId with the certificate SHA-1', async () => {
    const service = await ours(otherClient);
    let seen: DxlMessage | undefined;
    const registration = await service.registerService({
      serviceType: '/test/ours/echo-service',
      topics: {
        '/test/ours/echo': (request) => {
          seen = request;
          service.sendResponse(request, `echo: ${request.payload.toString()}`);
        },
      },
    });
    assert.equal(registration.acknowledged, true);

    const requester = await ours(userClient);
    const response = await requester.request('/test/ours/echo', 'hello');
    assert.equal(response.payload.toString(), 'echo: hello');
    assert.ok(seen);
    assert.equal(seen.sourceClientId, certificateSha1(userClient.certPem));
    assert.equal(seen.sourceBrokerId, fabric.brokerId);
    assert.equal(seen.serviceId, registration.serviceId);
    assert.equal(response.sourceClientId, certificateSha1(otherClient.certPem));
    assert.notEqual(response.sourceClientId, seen.sourceClientId);
  });

  it('shares four requests two and two between two service instances', async () => {
    const counts = { first: 0, second: 0 };
    const first = await ours();
    const second = await ours(otherClient);
    await first.registerService({
      serviceType: '/test/ours/shared',
      topics: { '/test/ours/shared': (request) => first.sendResponse(request, `first ${++counts.first}`) },
    });
    await second.registerService({
      serviceType: '/test/ours/shared',
      topics: { '/test/ours/shared': (request) => second.sendResponse(request, `second ${++counts.second}`) },
    });
    const requester = await ours();
    for (let i = 0; i < 4; i++) await requester.request('/test/ours/shared', `request ${i}`);
    assert.deepEqual(counts, { first: 2, second: 2 });
  });

  it('rejects a request to a topic nobody serves with DXL_SERVICE_UNAVAILABLE', async () => {
    const requester = await ours();
    const error = await rejection(requester.request('/test/ours/unserved', 'anyone?'));
    assert.equal(error.code, DxlErrorCode.ServiceUnavailable);
    assert.equal(error.fabricCode, 0x80000001);
    assert.match(error.message, /unable to locate service for request/);
  });

  it('passes a service error response on to the requester', async () => {
    const service = await ours();
    await service.registerService({
      serviceType: '/test/ours/failing',
      topics: { '/test/ours/failing': (request) => service.sendErrorResponse(request, 9090, 'not today') },
    });
    const error = await rejection((await ours()).request('/test/ours/failing', ''));
    assert.equal(error.code, DxlErrorCode.ErrorResponse);
    assert.equal(error.fabricCode, 9090);
    assert.match(error.message, /not today/);
  });

  it('delivers events to exact and wildcard subscribers, stamped with the sender', async () => {
    const exact: string[] = [];
    const wildcard: DxlMessage[] = [];
    await (await ours()).subscribe('/test/ours/events/a', (event) => exact.push(event.payload.toString()));
    await (await ours()).subscribe('/test/ours/events/#', (event) => wildcard.push(event));
    const sender = await ours(otherClient);
    await sender.sendEvent('/test/ours/events/a', 'one');
    await sender.sendEvent('/test/ours/events/b/c', 'two');
    await eventually(() => exact.length === 1 && wildcard.length === 2, 'both events');
    assert.deepEqual(exact, ['one']);
    assert.deepEqual(wildcard.map((event) => `${event.destinationTopic} ${event.payload.toString()}`).sort(), [
      '/test/ours/events/a one',
      '/test/ours/events/b/c two',
    ]);
    for (const event of wildcard) {
      assert.equal(event.sourceClientId, certificateSha1(otherClient.certPem));
      assert.equal(event.sourceBrokerId, fabric.brokerId);
    }
  });

  it('routes requests on a wildcard service topic', async () => {
    const service = await ours();
    await service.registerService({
      serviceType: '/test/ours/wild',
      topics: { '/test/ours/wild/#': (request) => service.sendResponse(request, request.destinationTopic) },
    });
    const requester = await ours();
    assert.equal((await requester.request('/test/ours/wild/a/b', '')).payload.toString(), '/test/ours/wild/a/b');
    assert.equal((await rejection(requester.request('/test/ours/wild', ''))).code, DxlErrorCode.ServiceUnavailable);
  });

  it('talks to the official client both ways', async () => {
    const official = await theirs();
    await registerOfficialService(official, '/test/official-side', {
      '/test/ours/official-echo': (request) => `official ${payloadText(request)}`,
    });
    const client = await ours(otherClient);
    assert.equal((await client.request('/test/ours/official-echo', 'hi')).payload.toString(), 'official hi');

    await client.registerService({
      serviceType: '/test/our-side',
      topics: { '/test/ours/our-echo': (request) => client.sendResponse(request, `ours ${request.payload.toString()}`) },
    });
    const response = await officialRequest(official, '/test/ours/our-echo', 'hello');
    assert.equal(payloadText(response), 'ours hello');
    assert.equal(response.sourceClientId, certificateSha1(otherClient.certPem));
  });

  it('accepts MQTT 3.1 with a long client id, and secure WebSockets', async () => {
    const service = await ours();
    await service.registerService({
      serviceType: '/test/ours/transport',
      topics: { '/test/ours/transport': (request) => service.sendResponse(request, 'ok') },
    });
    const legacy = await ours(otherClient, { protocolVersion: 3, clientId: `{${'a'.repeat(60)}}` });
    assert.equal((await legacy.request('/test/ours/transport', '')).payload.toString(), 'ok');
    const overWebSockets = await ours(otherClient, { webSockets: true });
    assert.equal((await overWebSockets.request('/test/ours/transport', '')).payload.toString(), 'ok');
  });
});
