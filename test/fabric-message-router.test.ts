import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { BrokerServices } from '../src/fabric/broker-services';
import type { ClientIdentity } from '../src/fabric/client-identity';
import { FabricLog } from '../src/fabric/fabric-log';
import { DxlMessageRouter } from '../src/fabric/message-router';
import { ServiceRegistry } from '../src/fabric/service-registry';
import { TopicAuthorization } from '../src/fabric/topic-authorization';
import { type TopicPolicy, openTopicPolicy } from '../src/fabric/topic-policy';

const BROKER = '{fabric-broker}';

function identity(name: string): ClientIdentity {
  const canonicalId = name.repeat(40).slice(0, 40);
  return { canonicalId, instanceId: `${canonicalId}:${name}-connection`, chainThumbprints: [canonicalId, 'c'.repeat(40)] };
}

function request(topic: string, fields: Partial<DxlMessage> = {}): Buffer {
  return encodeMessage({
    ...emptyMessage(MessageType.Request, topic),
    messageId: '{request-1}',
    replyToTopic: '/mcafee/client/{requester}',
    payload: Buffer.from('{}'),
    ...fields,
  });
}

interface Setup {
  router: DxlMessageRouter;
  registry: ServiceRegistry;
  published: DxlMessage[];
  logged: string[];
}

function setup(policy: TopicPolicy = openTopicPolicy()): Setup {
  const registry = new ServiceRegistry();
  const logged: string[] = [];
  const log = new FabricLog((line) => logged.push(line));
  const authorization = new TopicAuthorization(policy);
  const endpoints = (): { hostname: string; port: number; webSocketPort: number; startTime: number } => ({
    hostname: 'localhost',
    port: 8883,
    webSocketPort: 0,
    startTime: 0,
  });
  const services = new BrokerServices(registry, BROKER, endpoints, { authorization, log });
  const published: DxlMessage[] = [];
  const router = new DxlMessageRouter({
    brokerGuid: BROKER,
    registry,
    services,
    publish: (topic, payload) => published.push(decodeMessage(payload, topic)),
    authorization,
    log,
  });
  return { router, registry, published, logged };
}

const requester = identity('a');
const owner = identity('b');
const bystander = identity('d');

function registerService(router: DxlMessageRouter, serviceGuid: string, channels: string[], as: ClientIdentity = owner): void {
  const registration = { serviceType: '/svc', serviceGuid, requestChannels: channels, metaData: { k: 'v' }, ttlMins: 60 };
  router.onClientPublish(
    as,
    '/mcafee/service/dxl/svcregistry/register',
    request('/mcafee/service/dxl/svcregistry/register', { payload: Buffer.from(JSON.stringify(registration)) }),
  );
}

function unableToLocate(serviceId: string): Buffer {
  return encodeMessage({
    ...emptyMessage(MessageType.ErrorResponse, '/mcafee/client/{requester}'),
    messageId: '{err}',
    requestMessageId: '{request-1}',
    serviceId,
    errorCode: 0x80000001,
    errorMessage: 'unable to locate service for request',
  });
}

/** The same certificate as `client`, on a new connection. */
function reconnected(client: ClientIdentity): ClientIdentity {
  return { ...client, instanceId: `${client.canonicalId}:another-connection` };
}

describe('fabric message router', () => {
  it('forwards a payload that is not a DXL message untouched', () => {
    const { router } = setup();
    const raw = Buffer.from('plain MQTT');
    assert.deepEqual(router.onClientPublish(requester, '/plain', raw), { action: 'forward', payload: raw });
    assert.equal(router.mayDeliver(bystander, '/plain', raw), true);
  });

  it('answers a registration with an empty Response to the requesting connection only, and announces it', () => {
    const { router, registry, published } = setup();
    registerService(router, '{s1}', ['/t']);
    assert.equal(registry.get('{s1}')?.clientInstanceGuid, owner.instanceId);
    const [reply, event] = published;
    assert.equal(reply?.messageType, MessageType.Response);
    assert.equal(reply?.requestMessageId, '{request-1}');
    assert.equal(reply?.payload.length, 0);
    assert.deepEqual(reply?.clientIds, [owner.instanceId]);
    assert.equal(reply?.sourceClientId, BROKER);
    assert.equal(event?.destinationTopic, '/mcafee/event/dxl/svcregistry/register');
    assert.equal((JSON.parse(event.payload.toString()) as { clientGuid: string }).clientGuid, owner.canonicalId);
  });

  it('refuses a registration whose metaData values are not strings', () => {
    const { router, registry, published } = setup();
    const bad = { serviceGuid: '{s1}', serviceType: '/svc', requestChannels: ['/t'], metaData: { k: { nested: true } } };
    router.onClientPublish(
      owner,
      '/mcafee/service/dxl/svcregistry/register',
      request('/mcafee/service/dxl/svcregistry/register', { payload: Buffer.from(JSON.stringify(bad)) }),
    );
    assert.equal(registry.size, 0);
    assert.equal(published[0]?.messageType, MessageType.ErrorResponse);
    assert.match(published[0].errorMessage, /metaData values must be strings/);
  });

  it('stamps and routes a request to one instance, delivered to its owner only', () => {
    const { router, published } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    const decision = router.onClientPublish(requester, '/t', request('/t', { sourceClientId: 'forged', sourceTenantGuid: 'tenant' }));
    assert.equal(decision.action, 'forward');
    const payload = (decision as { payload: Buffer }).payload;
    const routed = decodeMessage(payload);
    assert.equal(routed.sourceClientId, requester.canonicalId);
    assert.equal(routed.sourceBrokerId, BROKER);
    assert.equal(routed.sourceTenantGuid, '');
    assert.equal(routed.serviceId, '{s1}');
    assert.deepEqual(routed.clientIds, [owner.instanceId]);
    assert.deepEqual(routed.brokerIds, [BROKER]);
    assert.equal(routed.otherFields['dxl.certs'], requester.chainThumbprints.join(';'));
    assert.equal(router.mayDeliver(bystander, '/t', payload), false);
    assert.equal(router.mayDeliver(owner, '/t', payload), true);
    router.onDelivered(payload);
    assert.deepEqual(published, []);
  });

  it('answers a routed request that reached nobody with service unavailable, and forgets the service', () => {
    const { router, registry, published } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    const decision = router.onClientPublish(requester, '/t', request('/t'));
    router.onDelivered((decision as { payload: Buffer }).payload);
    assert.equal(published[0]?.messageType, MessageType.ErrorResponse);
    assert.equal(published[0]?.errorCode, 0x80000001);
    assert.equal(published[0]?.serviceId, '{s1}');
    assert.equal(registry.size, 0);
  });

  it('lets a request that is already routed pass as it is', () => {
    const { router } = setup();
    const routed = request('/unregistered', { serviceId: '{elsewhere}', clientIds: [owner.canonicalId], brokerIds: [BROKER] });
    const decision = router.onClientPublish(requester, '/unregistered', routed);
    assert.equal(decision.action, 'forward');
    assert.equal(decodeMessage((decision as { payload: Buffer }).payload).serviceId, '{elsewhere}');
  });

  it('drops delivery of a message addressed to another broker', () => {
    const { router } = setup();
    const event = encodeMessage({ ...emptyMessage(MessageType.Event, '/e'), messageId: '{e}', brokerIds: ['{other-broker}'] });
    const decision = router.onClientPublish(requester, '/e', event);
    assert.equal(router.mayDeliver(bystander, '/e', (decision as { payload: Buffer }).payload), false);
  });

  it('forgets a service whose owner answers "unable to locate service" for it, and not when another client says so', () => {
    const { router, registry, logged } = setup();
    registerService(router, '{s1}', ['/t']);
    assert.equal(router.onClientPublish(requester, '/mcafee/client/{requester}', unableToLocate('{s1}')).action, 'forward');
    assert.equal(registry.size, 1, 'a spoofed error names the service: it stays');
    assert.equal(logged.length, 1);
    assert.match(logged[0], /^ignored a{40}'s "unable to locate service" for a service another client registered$/);
    router.onClientPublish(owner, '/mcafee/client/{requester}', unableToLocate('{s1}'));
    assert.equal(registry.size, 0);
  });

  it('answers a pre-addressed request that reached nobody, and removes no service for it', () => {
    const { router, registry, published } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    const addressed = request('/t', { serviceId: '{s1}', clientIds: ['nobody:connection'], brokerIds: [BROKER] });
    const decision = router.onClientPublish(requester, '/t', addressed);
    const payload = (decision as { payload: Buffer }).payload;
    assert.equal(router.mayDeliver(owner, '/t', payload), false);
    router.onDelivered(payload);
    assert.equal(published[0]?.errorCode, 0x80000001);
    assert.equal(registry.size, 1);
  });

  it('removes no service when a request names it on a topic it does not serve and reaches nobody', () => {
    const { router, registry, published } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    const decision = router.onClientPublish(requester, '/elsewhere', request('/elsewhere', { serviceId: '{s1}' }));
    const payload = (decision as { payload: Buffer }).payload;
    assert.deepEqual(decodeMessage(payload).clientIds, [owner.instanceId], 'routed by serviceId, as the broker does');
    router.onDelivered(payload);
    assert.equal(published[0]?.errorCode, 0x80000001);
    assert.equal(registry.size, 1);
  });

  it("refuses another certificate's registration and unregistration of a service, logs each once, and lets the owner re-register from a new connection", () => {
    const { router, registry, published, logged } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    registerService(router, '{s1}', ['/t'], bystander);
    registerService(router, '{s1}', ['/t'], bystander);
    assert.deepEqual(
      published.map((message) => [message.messageType, message.errorCode, message.clientIds]),
      [
        [MessageType.ErrorResponse, 403, [bystander.instanceId]],
        [MessageType.ErrorResponse, 403, [bystander.instanceId]],
      ],
    );
    assert.match(published[0].errorMessage, /^register refused: the service is registered by another client$/);
    assert.equal(registry.get('{s1}')?.clientInstanceGuid, owner.instanceId);
    published.length = 0;
    const unregister = request('/mcafee/service/dxl/svcregistry/unregister', { payload: Buffer.from('{"serviceGuid":"{s1}"}') });
    router.onClientPublish(bystander, '/mcafee/service/dxl/svcregistry/unregister', unregister);
    assert.equal(published[0]?.errorCode, 403);
    assert.equal(registry.size, 1);
    assert.deepEqual(logged, [
      `refused to register service {s1} for ${bystander.canonicalId}: the service is registered by another client`,
      `refused to unregister service {s1} for ${bystander.canonicalId}: the service is registered by another client`,
    ]);

    const again = reconnected(owner);
    registerService(router, '{s1}', ['/t'], again);
    assert.equal(registry.get('{s1}')?.clientInstanceGuid, again.instanceId);
    router.onClientPublish(again, '/mcafee/service/dxl/svcregistry/unregister', unregister);
    assert.equal(registry.size, 0);
  });

  it('drops a request whose reply topic no response could go to, and never publishes there itself', () => {
    const { router, registry, published, logged } = setup();
    registerService(router, '{s1}', ['/t']);
    published.length = 0;
    for (const replyToTopic of ['#', '/mcafee/client/+', '/a/#', '', '$SYS/broker']) {
      assert.deepEqual(router.onClientPublish(requester, '/t', request('/t', { replyToTopic })), { action: 'consume' });
      assert.deepEqual(router.onClientPublish(requester, '/unserved', request('/unserved', { replyToTopic })), { action: 'consume' });
      const query = request('/mcafee/service/dxl/svcregistry/query', { replyToTopic });
      assert.deepEqual(router.onClientPublish(requester, '/mcafee/service/dxl/svcregistry/query', query), { action: 'consume' });
    }
    assert.deepEqual(published, []);
    assert.equal(registry.size, 1);
    assert.equal(logged.length, 5, 'rate-limited: five lines in the window');
    assert.ok(
      logged.every((line) => /^dropped a request from a{40} on \S+: its reply topic is not one a response can go to$/.test(line)),
      logged.join('\n'),
    );
  });

  describe('with a topic policy', () => {
    const ca = 'c'.repeat(40);
    const policy: TopicPolicy = {
      send: [{ topic: '/secret/#', clients: [owner.canonicalId] }],
      receive: [
        { topic: '/owned', clients: [owner.canonicalId] },
        { topic: '/everyone/of/the/ca', clients: [ca] },
      ],
    };

    it('drops a publish the policy does not allow, DXL or not, and logs topic and client id only', () => {
      const { router, published, logged } = setup(policy);
      assert.deepEqual(router.onClientPublish(requester, '/secret/x', request('/secret/x')), { action: 'consume' });
      assert.deepEqual(router.onClientPublish(requester, '/secret/raw', Buffer.from('not DXL')), { action: 'consume' });
      assert.deepEqual(published, [], 'no answer: the sender is not told');
      assert.deepEqual(logged, [
        `dropped a message from ${requester.canonicalId} on /secret/x: the topic policy does not let it send there`,
        `dropped a message from ${requester.canonicalId} on /secret/raw: the topic policy does not let it send there`,
      ]);
      assert.equal(router.onClientPublish(owner, '/secret/raw', Buffer.from('not DXL')).action, 'forward');
    });

    it('withholds a delivery the policy does not allow, and allows one by a CA thumbprint of the chain', () => {
      const { router } = setup(policy);
      const raw = Buffer.from('plain');
      assert.equal(router.mayDeliver(bystander, '/owned', raw), false);
      assert.equal(router.mayDeliver(owner, '/owned', raw), true);
      assert.equal(router.mayDeliver(bystander, '/everyone/of/the/ca', raw), true, 'its chain holds the listed CA');
      assert.equal(router.mayDeliver({ ...bystander, chainThumbprints: [bystander.canonicalId] }, '/everyone/of/the/ca', raw), false);
    });

    it('refuses a registration of a channel the registrant may not receive, and routes nothing to such an owner', () => {
      const { router, registry, published } = setup(policy);
      registerService(router, '{s1}', ['/open', '/owned'], bystander);
      assert.equal(registry.size, 0);
      assert.equal(published[0]?.errorCode, 403);
      assert.equal(
        published[0]?.errorMessage,
        'register refused: requestChannels[1] is a topic the topic policy does not let this client receive',
      );
      registerService(router, '{s2}', ['/owned'], owner);
      assert.equal(registry.size, 1);
      // A wildcard channel is not refused (no rule applies to it), but takes no request its owner may not receive.
      registerService(router, '{s3}', ['/#'], bystander);
      assert.equal(registry.size, 2);
      published.length = 0;
      assert.equal(router.onClientPublish(requester, '/owned', request('/owned')).action, 'forward');
      router.onClientPublish(requester, '/owned', request('/owned', { serviceId: '{s3}' }));
      assert.equal(published[0]?.errorCode, 0x80000001, 'the named instance may not receive the topic');
    });

    it('lists in a registry query the channels an owner may not receive', () => {
      const { router, registry, published } = setup(policy);
      // Not through register, which refuses it: as if the policy had changed under it.
      registry.register({
        serviceGuid: '{s1}',
        serviceType: '/svc',
        requestChannels: ['/open', '/owned'],
        metaData: {},
        ttlMins: 60,
        clientGuid: bystander.canonicalId,
        clientInstanceGuid: bystander.instanceId,
        certificates: [...bystander.chainThumbprints],
      });
      router.onClientPublish(requester, '/mcafee/service/dxl/svcregistry/query', request('/mcafee/service/dxl/svcregistry/query'));
      const { services } = JSON.parse(published[0].payload.toString()) as { services: Record<string, { unauthorizedChannels: string[] }> };
      assert.deepEqual(services['{s1}'].unauthorizedChannels, ['/owned']);
    });
  });
});
