import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import { MessageType, emptyMessage, encodeMessage } from '../src/dxl/message';
import { type RunningFabric, startFabric } from '../src/fabric';
import {
  type OfficialClient,
  closeOfficialClient,
  connectOfficialClient,
  officialEvent,
  officialRequest,
  payloadText,
  registerOfficialService,
  subscribeOfficial,
} from './support/official-client';
import { eventually } from './support/our-client';
import { testPki } from '../test-kit/pki-fixture';

const MIB = 1024 * 1024;

/** An MQTT 3.1.1 CONNECT with a clean session. */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([
    Buffer.from([0x00, 0x04]),
    Buffer.from('MQTT'),
    Buffer.from([0x04, 0x02, 0x00, 0x3c, id.length >> 8, id.length & 0xff]),
    id,
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

/**
 * Opens TLS with the given client material and sends CONNECT: resolves 'connack' when
 * the broker accepts, or 'refused' when the connection ends without a CONNACK.
 */
function tryConnect(port: number, material: { ca: string; cert?: string; key?: string }): Promise<'connack' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...material, checkServerIdentity: () => undefined });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('neither a CONNACK nor a refusal within 5 s'));
    }, 5000);
    const settle = (outcome: 'connack' | 'refused'): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('secureConnect', () => socket.write(connectPacket('security-probe')));
    let received = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length >= 4) settle(received[0] === 0x20 && received[3] === 0 ? 'connack' : 'refused');
    });
    socket.on('error', () => settle('refused'));
    socket.on('close', () => settle('refused'));
  });
}

describe('fabric security and robustness', function () {
  this.timeout(30_000);
  let fabric: RunningFabric;
  let dataDir: string;
  let caPem: string;
  const clients: OfficialClient[] = [];
  const logLines: string[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-security-'));
    fabric = await startFabric({ port: 0, dataDir, simulator: false, management: { port: 0 }, log: (line) => logLines.push(line) });
    caPem = fs.readFileSync(fabric.files.caCert, 'utf8');
  });
  after(async () => {
    await fabric?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeOfficialClient));
  });

  const connect = async (): Promise<OfficialClient> => {
    const client = await connectOfficialClient(
      { caFile: fabric.files.caCert, certFile: fabric.files.clientCert, keyFile: fabric.files.clientKey },
      { host: '127.0.0.1', port: fabric.port },
    );
    clients.push(client);
    return client;
  };

  /** A bare mqtt.js client (it sends what our client refuses): does `send`, resolves once the fabric closed the connection. */
  const sendAndBeDisconnected = async (send: (client: MqttClient) => void): Promise<void> => {
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${fabric.port}`, {
      ca: caPem,
      cert: fs.readFileSync(fabric.files.clientCert),
      key: fs.readFileSync(fabric.files.clientKey),
      rejectUnauthorized: true,
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    try {
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      send(client);
      await closed;
    } finally {
      client.end(true);
    }
  };

  it('accepts a client certificate issued by the fabric CA', async () => {
    const material = {
      ca: caPem,
      cert: fs.readFileSync(fabric.files.clientCert, 'utf8'),
      key: fs.readFileSync(fabric.files.clientKey, 'utf8'),
    };
    assert.equal(await tryConnect(fabric.port, material), 'connack');
  });

  it('refuses a client without a certificate', async () => {
    assert.equal(await tryConnect(fabric.port, { ca: caPem }), 'refused');
  });

  it('refuses a client whose certificate comes from another CA', async () => {
    const foreign = testPki().foreignClient;
    assert.equal(await tryConnect(fabric.port, { ca: caPem, cert: foreign.certPem, key: foreign.keyPem }), 'refused');
    // Also a well-formed certificate of a CA the fabric does not trust.
    const other = testPki().client;
    assert.equal(await tryConnect(fabric.port, { ca: caPem, cert: other.certPem, key: other.keyPem }), 'refused');
  });

  it('disconnects a client whose packet is over 1 MiB with the topic counted, logs it once, and leaves everyone else alone', async () => {
    await registerOfficialService(await connect(), '/test/robust', {
      '/test/robust/echo': (request) => `echo ${payloadText(request).length}`,
    });
    const received: number[] = [];
    await subscribeOfficial(await connect(), '/test/robust/events', (event) => received.push(payloadText(event).length));
    // The payload alone is under the limit; with its 2 length bytes and its topic the packet is not.
    const topic = '/test/robust/oversized';
    await sendAndBeDisconnected((client) => client.publish(topic, Buffer.alloc(MIB - 2 - topic.length + 1), { qos: 0 }));
    const disconnects = logLines.filter((line) =>
      /disconnected .*: an MQTT packet of type 3 and 1048577 bytes exceeds the limit of 1048576/.test(line),
    );
    assert.equal(disconnects.length, 1, logLines.join('\n'));

    // Everyone else is still connected, and the service still answers.
    const other = await connect();
    officialEvent(other, '/test/robust/events', 'small');
    await eventually(() => received.length === 1, 'the small event', 10_000);
    assert.deepEqual(received, [5]);
    assert.equal(payloadText(await officialRequest(other, '/test/robust/echo', 'z')), 'echo 1');
  });

  it('disconnects a client that sends an oversized QoS 1 message, and only that client', async () => {
    await registerOfficialService(await connect(), '/test/robust-qos', { '/test/robust/qos': () => 'still here' });
    await sendAndBeDisconnected((client) => client.publish('/test/robust/qos1', Buffer.alloc(2 * MIB), { qos: 1 }, () => undefined));
    const requester = await connect();
    assert.equal(payloadText(await officialRequest(requester, '/test/robust/qos', '')), 'still here');
  });

  it('shows a management user name with a newline on its one log line, escaped, so that it cannot forge a line', async () => {
    // A basic-auth user name holds no colon: the forged line does without.
    const forged = '2030-01-01 management signed a client certificate for CN=forged';
    const user = `intruder\r\n${forged}\u2028\\n`;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = https.get(
        `${fabric.management!.url}/remote/DxlClientMgmt.createClientCaBundle`,
        { ca: caPem, auth: `${user}:wrong`, checkServerIdentity: () => undefined },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    assert.equal(status, 401);
    const refused = logLines.filter((line) => line.startsWith('management: refused'));
    assert.deepEqual(refused, [`management: refused user "intruder\\r\\n${forged}\\u2028\\\\n" (HTTP 401)`]);
    assert.ok(
      logLines.every((line) => !/[\r\n\u2028]/.test(line)),
      'no log line holds a line break',
    );
    assert.equal(logLines.filter((line) => line.startsWith(forged)).length, 0);
  });

  it("keeps a client's wildcard topics its own trouble: its publish costs only its connection, and a request with a wildcard reply topic reaches no service", async () => {
    let requests = 0;
    await registerOfficialService(await connect(), '/test/wildcards', {
      '/test/wildcards/echo': () => {
        requests++;
        return 'still here';
      },
    });
    await sendAndBeDisconnected((client) => client.publish('/test/wildcards/#', 'to every topic', { qos: 0 }));
    // A service answering on '#' would be disconnected by the broker in turn: the fabric drops the request.
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${fabric.port}`, {
      ca: caPem,
      cert: fs.readFileSync(fabric.files.clientCert),
      key: fs.readFileSync(fabric.files.clientKey),
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    try {
      const answers: Buffer[] = [];
      client.on('message', (_topic, payload) => answers.push(payload));
      await client.subscribeAsync('/test/wildcards/reply', { qos: 0 });
      for (const replyToTopic of ['#', '/mcafee/client/+', '/test/wildcards/reply']) {
        const request = {
          ...emptyMessage(MessageType.Request, '/test/wildcards/echo'),
          messageId: `{wildcard-${replyToTopic}}`,
          replyToTopic,
        };
        await client.publishAsync('/test/wildcards/echo', encodeMessage(request), { qos: 0 });
      }
      // One connection's requests reach the service in order: once the last is answered, the first two were dropped.
      await eventually(() => answers.length === 1, 'the answer to the well-formed request', 10_000);
      assert.equal(requests, 1, 'only the well-formed request reached the service');
      assert.equal(client.connected, true, 'the sender of those requests keeps its connection');
    } finally {
      await client.endAsync(true);
    }
  });
});
