/**
 * Failover between two brokers, through Node-RED, for Mosquitto and for the fabric: a tie-config
 * lists both; the broker in use is killed under load and the connection moves to the other within
 * the documented bound (2 s); both are then killed and one started again: the connection comes
 * back within the backoff cap, and a request made while both were down is answered. Each broker
 * has its own TIE service (they are not bridged); the flow reaches each through a relay that,
 * as in the broker-loss test, accepts again only once that broker serves TIE again.
 */
import assert from 'node:assert/strict';
import type { SharedConnection } from '../../nodes/kit/connection';
import type { Reputations } from '../../src/tie/types';
import { catchAndComplete, collect, helper, nextMessage, node, onTab, ourNode, sleep } from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { NOTEPAD } from '../support/node-red-samples';
import { BROKER_KINDS, type KillableBroker, startBrokerPair } from './support/brokers';
import { recordFigures } from './support/figures';
import { allEnded, report, steadyLoad } from './support/ledger';
import { type Relay, startRelay } from './support/relay';
import { type ServicePeer, startServicePeer } from './support/service-peer';
import { lookupNode } from '../support/node-red-request-flow';

/** The bound README.md documents for moving to another broker once the one in use is gone. */
const FAILOVER_BOUND_MS = 2000;
const MAX_DELAY_MS = 1000;

function connection(): SharedConnection {
  return (node('config') as unknown as { connection: SharedConnection }).connection;
}

for (const kind of BROKER_KINDS) {
  describe(`faults: failover between two ${kind} brokers, through Node-RED`, function () {
    this.timeout(120_000);
    const modules = ['tie-config', 'tie-get-reputation'].map(ourNode);
    const sides: Array<{ broker: KillableBroker; relay: Relay; peer: ServicePeer }> = [];

    before(async () => {
      helper.settings({ tieConfigReconnectDelay: 200, tieConfigReconnectMaxDelay: MAX_DELAY_MS });
      for (const broker of await startBrokerPair(kind)) {
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

    async function kill(side: { broker: KillableBroker; relay: Relay }): Promise<void> {
      const killed = side.broker.kill();
      side.relay.refuse();
      await killed;
    }

    async function revive(side: { broker: KillableBroker; relay: Relay; peer: ServicePeer }): Promise<void> {
      await side.broker.start();
      await side.peer.serving();
      await side.relay.accept();
    }

    it('moves to the other broker within 2 s when the one in use is killed, and recovers when both went down and one came back', async () => {
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
          ...onTab([lookupNode(), { id: 'out', type: 'helper' }]),
        ],
        { config: { caPem: pem.ca, certPem: pem.cert, keyPem: pem.key } },
      );
      await eventually(() => connection().state.status === 'connected', 'connected', 10_000);
      const completed = collect('completed');
      const caught = collect('caught');
      const load = steadyLoad((seq) => node('get').receive({ payload: NOTEPAD.sha1, seq }), 5);
      const failoverMs: number[] = [];
      let recoveryMs: number;
      try {
        // Twice: from whichever broker is in use to the other, and back.
        for (let round = 0; round < 2; round++) {
          await sleep(500);
          const inUse = sides.findIndex((side) => connection().state.broker === `127.0.0.1:${side.relay.port}`);
          assert.ok(inUse >= 0, `connected to one of the two: ${connection().state.broker}`);
          const killedAt = Date.now();
          await kill(sides[inUse]);
          const other = `127.0.0.1:${sides[1 - inUse].relay.port}`;
          await eventually(
            () => connection().state.status === 'connected' && connection().state.broker === other,
            `failover to ${other}`,
            10_000,
          );
          failoverMs.push(Date.now() - killedAt);
          await revive(sides[inUse]);
        }

        // Both down, then one back.
        await sleep(500);
        await Promise.all(sides.map((side) => kill(side)));
        await eventually(() => connection().state.status !== 'connected', 'disconnected');
        const answered = nextMessage('out', 20_000);
        node('get').receive({ payload: NOTEPAD.md5, seq: -1 });
        await sleep(2 * MAX_DELAY_MS); // the client is in its slowest backoff
        const startedAt = Date.now();
        await revive(sides[0]);
        await eventually(() => connection().state.status === 'connected', 'recovered', 10_000);
        recoveryMs = Date.now() - startedAt;
        const msg = await answered;
        assert.equal((msg.payload as Reputations)[1]?.trustLevel, 99, 'the request made while both were down was answered');
        await revive(sides[1]);
        await sleep(300);
      } finally {
        load.stop();
      }
      const sent = load.sent;
      await eventually(() => allEnded(sent, completed, caught), 'every message ended', 20_000);
      await sleep(300);
      const ledger = report(sent, completed, caught);
      assert.deepEqual(ledger.duplicates, []);
      assert.deepEqual(ledger.missing, []);
      assert.ok(
        Object.keys(ledger.failedByCode).every((code) => code === 'DXL_DISCONNECTED'),
        JSON.stringify(ledger.failedByCode),
      );
      for (const ms of failoverMs) assert.ok(ms < FAILOVER_BOUND_MS, `failover took ${ms} ms (bound ${FAILOVER_BOUND_MS} ms)`);
      // The relay opens once the service is back, so the client waits at most one backoff step (cap + 25 %) and a connect.
      assert.ok(recoveryMs < MAX_DELAY_MS * 1.25 + 1000, `recovered ${recoveryMs} ms after the broker came back`);
      recordFigures(`failover-${kind}`, {
        failovers: failoverMs.length,
        failoverMs,
        bothDownThenOneBackRecoveryMs: recoveryMs,
        messagesSent: sent + 1,
        succeeded: ledger.succeeded + 1,
        failedDisconnected: ledger.failedByCode.DXL_DISCONNECTED ?? 0,
        endedTwice: ledger.duplicates.length,
        leftHanging: ledger.missing.length,
      });
    });
  });
}
