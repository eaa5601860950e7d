/**
 * What a flow sees of a failover, on two embedded fabric brokers under load: a tie-status node sends
 * exactly one disconnected and one connected msg per failover, naming the brokers, and the
 * tie-config's diagnostics follow (reconnects counted, each broker's state). The setup is the
 * failover test's (failover.test.ts): each broker has its own TIE service, reached through a relay
 * that accepts again only once that broker serves TIE again.
 */
import assert from 'node:assert/strict';
import type { SharedConnection } from '../../nodes/kit/connection';
import type { ConnectionChange } from '../../nodes/kit/connection-changes';
import { catchAndComplete, collect, eventually, helper, node, onTab, ourNode, sleep } from '../support/node-red-helper';
import { NOTEPAD } from '../support/node-red-samples';
import { type KillableBroker, startBrokerPair } from './support/brokers';
import { allEnded, report, steadyLoad } from './support/ledger';
import { type Relay, startRelay } from './support/relay';
import { type ServicePeer, startServicePeer } from './support/service-peer';

function connection(): SharedConnection {
  return (node('config') as unknown as { connection: SharedConnection }).connection;
}

describe('faults: a failover as tie-status and the diagnostics tell it (embedded fabric)', function () {
  this.timeout(120_000);
  const modules = ['tie-config', 'tie-get-reputation', 'tie-status'].map(ourNode);
  const sides: Array<{ broker: KillableBroker; relay: Relay; peer: ServicePeer }> = [];

  before(async () => {
    helper.settings({ tieConfigReconnectDelay: 200, tieConfigReconnectMaxDelay: 1000 });
    for (const broker of await startBrokerPair('fabric')) {
      sides.push({ broker, relay: await startRelay(broker), peer: await startServicePeer(broker, { responseDelayMs: 20 }) });
    }
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    for (const side of sides) {
      await side.peer.close();
      side.relay.close();
      await side.broker.kill();
    }
  });

  it('sends one disconnected and one connected msg per failover, with the brokers; reconnects and states follow', async () => {
    const pem = sides[0].broker.pem;
    await helper.load(
      modules,
      [
        ...catchAndComplete(['get']),
        {
          id: 'config',
          type: 'tie-config',
          brokers: sides.map((side) => ({ host: '127.0.0.1', port: side.relay.port })),
          transport: 'mqtt',
          tlsSource: 'credentials',
          requestTimeout: 15,
        },
        ...onTab([
          { id: 'get', type: 'tie-get-reputation', connection: 'config', subject: 'file', input: 'payload', inputType: 'msg', wires: [[]] },
          { id: 'status', type: 'tie-status', connection: 'config', wires: [['changes']] },
          { id: 'changes', type: 'helper' },
        ]),
      ],
      { config: { caPem: pem.ca, certPem: pem.cert, keyPem: pem.key } },
    );
    const changes = collect('changes');
    await eventually(() => connection().state.status === 'connected', 'connected', 10_000);
    await eventually(() => changes.length === 1, 'the first connected msg');
    const completed = collect('completed');
    const caught = collect('caught');
    const load = steadyLoad((seq) => node('get').receive({ payload: NOTEPAD.sha1, seq }), 5);
    const expected: Array<Partial<ConnectionChange>> = [{ event: 'connected', broker: connection().state.broker }];
    try {
      for (let round = 0; round < 2; round++) {
        await sleep(500);
        const inUse = sides.findIndex((side) => connection().state.broker === `127.0.0.1:${side.relay.port}`);
        const killed = `127.0.0.1:${sides[inUse].relay.port}`;
        const other = `127.0.0.1:${sides[1 - inUse].relay.port}`;
        const killing = sides[inUse].broker.kill();
        sides[inUse].relay.refuse();
        await killing;
        await eventually(
          () => connection().state.status === 'connected' && connection().state.broker === other,
          `failover to ${other}`,
          10_000,
        );
        expected.push(
          { event: 'disconnected', broker: killed },
          { event: 'connected', broker: other, previousBroker: killed, failover: true },
        );
        const diagnostics = connection().diagnostics();
        assert.equal(diagnostics.dxl?.reconnects, round + 1);
        const states = Object.fromEntries((diagnostics.dxl?.brokers ?? []).map((b) => [b.broker, b.status]));
        assert.equal(states[other], 'connected');
        assert.notEqual(states[killed], 'connected');
        assert.ok(diagnostics.dxl?.brokers.find((b) => b.broker === killed)?.lastFailure, 'the lost broker keeps its failure');
        await sides[inUse].broker.start();
        await sides[inUse].peer.serving();
        await sides[inUse].relay.accept();
      }
      await sleep(500);
    } finally {
      load.stop();
    }
    await eventually(() => allEnded(load.sent, completed, caught), 'every message ended', 20_000);
    const ledger = report(load.sent, completed, caught);
    assert.deepEqual(ledger.missing, []);
    const seen = changes.map((msg) => {
      const { event, broker, previousBroker, failover } = msg.payload as ConnectionChange;
      return { event, broker, ...(previousBroker === undefined ? {} : { previousBroker, failover }) };
    });
    assert.deepEqual(seen, expected);
    for (const msg of changes) assert.equal(msg.topic, (msg.payload as ConnectionChange).event);
    assert.ok(
      changes.filter((msg) => msg.topic === 'disconnected').every((msg) => typeof (msg.payload as ConnectionChange).reason === 'string'),
      'each disconnected msg says why',
    );
  });
});
