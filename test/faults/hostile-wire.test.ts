/**
 * Nothing from the wire can crash, exhaust or disconnect us (issue 30). Mosquitto without a size
 * cap (its default) carries what a hostile peer sends: 20 MB events, JSON nested 6,000 levels deep,
 * payloads that are not JSON, requests whose reply topic is a wildcard. Our client drops the
 * oversized ones by their MQTT header and stays connected; Node-RED flows see each bad message end
 * in one Catch, never die in Node-RED's recursive msg clone, and log floods once per interval.
 */
import assert from 'node:assert/strict';
import type { DxlClient } from '../../src/dxl/client';
import type { ConnectionState } from '../../src/dxl/connection-state';
import { DxlErrorCode } from '../../src/dxl/errors';
import { MAX_JSON_DEPTH } from '../../src/dxl/json-depth';
import { MessageType, emptyMessage, encodeMessage } from '../../src/dxl/message';
import { TieClient } from '../../src/tie/client';
import { TieErrorCode } from '../../src/tie/errors';
import { TieTopic } from '../../src/tie/topics';
import { type MosquittoBroker, mosquittoBinary, startMosquitto } from '../../test-kit/mosquitto';
import { testPki } from '../../test-kit/pki-fixture';
import { sharedConnection } from '../support/dxl-backends';
import {
  type FlowNode,
  type TestMessage,
  caughtError,
  catchAndComplete,
  collect,
  coreNode,
  eventually,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from '../support/node-red-helper';
import { ourClient } from '../support/our-client';
import { type Figures, recordFigures } from './support/figures';
import { type Outgoing, sendFromChild } from './support/hostile-sender';
import { type RawPublisher, rawPublisher } from './support/raw-mqtt';

const MB = 1024 * 1024;
const HUGE_BYTES = 20 * MB;
const HUGE_COUNT = 5;
const DEEP_LEVELS = 6000;

/** 12 KB of JSON nesting 6,000 levels: the event that ended Node-RED in the security review. */
const DEEP_JSON = '['.repeat(DEEP_LEVELS) + ']'.repeat(DEEP_LEVELS);

function eventBytes(topic: string, payload: Buffer | string): Buffer {
  const event = emptyMessage(MessageType.Event, topic);
  event.messageId = `{hostile-${Math.random().toString(16).slice(2)}}`;
  event.payload = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  return encodeMessage(event);
}

function requestBytes(topic: string, replyToTopic: string, payload: string): Buffer {
  const request = emptyMessage(MessageType.Request, topic);
  request.messageId = `{hostile-request-${Math.random().toString(16).slice(2)}}`;
  request.replyToTopic = replyToTopic;
  request.payload = Buffer.from(payload);
  return encodeMessage(request);
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / MB;
}

function statesOf(client: DxlClient): ConnectionState[] {
  const states: ConnectionState[] = [];
  client.onStateChange((state) => states.push(state));
  return states;
}

function dropped(states: ConnectionState[]): ConnectionState[] {
  return states.filter((state) => state.status !== 'connected');
}

describe('faults: a hostile wire (Mosquitto without a size cap)', function () {
  this.timeout(120_000);
  const figures: Figures = {};
  let broker: MosquittoBroker;
  let raw: RawPublisher;
  const pki = testPki();
  const pem = { ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem };

  before(async () => {
    const binary = mosquittoBinary();
    if (binary === undefined) throw new Error('mosquitto is not installed: the fault suite needs it');
    broker = await startMosquitto(binary);
    raw = await rawPublisher(broker, pem);
  });
  after(async () => {
    await raw?.close();
    await broker?.stop();
    recordFigures('hostile-wire', figures);
  });

  describe('our client', () => {
    const clients: DxlClient[] = [];
    afterEach(async () => {
      while (clients.length) await clients.pop()!.close();
    });

    function client(warnings: string[] = []): DxlClient {
      const made = ourClient([broker], { logger: { warn: (text) => warnings.push(text) } });
      clients.push(made);
      return made;
    }

    it('drops five 20 MB events by their MQTT header, unread: no handler sees them, the connection stays, later events arrive', async () => {
      const warnings: string[] = [];
      const ours = client(warnings);
      const received: number[] = [];
      await ours.subscribe('/hostile/size', (message) => received.push(message.payload.length));
      await ours.connect({ timeoutMs: 5000 });
      const states = statesOf(ours);
      const before = rssMb();
      let peak = before;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / MB)), 5);
      try {
        // Sent from another process: this one's memory then counts only what it receives.
        const events: Outgoing[] = [];
        for (let i = 0; i < HUGE_COUNT; i++)
          events.push({ topic: '/hostile/size', bytes: HUGE_BYTES }, { topic: '/hostile/size', text: `ordinary ${i}` });
        await sendFromChild({ broker: { host: broker.host, port: broker.port }, pem, events });
        await eventually(() => received.length === HUGE_COUNT, 'the ordinary events after the huge ones', 60_000);
      } finally {
        clearInterval(sample);
      }
      const after = rssMb();
      assert.deepEqual(received, Array<number>(HUGE_COUNT).fill(10), 'only the ordinary events reached the handler');
      assert.equal(ours.stats.refused.oversized, HUGE_COUNT);
      assert.deepEqual(dropped(states), [], 'no disconnection, no reconnection');
      assert.equal(ours.connected, true);
      assert.equal(warnings.filter((text) => /^refused \d+ received message/.test(text)).length, 1, warnings.join(' | '));
      assert.doesNotMatch(warnings.join('\n'), /aaaa/, 'nothing of the payload in the log');
      figures.hugeEventsSent = HUGE_COUNT;
      figures.hugeEventMb = HUGE_BYTES / MB;
      figures.rssGrowthMb = Math.round((after - before) * 10) / 10;
      figures.rssPeakGrowthMb = Math.round((peak - before) * 10) / 10;
      // Measured: 20 to 35 MB, the TLS layer's 16 KB reads awaiting collection; held whole, one 20 MB
      // event cost 77 MB at the peak (3 of them through a client with maxMessageBytes 100 MB).
      assert.ok(peak - before < 50, `peak RSS grew ${(peak - before).toFixed(1)} MB for ${HUGE_COUNT} × 20 MB received`);
    });

    it('refuses a 6,000-level TIE event with one TIE_INVALID_RESPONSE naming the bound, and delivers the next one', async () => {
      const ours = client();
      await ours.connect({ timeoutMs: 5000 });
      const tie = new TieClient(ours);
      const errors: Array<Error & { code?: string }> = [];
      const events: unknown[] = [];
      await tie.onFileDetection(
        (event) => events.push(event),
        (error) => errors.push(error),
      );
      await raw.publish(TieTopic.FILE_DETECTION_EVENT, eventBytes(TieTopic.FILE_DETECTION_EVENT, DEEP_JSON));
      await raw.publish(TieTopic.FILE_DETECTION_EVENT, eventBytes(TieTopic.FILE_DETECTION_EVENT, '{"name":"after.exe","hashes":[]}'));
      await eventually(() => events.length === 1 && errors.length === 1, 'the error and the next event');
      assert.equal(errors[0].code, TieErrorCode.InvalidResponse);
      assert.match(errors[0].message, new RegExp(`deeper than the ${MAX_JSON_DEPTH} levels`));
      assert.ok(errors[0].message.length < 300, 'the payload is not quoted');
    });

    it('serves no request whose reply topic is a wildcard: one warning with a count, the connection kept', async () => {
      const warnings: string[] = [];
      const service = client(warnings);
      const handled: string[] = [];
      await service.connect({ timeoutMs: 5000 });
      const states = statesOf(service);
      void service.registerService({
        serviceType: '/hostile/svc',
        topics: {
          '/hostile/svc/echo': (request) => {
            handled.push(request.replyToTopic);
            service.sendResponse(request, request.payload);
          },
        },
      });
      const requester = client();
      await eventually(() => service.subscriptionCount > 0, 'the service topic subscribed');
      await sleep(100);
      for (let i = 0; i < 50; i++) {
        await raw.publish('/hostile/svc/echo', requestBytes('/hostile/svc/echo', i % 2 === 0 ? '#' : '/a/+/b', '"x"'));
      }
      const answer = await requester.request('/hostile/svc/echo', 'still here', { timeoutMs: 5000 });
      assert.equal(answer.payload.toString(), 'still here');
      assert.deepEqual(handled, [requester.replyTopic], 'only the ordinary request reached the handler');
      assert.equal(service.stats.refused.unanswerable, 50);
      const said = warnings.filter((text) => /reply topic cannot be answered/.test(text));
      assert.equal(said.length, 1, said.join(' | '));
      assert.deepEqual(dropped(states), [], 'the shared connection was not dropped');
    });
  });

  describe('through Node-RED', () => {
    const modules = ['tie-config', 'tie-dxl-event-in', 'tie-dxl-event-out', 'tie-dxl-service', 'tie-dxl-response', 'tie-detection'].map(
      ourNode,
    );
    let peer: DxlClient;

    before(async () => {
      modules.push(coreNode('function/10-function.js'));
      await helper.startServer();
      peer = ourClient([broker]);
      await peer.connect({ timeoutMs: 5000 });
    });
    after(async () => {
      await peer?.close();
      await helper.stopServer();
    });
    afterEach(() => helper.unload());

    /** Every DXL message in reaches a function node that throws: its error goes to the Catch node too. */
    const THROWS = "if (msg.topic && msg.topic.endsWith('/throw')) throw new Error('downstream failure'); return msg;";
    const DEEP_MSG = `let o = {}; for (let i = 0; i < ${DEEP_LEVELS}; i++) o = { o }; msg.deep = o; return msg;`;

    async function load(): Promise<{ caught: TestMessage[]; events: TestMessage[]; requests: TestMessage[] }> {
      const pkiCredentials = { caPem: pki.ca.certPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem };
      const flow: FlowNode[] = [
        ...catchAndComplete([]),
        {
          id: 'config',
          type: 'tie-config',
          name: 'hostile mosquitto',
          brokers: [{ host: broker.host, port: broker.port }],
          transport: 'mqtt',
          tlsSource: 'credentials',
          requestTimeout: 5,
        },
        ...onTab([
          { id: 'in', type: 'tie-dxl-event-in', connection: 'config', topic: '/hostile/events/#', format: 'json', wires: [['thrower']] },
          {
            id: 'svc',
            type: 'tie-dxl-service',
            connection: 'config',
            serviceType: '/hostile/svc',
            topics: '/hostile/flow-svc',
            format: 'json',
            timeout: 2,
            wires: [['answer', 'requests']],
          },
          { id: 'answer', type: 'tie-dxl-response' },
          { id: 'requests', type: 'helper' },
          { id: 'detections', type: 'tie-detection', connection: 'config', wires: [['thrower']] },
          { id: 'thrower', type: 'function', func: THROWS, outputs: 1, wires: [['events']] },
          { id: 'events', type: 'helper' },
          { id: 'deep', type: 'function', func: DEEP_MSG, outputs: 1, wires: [['out']] },
          { id: 'out', type: 'tie-dxl-event-out', connection: 'config', topic: '' },
        ]),
      ];
      await helper.load(modules, flow, { config: pkiCredentials });
      for (const id of ['in', 'detections']) await statusBecomes(node(id), { fill: 'green' }, 15_000);
      await served();
      return { caught: collect('caught'), events: collect('events'), requests: collect('requests') };
    }

    /** On a plain MQTT broker no registry answers: the service is up once it answers a probe. */
    async function served(): Promise<void> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const answered = await peer.request('/hostile/flow-svc', '"probe"', { timeoutMs: 300 }).then(
          () => true,
          () => false,
        );
        if (answered) return;
        if (Date.now() > deadline) throw new Error('the flow service never answered');
        await sleep(50);
      }
    }

    function configWarnings(pattern: RegExp): string[] {
      const spy = node('config').warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
      return spy
        .getCalls()
        .filter((call) => call.thisValue === node('config'))
        .map((call) => String(call.args[0]))
        .filter((text) => pattern.test(text));
    }

    function errorLines(id: string): string[] {
      const spy = node(id).error as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
      return spy
        .getCalls()
        .filter((call) => call.thisValue === node(id) && call.args.length === 1)
        .map((call) => String(call.args[0]));
    }

    it('deep JSON events and requests end in one Catch each (DXL_MALFORMED, TIE_INVALID_RESPONSE); Node-RED lives on', async () => {
      const { caught, events } = await load();
      await raw.publish('/hostile/events/throw', eventBytes('/hostile/events/throw', DEEP_JSON));
      await raw.publish(TieTopic.FILE_DETECTION_EVENT, eventBytes(TieTopic.FILE_DETECTION_EVENT, DEEP_JSON));
      const refused = peer.request('/hostile/flow-svc', DEEP_JSON, { timeoutMs: 5000 });
      await assert.rejects(refused, { code: DxlErrorCode.ErrorResponse, message: /deeper than the 64 levels/ });
      await eventually(
        () => caught.length >= 3,
        () => `3 reports, got ${caught.length}`,
      );
      // Ordinary events go on, through the function node that throws: each of its errors reaches Catch too.
      await peer.sendEvent('/hostile/events/throw', '{"n":1}');
      await peer.sendEvent('/hostile/events/fine', '{"n":2}');
      await eventually(
        () => events.length === 1 && caught.length >= 4,
        () => `event and 4 reports: ${events.length}, ${caught.length}`,
      );
      await sleep(200);
      const codes = caught.map((msg) => (msg.tieError as { code?: string } | undefined)?.code ?? String((msg.error as Error).message));
      assert.deepEqual(
        codes.sort(),
        [DxlErrorCode.Malformed, DxlErrorCode.Malformed, TieErrorCode.InvalidResponse, 'Error: downstream failure'].sort(),
      );
      for (const msg of caught.filter((m) => m.tieError !== undefined)) {
        assert.match(caughtError(msg).message, /deeper than the 64 levels/);
        assert.ok(typeof msg.payload !== 'object' || msg.payload === null, 'no parsed payload on the report');
      }
      assert.deepEqual(events[0].payload, { n: 2 });
    });

    it('a msg nested 6,000 levels deep built by a flow ends in one Catch, with a minimal msg Node-RED can copy', async () => {
      const { caught } = await load();
      node('deep').receive({ payload: 'x' });
      await eventually(() => caught.length === 1, 'the report');
      await sleep(200);
      assert.equal(caught.length, 1);
      assert.equal(caughtError(caught[0]).code, 'DXL_NO_TOPIC');
      assert.equal(caught[0].deep, undefined, 'the deep part was dropped so that Node-RED could copy the msg');
    });

    it('2,000 events that are not JSON: 2,000 reports to Catch, and without a Catch node one log line for them', async () => {
      const { caught } = await load();
      for (let i = 0; i < 2000; i++) await raw.publish('/hostile/events/text', eventBytes('/hostile/events/text', `not json ${i}`));
      await eventually(
        () => caught.length === 2000,
        () => `2000 reports, got ${caught.length}`,
        30_000,
      );
      assert.equal(errorLines('in').length, 0, 'caught: nothing logged');

      await helper.unload();
      const flowWithoutCatch = await loadWithoutCatch();
      for (let i = 0; i < 2000; i++) await raw.publish('/hostile/events/text', eventBytes('/hostile/events/text', `not json ${i}`));
      await peer.sendEvent('/hostile/events/fine', '{"after":true}');
      await eventually(() => flowWithoutCatch.length === 1, 'the good event after the flood', 30_000);
      await sleep(300);
      const lines = errorLines('in');
      assert.equal(lines.length, 1, `one line for the first; the rest counted for the end of the 60 s interval: ${lines.length}`);
      assert.match(lines[0], /is not JSON/);
      assert.doesNotMatch(lines[0], /not json \d/, 'the payload is not quoted');
      figures.notJsonEventsUncaught = 2000;
      figures.notJsonLogLines = lines.length;
    });

    async function loadWithoutCatch(): Promise<TestMessage[]> {
      const flow: FlowNode[] = [
        ...onTab([{ id: 'tab1', type: 'tab', label: 'no catch' }]),
        {
          id: 'config',
          type: 'tie-config',
          name: 'hostile mosquitto',
          brokers: [{ host: broker.host, port: broker.port }],
          transport: 'mqtt',
          tlsSource: 'credentials',
          requestTimeout: 5,
        },
        ...onTab([
          { id: 'in', type: 'tie-dxl-event-in', connection: 'config', topic: '/hostile/events/#', format: 'json', wires: [['events']] },
          { id: 'events', type: 'helper' },
        ]),
      ];
      await helper.load(modules, flow, { config: { caPem: pki.ca.certPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem } });
      await statusBecomes(node('in'), { fill: 'green' }, 15_000);
      return collect('events');
    }

    it('a 20 MB event never reaches the flow; the shared connection stays and later events arrive', async () => {
      const { events } = await load();
      const client = sharedConnection('config').dxl() as DxlClient;
      const states = statesOf(client);
      await sendFromChild({
        broker: { host: broker.host, port: broker.port },
        pem,
        events: [{ topic: '/hostile/events/fine', bytes: HUGE_BYTES }],
      });
      await peer.sendEvent('/hostile/events/fine', '{"after":"huge"}');
      await eventually(() => events.length === 1, 'the event after the huge one', 30_000);
      assert.deepEqual(events[0].payload, { after: 'huge' });
      assert.equal(client.stats.refused.oversized, 1);
      assert.deepEqual(dropped(states), []);
      assert.equal(configWarnings(/^refused 1 received message/).length, 1);
    });

    it("requests with reply topic '#' or '/a/+/b' reach no flow and get no answer; one warning; events keep flowing", async () => {
      const { events, requests } = await load();
      const client = sharedConnection('config').dxl() as DxlClient;
      const states = statesOf(client);
      const sniffer: string[] = [];
      // Whatever is published anywhere would show here (a publish to '#' itself would cost the connection).
      await peer.subscribe('/a/#', (message) => sniffer.push(message.destinationTopic));
      for (let i = 0; i < 100; i++) {
        await raw.publish('/hostile/flow-svc', requestBytes('/hostile/flow-svc', i % 2 === 0 ? '#' : '/a/+/b', '{"q":1}'));
      }
      await peer.sendEvent('/hostile/events/fine', '{"still":"flowing"}');
      await eventually(() => events.length === 1, 'an ordinary event after the requests');
      const answered = await peer.request('/hostile/flow-svc', '{"q":2}', { timeoutMs: 5000 });
      assert.deepEqual(JSON.parse(answered.payload.toString()), { q: 2 });
      assert.equal(requests.length, 1, 'only the ordinary request reached the flow');
      assert.equal(client.stats.refused.unanswerable, 100);
      assert.deepEqual(sniffer, []);
      assert.deepEqual(dropped(states), [], 'the shared connection was not dropped');
      assert.equal(configWarnings(/reply topic cannot be answered/).length, 1);
    });
  });
});
