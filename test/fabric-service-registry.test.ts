import assert from 'node:assert/strict';
import { type ServiceEntry, ServiceRegistry } from '../src/fabric/service-registry';
import { wildcardAncestors } from '../src/dxl/topic-rule';

function entry(serviceGuid: string, requestChannels: string[], owner = 'conn-1', ttlMins = 60): Omit<ServiceEntry, 'registrationTime'> {
  return {
    serviceGuid,
    serviceType: '/test/service',
    requestChannels,
    metaData: {},
    ttlMins,
    clientGuid: 'sha1',
    clientInstanceGuid: owner,
    certificates: [],
  };
}

describe('fabric service registry', () => {
  it('walks DXL wildcard ancestors most specific first', () => {
    assert.deepEqual(wildcardAncestors('/a/b/c'), ['/a/b/#', '/a/#', '/#', '#']);
    assert.deepEqual(wildcardAncestors('/a/b/#'), ['/a/#', '/#', '#']);
    assert.deepEqual(wildcardAncestors('a/b'), ['a/#', '#']);
    assert.deepEqual(wildcardAncestors('#'), []);
    // The client's dispatch and the fabric's lookup walk alike: `/a/#` is what `/a/` starts with, less its `#`.
    assert.deepEqual(wildcardAncestors('/a/'), ['/a/#', '/#', '#']);
  });

  it('selects instances of a topic round-robin', () => {
    const registry = new ServiceRegistry();
    registry.register(entry('s1', ['/t']));
    registry.register(entry('s2', ['/t']));
    const picks = [1, 2, 3, 4].map(() => registry.select('/t')?.serviceGuid);
    assert.deepEqual(picks, ['s1', 's2', 's1', 's2']);
    assert.equal(registry.select('/other'), undefined);
  });

  it('prefers the exact topic, then the most specific wildcard; a wildcard does not serve its own parent', () => {
    const registry = new ServiceRegistry();
    registry.register(entry('wide', ['/a/#']));
    registry.register(entry('narrow', ['/a/b/#']));
    registry.register(entry('exact', ['/a/b/c']));
    assert.equal(registry.select('/a/b/c')?.serviceGuid, 'exact');
    assert.equal(registry.select('/a/b/d/e')?.serviceGuid, 'narrow');
    assert.equal(registry.select('/a/b')?.serviceGuid, 'wide');
    assert.equal(registry.select('/a')?.serviceGuid, undefined);
  });

  it('replaces an entry registered again under the same serviceGuid', () => {
    const registry = new ServiceRegistry();
    registry.register(entry('s1', ['/old'], 'conn-1'));
    registry.register(entry('s1', ['/new'], 'conn-2'));
    assert.equal(registry.size, 1);
    assert.equal(registry.select('/old'), undefined);
    assert.equal(registry.select('/new')?.clientInstanceGuid, 'conn-2');
  });

  it('removes every entry of an owner that went away', () => {
    const registry = new ServiceRegistry();
    registry.register(entry('s1', ['/t'], 'conn-1'));
    registry.register(entry('s2', ['/t'], 'conn-2'));
    registry.register(entry('s3', ['/u'], 'conn-1'));
    assert.deepEqual(
      registry
        .removeOwner('conn-1')
        .map((removed) => removed.serviceGuid)
        .sort(),
      ['s1', 's3'],
    );
    assert.deepEqual(
      [1, 2].map(() => registry.select('/t')?.serviceGuid),
      ['s2', 's2'],
    );
    assert.equal(registry.select('/u'), undefined);
  });

  it('expires entries after their TTL plus the grace period, and a re-registration refreshes them', () => {
    let now = 0;
    const registry = new ServiceRegistry({ ttlGraceMins: 5, now: () => now });
    registry.register(entry('short', ['/t'], 'conn-1', 1));
    registry.register(entry('long', ['/u'], 'conn-1', 60));
    now = 6 * 60_000;
    assert.deepEqual(registry.expire(), []);
    registry.register(entry('short', ['/t'], 'conn-1', 1));
    now = 12 * 60_000;
    assert.deepEqual(registry.expire(), []);
    now = 12 * 60_000 + 1;
    assert.deepEqual(
      registry.expire().map((expired) => expired.serviceGuid),
      ['short'],
    );
    assert.equal(registry.select('/t'), undefined);
    assert.equal(registry.select('/u')?.serviceGuid, 'long');
  });

  it('answers queries by serviceGuid and serviceType', () => {
    const registry = new ServiceRegistry();
    registry.register(entry('s1', ['/t']));
    registry.register({ ...entry('s2', ['/u']), serviceType: '/other' });
    assert.deepEqual(
      registry.query().map((found) => found.serviceGuid),
      ['s1', 's2'],
    );
    assert.deepEqual(
      registry.query({ serviceGuid: 's2' }).map((found) => found.serviceGuid),
      ['s2'],
    );
    assert.deepEqual(
      registry.query({ serviceType: '/test/service' }).map((found) => found.serviceGuid),
      ['s1'],
    );
  });
});
