/**
 * tie-dxl-event-in and tie-dxl-event-out with the official @opendxl/dxl-client, on the embedded
 * fabric and on Mosquitto: wildcard and exact topics (overlapping ones on one connection),
 * events both ways, exactly once after redeploys, and careless settings and input.
 */
import assert from 'node:assert/strict';
import { connected, onEachBroker, sharedConnection } from './support/dxl-backends';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { type OfficialClient, type OfficialMessage, officialEvent, payloadText, subscribeOfficial } from './support/official-client';

const modules = [ourNode('tie-config'), ourNode('tie-dxl-event-in'), ourNode('tie-dxl-event-out')];
const IN_NODES = ['wild', 'exact', 'json'] as const;

onEachBroker('tie-dxl-event-in and tie-dxl-event-out', (current) => {
  function flow(generation = 0): [FlowNode[], Record<string, Record<string, string>>] {
    const [config, credentials] = current().configNode();
    return [
      [
        ...catchAndComplete([]),
        config,
        ...onTab([
          {
            id: 'wild',
            type: 'tie-dxl-event-in',
            name: `wild ${generation}`,
            connection: 'config',
            topic: '/x/y/#',
            wires: [['out-wild']],
          },
          {
            id: 'exact',
            type: 'tie-dxl-event-in',
            name: `exact ${generation}`,
            connection: 'config',
            topic: '/x/y/a',
            wires: [['out-exact']],
          },
          { id: 'json', type: 'tie-dxl-event-in', connection: 'config', topic: '/x/j', format: 'json', wires: [['out-json']] },
          { id: 'send-fixed', type: 'tie-dxl-event-out', connection: 'config', topic: '/back/fixed' },
          { id: 'send-msg', type: 'tie-dxl-event-out', connection: 'config' },
          ...IN_NODES.map((id) => ({ id: `out-${id}`, type: 'helper' })),
        ]),
      ],
      credentials,
    ];
  }

  async function ready(): Promise<Record<(typeof IN_NODES)[number], TestMessage[]>> {
    await connected();
    for (const id of IN_NODES) await statusBecomes(node(id), { fill: 'green' });
    return { wild: collect('out-wild'), exact: collect('out-exact'), json: collect('out-json') };
  }

  async function load(): Promise<{ received: Record<(typeof IN_NODES)[number], TestMessage[]>; official: OfficialClient }> {
    const [nodes, credentials] = flow();
    await helper.load(modules, nodes, credentials);
    return { received: await ready(), official: await current().official() };
  }

  const topics = (messages: TestMessage[]): string[] => messages.map((msg) => `${msg.topic}=${String(msg.payload)}`).sort();

  /** The official client sends /x/y/a and /x/y/b/c; each node gets each of its events once. */
  async function eachEventOnce(official: OfficialClient, received: Record<(typeof IN_NODES)[number], TestMessage[]>): Promise<void> {
    officialEvent(official, '/x/y/a', 'A');
    officialEvent(official, '/x/y/b/c', 'BC');
    officialEvent(official, '/x/other', 'not ours');
    await eventually(
      () => received.wild.length >= 2 && received.exact.length >= 1,
      () => `events: wild ${received.wild.length}, exact ${received.exact.length}`,
    );
    await sleep(300); // duplicates, if any, arrive now
    assert.deepEqual(topics(received.wild), ['/x/y/a=A', '/x/y/b/c=BC'], 'the wildcard node: each event once');
    assert.deepEqual(topics(received.exact), ['/x/y/a=A'], 'the exact node: its own event once');
  }

  it('a wildcard node gets every event below it with its own topic, an exact one only its own, each once', async () => {
    const { received, official } = await load();
    await eachEventOnce(official, received);
    const dxl = received.wild[0].dxl as { messageId: string; sourceClientId: string };
    assert.match(dxl.messageId, /^\{[0-9a-f-]{36}\}$/);
    assert.equal(received.json.length, 0);
  });

  it('decodes JSON events as format json says, and reports one that is not JSON to Catch', async () => {
    const { received, official } = await load();
    const caught = collect('caught');
    officialEvent(official, '/x/j', '{"k":[1,2]}');
    officialEvent(official, '/x/j', 'no json');
    await eventually(() => received.json.length === 1 && caught.length === 1, 'the event and the report');
    assert.deepEqual(received.json[0].payload, { k: [1, 2] });
    assert.equal(caughtError(caught[0]).code, 'DXL_MALFORMED');
  });

  it('sends events on the node’s topic or msg.topic: text as it is, objects as JSON, Buffers raw', async () => {
    const { official } = await load();
    const seen: OfficialMessage[] = [];
    await subscribeOfficial(official, '/back/#', (event) => seen.push(event));
    node('send-fixed').receive({ topic: '/ignored', payload: 'plain ä' });
    node('send-msg').receive({ topic: '/back/from/msg', payload: { n: 1 } });
    node('send-msg').receive({ topic: '/back/raw', payload: Buffer.from([1, 2, 3]) });
    await eventually(
      () => seen.length === 3,
      () => `3 events, not ${seen.length}`,
    );
    const byTopic = Object.fromEntries(seen.map((event) => [event.destinationTopic, event]));
    assert.equal(payloadText(byTopic['/back/fixed']), 'plain ä');
    assert.equal(payloadText(byTopic['/back/from/msg']), '{"n":1}');
    assert.deepEqual([...Buffer.from(byTopic['/back/raw'].payload)], [1, 2, 3]);
  });

  it('each event reaches each node once after partial and full redeploys', async function () {
    this.timeout(30_000);
    const { official } = await load();
    let generation = 0;
    for (const type of ['nodes', 'nodes', 'nodes', 'full', 'full'] as const) {
      const [nodes, credentials] = flow(++generation);
      await helper.setFlows(nodes, type, credentials);
      const received = await ready();
      await eventually(
        () => sharedConnection().subscriptionCount() === 3,
        () => `3 subscriptions, not ${sharedConnection().subscriptionCount()}`,
      );
      await eachEventOnce(official, received);
    }
  });

  describe('careless settings and input', () => {
    it('event in with +: DXL_INVALID_TOPIC once to Catch and a red status', async () => {
      const [config, credentials] = current().configNode();
      await helper.load(
        modules,
        [
          ...catchAndComplete([]),
          config,
          ...onTab([{ id: 'plus', type: 'tie-dxl-event-in', connection: 'config', topic: '/x/+/a', wires: [[]] }]),
        ],
        credentials,
      );
      const caught = collect('caught');
      await statusBecomes(node('plus'), { fill: 'red' });
      await eventually(() => caught.length >= 1, 'the report');
      await sleep(200);
      assert.equal(caught.length, 1);
      assert.equal(caughtError(caught[0]).code, 'DXL_INVALID_TOPIC');
      assert.equal(sharedConnection().subscriptionCount(), 0);
    });

    const cases: Array<[string, string, TestMessage, string]> = [
      ['no topic', 'send-msg', { payload: 'x' }, 'DXL_NO_TOPIC'],
      ['a # in msg.topic', 'send-msg', { topic: '/back/#', payload: 'x' }, 'DXL_INVALID_TOPIC'],
      ['a + in msg.topic', 'send-msg', { topic: '/back/+/x', payload: 'x' }, 'DXL_INVALID_TOPIC'],
      ['a function payload', 'send-fixed', { payload: () => 1 }, 'DXL_INVALID_PAYLOAD'],
    ];
    for (const [what, id, msg, code] of cases) {
      it(`event out, ${what}: ${code}, one done`, async () => {
        await load();
        const caught = collect('caught');
        const completed = collect('completed');
        node(id).receive(msg);
        await eventually(() => caught.length >= 1, 'the report');
        await sleep(100);
        assert.equal(caught.length, 1);
        assert.equal(completed.length, 0);
        assert.equal(caughtError(caught[0]).code, code);
      });
    }

    it('event out, a circular payload: DXL_INVALID_PAYLOAD, one done', async () => {
      await load();
      const caught = collect('caught');
      const payload: Record<string, unknown> = {};
      payload.self = payload;
      node('send-fixed').receive({ payload });
      await eventually(() => caught.length >= 1, 'the report');
      await sleep(100);
      assert.equal(caught.length, 1);
      assert.equal(caughtError(caught[0]).code, 'DXL_INVALID_PAYLOAD');
    });
  });
});
