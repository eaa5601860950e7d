/**
 * The DXL client's diagnostics and its answers to a silent broker, on the embedded fabric over
 * real TLS: registry reads (src/dxl/registry.ts), a timeout on a topic the registry shows served
 * (worded as a probable authorization refusal, naming the group), the wait for a connection,
 * counts of requests and events, the TIE simulator's refusal of the set probe, and the tie-status
 * node's reading of state changes (one disconnected and one connected msg per failover).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DxlClient, DxlClientOptions } from '../src/dxl/client';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { queryBrokers, queryServices, readServiceEntries, routingTopics, servicesForTopic } from '../src/dxl/registry';
import { type RunningFabric, startFabric } from '../src/fabric';
import { TieTopic } from '../src/tie/topics';
import { tieAuthorizationGroup } from '../src/tie/authorization';
import { probePayload } from '../nodes/tie-config/topic-probes';
import { ConnectionChanges } from '../nodes/kit/connection-changes';
import { freePort } from '../test-kit/ports';
import { ourClient } from './support/our-client';

async function rejection(promise: Promise<unknown>): Promise<DxlError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DxlError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('DXL diagnostics and why a request failed (embedded fabric)', function () {
  this.timeout(30_000);
  let fabric: RunningFabric;
  let dataDir: string;
  const clients: DxlClient[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dxl-diagnostics-'));
    fabric = await startFabric({ port: 0, dataDir });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await fabric?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const client = async (options: Partial<DxlClientOptions> = {}): Promise<DxlClient> => {
    const dxl = ourClient([{ host: '127.0.0.1', port: fabric.port }], {
      ca: fs.readFileSync(fabric.files.caCert, 'utf8'),
      cert: fs.readFileSync(fabric.files.clientCert, 'utf8'),
      key: fs.readFileSync(fabric.files.clientKey, 'utf8'),
      ...options,
    });
    clients.push(dxl);
    await dxl.connect({ timeoutMs: 5000 });
    return dxl;
  };

  it('reads the broker and service registries, and finds the TIE service by its topics', async () => {
    const dxl = await client();
    const brokers = await queryBrokers(dxl);
    assert.equal(brokers.length, 1);
    assert.equal(brokers[0].port, fabric.port);
    const services = await queryServices(dxl);
    const tie = servicesForTopic(services, TieTopic.SET_FILE_REPUTATION);
    assert.equal(tie.length, 1);
    assert.equal(tie[0].serviceType, '/mcafee/service/tie');
    assert.deepEqual(servicesForTopic(services, '/nobody/serves/this'), []);
  });

  it('walks topics as the broker does and reads registry answers leniently', () => {
    assert.deepEqual(routingTopics('/a/b/c'), ['/a/b/c', '/a/b/#', '/a/#', '/#', '#']);
    const entries = readServiceEntries({
      services: {
        g1: { serviceType: 't', requestChannels: ['/a/#', 7], metaData: { version: '3.0', bad: {} }, unauthorizedChannels: ['/a/x'] },
        g2: 'not an entry',
        g3: { requestChannels: ['/b'] },
      },
    });
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0].requestChannels, ['/a/#']);
    assert.deepEqual(entries[0].metadata, { version: '3.0' });
    assert.deepEqual(
      servicesForTopic(entries, '/a/b').map((s) => s.serviceGuid),
      ['g1'],
    );
    assert.deepEqual(servicesForTopic(entries, '/a'), []);
    assert.deepEqual(readServiceEntries('nonsense'), []);
  });

  it('a timeout on a topic the registry shows served says the client is probably not authorized, naming the group', async () => {
    const owner = await client();
    // A service that never answers: what a broker's silent refusal looks like from the requester.
    const silent = await owner.registerService({ serviceType: '/test/silent', topics: { '/test/silent/set': () => undefined } });
    try {
      const dxl = await client({
        explainTimeouts: true,
        authorizationGroup: (topic) => (topic === '/test/silent/set' ? 'Test Senders' : undefined),
      });
      // The registry is read when the connection is made.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const error = await rejection(dxl.request('/test/silent/set', '{}', { timeoutMs: 300 }));
      assert.equal(error.code, DxlErrorCode.Timeout);
      assert.match(error.message, /service registry lists 1 service instance\(s\) for it: this client is probably not authorized to send/);
      assert.match(error.message, /ePO topic authorization group: "Test Senders"/);
      const plain = await client();
      const bare = await rejection(plain.request('/test/silent/set', '{}', { timeoutMs: 300 }));
      assert.equal(bare.message, 'No response to the request on /test/silent/set within 300 ms', 'without the option, a bare timeout');
      assert.equal(dxl.diagnostics().requests.timedOut, 1);
    } finally {
      await silent.unregister();
    }
  });

  it('a request made while the broker refuses connections fails after the wait for a connection, naming the refusal', async () => {
    const port = await freePort();
    const dxl = ourClient([{ host: '127.0.0.1', port }], { connectWaitMs: 400 });
    clients.push(dxl);
    const started = performance.now();
    const error = await rejection(dxl.request('/any/topic', '{}', { timeoutMs: 30_000 }));
    const took = performance.now() - started;
    assert.equal(error.code, DxlErrorCode.Disconnected);
    assert.match(error.message, /within 400 ms \(its wait for a connection\): connection refused/);
    assert.ok(took < 3000, `failed after ${Math.round(took)} ms`);
    const diagnostics = dxl.diagnostics();
    assert.deepEqual(diagnostics.requests.failed, { DXL_DISCONNECTED: 1 });
    assert.equal(diagnostics.brokers[0].status, 'failed');
    assert.equal(diagnostics.brokers[0].lastFailure?.cause, 'ECONNREFUSED');
  });

  it('counts requests answered and failed by code, and events by subscribed topic', async () => {
    const dxl = await client();
    const sender = await client();
    await dxl.subscribe('/test/diag/#', () => undefined);
    await dxl.subscribe('/test/diag/exact', () => undefined);
    for (const topic of ['/test/diag/exact', '/test/diag/other', '/test/diag/exact']) await sender.sendEvent(topic, 'x');
    await queryServices(dxl);
    await rejection(dxl.request('/nobody/serves/this', '{}'));
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && (dxl.diagnostics().received['/test/diag/#'] ?? 0) < 3) await new Promise((r) => setTimeout(r, 20));
    const diagnostics = dxl.diagnostics();
    assert.deepEqual(diagnostics.received, { '/test/diag/#': 3, '/test/diag/exact': 2 });
    assert.equal(diagnostics.requests.answered, 1);
    assert.deepEqual(diagnostics.requests.failed, { DXL_SERVICE_UNAVAILABLE: 1 });
    assert.equal(diagnostics.state.status, 'connected');
    assert.equal(diagnostics.reconnects, 0);
  });

  it('the TIE simulator refuses the set probe as invalid, as TIE does: an answer, and nothing set', async () => {
    const dxl = await client();
    const payload = probePayload(TieTopic.SET_FILE_REPUTATION);
    assert.ok(payload);
    const error = await rejection(dxl.request(TieTopic.SET_FILE_REPUTATION, payload));
    assert.equal(error.code, DxlErrorCode.ErrorResponse);
    assert.match(error.errorMessage ?? '', /No hashes/);
    assert.equal(tieAuthorizationGroup(TieTopic.SET_FILE_REPUTATION), 'TIE Server Set Enterprise Reputation');
    assert.equal(tieAuthorizationGroup(TieTopic.EXTERNAL_FILE_REPORT_EVENT), 'TIE Server Set External Reputation');
    assert.equal(tieAuthorizationGroup(TieTopic.GET_FILE_REPUTATION), undefined);
  });
});

describe('tie-status: the changes a flow hears of', () => {
  it('one disconnected and one connected per failover, with the brokers; nothing for the attempts between', () => {
    const changes = new ConnectionChanges();
    const events = [
      changes.next({ status: 'connecting', broker: 'a:1', reason: 'connecting to a:1' }),
      changes.next({ status: 'connected', broker: 'a:1' }),
      changes.next({ status: 'reconnecting', broker: 'a:1', reason: 'lost connection', cause: 'ECONNRESET' }),
      changes.next({ status: 'reconnecting', broker: 'a:1', reason: 'refused', cause: 'ECONNREFUSED' }),
      changes.next({ status: 'reconnecting', broker: 'b:2', reason: 'connecting to b:2' }),
      changes.next({ status: 'connected', broker: 'b:2' }),
    ].filter((change) => change !== undefined);
    assert.deepEqual(
      events.map(({ event, broker, previousBroker, failover, cause }) => ({ event, broker, previousBroker, failover, cause })),
      [
        { event: 'connected', broker: 'a:1', previousBroker: undefined, failover: undefined, cause: undefined },
        { event: 'disconnected', broker: 'a:1', previousBroker: undefined, failover: undefined, cause: 'ECONNRESET' },
        { event: 'connected', broker: 'b:2', previousBroker: 'a:1', failover: true, cause: undefined },
      ],
    );
  });

  it('before the first connection: one msg per new reason, not one per retry', () => {
    const changes = new ConnectionChanges();
    const refused = { status: 'connecting', broker: 'a:1', reason: 'connection refused', cause: 'ECONNREFUSED' } as const;
    assert.equal(changes.next(refused)?.event, 'disconnected');
    assert.equal(changes.next({ ...refused, retryInMs: 1000 }), undefined);
    assert.equal(changes.next({ status: 'connecting', broker: 'a:1', reason: 'connecting to a:1' }), undefined);
    assert.equal(changes.next({ ...refused, cause: 'CERT_HAS_EXPIRED', reason: 'expired' })?.cause, 'CERT_HAS_EXPIRED');
  });
});
