import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import { loadDxlConfig } from '../src/dxl/config';
import { DxlErrorCode } from '../src/dxl/errors';
import { type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { encodeMessage } from '../src/dxl/envelope';
import { openConnection } from '../src/dxl/transport';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../test-kit/mosquitto';
import { ourClient } from './support/our-client';
import { eventually } from './support/eventually';
import {
  type OfficialClient,
  closeOfficialClient,
  connectOfficialClient,
  officialEvent,
  officialRequest,
  payloadText,
  serveOfficialOnPlainMqtt,
  subscribeOfficial,
} from './support/official-client';
import { testPki } from '../test-kit/pki-fixture';

describe('DxlClient with Mosquitto over mutual TLS', function () {
  this.timeout(20_000);
  let broker: MosquittoBroker;
  let binary: string;
  const cleanups: Array<() => Promise<void> | void> = [];

  before(async function () {
    binary = requireMosquitto(this);
    broker = await startMosquitto(binary);
  });
  after(async () => broker?.stop());
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  const ours = async (options: Parameters<typeof ourClient>[1] = {}): Promise<DxlClient> => {
    const client = ourClient([broker], options);
    cleanups.push(() => client.close());
    await client.connect({ timeoutMs: 5000 });
    return client;
  };
  const theirs = async (): Promise<OfficialClient> => {
    const { files } = testPki();
    const client = await connectOfficialClient({ caFile: files.caCert, certFile: files.clientCert, keyFile: files.clientKey }, broker);
    cleanups.push(() => closeOfficialClient(client));
    return client;
  };

  it('subscribes to its reply topic and reports the broker it is connected to', async () => {
    const client = await ours();
    assert.equal(client.connectionState.status, 'connected');
    assert.equal(client.connectionState.broker, `127.0.0.1:${broker.port}`);
    assert.match(client.replyTopic, /^\/mcafee\/client\/\{[0-9a-f-]{36}\}$/);
  });

  it('gets its answer from a service of the official client', async () => {
    const official = await theirs();
    await serveOfficialOnPlainMqtt(official, '/test/official-service', {
      '/test/official/echo': (request) => `echo:${payloadText(request)}`,
    });

    const client = await ours();
    const response = await client.request('/test/official/echo', 'hello', { timeoutMs: 3000 });
    assert.equal(response.payload.toString(), 'echo:hello');
    assert.equal(response.destinationTopic, client.replyTopic);
  });

  it('answers requests of the official client from its own service', async () => {
    const client = await ours({ registrationTimeoutMs: 300 });
    const seen: DxlMessage[] = [];
    const registration = await client.registerService({
      serviceType: '/test/our-service',
      topics: {
        '/test/ours/upper': (request) => {
          seen.push(request);
          client.sendResponse(request, request.payload.toString().toUpperCase());
        },
      },
    });
    assert.equal(registration.acknowledged, false, 'plain Mosquitto does not answer the registry');

    const official = await theirs();
    const response = await officialRequest(official, '/test/ours/upper', 'quiet');
    assert.equal(payloadText(response), 'QUIET');
    assert.equal(seen.length, 1);
    assert.match(seen[0].replyToTopic, /^\/mcafee\/client\//);
    await registration.unregister();
    assert.equal(client.subscriptionCount, 0);
  });

  it('exchanges events with the official client both ways, wildcards included', async () => {
    const client = await ours();
    const official = await theirs();

    const received: string[] = [];
    const unsubscribe = await client.subscribe('/test/events/#', (event) =>
      received.push(`${event.destinationTopic}=${event.payload.toString()}`),
    );
    officialEvent(official, '/test/events', 'parent: not matched by /test/events/#');
    officialEvent(official, '/test/events/a/b', 'deep');
    await eventually(() => received.length >= 1, 'our wildcard subscription to see the event');
    assert.deepEqual(received, ['/test/events/a/b=deep']);

    const theirsReceived: string[] = [];
    await subscribeOfficial(official, '/test/back/#', (event) => theirsReceived.push(`${event.destinationTopic}=${payloadText(event)}`));
    await client.sendEvent('/test/back/x', 'from us');
    await eventually(() => theirsReceived.length === 1, 'the official client to see our event');
    assert.deepEqual(theirsReceived, ['/test/back/x=from us']);

    await unsubscribe();
    assert.equal(client.subscriptionCount, 0);
  });

  it('rejects with the error code and message of the service and message when it answers with an ErrorResponse', async () => {
    const client = await ours({ registrationTimeoutMs: 200 });
    await client.registerService({
      serviceType: '/test/failing',
      topics: { '/test/failing/op': (request) => client.sendErrorResponse(request, 9090, 'no such thing') },
    });
    await assert.rejects(client.request('/test/failing/op', 'x', { timeoutMs: 3000 }), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, DxlErrorCode.ErrorResponse);
      assert.equal(error.fabricCode, 9090);
      assert.equal(error.errorMessage, 'no such thing');
      assert.match(error.message, /^no such thing \(DXL error 0x2382 for \/test\/failing\/op\)$/);
      return true;
    });
  });

  it('rejects a request nobody serves with DXL_TIMEOUT at the configured time', async () => {
    const client = await ours();
    const started = Date.now();
    await assert.rejects(client.request('/test/nobody/home', 'x', { timeoutMs: 400 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, DxlErrorCode.Timeout);
      assert.match(error.message, /\/test\/nobody\/home within 400 ms/);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 390 && elapsed < 1500, `timed out after ${elapsed} ms`);
  });

  it('refuses to subscribe to a topic DXL cannot match (+, or # anywhere but a whole last level), and keeps working', async () => {
    const client = await ours({ registrationTimeoutMs: 300 });
    const refused = { code: DxlErrorCode.InvalidArgument, message: /Not a DXL subscribe topic/ };
    for (const topic of ['/test/a+b', '/test/+/more', '/test/#/more', '/test/x#']) {
      await assert.rejects(
        client.subscribe(topic, () => undefined),
        refused,
      );
      await assert.rejects(client.registerService({ serviceType: '/test/bad', topics: { [topic]: () => undefined } }), refused);
    }
    assert.equal(client.subscriptionCount, 0);
    let onEvent: (text: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => (onEvent = resolve));
    await client.subscribe('/test/wild/#', (message) => onEvent(message.payload.toString()));
    await client.sendEvent('/test/wild/card', 'still subscribed');
    assert.equal(await received, 'still subscribed');
    assert.equal(client.connected, true);
  });

  it('refuses a topic longer than MQTT can carry (65,535 UTF-8 bytes) with DXL_INVALID_ARGUMENT, and keeps working', async () => {
    const client = await ours();
    const tooLong = `/test/${'é'.repeat(32_765)}`; // 65,536 bytes in UTF-8
    const refused = (error: Error & { code?: string }): boolean => {
      assert.equal(error.code, DxlErrorCode.InvalidArgument);
      assert.match(error.message, /65536 bytes is longer than the 65535 bytes MQTT allows/);
      return true;
    };
    await assert.rejects(client.request(tooLong, 'x'), refused);
    await assert.rejects(client.sendEvent(tooLong, 'x'), refused);
    await assert.rejects(
      client.subscribe(tooLong, () => undefined),
      refused,
    );
    const longest = `/test/${'a'.repeat(0xffff - 6)}`;
    let onEvent: (text: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => (onEvent = resolve));
    await client.subscribe(longest, (message) => onEvent(message.payload.toString()));
    await client.sendEvent(longest, 'fits');
    assert.equal(await received, 'fits');
  });

  it('keeps serving when a request names a reply topic longer than MQTT carries: the response is dropped with a warning', async () => {
    const warnings: string[] = [];
    const service = await ours({ registrationTimeoutMs: 300, logger: { warn: (text) => warnings.push(text) } });
    await service.registerService({
      serviceType: '/test/long-reply',
      topics: { '/test/long-reply/echo': (request) => service.sendResponse(request, request.payload) },
    });
    const clientPem = testPki();
    const raw = await openConnection(
      { host: '127.0.0.1', port: broker.port },
      {
        clientId: 'long-reply-sender',
        ca: clientPem.ca.certPem,
        cert: clientPem.client.certPem,
        key: clientPem.client.keyPem,
        protocolVersion: 4,
        webSockets: false,
        checkHostName: false,
        keepaliveSec: 60,
        connectTimeoutMs: 5000,
      },
    ).accepted;
    cleanups.push(() => raw.end(true));
    const request = emptyMessage(MessageType.Request, '/test/long-reply/echo');
    request.messageId = '{long-reply}';
    request.replyToTopic = `/reply/${'r'.repeat(70_000)}`;
    request.payload = Buffer.from('x');
    raw.publish('/test/long-reply/echo', encodeMessage(request));
    await eventually(() => warnings.some((text) => /longer than the 65535 bytes MQTT allows/.test(text)), 'the dropped response warning');
    assert.equal(service.connected, true);
    const requester = await ours();
    assert.equal((await requester.request('/test/long-reply/echo', 'still')).payload.toString(), 'still');
  });

  it('refuses a keepalive MQTT cannot carry when the client is made', () => {
    for (const keepaliveSec of [-1, 1.5, 65_536]) {
      assert.throws(() => ourClient([broker], { keepaliveSec }), {
        code: DxlErrorCode.Config,
        message: /keepaliveSec must be a whole number from 0 to 65535 \(seconds\)/,
      });
    }
  });

  it('speaks MQTT 3.1 as the official client does', async () => {
    const client = await ours({ protocolVersion: 3 });
    const got = new Promise<string>((resolve) => void client.subscribe('/test/v31', (event) => resolve(event.payload.toString())));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.sendEvent('/test/v31', 'ok');
    assert.equal(await got, 'ok');
  });

  it('connects from a dxlclient.config file', async () => {
    const pki = testPki();
    const file = path.join(pki.dir, 'dxlclient.config');
    fs.writeFileSync(
      file,
      `[Certs]\nBrokerCertChain=ca.crt\nCertFile=client.crt\nPrivateKey=client.key\n\n[Brokers]\nlocal=local;${broker.port};127.0.0.1\n`,
    );
    const client = DxlClient.fromConfig(loadDxlConfig(file), { logger: { warn: () => undefined } });
    cleanups.push(() => client.close());
    await client.connect({ timeoutMs: 5000 });
    assert.equal(client.connected, true);
  });

  it('close() rejects pending requests with DXL_CLOSED and leaves no socket behind', async () => {
    const handlesBefore = process.getActiveResourcesInfo().filter((name) => name === 'TLSWrap' || name === 'TCPWrap').length;
    const client = ourClient([broker]);
    await client.connect({ timeoutMs: 5000 });
    const pending = assert.rejects(client.request('/test/never', 'x', { timeoutMs: 10_000 }), { code: DxlErrorCode.Closed });
    const started = Date.now();
    await client.close();
    assert.ok(Date.now() - started < 2000, 'close is bounded');
    await pending;
    await assert.rejects(client.request('/test/never', 'x'), { code: DxlErrorCode.Closed });
    assert.equal(client.connectionState.status, 'closed');
    await eventually(
      () => process.getActiveResourcesInfo().filter((name) => name === 'TLSWrap' || name === 'TCPWrap').length <= handlesBefore,
      'sockets to close',
    );
  });
});

describe('DxlClient TLS failures, failover and reconnection', function () {
  this.timeout(30_000);
  let binary: string;
  const cleanups: Array<() => Promise<void> | void> = [];
  before(function () {
    binary = requireMosquitto(this);
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  const broker = async (): Promise<MosquittoBroker> => {
    const started = await startMosquitto(binary);
    cleanups.push(() => started.stop());
    return started;
  };
  const client = (brokers: MosquittoBroker[], options: Parameters<typeof ourClient>[1] = {}): DxlClient => {
    const created = ourClient(brokers, options);
    cleanups.push(() => created.close());
    return created;
  };

  it('names an untrusted broker certificate and keeps retrying', async () => {
    const pki = testPki();
    const target = await broker();
    const wrongCa = client([target], { ca: pki.otherCa.certPem });
    await assert.rejects(wrongCa.connect({ timeoutMs: 1500 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, DxlErrorCode.Disconnected);
      assert.match(error.message, /TLS: broker certificate not trusted/);
      return true;
    });
    assert.match(
      wrongCa.connectionState.cause ?? '',
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/,
    );
    assert.notEqual(wrongCa.connectionState.status, 'closed');
  });

  it('names a client certificate the broker rejects', async () => {
    const pki = testPki();
    const target = await broker();
    const foreign = client([target], { cert: pki.foreignClient.certPem, key: pki.foreignClient.keyPem });
    await assert.rejects(foreign.connect({ timeoutMs: 1500 }), { code: DxlErrorCode.Disconnected });
    assert.match(foreign.connectionState.reason ?? '', /rejected our client certificate|connection reset/);
  });

  it('refuses to start without a key, saying which', () => {
    const pki = testPki();
    assert.throws(
      () => new DxlClient({ brokers: [{ host: '127.0.0.1', port: 1 }], ca: pki.ca.certPem, cert: pki.client.certPem, key: '' }),
      (error: Error & { code?: string }) => error.code === DxlErrorCode.Config && /TLS key is missing/.test(error.message),
    );
  });

  it('names a key that does not match the certificate', async () => {
    const pki = testPki();
    const target = await broker();
    const mismatched = client([target], { key: pki.foreignClient.keyPem });
    await assert.rejects(mismatched.connect({ timeoutMs: 1500 }), { code: DxlErrorCode.Disconnected });
    assert.match(mismatched.connectionState.reason ?? '', /private key does not match/);
  });

  it('fails over to the next broker when the one in use stops, and events flow again', async () => {
    const first = await broker();
    const second = await broker();
    const subscriber = client([first, second], { probeBrokers: false });
    const received: string[] = [];
    await subscriber.subscribe('/test/failover', (event) => received.push(event.payload.toString()));
    await subscriber.connect({ timeoutMs: 5000 });
    assert.equal(subscriber.connectionState.broker, `127.0.0.1:${first.port}`);

    await first.stop();
    await eventually(
      () => subscriber.connected && subscriber.connectionState.broker === `127.0.0.1:${second.port}`,
      'failover to the second broker',
    );

    const publisher = client([second]);
    await publisher.connect({ timeoutMs: 5000 });
    await publisher.sendEvent('/test/failover', 'after failover');
    await eventually(() => received.includes('after failover'), 'the event after failover');
  });

  it('recovers when its only broker comes back, and requests made meanwhile wait for it', async () => {
    const only = await broker();
    // Plain Mosquitto has no service registry: a request only reaches a service already
    // subscribed, so the requester retries more slowly than the responder.
    const requester = client([only], { reconnect: { initialDelayMs: 1500, maxDelayMs: 1500 } });
    const responder = client([only], { registrationTimeoutMs: 200 });
    await responder.registerService({
      serviceType: '/test/back',
      topics: { '/test/back/ping': (request) => responder.sendResponse(request, 'pong') },
    });
    await requester.connect({ timeoutMs: 5000 });
    await responder.connect({ timeoutMs: 5000 });
    assert.equal((await requester.request('/test/back/ping', '')).payload.toString(), 'pong');

    const states: string[] = [];
    requester.onStateChange((state) => states.push(state.status));
    await only.stop();
    await eventually(() => !requester.connected, 'the requester to notice');
    const whileDown = requester.request('/test/back/ping', '', { timeoutMs: 8000 });
    await only.restart();
    assert.equal((await whileDown).payload.toString(), 'pong');
    assert.ok(states.includes('reconnecting') && states.at(-1) === 'connected', states.join(','));
  });

  it('rejects a request still waiting for a connection with DXL_DISCONNECTED when its timeout passes', async () => {
    const target = await broker();
    await target.stop();
    const lonely = client([target]);
    await assert.rejects(lonely.request('/test/x', 'y', { timeoutMs: 500 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, DxlErrorCode.Disconnected);
      assert.match(error.message, /connection refused/);
      return true;
    });
  });
});
