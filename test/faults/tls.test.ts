/**
 * Bad TLS material in a tie-config, through Node-RED, on Mosquitto and on the fabric: a wrong CA
 * bundle, an expired client certificate, a key that does not match the certificate, and a
 * certificate from a CA the broker does not know. Each must give every node using the config a
 * red status naming the reason, the full reason in the connection state and in the error a
 * request gets, exactly one log line however many retries, retries spaced by the backoff, no
 * crash (a good tie-config beside it connects), and no socket left behind once the flow goes.
 */
import assert from 'node:assert/strict';
import type { DxlClient } from '../../src/dxl/client';
import type { ConnectionState } from '../../src/dxl/connection-state';
import { issueCertificate } from '../../src/fabric/pki';
import {
  type FlowNode,
  catchAndComplete,
  connectionOf,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  statusBecomes,
} from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { NOTEPAD } from '../support/node-red-samples';
import { testPki } from '../../test-kit/pki-fixture';
import { BROKER_KINDS, type KillableBroker, type Pem, startKillableBroker } from './support/brokers';
import { type Figures, recordFigures } from './support/figures';
import { type Relay, startRelay } from './support/relay';
import { socketCount } from './support/resources';
import { lookupNode } from '../support/node-red-request-flow';

const INITIAL_DELAY_MS = 100;
const MAX_DELAY_MS = 800;
const RETRIES = 5;

interface TlsCase {
  name: string;
  credentials(broker: KillableBroker): Pem;
  status: string;
  reason: RegExp;
  /** Whether attempts reach the network (a mismatched key fails before connecting). */
  connects: boolean;
}

function expiredClient(broker: KillableBroker): Pem {
  const expired = issueCertificate(broker.clientCa, {
    commonName: 'expired-client',
    usage: 'client',
    notBefore: new Date(Date.now() - 400 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  return { ...broker.pem, cert: expired.certPem, key: expired.keyPem };
}

const CASES: Record<KillableBroker['kind'], TlsCase[]> = {
  mosquitto: [],
  fabric: [],
};
for (const kind of BROKER_KINDS) {
  CASES[kind] = [
    {
      name: 'a CA bundle that does not verify the broker',
      credentials: (broker) => ({ ...broker.pem, ca: testPki().otherCa.certPem }),
      status: 'TLS: untrusted CA',
      reason: /TLS: broker certificate not trusted/,
      connects: true,
    },
    {
      name: 'an expired client certificate',
      credentials: expiredClient,
      status: 'TLS: client cert expired',
      reason: /TLS: our client certificate expired on \d{4}-\d\d-\d\d/,
      connects: true,
    },
    {
      name: 'a key that does not match the certificate',
      credentials: (broker) => ({ ...broker.pem, key: testPki().foreignClient.keyPem }),
      status: 'TLS: key mismatch',
      reason: /TLS: private key does not match the client certificate/,
      connects: false,
    },
    {
      name: 'a client certificate from a CA the broker does not know',
      credentials: (broker) => ({ ...broker.pem, cert: testPki().foreignClient.certPem, key: testPki().foreignClient.keyPem }),
      // Mosquitto says why in a TLS alert; the fabric (Node's TLS server) only closes the connection.
      status: kind === 'mosquitto' ? 'TLS: client cert rejected' : 'refused by broker',
      reason:
        kind === 'mosquitto'
          ? /TLS: broker rejected our client certificate: issued by a CA it does not trust/
          : /the broker closed the connection before accepting it \(does it trust our client certificate\?\)/,
      connects: true,
    },
  ];
}

/** The DXL client behind a tie-config node, for watching its retries. */
function clientOf(id: string): DxlClient {
  const client = (connectionOf(id) as unknown as { connection?: { client: DxlClient } }).connection?.client;
  if (client === undefined) throw new Error(`${id} has no client`);
  return client;
}

/** Calls of a spied node method made on `id`, as text. */
function calls(id: string, method: 'warn' | 'error'): string[] {
  const spy = node(id)[method] as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  return spy
    .getCalls()
    .filter((call) => call.thisValue === node(id))
    .map((call) => String(call.args[0] instanceof Error ? call.args[0].message : call.args[0]));
}

/** Records each retry the client schedules (a new state carrying retryInMs), sampling every 5 ms. */
function watchRetries(client: DxlClient): { delays: number[]; stop(): void } {
  const delays: number[] = [];
  let seen: ConnectionState | undefined;
  const timer = setInterval(() => {
    const state = client.connectionState;
    if (state !== seen && state.retryInMs !== undefined) delays.push(state.retryInMs);
    seen = state;
  }, 5);
  return { delays, stop: () => clearInterval(timer) };
}

for (const kind of BROKER_KINDS) {
  describe(`faults: bad TLS material against ${kind}, through Node-RED`, function () {
    this.timeout(60_000);
    const modules = ['tie-config', 'tie-get-reputation', 'tie-detection'].map(ourNode);
    let broker: KillableBroker;
    let relay: Relay;
    const figures: Figures = {};

    before(async () => {
      helper.settings({ tieConfigReconnectDelay: INITIAL_DELAY_MS, tieConfigReconnectMaxDelay: MAX_DELAY_MS });
      broker = await startKillableBroker(kind);
      relay = await startRelay(broker);
      await helper.startServer();
    });
    after(async () => {
      await helper.unload();
      await helper.stopServer();
      helper.settings({});
      relay.close();
      await broker.kill();
      recordFigures(`tls-${kind}`, figures);
    });

    for (const tlsCase of CASES[kind]) {
      it(`${tlsCase.name}: "${tlsCase.status}" on every node, the reason in one log line, backoff, no crash, no leak`, async () => {
        const socketsBefore = socketCount();
        const bad = tlsCase.credentials(broker);
        // The bad config goes through the relay, which counts its attempts; the good one straight to the broker.
        const configFor = (id: string, port: number): FlowNode => ({
          id,
          type: 'tie-config',
          brokers: [{ host: '127.0.0.1', port }],
          transport: 'mqtt',
          tlsSource: 'credentials',
          requestTimeout: 1,
        });
        const flow: FlowNode[] = [
          ...catchAndComplete(['get']),
          configFor('config', relay.port),
          configFor('good', broker.port),
          ...onTab([
            lookupNode(),
            { id: 'events', type: 'tie-detection', connection: 'config', wires: [[]] },
            { id: 'good-events', type: 'tie-detection', connection: 'good', wires: [[]] },
            { id: 'out', type: 'helper' },
          ]),
        ];
        const attemptsBefore = relay.attempts.length;
        await helper.load(modules, flow, {
          config: { caPem: bad.ca, certPem: bad.cert, keyPem: bad.key },
          good: { caPem: broker.pem.ca, certPem: broker.pem.cert, keyPem: broker.pem.key },
        });
        try {
          for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'red', shape: 'ring', text: tlsCase.status }, 10_000);
          const retries = watchRetries(clientOf('config'));
          await eventually(
            () => retries.delays.length >= RETRIES,
            () => `${RETRIES} retries, saw ${retries.delays.join(', ')}`,
            15_000,
          );
          retries.stop();

          assert.match(connectionOf('config').state.reason ?? '', tlsCase.reason);
          retries.delays.slice(0, RETRIES).forEach((delay, i) => {
            const base = Math.min(INITIAL_DELAY_MS * 2 ** i, MAX_DELAY_MS);
            assert.ok(
              delay >= base && delay <= base * 1.25 + 1,
              `retry ${i} in ${delay} ms, expected ${base}-${base * 1.25} (${retries.delays.join(', ')})`,
            );
          });
          const networkAttempts = relay.attempts.length - attemptsBefore;
          if (tlsCase.connects) assert.ok(networkAttempts >= RETRIES, `${networkAttempts} attempts reached the broker`);
          else assert.equal(networkAttempts, 0, 'refused before connecting');

          const warned = calls('config', 'warn').filter((line) => line.startsWith('cannot connect'));
          assert.equal(warned.length, 1, `one log line for ${retries.delays.length} retries:\n${warned.join('\n')}`);
          assert.match(warned[0], tlsCase.reason);
          assert.deepEqual(calls('config', 'error'), [], 'nothing logged as an error');

          const caught = nextMessage('caught', 5000);
          node('get').receive({ payload: NOTEPAD.md5 });
          const error = (await caught).error as { code: string; message: string };
          assert.equal(error.code, 'DXL_DISCONNECTED');
          assert.match(error.message, tlsCase.reason);

          await eventually(() => connectionOf('good').state.status === 'connected', 'the good tie-config beside it connected');
          await statusBecomes(node('good-events'), { fill: 'green' });
          figures[tlsCase.name] = {
            retries: retries.delays.length,
            retryDelaysMs: retries.delays,
            networkAttempts,
            logLines: warned.length,
            status: tlsCase.status,
          };
        } finally {
          await helper.unload();
        }
        await eventually(
          () => socketCount() <= socketsBefore,
          () => `sockets back to ${socketsBefore}, now ${socketCount()}`,
        );
      });
    }
  });
}
