import assert from 'node:assert/strict';
import tls from 'node:tls';
import { MqttConnection } from '../src/dxl/mqtt/connection';
import { MalformedPacketError, PacketReader } from '../src/dxl/mqtt/packet-reader';
import { connectPacket, publishHeader, subscribePacket, unsubscribePacket } from '../src/dxl/mqtt/packets';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../test-kit/mosquitto';
import { testPki } from '../test-kit/pki-fixture';

interface Packet {
  firstByte: number;
  body: Buffer;
}

function readAll(chunks: readonly Buffer[]): Packet[] {
  const packets: Packet[] = [];
  const reader = new PacketReader((firstByte, data, start, end) => packets.push({ firstByte, body: Buffer.from(data.subarray(start, end)) }));
  for (const chunk of chunks) reader.push(chunk);
  return packets;
}

function publishPacket(topic: string, payload: Buffer): Buffer {
  return Buffer.concat([publishHeader(topic, payload.length), payload]);
}

/** Splits `bytes` into chunks of the given sizes, cycling through them. */
function chop(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = sizes[index % sizes.length]!;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

describe('MQTT framing', () => {
  it('CONNECT is byte for byte what MQTT 3.1.1 and 3.1 specify: clean session, keepalive, client id', () => {
    assert.deepEqual(
      connectPacket({ clientId: 'ab', protocolVersion: 4, keepaliveSec: 60 }),
      Buffer.from([0x10, 14, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 2, 0x61, 0x62]),
    );
    assert.deepEqual(
      connectPacket({ clientId: 'ab', protocolVersion: 3, keepaliveSec: 300 }),
      Buffer.from([0x10, 16, 0, 6, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70, 3, 0x02, 1, 44, 0, 2, 0x61, 0x62]),
    );
  });

  it('SUBSCRIBE asks QoS 0 per topic; UNSUBSCRIBE lists the topics; both carry the packet id and flags 0010', () => {
    assert.deepEqual(subscribePacket(0x1234, ['a', 'bc']), Buffer.from([0x82, 11, 0x12, 0x34, 0, 1, 0x61, 0, 0, 2, 0x62, 0x63, 0]));
    assert.deepEqual(unsubscribePacket(7, ['a']), Buffer.from([0xa2, 5, 0, 7, 0, 1, 0x61]));
  });

  it('PUBLISH encodes the remaining length in 1 to 4 bytes at each boundary', () => {
    const cases: Array<[number, number[]]> = [
      [127 - 3, [0x7f]],
      [128 - 3, [0x80, 0x01]],
      [16_383 - 3, [0xff, 0x7f]],
      [16_384 - 3, [0x80, 0x80, 0x01]],
      [2_097_152 - 3, [0x80, 0x80, 0x80, 0x01]],
    ];
    for (const [payloadLength, lengthBytes] of cases) {
      const header = publishHeader('t', payloadLength);
      assert.deepEqual([...header.subarray(1, 1 + lengthBytes.length)], lengthBytes, `payload ${payloadLength}`);
      assert.equal(header.length, 1 + lengthBytes.length + 3);
    }
  });

  it('a topic with non-ASCII characters counts UTF-8 bytes, not characters', () => {
    const packet = publishPacket('/é/ü', Buffer.from('x'));
    assert.equal(packet.readUInt16BE(2), Buffer.byteLength('/é/ü'));
    const [decoded] = readAll([packet]);
    assert.equal(decoded!.body.toString('utf8', 2, 2 + packet.readUInt16BE(2)), '/é/ü');
  });

  it('reads the same packets however the stream is cut, from one byte per chunk to all in one', () => {
    const payloads = [0, 1, 120, 130, 16_000, 16_400, 70_000].map((size, index) => Buffer.alloc(size, index + 1));
    const stream = Buffer.concat(payloads.map((payload, index) => publishPacket(`/topic/${index}`, payload)));
    const expected = readAll([stream]);
    assert.equal(expected.length, payloads.length);
    expected.forEach((packet, index) => {
      assert.equal(packet.firstByte, 0x30);
      assert.deepEqual(packet.body.subarray(2 + packet.body.readUInt16BE(0)), payloads[index]);
    });
    for (const sizes of [[1], [2, 3], [5], [1000], [16_384, 7], [stream.length]]) {
      assert.deepEqual(readAll(chop(stream, sizes)), expected, `chunks of ${sizes.join('/')}`);
    }
  });

  it('refuses a remaining length longer than four bytes', () => {
    assert.throws(() => readAll([Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]), MalformedPacketError);
  });
});

/** A TLS server playing a broker that misbehaves as each test scripts it. */
async function scriptedBroker(onPacket: (socket: tls.TLSSocket, packet: Packet) => void): Promise<{ port: number; close(): void; received: Packet[] }> {
  const pki = testPki();
  const received: Packet[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: pki.broker.keyPem, cert: pki.broker.certPem, ca: pki.ca.certPem, requestCert: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const reader = new PacketReader((firstByte, data, start, end) => {
      const packet = { firstByte, body: Buffer.from(data.subarray(start, end)) };
      received.push(packet);
      onPacket(socket, packet);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    received,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function openTo(port: number, options: { keepaliveSec?: number; connectTimeoutMs?: number } = {}): MqttConnection {
  const pki = testPki();
  const socket = tls.connect({ host: '127.0.0.1', port, ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem, checkServerIdentity: () => undefined });
  const settings = { clientId: 'mqtt-test', protocolVersion: 4, keepaliveSec: options.keepaliveSec ?? 60, connectTimeoutMs: options.connectTimeoutMs ?? 5000 } as const;
  return new MqttConnection(socket, settings, connectPacket(settings));
}

/** The first error the connection reports before it closes. */
function failure(connection: MqttConnection): Promise<Error & { code?: string }> {
  return new Promise((resolve, reject) => {
    let error: Error | undefined;
    connection.on('error', (reported: Error) => (error ??= reported));
    connection.on('close', () => (error ? resolve(error) : reject(new Error('closed without an error'))));
  });
}

const CONNACK_OK = Buffer.from([0x20, 2, 0, 0]);

describe('MqttConnection against scripted brokers', function () {
  this.timeout(10_000);
  const closers: Array<() => void> = [];
  afterEach(() => {
    while (closers.length) closers.pop()!();
  });

  it('reports a refused CONNECT with the broker\'s reason and a stable code', async () => {
    const broker = await scriptedBroker((socket) => socket.write(Buffer.from([0x20, 2, 0, 5])));
    closers.push(broker.close);
    const error = await failure(openTo(broker.port));
    assert.equal(error.code, 'CONNECTION_REFUSED');
    assert.match(error.message, /not authorized/);
  });

  it('gives up with CONNECT_TIMEOUT when no CONNACK comes', async () => {
    const broker = await scriptedBroker(() => undefined);
    closers.push(broker.close);
    const started = Date.now();
    const error = await failure(openTo(broker.port, { connectTimeoutMs: 300 }));
    assert.equal(error.code, 'CONNECT_TIMEOUT');
    assert.ok(Date.now() - started < 3000);
  });

  it('acknowledges QoS 1 and 2 deliveries and passes their payloads on', async () => {
    const broker = await scriptedBroker((socket, packet) => {
      if (packet.firstByte >> 4 === 1) {
        socket.write(CONNACK_OK);
        // QoS 1, id 9, topic "q1", payload "one"; QoS 2, id 10, topic "q2", payload "two"
        socket.write(Buffer.from([0x32, 9, 0, 2, 0x71, 0x31, 0, 9, 0x6f, 0x6e, 0x65]));
        socket.write(Buffer.from([0x34, 9, 0, 2, 0x71, 0x32, 0, 10, 0x74, 0x77, 0x6f]));
      }
      if (packet.firstByte >> 4 === 5) socket.write(Buffer.from([0x62, 2, 0, 10])); // PUBREL for PUBREC
    });
    closers.push(broker.close);
    const connection = openTo(broker.port);
    closers.push(() => connection.end(true));
    const messages: string[] = [];
    connection.onMessage = (topic, payload) => messages.push(`${topic}=${payload.toString()}`);
    const deadline = Date.now() + 5000;
    while (!broker.received.some((packet) => packet.firstByte >> 4 === 7) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(messages, ['q1=one', 'q2=two']);
    const answers = broker.received.filter((packet) => packet.firstByte >> 4 !== 1).map((packet) => [packet.firstByte, ...packet.body]);
    assert.deepEqual(answers, [
      [0x40, 0, 9],
      [0x50, 0, 10],
      [0x70, 0, 10],
    ]);
  });

  it('closes with KEEPALIVE_TIMEOUT when the broker stops answering, instead of hanging', async () => {
    const broker = await scriptedBroker((socket, packet) => {
      if (packet.firstByte >> 4 === 1) socket.write(CONNACK_OK);
    });
    closers.push(broker.close);
    const connection = openTo(broker.port, { keepaliveSec: 1 });
    const started = Date.now();
    const error = await failure(connection);
    assert.equal(error.code, 'KEEPALIVE_TIMEOUT');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1900 && elapsed < 4000, `closed after ${elapsed} ms`);
    assert.ok(broker.received.some((packet) => packet.firstByte === 0xc0), 'a PINGREQ was sent');
  });

  it('ends gracefully without waiting for the broker to hang up, and sends nothing after DISCONNECT', async () => {
    const broker = await scriptedBroker((socket, packet) => {
      if (packet.firstByte >> 4 === 1) socket.write(CONNACK_OK);
    });
    closers.push(broker.close);
    const connection = openTo(broker.port, { keepaliveSec: 1 });
    await new Promise((resolve) => connection.once('connect', resolve));
    const errors: Error[] = [];
    connection.on('error', (error: Error) => errors.push(error));
    const started = Date.now();
    await new Promise<void>((resolve) => connection.end(false, resolve));
    assert.ok(Date.now() - started < 500, `ended after ${Date.now() - started} ms`);
    connection.publish('/after', Buffer.from('x'));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.deepEqual(errors, []);
    assert.equal(broker.received.at(-1)!.firstByte, 0xe0, 'DISCONNECT was the last packet');
  });

  it('drops the connection on a packet too short for its type, and handles nothing after it', async () => {
    const broker = await scriptedBroker((socket, packet) => {
      if (packet.firstByte >> 4 !== 1) return;
      // CONNACK, a SUBACK with no return code, then a valid PUBLISH in the same write
      socket.write(Buffer.concat([CONNACK_OK, Buffer.from([0x90, 2, 0, 1]), publishPacket('/late', Buffer.from('x'))]));
    });
    closers.push(broker.close);
    const connection = openTo(broker.port);
    const messages: string[] = [];
    connection.onMessage = (topic) => messages.push(topic);
    const error = await failure(connection);
    assert.equal(error.code, 'MQTT_MALFORMED_PACKET');
    assert.deepEqual(messages, []);
  });

  it('fails a subscription the broker refuses (SUBACK 0x80)', async () => {
    const broker = await scriptedBroker((socket, packet) => {
      if (packet.firstByte >> 4 === 1) socket.write(CONNACK_OK);
      if (packet.firstByte >> 4 === 8) socket.write(Buffer.from([0x90, 3, packet.body[0]!, packet.body[1]!, 0x80]));
    });
    closers.push(broker.close);
    const connection = openTo(broker.port);
    closers.push(() => connection.end(true));
    await new Promise((resolve) => connection.once('connect', resolve));
    const error = await new Promise<Error | undefined>((resolve) => connection.subscribe(['/refused'], resolve));
    assert.equal((error as Error & { code?: string } | undefined)?.code, 'SUBSCRIBE_REFUSED');
  });
});

describe('MqttConnection with Mosquitto over TLS', function () {
  this.timeout(20_000);
  let broker: MosquittoBroker;
  before(async function () {
    broker = await startMosquitto(requireMosquitto(this));
  });
  after(async () => broker?.stop());

  it('sends a burst of 20,000 publishes written in one turn and gets each back, in order and intact', async () => {
    const connection = openTo(broker.port);
    await new Promise((resolve) => connection.once('connect', resolve));
    const received: Buffer[] = [];
    connection.onMessage = (_topic, payload) => received.push(Buffer.from(payload));
    const subscribed = await new Promise<Error | undefined>((resolve) => connection.subscribe(['/burst/#'], resolve));
    assert.equal(subscribed, undefined);
    const payloads = Array.from({ length: 20_000 }, (_, index) => Buffer.from(`${index}:${'x'.repeat(index % 300)}`));
    for (const payload of payloads) connection.publish('/burst/one', payload);
    const deadline = Date.now() + 10_000;
    while (received.length < payloads.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(received, payloads);

    const unsubscribed = await new Promise<Error | undefined>((resolve) => connection.unsubscribe(['/burst/#'], resolve));
    assert.equal(unsubscribed, undefined);
    connection.publish('/burst/one', Buffer.from('after'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(received.length, payloads.length);
    await new Promise<void>((resolve) => connection.end(false, resolve));
    assert.equal(connection.connected, false);
  });
});
