/**
 * Seeing the fabric from Node-RED, on the embedded fabric over real TLS: a deployed tie-config's
 * diagnostics from its admin endpoint, "Test connection" on undeployed settings (brokers, TIE
 * service, topic probes that change no reputation), a lookup that fails fast when the only broker
 * refuses connections, one answered across a short broker restart, and the tie-status node.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TieConfigDiagnostics } from '../nodes/kit/diagnostics';
import type { ConnectionTestReport } from '../nodes/tie-config/connection-test';
import { TieTopic } from '../src/tie/topics';
import type { Reputations } from '../src/tie/types';
import { TieClient } from '../src/tie/client';
import { freePort } from '../test-kit/ports';
import { testPki } from '../test-kit/pki-fixture';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { requestFlow } from './support/node-red-request-flow';
import { NOTEPAD } from './support/node-red-samples';

interface Reply<T> {
  status: number;
  body: T;
}
interface Agent {
  get(url: string): Promise<Reply<unknown>>;
  post(url: string): { send(body: unknown): Promise<Reply<unknown>> };
}

const agent = (): Agent => helper.request() as unknown as Agent;

async function diagnosticsOf(id: string): Promise<Reply<TieConfigDiagnostics>> {
  return (await agent().get(`/tie-config/${id}/diagnostics`)) as Reply<TieConfigDiagnostics>;
}

async function testReport(body: unknown): Promise<ConnectionTestReport> {
  const reply = await agent().post('/tie-config/test').send(body);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body as ConnectionTestReport;
}

describe('tie-config diagnostics, Test connection and tie-status', function () {
  this.timeout(60_000);
  let test: TestFabric;
  const modules = ['tie-config', 'tie-get-reputation', 'tie-set-reputation', 'tie-status'].map(ourNode);

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  it('serves a deployed tie-config its diagnostics: state, broker, requests answered; any other id is not deployed', async () => {
    const [flow, credentials] = requestFlow(test, 'tie-get-reputation', { subject: 'file' });
    await helper.load(modules, flow, credentials);
    const out = nextMessage('out', 8000);
    node('node').receive({ payload: NOTEPAD.md5 });
    await out;
    const first = await diagnosticsOf('config');
    assert.equal(first.status, 200);
    const diagnostics = first.body;
    assert.equal(diagnostics.state.status, 'connected');
    assert.equal(diagnostics.users, 1);
    const dxl = diagnostics.dxl!;
    assert.equal(dxl.brokers.length, 1);
    assert.equal(dxl.brokers[0].status, 'connected');
    assert.equal(dxl.brokers[0].broker, `127.0.0.1:${test.fabric.port}`);
    assert.equal(dxl.reconnects, 0);
    assert.ok(dxl.requests.answered >= 1, JSON.stringify(dxl.requests));
    assert.equal(dxl.requests.timedOut, 0);
    // The first call starts a round trip to the broker; a later one reports it.
    let later = diagnostics;
    for (let i = 0; i < 50 && later.dxl?.roundTrip === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      later = (await diagnosticsOf('config')).body;
    }
    assert.ok((later.dxl?.roundTrip?.ms ?? -1) >= 0, 'a round trip was measured');

    const missing = await diagnosticsOf('no-such-node');
    assert.deepEqual([missing.status, missing.body], [200, { deployed: false }]);
  });

  it('counts cache hits and misses with the cache on', async () => {
    const [flow, credentials] = requestFlow(test, 'tie-get-reputation', { subject: 'file' }, { cache: true, cacheTtl: 60 });
    await helper.load(modules, flow, credentials);
    for (let i = 0; i < 3; i++) {
      const out = nextMessage('out', 8000);
      node('node').receive({ payload: NOTEPAD.md5 });
      await out;
    }
    const { cache } = (await diagnosticsOf('config')).body;
    assert.deepEqual({ hits: cache?.hits, misses: cache?.misses }, { hits: 2, misses: 1 });
  });

  it("Test connection on undeployed settings uses the deployed credentials left unchanged, and probes the flows' topics without setting anything", async () => {
    const [configNode, credentials] = configNodeFor(test);
    const flow: FlowNode[] = [
      ...catchAndComplete(['get', 'set']),
      configNode,
      ...onTab([
        { id: 'get', type: 'tie-get-reputation', connection: 'config', subject: 'file', wires: [[]] },
        { id: 'set', type: 'tie-set-reputation', connection: 'config', subject: 'file', wires: [[]] },
      ]),
    ];
    await helper.load(modules, flow, credentials);
    const tie = new TieClient(await test.client());
    const before: Reputations = await tie.getFileReputation({ md5: NOTEPAD.md5 });

    const report = await testReport({
      id: 'config',
      settings: { brokers: [{ host: '127.0.0.1', port: test.fabric.port }], transport: 'mqtt', tlsSource: 'credentials' },
      // The key as the editor posts a stored one: an empty box.
      credentials: { caPem: credentials.config.caPem, certPem: credentials.config.certPem, keyPem: '' },
    });
    assert.equal(report.configError, undefined);
    assert.deepEqual(report.brokers, [{ broker: `127.0.0.1:${test.fabric.port}`, ok: true }]);
    assert.equal(report.fabricBrokers?.length, 1);
    assert.ok((report.tie?.instances ?? 0) >= 1, JSON.stringify(report.tie));
    assert.deepEqual(
      report.topics.map((probe) => [probe.topic, probe.verdict]),
      [
        [TieTopic.GET_FILE_REPUTATION, 'answered'],
        [TieTopic.SET_FILE_REPUTATION, 'answered'],
      ],
    );
    assert.equal(report.topics[1].group, 'TIE Server Set Enterprise Reputation');
    assert.deepEqual(await tie.getFileReputation({ md5: NOTEPAD.md5 }), before, 'the probe changed no reputation');
  });

  it('Test connection says which broker refused and how: nothing listening, an untrusted certificate, settings it cannot use', async () => {
    const closedPort = await freePort();
    const other = testPki();
    const report = await testReport({
      settings: {
        brokers: [
          { host: '127.0.0.1', port: closedPort },
          { host: '127.0.0.1', port: test.fabric.port },
        ],
      },
      credentials: { caPem: other.ca.certPem, certPem: test.credentials.certPem, keyPem: test.credentials.keyPem },
    });
    assert.equal(report.brokers.length, 2);
    assert.deepEqual([report.brokers[0].ok, report.brokers[0].kind, report.brokers[0].tls], [false, 'refused', false]);
    assert.deepEqual([report.brokers[1].ok, report.brokers[1].tls], [false, true]);
    assert.equal(report.brokers[1].kind, 'untrustedCa');
    assert.deepEqual(report.topics, []);

    const unusable = await testReport({ settings: { brokers: [{ host: '127.0.0.1', port: test.fabric.port }] }, credentials: {} });
    assert.match(unusable.configError ?? '', /TLS material missing/);
    assert.deepEqual(unusable.brokers, []);
  });

  it('a lookup through a tie-config whose only broker refuses connections reaches the Catch within 5 s, naming the refusal', async () => {
    const port = await freePort();
    const [flow, credentials] = requestFlow(
      test,
      'tie-get-reputation',
      { subject: 'file' },
      { brokers: [{ host: '127.0.0.1', port }], requestTimeout: 30 },
    );
    await helper.load(modules, flow, credentials);
    const started = Date.now();
    const caught = nextMessage('caught', 8000);
    node('node').receive({ payload: NOTEPAD.md5 });
    const error = caughtError(await caught);
    assert.ok(Date.now() - started < 5000, `caught after ${Date.now() - started} ms`);
    assert.equal(error.code, 'DXL_DISCONNECTED');
    assert.match(error.message, /connection refused/);
  });

  it('tie-status sends the connection as it changes, and the diagnostics on input', async () => {
    const [configNode, credentials] = configNodeFor(test);
    const flow: FlowNode[] = [
      configNode,
      ...onTab([
        { id: 'status', type: 'tie-status', connection: 'config', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    ];
    await helper.load(modules, flow, credentials);
    // The connection is made asynchronously: the msgs come after the load.
    const received: TestMessage[] = collect('out');
    await eventually(() => received.length === 1, 'the connected msg');
    assert.equal(received[0].topic, 'connected');
    assert.equal((received[0].payload as { broker: string }).broker, `127.0.0.1:${test.fabric.port}`);
    node('status').receive({ payload: 'now' });
    await eventually(() => received.length === 2, 'the diagnostics');
    assert.equal(received[1].topic, 'diagnostics');
    assert.equal((received[1].payload as TieConfigDiagnostics).state.status, 'connected');
  });

  it('a lookup sent during a 1 s broker restart is answered, and the diagnostics count the reconnect', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-diagnostics-restart-'));
    const port = await freePort();
    let fabric = await startTestFabric({ port, dataDir });
    try {
      helper.settings({ tieConfigReconnectDelay: 200, tieConfigReconnectMaxDelay: 1000 });
      const [flow, credentials] = requestFlow(fabric, 'tie-get-reputation', { subject: 'file' }, { requestTimeout: 10 });
      flow.push(
        ...onTab([
          { id: 'status', type: 'tie-status', connection: 'config', wires: [['changes']] },
          { id: 'changes', type: 'helper' },
        ]),
      );
      await helper.load(modules, flow, credentials);
      const changes = collect('changes');
      await eventually(() => changes.length === 1, 'connected');
      await fabric.close();
      const out = nextMessage('out', 10_000);
      node('node').receive({ payload: NOTEPAD.md5 });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      fabric = await startTestFabric({ port, dataDir });
      const answer = await out;
      assert.ok(answer.verdict, 'answered');
      const { dxl } = (await diagnosticsOf('config')).body;
      assert.equal(dxl?.reconnects, 1);
      assert.equal(dxl?.brokers[0].status, 'connected');
      assert.deepEqual(
        changes.map((msg) => msg.topic),
        ['connected', 'disconnected', 'connected'],
      );
    } finally {
      helper.settings({});
      await helper.unload();
      await fabric.close();
    }
  });
});

describe('tie-config on a fabric whose topic policy refuses this client the Enterprise set topic', function () {
  this.timeout(60_000);
  let test: TestFabric;
  const modules = ['tie-config', 'tie-get-reputation', 'tie-set-reputation'].map(ourNode);

  before(async () => {
    // Nobody may send on the Enterprise set topic (an empty list allows nobody); everything else is open.
    test = await startTestFabric({ policy: { send: [{ topic: TieTopic.SET_FILE_REPUTATION, clients: [] }], receive: [] } });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  it('Test connection reports the set topic as not authorized, naming the group, and the lookup topic as answered', async () => {
    const [configNode, credentials] = configNodeFor(test);
    await helper.load(
      modules,
      [
        configNode,
        ...onTab([
          { id: 'get', type: 'tie-get-reputation', connection: 'config', subject: 'file', wires: [[]] },
          { id: 'set', type: 'tie-set-reputation', connection: 'config', subject: 'file', wires: [[]] },
        ]),
      ],
      credentials,
    );
    const report = await testReport({
      id: 'config',
      settings: { brokers: [{ host: '127.0.0.1', port: test.fabric.port }] },
      credentials: { caPem: credentials.config.caPem, certPem: credentials.config.certPem },
    });
    assert.deepEqual(report.topics, [
      { topic: TieTopic.GET_FILE_REPUTATION, kind: 'request', verdict: 'answered' },
      { topic: TieTopic.SET_FILE_REPUTATION, kind: 'request', verdict: 'notAuthorized', group: 'TIE Server Set Enterprise Reputation' },
    ]);
  });

  it('a tie-set-reputation on that topic reaches the Catch within its timeout, naming authorization and the group', async () => {
    const [flow, credentials] = requestFlow(test, 'tie-set-reputation', { subject: 'file' }, { requestTimeout: 2 });
    await helper.load(modules, flow, credentials);
    await eventually(
      () => (node('config') as unknown as { connection: { state: { status: string } } }).connection.state.status === 'connected',
      'connected',
    );
    // The registry is read when the connection is made.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const caught = nextMessage('caught', 8000);
    node('node').receive({ payload: NOTEPAD.md5, trustLevel: 99 });
    const error = caughtError(await caught);
    const took = Date.now() - started;
    assert.ok(took < 2500, `caught after ${took} ms (timeout 2 s)`);
    assert.equal(error.code, 'DXL_TIMEOUT');
    assert.match(error.message, /probably not authorized to send on this topic/);
    assert.match(error.message, /TIE Server Set Enterprise Reputation/);
  });
});
