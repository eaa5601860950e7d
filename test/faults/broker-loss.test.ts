/**
 * Broker loss under load, through Node-RED: Mosquitto and the fabric, each in its own process, are
 * killed with SIGKILL while a get-reputation node receives a message every 2 ms and its TIE
 * service holds each answer 30 ms (so requests are always in flight). Every input message must
 * end in exactly one done(): DXL_DISCONNECTED when its request was on the wire as the connection
 * dropped, success when it was made while disconnected and the connection came back within the
 * request timeout. The client reconnects with backoff, logs the loss once, gets its event
 * subscriptions back; the service's client re-registers and events flow again.
 *
 * The flow reaches the broker through a relay that stops accepting when the broker is killed and
 * accepts again once the restarted broker serves TIE again: otherwise a request could arrive
 * between the broker's start and the service's re-registration, which is a different fault
 * (DXL_SERVICE_UNAVAILABLE on the fabric, DXL_TIMEOUT on plain MQTT).
 */
import assert from 'node:assert/strict';
import type { SharedConnection } from '../../nodes/kit/connection';
import {
  type FlowNode,
  catchAndComplete,
  collect,
  eventually,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
  statusHistory,
} from '../support/node-red-helper';
import { NOTEPAD, EICAR, UNKNOWN_FILE, newFile } from '../support/node-red-samples';
import { BROKER_KINDS, type KillableBroker, startKillableBroker } from './support/brokers';
import { type Figures, recordFigures } from './support/figures';
import { allEnded, report, steadyLoad } from './support/ledger';
import { type Relay, startRelay } from './support/relay';
import { type ServicePeer, startServicePeer } from './support/service-peer';

const CONNECTED = 'node-red:common.status.connected';
const CYCLES = 5;
const SEND_EVERY_MS = 2;
const REQUEST_TIMEOUT_S = 15;
const HASHES = [NOTEPAD.md5, EICAR.sha1, UNKNOWN_FILE.sha256];

function connectionState(): string {
  return (node('config') as unknown as { connection: SharedConnection }).connection.state.status;
}

function configWarnings(): string[] {
  const spy = node('config').warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node('config'))
    .map((call) => String(call.args[0]));
}

for (const kind of BROKER_KINDS) {
  describe(`faults: ${kind} killed under load, through Node-RED`, function () {
    this.timeout(120_000);
    const modules = ['tie-config', 'tie-get-reputation', 'tie-detection'].map(ourNode);
    let broker: KillableBroker;
    let relay: Relay;
    let peer: ServicePeer;

    before(async () => {
      helper.settings({ tieConfigReconnectDelay: 200, tieConfigReconnectMaxDelay: 1000 });
      broker = await startKillableBroker(kind);
      relay = await startRelay(broker);
      peer = await startServicePeer(broker, { responseDelayMs: 30 });
      await helper.startServer();
    });
    after(async () => {
      await helper.unload();
      await helper.stopServer();
      helper.settings({});
      await peer.close();
      relay.close();
      await broker.kill();
    });

    function flow(): [FlowNode[], Record<string, Record<string, string>>] {
      return [
        [
          ...catchAndComplete(['get']),
          {
            id: 'config',
            type: 'tie-config',
            brokers: [{ host: '127.0.0.1', port: relay.port }],
            transport: 'mqtt',
            tlsSource: 'credentials',
            requestTimeout: REQUEST_TIMEOUT_S,
            // A restart of the embedded fabric takes longer than the default wait for a connection: messages sent while it is down wait their whole timeout.
            connectWait: REQUEST_TIMEOUT_S,
          },
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
            { id: 'detections', type: 'tie-detection', connection: 'config', wires: [['out-detections']] },
            { id: 'out', type: 'helper' },
            { id: 'out-detections', type: 'helper' },
          ]),
        ],
        { config: { caPem: broker.pem.ca, certPem: broker.pem.cert, keyPem: broker.pem.key } },
      ];
    }

    it(`ends every message in exactly one done() through ${CYCLES} kills, reconnects, restores subscriptions and services`, async () => {
      const [nodes, credentials] = flow();
      await helper.load(modules, nodes, credentials);
      for (const id of ['get', 'detections']) await statusBecomes(node(id), { text: CONNECTED }, 10_000);
      const completed = collect('completed');
      const caught = collect('caught');
      const detections = collect('out-detections');
      /** seq ranges: [from, to) sent while the broker was down, one per cycle. */
      const outages: Array<[number, number]> = [];
      /** From the kill to the flow's reconnection (includes the 700 ms the broker stays down). */
      const recoveryMs: number[] = [];

      const load = steadyLoad((seq) => node('get').receive({ payload: HASHES[seq % HASHES.length], seq }), SEND_EVERY_MS);
      try {
        for (let cycle = 0; cycle < CYCLES; cycle++) {
          await sleep(800);
          const killedAt = Date.now();
          // The relay refuses from the moment of the kill, as the dead broker's port does.
          const killed = broker.kill();
          relay.refuse();
          await killed;
          const firstWhileDown = load.sent;
          await eventually(() => connectionState() !== 'connected', 'the flow noticed the loss');
          await sleep(700);
          await broker.start();
          await peer.serving();
          await relay.accept();
          await eventually(() => connectionState() === 'connected', 'the flow reconnected', 10_000);
          outages.push([firstWhileDown, load.sent]);
          recoveryMs.push(Date.now() - killedAt);
          const before = detections.length;
          await peer.simulator.publishDetection({ hashes: newFile(), name: `AFTER-${cycle}.EXE` });
          await eventually(() => detections.length === before + 1, `cycle ${cycle}: a detection after the restart`);
        }
        await sleep(800);
      } finally {
        load.stop();
      }
      const sent = load.sent;
      await eventually(
        () => allEnded(sent, completed, caught),
        () => {
          const r = report(sent, completed, caught);
          return `every message ended; ${r.missing.length} still open`;
        },
        (REQUEST_TIMEOUT_S + 5) * 1000,
      );
      await sleep(300); // a second done() would arrive now
      const ledger = report(sent, completed, caught);

      assert.deepEqual(ledger.duplicates, [], 'no message ended twice');
      assert.deepEqual(ledger.missing, [], 'no message left hanging');
      assert.deepEqual(
        Object.keys(ledger.failedByCode),
        ['DXL_DISCONNECTED'],
        `only DXL_DISCONNECTED: ${JSON.stringify(ledger.failedByCode)}`,
      );
      const disconnected = ledger.failedByCode.DXL_DISCONNECTED ?? 0;
      assert.ok(disconnected >= CYCLES, `requests in flight at each kill failed at once: ${disconnected}`);
      const failedSeqs = new Set(caught.map((msg) => msg.seq as number));
      for (const [from, to] of outages) {
        const waited = Array.from({ length: to - from }, (_, i) => from + i).filter((seq) => !failedSeqs.has(seq));
        assert.ok(
          waited.length > 0.9 * (to - from),
          `messages sent while the broker was down waited and succeeded: ${waited.length} of ${to - from}`,
        );
      }
      assert.equal(detections.length, CYCLES, 'one detection per restart, no duplicate subscription');
      const history = statusHistory(node('detections')).map((status) => status.text);
      assert.ok(
        history.includes('connection refused') || history.includes('connection lost'),
        `the outage was shown: ${history.join(', ')}`,
      );
      const warnings = configWarnings();
      assert.ok(warnings.length <= 2 * CYCLES, `the loss and the refusals logged once per outage, not per retry:\n${warnings.join('\n')}`);
      assert.equal(warnings.filter((line) => /lost connection/.test(line)).length, CYCLES);

      recordFigures(`broker-loss-${kind}`, {
        kills: CYCLES,
        messagesSent: sent,
        succeeded: ledger.succeeded,
        failedDisconnected: disconnected,
        endedTwice: ledger.duplicates.length,
        leftHanging: ledger.missing.length,
        sentWhileDown: outages.reduce((total, [from, to]) => total + to - from, 0),
        killToReconnectedMs: recoveryMs,
        configWarnings: warnings.length,
      } satisfies Figures);
    });
  });
}
