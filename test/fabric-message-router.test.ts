import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { BrokerServices } from '../src/fabric/broker-services';
import type { ClientIdentity } from '../src/fabric/client-identity';
import { DxlMessageRouter } from '../src/fabric/message-router';
import { ServiceRegistry } from '../src/fabric/service-registry';

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

function setup(): { router: DxlMessageRouter; registry: ServiceRegistry; published: DxlMessage[] } {
  const registry = new ServiceRegistry();
  const services = new BrokerServices(registry, BROKER, () => ({ hostname: 'localhost', port: 8883, webSocketPort: 0, startTime: 0 }));
  const published: DxlMessage[] = [];
  const router = new DxlMessageRouter({
    brokerGuid: BROKER,
    registry,
    services,
    publish: (topic, payload) => published.push(decodeMessage(payload, topic)),
  });
  return { router, registry, published };
}

const requester = identity('a');
const owner = identity('b');
const bystander = identity('d');

function registerService(router: DxlMessageRouter, serviceGuid: string, channels: string[]): void {
  const registration = { serviceType: '/svc', serviceGuid, requestChannels: channels, metaData: { k: 'v' }, ttlMins: 60 };
  router.onClientPublish(
    owner,
    '/mcafee/service/dxl/svcregistry/register',
    request('/mcafee/service/dxl/svcregistry/register', { payload: Buffer.from(JSON.stringify(registration)) }),
  );
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

  it('forgets a service whose owner answers "unable to locate service" for it', () => {
    const { router, registry } = setup();
    registerService(router, '{s1}', ['/t']);
    const error = encodeMessage({
      ...emptyMessage(MessageType.ErrorResponse, '/mcafee/client/{requester}'),
      messageId: '{err}',
      requestMessageId: '{request-1}',
      serviceId: '{s1}',
      errorCode: 0x80000001,
      errorMessage: 'unable to locate service for request',
    });
    assert.equal(router.onClientPublish(owner, '/mcafee/client/{requester}', error).action, 'forward');
    assert.equal(registry.size, 0);
  });

  it('removes a service only for the certificate that registered it', () => {
    const { router, registry } = setup();
    registerService(router, '{s1}', ['/t']);
    const unregister = request('/mcafee/service/dxl/svcregistry/unregister', { payload: Buffer.from('{"serviceGuid":"{s1}"}') });
    router.onClientPublish(requester, '/mcafee/service/dxl/svcregistry/unregister', unregister);
    assert.equal(registry.size, 1);
    router.onClientPublish(owner, '/mcafee/service/dxl/svcregistry/unregister', unregister);
    assert.equal(registry.size, 0);
  });
});
