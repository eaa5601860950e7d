/**
 * Malformed traffic on a real fabric, through Node-RED: event payloads that are not TIE JSON reach
 * Catch nodes (TIE_INVALID_RESPONSE) once per event and node, and the next good event still
 * arrives; bytes that are not DXL messages are dropped with one warning per interval (the first at
 * once, the rest counted); a TIE service answering garbage gives TIE_INVALID_RESPONSE per message; thousands of
 * mutated envelopes on every kind of topic leave the fabric and the flow working.
 */
import assert from 'node:assert/strict';
import { openTopicPolicy } from '../../src/fabric';
import { decodeMessage, encodeMessage, MessageType, emptyMessage } from '../../src/dxl/message';
import type { DxlClient } from '../../src/dxl/client';
import { TieTopic } from '../../src/tie/topics';
import type { Reputations } from '../../src/tie/types';
import { type TestFabric, configNodeFor, startTestFabric } from '../support/node-red-fabric';
import {
  type FlowNode,
  catchAndComplete,
  collect,
  eventually,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from '../support/node-red-helper';
import { NOTEPAD, newFile } from '../support/node-red-samples';
import { type Figures, recordFigures } from './support/figures';
import { mutateBytes } from './support/mutations';
import { Prng, fuzzSeed } from './support/prng';
import { type RawPublisher, rawPublisher } from './support/raw-mqtt';

const CONNECTED = 'node-red:common.status.connected';
const CLIENT_ID = 'faults-malformed-client';
const REPLY_TOPIC = `/mcafee/client/${CLIENT_ID}`;

/** Texts that are not a TIE event: not JSON, JSON of the wrong shape, hashes that are not a list. */
const NOT_TIE_EVENTS = [
  'not json',
  '{"hashes": [',
  '',
  '\u0000\u0001\u0002',
  '[1,2',
  '"text"',
  '42',
  'null',
  '[]',
  '{"hashes":"x"}',
  '{"hashes":[null]}',
  '{"hashes":[{"type":1,"value":2}]}',
];

interface ErrorReport {
  code: string;
  source: { id: string };
}

function warnings(id: string, pattern: RegExp): string[] {
  const spy = node(id).warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node(id))
    .map((call) => String(call.args[0]))
    .filter((text) => pattern.test(text));
}

describe('faults: malformed traffic on the fabric, through Node-RED', function () {
  this.timeout(60_000);
  const modules = ['tie-config', 'tie-get-reputation', 'tie-reputation-change', 'tie-detection', 'tie-first-instance'].map(ourNode);
  const prng = new Prng(fuzzSeed(20240611) + 10);
  const figures: Figures = {};
  let test: TestFabric;
  let peer: DxlClient;
  let raw: RawPublisher;

  before(async () => {
    // The peer sends TIE events too, which the default policy keeps for the simulator.
    test = await startTestFabric({ policy: openTopicPolicy() });
    peer = await test.client();
    raw = await rawPublisher(test.fabric, { ca: test.credentials.caPem, cert: test.credentials.certPem, key: test.credentials.keyPem });
    await helper.startServer();
  });
  after(async () => {
    await raw.close();
    await helper.stopServer();
    await test.close();
    recordFigures('malformed-traffic', figures);
  });
  afterEach(() => helper.unload());

  async function loadFlow(target: TestFabric = test): Promise<void> {
    const [config, credentials] = configNodeFor(target, 'config', { clientId: CLIENT_ID, requestTimeout: 2 });
    const flow: FlowNode[] = [
      ...catchAndComplete(['get']),
      config,
      ...onTab([
        {
          id: 'get',
          type: 'tie-get-reputation',
          connection: 'config',
          subject: 'file',
          input: 'payload',
          inputType: 'msg',
          wires: [['out']],
        },
        { id: 'changes', type: 'tie-reputation-change', connection: 'config', subject: 'both', filter: 'all', wires: [['out-changes']] },
        { id: 'detections', type: 'tie-detection', connection: 'config', wires: [['out-detections']] },
        { id: 'firsts', type: 'tie-first-instance', connection: 'config', wires: [['out-firsts']] },
        ...['out', 'out-changes', 'out-detections', 'out-firsts'].map((id) => ({ id, type: 'helper' })),
      ]),
    ];
    await helper.load(modules, flow, credentials);
    for (const id of ['get', 'changes', 'detections', 'firsts']) await statusBecomes(node(id), { text: CONNECTED }, 10_000);
  }

  async function stillWorks(): Promise<void> {
    const answer = nextMessage('out', 5000);
    node('get').receive({ payload: NOTEPAD.md5 });
    assert.equal(((await answer).payload as Reputations)[1]?.trustLevel, 99, 'a lookup after the fault is answered');
    const detections = collect('out-detections');
    await test.simulator!.publishDetection({ hashes: newFile(), name: 'AFTER.EXE' });
    await eventually(() => detections.length === 1, 'a good event after the fault');
  }

  it('reports each event that is not TIE JSON to Catch once per event and node, and keeps delivering good ones', async () => {
    await loadFlow();
    const caught = collect('caught');
    const topics = [
      TieTopic.FILE_REPUTATION_CHANGE_EVENT,
      TieTopic.CERT_REPUTATION_CHANGE_EVENT,
      TieTopic.FILE_DETECTION_EVENT,
      TieTopic.FILE_FIRST_INSTANCE_EVENT,
    ];
    for (const topic of topics) for (const text of NOT_TIE_EVENTS) await peer.sendEvent(topic, text);
    const expected = topics.length * NOT_TIE_EVENTS.length;
    await eventually(
      () => caught.length >= expected,
      () => `${expected} reports, got ${caught.length}`,
    );
    await sleep(200);
    assert.equal(caught.length, expected, 'one report per malformed event and node');
    assert.ok(
      caught.every((msg) => (msg.error as ErrorReport).code === 'TIE_INVALID_RESPONSE'),
      'all TIE_INVALID_RESPONSE',
    );
    const bySource = new Map<string, number>();
    for (const msg of caught)
      bySource.set((msg.error as ErrorReport).source.id, (bySource.get((msg.error as ErrorReport).source.id) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(bySource), {
      changes: 2 * NOT_TIE_EVENTS.length,
      detections: NOT_TIE_EVENTS.length,
      firsts: NOT_TIE_EVENTS.length,
    });
    await stillWorks();
    figures.malformedEventsSent = expected;
    figures.malformedEventReports = caught.length;
  });

  it('drops bytes that are not DXL messages, warning once for the interval (the rest counted for its end), and keeps working', async () => {
    await loadFlow();
    const caught = collect('caught');
    const NOT_DXL = 2500;
    let sent = 0;
    const topics = [REPLY_TOPIC, TieTopic.FILE_DETECTION_EVENT, TieTopic.FILE_REPUTATION_CHANGE_EVENT];
    while (sent < NOT_DXL) {
      const bytes = prng.bytes(prng.int(200));
      try {
        decodeMessage(bytes);
        continue; // by chance a DXL message: not what this test sends
      } catch {
        // not DXL: send it
      }
      await raw.publish(topics[sent % topics.length], bytes);
      sent++;
    }
    await eventually(
      () => warnings('config', /malformed/).length >= 1,
      () => `a warning, got none`,
      10_000,
    );
    await stillWorks();
    const said = warnings('config', /malformed/);
    assert.equal(said.length, 1, `one warning for the first; the others wait for the end of the 60 s interval: ${said.join(' | ')}`);
    assert.match(said[0], /^dropped 1 malformed message\(s\), latest on /);
    assert.equal(caught.length, 0, 'nothing for Catch: no message was decoded');
    figures.nonDxlPayloadsSent = sent;
    figures.nonDxlWarnings = said.length;
  });

  it('answers every request with TIE_INVALID_RESPONSE when the TIE service answers garbage', async () => {
    const bare = await startTestFabric({ simulator: false });
    try {
      const service = await bare.client();
      const GARBAGE = [
        'not json',
        '',
        '[]',
        '"text"',
        '{"reputations": 5}',
        '{"reputations": [null]}',
        '{"reputations": [{"trustLevel": 99}]}',
        '\u0000',
      ];
      let answered = 0;
      await service.registerService({
        serviceType: '/mcafee/service/tie',
        topics: { [TieTopic.GET_FILE_REPUTATION]: (request) => service.sendResponse(request, GARBAGE[answered++ % GARBAGE.length]) },
      });
      await loadFlow(bare);
      const caught = collect('caught');
      const completed = collect('completed');
      for (let i = 0; i < 2 * GARBAGE.length; i++) node('get').receive({ payload: NOTEPAD.md5, seq: i });
      await eventually(
        () => caught.length === 2 * GARBAGE.length,
        () => `${2 * GARBAGE.length} errors, got ${caught.length}`,
      );
      await sleep(100);
      assert.equal(completed.length, 0);
      assert.deepEqual([...new Set(caught.map((msg) => (msg.error as ErrorReport).code))], ['TIE_INVALID_RESPONSE']);
      assert.deepEqual(
        caught.map((msg) => msg.seq).sort((a, b) => Number(a) - Number(b)),
        Array.from({ length: 2 * GARBAGE.length }, (_, i) => i),
      );
      figures.garbageResponses = caught.length;
    } finally {
      await helper.unload();
      await bare.close();
    }
  });

  it('keeps the fabric and the flow working through 5000 mutated DXL envelopes on every kind of topic', async () => {
    await loadFlow();
    const seeds = [MessageType.Request, MessageType.Response, MessageType.Event, MessageType.ErrorResponse].map((type) => {
      const message = emptyMessage(type, '');
      message.messageId = '{blast}';
      message.replyToTopic = REPLY_TOPIC;
      message.requestMessageId = '{request}';
      message.payload = Buffer.from(
        JSON.stringify({ hashes: [{ type: 'md5', value: Buffer.from(NOTEPAD.md5, 'hex').toString('base64') }] }),
      );
      return encodeMessage(message);
    });
    const topics = [
      '/mcafee/service/dxl/svcregistry/register',
      '/mcafee/service/dxl/svcregistry/unregister',
      '/mcafee/service/dxl/svcregistry/query',
      '/mcafee/service/dxl/broker/registry/query',
      TieTopic.GET_FILE_REPUTATION,
      TieTopic.SET_FILE_REPUTATION,
      TieTopic.GET_FILE_FIRST_REFERENCES,
      TieTopic.FILE_DETECTION_EVENT,
      TieTopic.FILE_REPUTATION_CHANGE_EVENT,
      REPLY_TOPIC,
    ];
    const BLAST = 5000;
    for (let i = 0; i < BLAST; i++) await raw.publish(topics[i % topics.length], mutateBytes(prng.pick(seeds), prng, seeds));
    await sleep(500);
    await stillWorks();
    const newcomer = await rawPublisher(test.fabric, {
      ca: test.credentials.caPem,
      cert: test.credentials.certPem,
      key: test.credentials.keyPem,
    });
    await newcomer.close();
    figures.mutatedEnvelopesBlasted = BLAST;
  });
});
