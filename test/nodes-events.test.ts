import assert from 'node:assert/strict';
import { openTopicPolicy } from '../src/fabric';
import { TieClient } from '../src/tie/client';
import { TieTopic } from '../src/tie/topics';
import type { ReputationChangeEvent } from '../src/tie/types';
import type { Verdict } from '../src/tie/results';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  eventually,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from './support/node-red-helper';
import { newCertificate, newFile } from './support/node-red-samples';
import { certificateTarget, fileTarget } from '../src/tie/hashes';

const CONNECTED = 'node-red:common.status.connected';

describe('event nodes', function () {
  let test: TestFabric;
  let tie: TieClient;
  const modules = [ourNode('tie-config'), ourNode('tie-reputation-change'), ourNode('tie-detection'), ourNode('tie-first-instance')];
  const EVENT_NODES = ['file', 'cert', 'both', 'malicious', 'detection', 'first'];

  before(async () => {
    // The test's own client sends TIE events too, which the default policy keeps for the simulator.
    test = await startTestFabric({ policy: openTopicPolicy() });
    tie = new TieClient(await test.client());
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  async function loadAll(configOverrides: Record<string, unknown> = {}): Promise<Record<string, TestMessage[]>> {
    const [config, credentials] = configNodeFor(test, 'config', configOverrides);
    const flow: FlowNode[] = [
      ...catchAndComplete([]),
      config,
      ...onTab([
        { id: 'file', type: 'tie-reputation-change', connection: 'config', subject: 'file', filter: 'all', wires: [['out-file']] },
        { id: 'cert', type: 'tie-reputation-change', connection: 'config', subject: 'certificate', filter: 'all', wires: [['out-cert']] },
        { id: 'both', type: 'tie-reputation-change', connection: 'config', subject: 'both', filter: 'all', wires: [['out-both']] },
        {
          id: 'malicious',
          type: 'tie-reputation-change',
          connection: 'config',
          subject: 'file',
          filter: 'now-malicious',
          wires: [['out-malicious']],
        },
        { id: 'detection', type: 'tie-detection', connection: 'config', wires: [['out-detection']] },
        { id: 'first', type: 'tie-first-instance', connection: 'config', wires: [['out-first']] },
        ...EVENT_NODES.map((id) => ({ id: `out-${id}`, type: 'helper' })),
      ]),
    ];
    await helper.load(modules, flow, credentials);
    const received = Object.fromEntries(EVENT_NODES.map((id) => [id, collect(`out-${id}`)]));
    for (const id of EVENT_NODES) await statusBecomes(node(id), { text: CONNECTED });
    return received;
  }

  it('sends file reputation changes with the DXL topic, the callback dict and both verdicts', async () => {
    const received = await loadAll();
    const file = newFile();
    await tie.setReputation(fileTarget({ sha256: file.sha256 }), 15, 'evil.exe');
    await eventually(() => received.file.length === 1 && received.both.length === 1 && received.malicious.length === 1, 'three deliveries');
    const msg = received.file[0];
    assert.equal(msg.topic, TieTopic.FILE_REPUTATION_CHANGE_EVENT);
    const payload = msg.payload as ReputationChangeEvent;
    assert.equal(payload.hashes?.sha256, file.sha256);
    assert.equal(payload.newReputations?.[3]?.trustLevel, 15);
    assert.equal(typeof payload.updateTime, 'number');
    assert.equal(msg.subject, 'file');
    assert.equal((msg.verdict as Verdict).trustLevel, 15);
    assert.notEqual((msg.previousVerdict as Verdict).category, 'malicious');
    assert.equal((msg.dxl as { messageId: string }).messageId.length > 0, true);
    await sleep(100);
    assert.equal(received.cert.length, 0, 'certificate node: nothing');
    await statusBecomes(node('file'), { fill: 'green', text: '1 event' });
  });

  it('parses one event on the wire once, however many event nodes (and the reputation cache) receive it', async () => {
    const received = await loadAll({ cache: true });
    const dxl = await test.client();
    const sha256 = newFile().sha256;
    const text = JSON.stringify({
      hashes: [{ type: 'sha256', value: Buffer.from(sha256, 'hex').toString('base64') }],
      oldReputations: { reputations: [], props: { serverTime: 1 } },
      newReputations: { reputations: [{ providerId: 3, trustLevel: 1, createDate: 1409783001, attributes: {} }], props: { serverTime: 1 } },
      updateTime: 1409851328,
    });
    // Every JSON.parse of this event's text, wherever it happens in the process.
    let parses = 0;
    const original = Object.getOwnPropertyDescriptor(JSON, 'parse')!;
    const parse = original.value as typeof JSON.parse;
    const counting = (source: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown => {
      if (source === text) parses++;
      return parse(source, reviver) as unknown;
    };
    Object.defineProperty(JSON, 'parse', { ...original, value: counting });
    try {
      await dxl.sendEvent(TieTopic.FILE_REPUTATION_CHANGE_EVENT, text);
      await eventually(
        () => received.file.length === 1 && received.both.length === 1 && received.malicious.length === 1,
        'three deliveries',
      );
      await sleep(100);
    } finally {
      Object.defineProperty(JSON, 'parse', original);
    }
    assert.equal(parses, 1, 'one parse for three event nodes and the cache');
    const payloads = [received.file[0].payload, received.both[0].payload, received.malicious[0].payload] as ReputationChangeEvent[];
    for (const payload of payloads) assert.equal(payload.hashes?.sha256, sha256);
    assert.notEqual(payloads[0], payloads[1], 'each node sends its own copy of the event');
    assert.notEqual(payloads[1], payloads[2], 'each node sends its own copy of the event');
  });

  it('filters: a change that does not make a file malicious does not pass "now malicious"', async () => {
    const received = await loadAll();
    await tie.setReputation(fileTarget(newFile().md5), 99);
    await eventually(() => received.file.length === 1, 'the change');
    await sleep(100);
    assert.equal(received.malicious.length, 0);
  });

  it('sends certificate reputation changes with the public-key sha1 in hex to certificate and both', async () => {
    const received = await loadAll();
    const cert = newCertificate();
    await tie.setReputation(certificateTarget(cert.sha1, cert.publicKeySha1), 85);
    await eventually(() => received.cert.length === 1 && received.both.length === 1, 'two deliveries');
    const msg = received.both[0];
    assert.equal(msg.topic, TieTopic.CERT_REPUTATION_CHANGE_EVENT);
    assert.equal(msg.subject, 'certificate');
    const payload = msg.payload as ReputationChangeEvent;
    assert.equal(payload.hashes?.sha1, cert.sha1);
    assert.equal(payload.publicKeySha1, cert.publicKeySha1);
    assert.equal((msg.verdict as Verdict).providerId, 4);
    await sleep(100);
    assert.equal(received.file.length, 0);
  });

  it('sends detections with the local reputation decoded', async () => {
    const received = await loadAll();
    const raw = await test.simulator!.publishDetection({ name: 'FOCUS_MALWARE2.EXE', agentGuid: '{agent}' });
    await eventually(() => received.detection.length === 1, 'the detection');
    const msg = received.detection[0];
    assert.equal(msg.topic, TieTopic.FILE_DETECTION_EVENT);
    const payload = msg.payload as {
      agentGuid: string;
      name: string;
      hashes: Record<string, string>;
      localReputation: number;
      remediationAction: number;
    };
    assert.equal(payload.agentGuid, '{agent}');
    assert.equal(payload.name, 'FOCUS_MALWARE2.EXE');
    assert.equal(payload.remediationAction, 5);
    assert.equal(Object.keys(payload.hashes).length, raw.hashes.length);
    assert.deepEqual(msg.localReputation, { trustLevel: 1, trustLevelName: 'Known Malicious', category: 'malicious' });
    assert.equal(msg.detectionDate, new Date(raw.detectionTime * 1000).toISOString());
  });

  it('sends first instances', async () => {
    const received = await loadAll();
    const file = newFile();
    await test.simulator!.publishFirstInstance({ name: 'MORPH.EXE', hashes: file, agentGuid: '{a}' });
    await eventually(() => received.first.length === 1, 'the first instance');
    const msg = received.first[0];
    assert.equal(msg.topic, TieTopic.FILE_FIRST_INSTANCE_EVENT);
    assert.deepEqual(msg.payload, { agentGuid: '{a}', hashes: file, name: 'MORPH.EXE' });
  });

  const EVENT_TYPES: Array<{ type: string; properties: Record<string, unknown>; topic: string }> = [
    { type: 'tie-reputation-change', properties: { subject: 'both', filter: 'all' }, topic: TieTopic.CERT_REPUTATION_CHANGE_EVENT },
    { type: 'tie-detection', properties: {}, topic: TieTopic.FILE_DETECTION_EVENT },
    { type: 'tie-first-instance', properties: {}, topic: TieTopic.FILE_FIRST_INSTANCE_EVENT },
  ];

  for (const { type, properties, topic } of EVENT_TYPES) {
    describe(`${type} errors`, () => {
      it('reports an event that is not a TIE payload to Catch nodes as TIE_INVALID_RESPONSE, with its topic and text', async () => {
        const [config, credentials] = configNodeFor(test);
        await helper.load(
          modules,
          [
            ...catchAndComplete([]),
            config,
            ...onTab([
              { id: 'events', type, connection: 'config', ...properties, wires: [['out']] },
              { id: 'out', type: 'helper' },
            ]),
          ],
          credentials,
        );
        await statusBecomes(node('events'), { text: CONNECTED });
        const caught = collect('caught');
        const sent = collect('out');
        await (await test.client()).sendEvent(topic, 'not json at all');
        await eventually(() => caught.length === 1, 'the error');
        await sleep(100);
        assert.equal(caught.length, 1, 'reported once');
        const error = caughtError(caught[0]);
        assert.equal(error.code, 'TIE_INVALID_RESPONSE');
        assert.equal(error.source.id, 'events');
        assert.match(error.message, new RegExp(`event on ${topic.replace(/\//g, '\\/')} is not JSON`));
        assert.equal(caught[0].topic, topic);
        assert.equal(caught[0].payload, 'not json at all');
        assert.equal((caught[0].tieError as { code: string }).code, 'TIE_INVALID_RESPONSE');
        assert.equal(sent.length, 0);
      });

      it('reports a missing tie-config (TIE_NO_CONFIG) and unusable settings (DXL_CONFIG) to Catch nodes once flows start', async () => {
        const flow: FlowNode[] = [
          ...catchAndComplete([]),
          { id: 'broken', type: 'tie-config', brokers: [{ host: '127.0.0.1', port: test.fabric.port }] },
          ...onTab([
            { id: 'orphan', type, connection: '', ...properties, wires: [[]] },
            { id: 'misconfigured', type, connection: 'broken', ...properties, wires: [[]] },
          ]),
        ];
        await helper.load(modules, flow, { broken: {} });
        // Catch → helper delivery is asynchronous: listening right after load sees it.
        const caught = collect('caught');
        await eventually(
          () => caught.length >= 2,
          () => `2 errors, got ${caught.length}`,
        );
        await sleep(100);
        const codes = caught.map((msg) => `${(msg.error as { source: { id: string } }).source.id} ${caughtError(msg).code}`).sort();
        assert.deepEqual(codes, ['misconfigured DXL_CONFIG', 'orphan TIE_NO_CONFIG'], 'once per node, even on two topics');
        await statusBecomes(node('orphan'), { fill: 'red', text: 'no config' });
        await statusBecomes(node('misconfigured'), { fill: 'red', text: 'config error' });
      });
    });
  }
});
