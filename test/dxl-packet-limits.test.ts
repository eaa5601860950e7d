/**
 * Message size as the brokers count it: the OpenDXL broker disconnects a client whose packet's
 * remaining length (2 + topic bytes + DXL envelope) exceeds 1 MiB. Our client refuses such a
 * message before writing anything, on the fabric and on Mosquitto with the same limit, and keeps
 * its connection; a message exactly at the limit still goes through.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DxlClient } from '../src/dxl/client';
import { MessageType, emptyMessage } from '../src/dxl/message';
import { encodeMessage } from '../src/dxl/envelope';
import type { ConnectionState } from '../src/dxl/connection-state';
import { DxlErrorCode } from '../src/dxl/errors';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../src/dxl/packet-limits';
import { startFabric } from '../src/fabric';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../test-kit/mosquitto';
import { ourClient } from './support/our-client';

const LIMIT = DEFAULT_MAX_MESSAGE_BYTES;
const LONG_TOPIC = `/test/limits/${'t'.repeat(2000)}`;

/** The size of the event envelope our client builds for a payload of `payloadBytes` (message id fixed in length). */
function eventEnvelopeBytes(payloadBytes: number): number {
  const message = emptyMessage(MessageType.Event, LONG_TOPIC);
  message.messageId = '{00000000-0000-0000-0000-000000000000}';
  message.payload = Buffer.alloc(payloadBytes);
  return encodeMessage(message).length;
}

/** A payload whose event on LONG_TOPIC makes a PUBLISH of exactly `remainingLength` bytes. */
function eventPayloadFor(remainingLength: number): Buffer {
  const trial = 512 * 1024;
  const overhead = eventEnvelopeBytes(trial) - trial;
  return Buffer.alloc(remainingLength - 2 - Buffer.byteLength(LONG_TOPIC) - overhead, 0x61);
}

interface Target {
  brokers: Array<{ host: string; port: number }>;
  pem?: { ca: string; cert: string; key: string };
  stop(): Promise<void>;
}

const targets: Record<string, (context: Mocha.Context) => Promise<Target>> = {
  fabric: async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-limits-fabric-'));
    const fabric = await startFabric({ port: 0, dataDir, simulator: false });
    const read = (file: string): string => fs.readFileSync(file, 'utf8');
    return {
      brokers: [{ host: fabric.host, port: fabric.port }],
      pem: { ca: read(fabric.files.caCert), cert: read(fabric.files.clientCert), key: read(fabric.files.clientKey) },
      stop: async () => {
        await fabric.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
  // Mosquitto 2.0 counts a packet's first byte beside its remaining length against max_packet_size.
  mosquitto: async (context) => {
    const broker: MosquittoBroker = await startMosquitto(requireMosquitto(context), { maxPacketSize: LIMIT + 1 });
    return { brokers: [broker], stop: () => broker.stop() };
  },
};

for (const [name, start] of Object.entries(targets)) {
  describe(`message size limits on ${name === 'fabric' ? 'the fabric' : 'Mosquitto with max_packet_size'}`, function () {
    this.timeout(30_000);
    let target: Target;
    let client: DxlClient;
    const states: ConnectionState[] = [];

    before(async function () {
      target = await start(this);
      client = ourClient(target.brokers, { ...(target.pem ?? {}), registrationTimeoutMs: 300 });
      await client.connect({ timeoutMs: 10_000 });
      client.onStateChange((state) => states.push(state));
    });
    after(async () => {
      await client?.close();
      await target?.stop();
    });

    it('refuses an event and a request whose packet is over the limit though the envelope is under 1 MiB, and stays connected', async () => {
      const payload = eventPayloadFor(LIMIT + 1);
      assert.ok(eventEnvelopeBytes(payload.length) < LIMIT, 'the envelope alone is within the limit');
      const refused = { code: DxlErrorCode.InvalidArgument, message: /is \d+ bytes: over the 1048576 bytes a DXL broker accepts$/ };
      await assert.rejects(client.sendEvent(LONG_TOPIC, payload), refused);
      await assert.rejects(client.request(LONG_TOPIC, payload, { timeoutMs: 2000 }), refused);
      assert.equal(client.connected, true);
    });

    it('sends an event of exactly the limit, and keeps answering requests', async () => {
      let onEvent: (bytes: number) => void = () => undefined;
      const received = new Promise<number>((resolve) => (onEvent = resolve));
      await client.subscribe(LONG_TOPIC, (message) => onEvent(message.payload.length));
      const payload = eventPayloadFor(LIMIT);
      await client.sendEvent(LONG_TOPIC, payload);
      assert.equal(await received, payload.length);

      await client.registerService({
        serviceType: '/test/limits',
        topics: { '/test/limits/echo': (request) => client.sendResponse(request, request.payload) },
      });
      assert.equal((await client.request('/test/limits/echo', 'still here', { timeoutMs: 5000 })).payload.toString(), 'still here');
      assert.deepEqual(
        states.filter((state) => state.status !== 'connected'),
        [],
        'the connection never dropped',
      );
    });
  });
}
