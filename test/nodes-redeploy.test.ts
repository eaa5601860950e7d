/**
 * Redeploys never duplicate or lose event subscriptions: after 20 "modified nodes" deploys that
 * restart every event node (the official TIE nodes leak a callback on each) and then 5 full
 * deploys that also restart the tie-config node, each event reaches each event node exactly once.
 */
import assert from 'node:assert/strict';
import { TieClient } from '../src/tie/client';
import type { SharedConnection } from '../nodes/kit/connection';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  TAB,
  collect,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { newFile } from './support/node-red-samples';
import { fileTarget } from '../src/tie/hashes';

const EVENT_NODES = ['changes', 'detections', 'firsts'] as const;

describe('event subscriptions across redeploys', function () {
  this.timeout(60000);
  let test: TestFabric;
  let tie: TieClient;
  const modules = [ourNode('tie-config'), ourNode('tie-reputation-change'), ourNode('tie-detection'), ourNode('tie-first-instance')];

  before(async () => {
    test = await startTestFabric();
    tie = new TieClient(await test.client());
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  function flow(generation: number): [FlowNode[], Record<string, Record<string, string>>] {
    const [config, credentials] = configNodeFor(test);
    return [
      [
        { id: TAB, type: 'tab', label: 'redeploys' },
        config,
        ...onTab([
          // A new name each generation: a "modified nodes" deploy restarts exactly these three.
          {
            id: 'changes',
            type: 'tie-reputation-change',
            name: `changes ${generation}`,
            connection: 'config',
            subject: 'both',
            filter: 'all',
            wires: [['out-changes']],
          },
          { id: 'detections', type: 'tie-detection', name: `detections ${generation}`, connection: 'config', wires: [['out-detections']] },
          { id: 'firsts', type: 'tie-first-instance', name: `firsts ${generation}`, connection: 'config', wires: [['out-firsts']] },
          ...EVENT_NODES.map((id) => ({ id: `out-${id}`, type: 'helper' })),
        ]),
      ],
      credentials,
    ];
  }

  /** Fires one event of each kind and checks that each node sends each exactly once. */
  async function eachEventOnce(): Promise<void> {
    for (const id of EVENT_NODES) await statusBecomes(node(id), { text: 'node-red:common.status.connected' }, 10000);
    const received: Record<string, TestMessage[]> = Object.fromEntries(EVENT_NODES.map((id) => [id, collect(`out-${id}`)]));
    const file = newFile();
    await tie.setReputation(fileTarget({ sha256: file.sha256 }), 1);
    await test.simulator!.publishDetection({ hashes: file, name: 'ONCE.EXE' });
    await test.simulator!.publishFirstInstance({ hashes: newFile(), name: 'FIRST.EXE' });
    await eventually(
      () => EVENT_NODES.every((id) => received[id].length >= 1),
      () => `deliveries ${JSON.stringify(Object.fromEntries(EVENT_NODES.map((id) => [id, received[id].length])))}`,
    );
    await sleep(300); // duplicates, if any, would arrive now
    for (const id of EVENT_NODES) assert.equal(received[id].length, 1, `${id} received ${received[id].length} messages`);
    assert.equal((received.changes[0].payload as { hashes: { sha256: string } }).hashes.sha256, file.sha256);
    assert.equal((received.detections[0].payload as { name: string }).name, 'ONCE.EXE');
  }

  function connection(): SharedConnection {
    return (node('config') as unknown as { connection: SharedConnection }).connection;
  }

  it('delivers each event once per node after 20 partial and 5 full deploys', async () => {
    let generation = 0;
    const [first, credentials] = flow(generation);
    await helper.load(modules, first, credentials);
    await eachEventOnce();
    const configBefore = node('config');

    for (let i = 0; i < 20; i++) {
      const [next, creds] = flow(++generation);
      await helper.setFlows(next, 'nodes', creds);
    }
    assert.equal(node('config'), configBefore, 'partial deploys kept the config node');
    assert.equal(connection().state.status, 'connected', 'and its connection');
    await eventually(
      () => connection().subscriptionCount() === 4,
      () => `4 subscriptions, not ${connection().subscriptionCount()}`,
    );
    assert.equal(connection().userCount, 3);
    await eachEventOnce();

    for (let i = 0; i < 5; i++) {
      const [next, creds] = flow(++generation);
      await helper.setFlows(next, 'full', creds);
    }
    assert.notEqual(node('config'), configBefore, 'full deploys recreated the config node');
    await eachEventOnce();
    assert.equal(connection().subscriptionCount(), 4);
    assert.equal(node('changes').name, `changes ${generation}`);
  });

  it('removing an event node in a partial deploy removes its subscription and nothing else', async () => {
    const [first, credentials] = flow(0);
    await helper.load(modules, first, credentials);
    await eventually(() => connection().subscriptionCount() === 4, '4 subscriptions');
    const [withoutDetections] = flow(0);
    await helper.setFlows(
      withoutDetections.filter((n) => n.id !== 'detections'),
      'nodes',
      credentials,
    );
    await eventually(
      () => connection().subscriptionCount() === 3,
      () => `3 subscriptions, not ${connection().subscriptionCount()}`,
    );
    assert.equal(connection().userCount, 2);
    const received = collect('out-firsts');
    await test.simulator!.publishFirstInstance({ hashes: newFile() });
    await eventually(() => received.length === 1, 'the first instance still arrives');
  });
});
