/**
 * The MQTT session a DxlClient runs on each connection (mqtt.js on the stream transport.ts opens),
 * against brokers scripted to misbehave, and against Mosquitto. What users rely on: a refused
 * CONNECT and a missing CONNACK named with stable codes, a silent broker left after the keepalive,
 * a refused SUBSCRIBE as an error, a bounded graceful end, QoS 1/2 deliveries answered, the writes of
 * one event-loop turn sent as one TLS record, and a burst bigger than the socket takes (backpressure)
 * delivered whole and in order.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { ConnectionState } from '../src/dxl/connection-state';
import { DxlErrorCode } from '../src/dxl/errors';
import { generate } from 'mqtt-packet';
import { type MqttSession, SessionErrorCode, type TransportSettings, openConnection, publishPacket } from '../src/dxl/transport';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../test-kit/mosquitto';
import { eventually, ourClient } from './support/our-client';
import { testPki } from '../test-kit/pki-fixture';
import { type ScriptedBroker, scriptedBroker, willingBroker } from './support/scripted-broker';

function settings(overrides: Partial<TransportSettings> = {}): TransportSettings {
  const pki = testPki();
  return {
    clientId: 'session-test',
    ca: pki.ca.certPem,
    cert: pki.client.certPem,
    key: pki.client.keyPem,
    protocolVersion: 4,
    webSockets: false,
    checkHostName: false,
    keepaliveSec: 60,
    connectTimeoutMs: 5000,
    ...overrides,
  };
}

function open(broker: { host: string; port: number }, overrides: Partial<TransportSettings> = {}): Promise<MqttSession> {
  return openConnection({ host: broker.host, port: broker.port }, settings(overrides)).accepted;
}

/** The error that ended a session, once it closed. */
function ending(session: MqttSession): Promise<Error & { code?: string }> {
  return new Promise((resolve, reject) => {
    let error: Error | undefined;
    session.listen({
      message: () => undefined,
      error: (reported) => (error ??= reported),
      close: () => (error ? resolve(error) : reject(new Error('closed without an error'))),
    });
  });
}

describe('MQTT session against scripted brokers', function () {
  this.timeout(15_000);
  const brokers: ScriptedBroker[] = [];
  const sessions: MqttSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.end(true)));
    for (const broker of brokers.splice(0)) broker.close();
  });
  const start = async (script: Parameters<typeof scriptedBroker>[0]): Promise<ScriptedBroker> => {
    const broker = await scriptedBroker(script);
    brokers.push(broker);
    return broker;
  };

  it('sends CONNECT with a clean session, the keepalive and the client id, as MQTT 3.1.1 or 3.1', async () => {
    const broker = await start(willingBroker());
    sessions.push(await open(broker, { keepaliveSec: 300 }), await open(broker, { protocolVersion: 3, clientId: 'v31' }));
    const connects = broker.received.filter((packet) => packet.cmd === 'connect');
    assert.deepEqual(
      connects.map(
        (packet) =>
          packet.cmd === 'connect' && [packet.protocolId, packet.protocolVersion, packet.clean, packet.keepalive, packet.clientId],
      ),
      [
        ['MQTT', 4, true, 300, 'session-test'],
        ['MQIsdp', 3, true, 60, 'v31'],
      ],
    );
  });

  it("reports a refused CONNECT with the broker's reason and a stable code", async () => {
    const broker = await start({
      onPacket: (packet, send) => packet.cmd === 'connect' && send({ cmd: 'connack', returnCode: 5, sessionPresent: false }),
    });
    await assert.rejects(open(broker), {
      code: SessionErrorCode.ConnectionRefused,
      message: /refused the MQTT connection: not authorized/,
    });

    const client = ourClient([broker], { probeBrokers: false });
    try {
      await assert.rejects(client.connect({ timeoutMs: 1000 }), { code: DxlErrorCode.Disconnected, message: /not authorized/ });
      assert.equal(client.connectionState.cause, SessionErrorCode.ConnectionRefused);
    } finally {
      await client.close();
    }
  });

  it('gives up with CONNECT_TIMEOUT when no CONNACK comes', async () => {
    const broker = await start({ onPacket: () => undefined });
    const started = Date.now();
    await assert.rejects(open(broker, { connectTimeoutMs: 300 }), { code: SessionErrorCode.ConnectTimeout });
    assert.ok(Date.now() - started < 3000, `gave up after ${Date.now() - started} ms`);
  });

  it('leaves a broker that stops answering after the keepalive (KEEPALIVE_TIMEOUT), having pinged it', async () => {
    const broker = await start({
      onPacket: (packet, send) => packet.cmd === 'connect' && send({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
    });
    const session = await open(broker, { keepaliveSec: 1 });
    const started = Date.now();
    const error = await ending(session);
    assert.equal(error.code, SessionErrorCode.KeepaliveTimeout);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 4000, `closed after ${elapsed} ms`);
    assert.ok(
      broker.received.some((packet) => packet.cmd === 'pingreq'),
      'a PINGREQ was sent',
    );
  });

  it('rejects a subscription the broker refuses (SUBACK 0x80) with SUBSCRIBE_REFUSED', async () => {
    const broker = await start({
      onPacket: (packet, send) => {
        if (packet.cmd === 'connect') send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
        if (packet.cmd === 'subscribe') send({ cmd: 'suback', messageId: packet.messageId, granted: [128] });
      },
    });
    const session = await open(broker);
    sessions.push(session);
    await assert.rejects(session.subscribe(['/refused']), { code: SessionErrorCode.SubscribeRefused });

    // A client whose subscriptions are refused on connect does not count as connected, and says why.
    const client = ourClient([broker], { probeBrokers: false });
    try {
      await assert.rejects(client.connect({ timeoutMs: 1000 }), { code: DxlErrorCode.Disconnected, message: /refused the subscription/ });
      assert.equal(client.connectionState.cause, SessionErrorCode.SubscribeRefused);
    } finally {
      await client.close();
    }
  });

  it('answers QoS 1 and 2 deliveries (PUBACK; PUBREC, then PUBCOMP for PUBREL) and passes their payloads on', async () => {
    let deliver: () => void = () => undefined;
    const broker = await start(
      willingBroker((packet, send) => {
        if (packet.cmd === 'subscribe') {
          deliver = () => {
            send({ cmd: 'publish', topic: 'q1', payload: Buffer.from('one'), qos: 1, messageId: 9, retain: false, dup: false });
            send({ cmd: 'publish', topic: 'q2', payload: Buffer.from('two'), qos: 2, messageId: 10, retain: false, dup: false });
          };
        }
        if (packet.cmd === 'pubrec') send({ cmd: 'pubrel', messageId: packet.messageId });
      }),
    );
    const session = await open(broker);
    sessions.push(session);
    const messages: string[] = [];
    session.listen({
      message: (topic, payload) => messages.push(`${topic}=${payload.toString()}`),
      error: () => undefined,
      close: () => undefined,
    });
    await session.subscribe(['q1', 'q2']);
    deliver();
    await eventually(() => broker.received.some((packet) => packet.cmd === 'pubcomp'), 'PUBCOMP');
    assert.deepEqual(messages, ['q1=one', 'q2=two']);
    const acks = broker.received.filter((packet) => ['puback', 'pubrec', 'pubcomp'].includes(packet.cmd));
    assert.deepEqual(
      acks.map((packet) => [packet.cmd, 'messageId' in packet ? packet.messageId : undefined]),
      [
        ['puback', 9],
        ['pubrec', 10],
        ['pubcomp', 10],
      ],
    );
  });

  it('ends gracefully within a bound even when the broker never hangs up or answers, DISCONNECT last', async () => {
    const broker = await start({
      onPacket: (packet, send) => packet.cmd === 'connect' && send({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
    });
    const session = await open(broker);
    const errors: Error[] = [];
    session.listen({ message: () => undefined, error: (error) => errors.push(error), close: () => undefined });
    const started = Date.now();
    await session.end(false);
    assert.ok(Date.now() - started < 1500, `ended after ${Date.now() - started} ms`);
    session.publish('/after', Buffer.from('x'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(errors, []);
    assert.equal(broker.received.at(-1)?.cmd, 'disconnect', 'DISCONNECT was the last packet');

    // With a subscription still unanswered, mqtt.js waits for it before DISCONNECT: the bound still holds.
    const waiting = await open(broker);
    void waiting.subscribe(['/never/acknowledged']).catch(() => undefined);
    const again = Date.now();
    await waiting.end(false);
    assert.ok(Date.now() - again < 2500, `ended after ${Date.now() - again} ms`);
  });

  it('ends the session on a packet MQTT does not allow, and passes nothing after it on', async () => {
    const broker = await start(
      willingBroker((packet, send) => {
        if (packet.cmd !== 'subscribe') return;
        // A PUBLISH with QoS 3, then a valid one.
        send(Buffer.concat([Buffer.from([0x36, 5, 0, 1, 0x61, 0, 1]), Buffer.from([0x30, 4, 0, 1, 0x62, 0x78])]));
      }),
    );
    const session = await open(broker);
    const messages: string[] = [];
    let error: (Error & { code?: string }) | undefined;
    const closed = new Promise<void>((resolve) =>
      session.listen({ message: (topic) => messages.push(topic), error: (reported) => (error ??= reported), close: resolve }),
    );
    await session.subscribe(['#']).catch(() => undefined);
    await closed;
    assert.equal(error?.code, SessionErrorCode.Protocol);
    assert.deepEqual(messages, []);
  });

  it('reports a reset of a connection that was up as a network reason, not as a certificate refusal', async () => {
    let reset: () => void = () => undefined;
    const broker = await start(willingBroker((packet, _send, link) => packet.cmd === 'subscribe' && (reset = link.reset)));
    const client = ourClient([broker], { probeBrokers: false });
    try {
      await client.connect({ timeoutMs: 5000 });
      // The client reconnects at once: the state it passes through is caught as it changes.
      const lost = new Promise<ConnectionState>((resolve) =>
        client.onStateChange((next) => next.status === 'reconnecting' && resolve(next)),
      );
      reset();
      const state = await lost;
      assert.equal(state.cause, 'ECONNRESET');
      assert.match(state.reason ?? '', /connection reset by the broker or the network/);
      assert.doesNotMatch(state.reason ?? '', /certificate/);
    } finally {
      await client.close();
    }
  });
  it('sends the publishes of one event-loop turn as one TLS record, even when each was made in a tick of its own', async () => {
    const broker = await start(willingBroker());
    const proxy = await recordCountingProxy(broker);
    try {
      const session = await open(proxy);
      sessions.push(session);
      await session.subscribe(['/ready']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = proxy.records();
      // As answers are handled, one per tick, each leading to a new request: 20 publishes, one per tick.
      let made = 0;
      const next = (): void => {
        session.publish('/burst', Buffer.from(`request ${made}`));
        if (++made < 20) process.nextTick(next);
      };
      next();
      await eventually(() => broker.received.filter((packet) => packet.cmd === 'publish').length === 20, 'the 20 publishes');
      assert.equal(proxy.records() - before, 1);
    } finally {
      proxy.close();
    }
  });
  it('writes a publish made in the same tick as a subscription after the SUBSCRIBE, as both were made', async () => {
    const broker = await start(willingBroker());
    const session = await open(broker);
    sessions.push(session);
    const subscribed = session.subscribe(['/answers']);
    session.publish('/question', Buffer.from('asked after subscribing'));
    await subscribed;
    await eventually(() => broker.received.some((packet) => packet.cmd === 'publish'), 'the publish');
    assert.deepEqual(
      broker.received.map((packet) => packet.cmd),
      ['connect', 'subscribe', 'publish'],
    );
  });

  it('frames a publish as mqtt-packet does, for every size of the remaining length and a topic in UTF-8', () => {
    // Remaining lengths 127 | 128, 16383 | 16384, 2097151 | 2097152: where the length takes one byte more.
    const topic = '/größe/ü';
    const overhead = 2 + Buffer.byteLength(topic);
    for (const remaining of [overhead, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const payload = Buffer.alloc(remaining - overhead, 0x5a);
      assert.deepEqual(publishPacket(topic, payload), generate({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false }));
    }
  });
});

/**
 * A TCP relay in front of a broker that counts the TLS application-data records the client sends
 * (record type 23, each with a 5-byte header giving its length).
 */
async function recordCountingProxy(target: { host: string; port: number }): Promise<{
  host: string;
  port: number;
  records(): number;
  close(): void;
}> {
  let records = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const length = pending.readUInt16BE(3);
        if (pending.length < 5 + length) break;
        if (pending[0] === 23) records++;
        pending = pending.subarray(5 + length);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    records: () => records,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('MQTT session with Mosquitto over TLS', function () {
  this.timeout(30_000);
  let broker: MosquittoBroker;
  before(async function () {
    broker = await startMosquitto(requireMosquitto(this));
  });
  after(async () => broker?.stop());

  it('sends a burst of 20,000 publishes made in one turn and gets each back, in order and intact', async () => {
    const session = await open(broker);
    const received: Buffer[] = [];
    session.listen({ message: (_topic, payload) => received.push(Buffer.from(payload)), error: () => undefined, close: () => undefined });
    await session.subscribe(['/burst/#']);
    const payloads = Array.from({ length: 20_000 }, (_, index) => Buffer.from(`${index}:${'x'.repeat(index % 300)}`));
    for (const payload of payloads) session.publish('/burst/one', payload);
    await eventually(() => received.length >= payloads.length, 'every message back', 20_000);
    assert.deepEqual(received, payloads);

    await session.unsubscribe(['/burst/#']);
    session.publish('/burst/one', Buffer.from('after'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(received.length, payloads.length);
    await session.end(false);
  });

  it('delivers publishes through the broker whatever the size of their remaining length', async () => {
    const session = await open(broker, { maxMessageBytes: 4 * 1024 * 1024 });
    const received: Buffer[] = [];
    session.listen({ message: (_topic, payload) => received.push(Buffer.from(payload)), error: () => undefined, close: () => undefined });
    await session.subscribe(['/größe/#']);
    const topic = '/größe/ü';
    const overhead = 2 + Buffer.byteLength(topic);
    const payloads = [127, 128, 16_383, 16_384, 2_097_151, 2_097_152].map((remaining) =>
      Buffer.alloc(remaining - overhead, remaining % 251),
    );
    for (const payload of payloads) session.publish(topic, payload);
    await eventually(() => received.length >= payloads.length, 'every message back', 20_000);
    assert.deepEqual(received, payloads);
    await session.end(false);
  });
});
