/** The shared connection of a tie-config node, against the embedded fabric over real TLS. */
import assert from 'node:assert/strict';
import { DxlClient } from '../src/dxl/client';
import type { ConnectionState } from '../src/dxl/connection-state';
import { DxlError } from '../src/dxl/errors';
import { buildClientOptions } from '../nodes/tie-config/client-options';
import { SharedConnection } from '../nodes/kit/connection';
import { SubscriptionRegistry } from '../nodes/kit/subscriptions';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import { sleep } from './support/node-red-helper';
import { eventually } from './support/eventually';

describe('kit: shared connection', function () {
  let test: TestFabric;
  const created: DxlClient[] = [];

  before(async () => {
    test = await startTestFabric();
  });
  after(async () => {
    await Promise.all(created.map((client) => client.close()));
    await test.close();
  });

  function connection(options: { lingerMs?: number } = {}): SharedConnection {
    return new SharedConnection({
      createClient: () => {
        const client = new DxlClient({
          ...buildClientOptions({ brokers: [{ host: '127.0.0.1', port: test.fabric.port }], requestTimeout: 5 }, test.credentials),
          logger: { warn: () => undefined },
        });
        created.push(client);
        return client;
      },
      ...options,
    });
  }

  it('opens on the first registration, tells every user each state, and serves TIE requests', async () => {
    const shared = connection();
    assert.equal(shared.state.status, 'idle');
    assert.equal(created.length, 0, 'nothing opens before a node registers');
    const seenA: ConnectionState[] = [];
    const seenB: ConnectionState[] = [];
    shared.register('a', (state) => seenA.push(state));
    shared.register('b', (state) => seenB.push(state));
    await eventually(() => shared.state.status === 'connected', 'connected');
    assert.equal(seenA.at(-1)?.status, 'connected');
    assert.equal(seenB.at(-1)?.status, 'connected');
    assert.ok(seenA.some((state) => state.status === 'connecting'));
    const reputations = await shared.tie().getFileReputation('f2c7bb8acc97f92e987a2d4087d021b1');
    assert.equal(reputations[1]?.trustLevel, 99);
    await shared.close();
    assert.equal(shared.state.status, 'closed');
    assert.throws(
      () => shared.tie(),
      (error: unknown) => error instanceof DxlError && error.code === 'DXL_CLOSED',
    );
  });

  it('closes at once when the last node is removed, and lingers when it only restarts', async () => {
    const shared = connection({ lingerMs: 300 });
    shared.register('a', () => undefined);
    await eventually(() => shared.state.status === 'connected', 'connected');
    await shared.deregister('a', false);
    assert.equal(shared.state.status, 'connected', 'a restarting node keeps the connection');
    shared.register('a', () => undefined);
    await sleep(400);
    assert.equal(shared.state.status, 'connected', 'the node came back before the linger ended');
    await shared.deregister('a', false);
    await eventually(() => shared.state.status === 'closed', 'closed after the linger', 2000);

    shared.register('b', () => undefined);
    await eventually(() => shared.state.status === 'connected', 'reopened for a new node');
    const started = Date.now();
    await shared.deregister('b', true);
    assert.equal(shared.state.status, 'closed');
    assert.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`);
  });

  it("holds subscriptions per node and removes exactly that node's", async () => {
    const shared = connection();
    shared.register('a', () => undefined);
    shared.register('b', () => undefined);
    const got: string[] = [];
    await shared.holdSubscription('a', ({ tie }) => tie.onFileDetection(() => got.push('a')));
    await shared.holdSubscription('b', ({ tie }) => tie.onFileDetection(() => got.push('b')));
    assert.equal(shared.subscriptionCount(), 2);
    await shared.deregister('a', false);
    assert.equal(shared.subscriptionCount('a'), 0);
    assert.equal(shared.subscriptionCount('b'), 1);
    await eventually(() => shared.state.status === 'connected', 'connected');
    await test.simulator!.publishDetection();
    await eventually(() => got.length > 0, 'the event');
    await sleep(100);
    assert.deepEqual(got, ['b']);
    await shared.close();
  });

  it('reports a configuration that cannot make a client as a closed state with the reason', () => {
    const shared = new SharedConnection({ createClient: () => new DxlClient(buildClientOptions({ brokers: [] }, {})) });
    const seen: ConnectionState[] = [];
    shared.register('a', (state) => seen.push(state));
    assert.deepEqual(seen.at(-1), {
      status: 'closed',
      reason: 'TLS material missing: paste or upload the CA bundle, client certificate, private key (DXL brokers require mutual TLS)',
      cause: 'CONFIG',
    });
    assert.throws(
      () => shared.tie(),
      (error: unknown) => error instanceof DxlError && error.code === 'DXL_CONFIG',
    );
  });
});

describe('kit: subscription registry', () => {
  it('removes a subscription still being made as soon as it is made', async () => {
    const registry = new SubscriptionRegistry();
    let release: () => void = () => undefined;
    let unsubscribed = 0;
    const adding = registry.add(
      'n1',
      () =>
        new Promise(
          (resolve) =>
            (release = () =>
              resolve(() => {
                unsubscribed++;
                return Promise.resolve();
              })),
        ),
    );
    assert.equal(registry.count('n1'), 1);
    await registry.removeAll('n1');
    assert.equal(registry.count(), 0);
    release();
    await adding;
    assert.equal(unsubscribed, 1, 'the late subscription was undone');
  });

  it('forgets a failed subscription and passes the failure on', async () => {
    const registry = new SubscriptionRegistry();
    await assert.rejects(
      registry.add('n1', () => Promise.reject(new Error('nope'))),
      /nope/,
    );
    assert.equal(registry.count(), 0);
  });
});
