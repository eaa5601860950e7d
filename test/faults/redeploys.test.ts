/**
 * 200 deploys of a flow with every kind of TIE node, through Node-RED on a fabric in its own
 * process: "modified nodes" deploys that restart the request and event nodes, "modified flows"
 * deploys, full deploys that also restart the tie-config node, and partial deploys that remove an
 * event node and add it back. After each deploy a lookup must be answered; at checkpoints each
 * event must reach each event node exactly once. After the last deploy (the first flow again) the
 * process must hold what it held after the first: sockets, timers, runtime and process listeners,
 * DXL subscriptions; and once the flows are gone, what it held before them.
 */
import assert from 'node:assert/strict';
import type { SharedConnection } from '../../nodes/kit/connection';
import type { DxlClient } from '../../src/dxl/client';
import { TieClient } from '../../src/tie/client';
import { type FlowNode, type TestMessage, TAB, collect, helper, node, onTab, ourNode, sleep } from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { NOTEPAD, newFile } from '../support/node-red-samples';
import { type KillableBroker, startKillableBroker } from './support/brokers';
import { type Figures, recordFigures } from './support/figures';
import { resourceSummary, socketCount, timerCount } from './support/resources';
import { type ServicePeer, startServicePeer } from './support/service-peer';
import { fileTarget } from '../../src/tie/hashes';
import { lookupNode } from '../support/node-red-request-flow';

const DEPLOYS = 200;
const EVENT_NODES = ['changes', 'detections', 'firsts'] as const;

type DeployType = 'nodes' | 'flows' | 'full';

interface Snapshot {
  sockets: number;
  timers: number;
  runtimeListeners: number;
  processListeners: number;
  /** Event subscriptions the shared connection holds, and MQTT topics its client holds. */
  subscriptions?: number;
  mqttTopics?: number;
}

function listenerTotal(emitter: NodeJS.EventEmitter): number {
  return emitter.eventNames().reduce((total, name) => total + emitter.listenerCount(name), 0);
}

function runtimeEvents(): NodeJS.EventEmitter {
  return (helper as unknown as { _events: NodeJS.EventEmitter })._events;
}

function connection(): SharedConnection {
  return (node('config') as unknown as { connection: SharedConnection }).connection;
}

function dxlClient(): DxlClient | undefined {
  return (connection() as unknown as { connection?: { client: DxlClient } }).connection?.client;
}

function snapshot(withFlow: boolean): Snapshot {
  const shot: Snapshot = {
    sockets: socketCount(),
    timers: timerCount(),
    runtimeListeners: listenerTotal(runtimeEvents()),
    processListeners: listenerTotal(process),
  };
  if (withFlow) {
    shot.subscriptions = connection().subscriptionCount();
    shot.mqttTopics = dxlClient()?.subscriptionCount ?? -1;
  }
  return shot;
}

describe('faults: 200 full and partial redeploys', function () {
  this.timeout(300_000);
  const modules = [
    'tie-config',
    'tie-get-reputation',
    'tie-set-reputation',
    'tie-reputation-change',
    'tie-detection',
    'tie-first-instance',
  ].map(ourNode);
  let broker: KillableBroker;
  let peer: ServicePeer;
  let peerTie: TieClient;

  before(async () => {
    broker = await startKillableBroker('fabric');
    peer = await startServicePeer(broker);
    peerTie = new TieClient(peer.dxl);
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peerTie.close();
    await peer.close();
    await broker.kill();
  });

  function flow(generation: number, withDetections: boolean): FlowNode[] {
    const name = (what: string): string => `${what} ${generation}`;
    return [
      { id: TAB, type: 'tab', label: 'redeploys' },
      {
        id: 'config',
        type: 'tie-config',
        name: generation % 4 === 0 ? 'fabric' : 'fabric (renamed)',
        brokers: [{ host: broker.host, port: broker.port }],
        transport: 'mqtt',
        tlsSource: 'credentials',
        requestTimeout: 5,
      },
      ...onTab([
        lookupNode({ name: name('get') }),
        { id: 'set', type: 'tie-set-reputation', name: name('set'), connection: 'config', subject: 'file', wires: [['out']] },
        {
          id: 'changes',
          type: 'tie-reputation-change',
          name: name('changes'),
          connection: 'config',
          subject: 'both',
          filter: 'all',
          wires: [['out-changes']],
        },
        ...(withDetections
          ? [{ id: 'detections', type: 'tie-detection', name: name('detections'), connection: 'config', wires: [['out-detections']] }]
          : []),
        { id: 'firsts', type: 'tie-first-instance', name: name('firsts'), connection: 'config', wires: [['out-firsts']] },
        { id: 'out', type: 'helper' },
        ...EVENT_NODES.map((id) => ({ id: `out-${id}`, type: 'helper' })),
      ]),
    ];
  }

  const credentials = (): Record<string, Record<string, string>> => ({
    config: { caPem: broker.pem.ca, certPem: broker.pem.cert, keyPem: broker.pem.key },
  });

  /** What deploy number `i` (1-based) is: every fourth a full one, the others partial of two kinds; every tenth removes the detection node. */
  function plan(i: number): { type: DeployType; withDetections: boolean } {
    const type: DeployType = i % 4 === 0 ? 'full' : i % 4 === 2 ? 'flows' : 'nodes';
    return { type, withDetections: !(i % 10 === 5) };
  }

  async function lookupAnswered(seq: number): Promise<void> {
    const outputs = collect('out');
    node('get').receive({ payload: NOTEPAD.md5, seq });
    await eventually(() => outputs.some((msg) => msg.seq === seq), `lookup ${seq} answered`, 10_000);
  }

  async function eachEventOnce(withDetections: boolean): Promise<void> {
    const expected = withDetections ? EVENT_NODES : EVENT_NODES.filter((id) => id !== 'detections');
    await eventually(
      () => connection().subscriptionCount() === (withDetections ? 4 : 3),
      () => `subscriptions ${connection().subscriptionCount()}`,
    );
    await sleep(100); // the SUBACKs of subscriptions just made
    const received: Record<string, TestMessage[]> = Object.fromEntries(expected.map((id) => [id, collect(`out-${id}`)]));
    const file = newFile();
    await peerTie.setReputation(fileTarget({ sha256: file.sha256 }), 15);
    await peer.simulator.publishDetection({ hashes: file, name: 'REDEPLOY.EXE' });
    await peer.simulator.publishFirstInstance({ hashes: newFile(), name: 'FIRST.EXE' });
    await eventually(() => expected.every((id) => received[id].length >= 1), 'one event at each event node');
    await sleep(300);
    for (const id of expected) assert.equal(received[id].length, 1, `${id} got ${received[id].length} events`);
  }

  async function settled(target: Snapshot, now: () => Snapshot, what: string): Promise<Snapshot> {
    let last = now();
    await eventually(
      () => {
        last = now();
        return JSON.stringify(last) === JSON.stringify(target);
      },
      () => `${what}: ${JSON.stringify(last)} instead of ${JSON.stringify(target)}; resources ${JSON.stringify(resourceSummary())}`,
      10_000,
    );
    return last;
  }

  it(`answers after each of ${DEPLOYS} deploys, delivers each event once, and returns to its baseline resources`, async () => {
    // The node types registered, no flow yet: what the runtime holds for them alone.
    await helper.load(modules, [{ id: TAB, type: 'tab', label: 'empty' }]);
    await sleep(500);
    const beforeFlows = snapshot(false);
    await helper.setFlows(flow(0, true), 'full', credentials());
    await eventually(() => connection().state.status === 'connected', 'connected', 10_000);
    await lookupAnswered(0);
    await eachEventOnce(true);
    await sleep(500);
    const baseline = snapshot(true);

    const counts: Record<DeployType, number> = { nodes: 0, flows: 0, full: 0 };
    let removals = 0;
    for (let i = 1; i <= DEPLOYS; i++) {
      const { type, withDetections } = plan(i);
      counts[type]++;
      if (!withDetections) removals++;
      await helper.setFlows(flow(i, withDetections), type, credentials());
      await eventually(() => connection().state.status === 'connected', `deploy ${i} (${type}) connected`, 10_000);
      await lookupAnswered(i);
      if (i % 50 === 0 || i % 10 === 5) await eachEventOnce(withDetections);
    }
    // The last deploy restores the first flow's shape (a full deploy, every node new).
    await helper.setFlows(flow(0, true), 'full', credentials());
    await eventually(() => connection().state.status === 'connected', 'connected after the last deploy', 10_000);
    await lookupAnswered(DEPLOYS + 1);
    await eachEventOnce(true);
    await sleep(500);
    const after = await settled(baseline, () => snapshot(true), 'after the deploys');

    await helper.unload();
    const gone = await settled(beforeFlows, () => snapshot(false), 'after the flows were removed');

    recordFigures('redeploys', {
      deploys: DEPLOYS + 1,
      modifiedNodes: counts.nodes,
      modifiedFlows: counts.flows,
      full: counts.full + 1,
      eventNodeRemovals: removals,
      lookupsAnswered: DEPLOYS + 2,
      baseline: { ...baseline },
      afterDeploys: { ...after },
      beforeFlows: { ...beforeFlows },
      afterFlowsRemoved: { ...gone },
    } satisfies Figures);
  });
});
