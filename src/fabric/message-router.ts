import { decodeMessage, encodeMessage, type DxlMessage, MessageType } from '../dxl/message';
import { FabricErrorCode } from '../dxl/errors';
import { brokerErrorResponse } from './broker-messages';
import { type BrokerServices, SERVICE_UNAVAILABLE_MESSAGE } from './broker-services';
import type { ClientIdentity } from './client-identity';
import type { ServiceRegistry } from './service-registry';
import { isBrokerServiceTopic } from './topics';

const CERTS_FIELD = 'dxl.certs';

export interface MessageRouterOptions {
  brokerGuid: string;
  registry: ServiceRegistry;
  services: BrokerServices;
  /** Hands an encoded, fabric-made message to the MQTT broker for delivery. */
  publish(topic: string, payload: Buffer): void;
}

/** What to do with a message a client published. */
export type PublishDecision = { action: 'forward'; payload: Buffer } | { action: 'consume' };

/** Who may receive one encoded message; looked up by the payload buffer on each delivery. */
interface DeliveryRule {
  brokerIds: readonly string[];
  clientIds: readonly string[];
  /** Set for a routed request, whose deliveries are counted: one that reaches nobody gets an error. */
  request?: DxlMessage;
  deliveries: number;
}

/**
 * The DXL semantics of the fabric, independent of the MQTT broker underneath,
 * as the OpenDXL broker has them (https://github.com/opendxl/opendxl-broker): stamps every DXL message with its sender's identity, answers the
 * broker services, routes each request to one service instance, and decides
 * per subscriber whether a message may be delivered (`clientIds` / `brokerIds`).
 * Payloads that are not DXL messages pass through untouched.
 */
export class DxlMessageRouter {
  private readonly rules = new WeakMap<Buffer, DeliveryRule>();
  private readonly brokerGuid: string;
  private readonly registry: ServiceRegistry;
  private readonly services: BrokerServices;
  private readonly publishToBroker: (topic: string, payload: Buffer) => void;

  constructor(options: MessageRouterOptions) {
    this.brokerGuid = options.brokerGuid;
    this.registry = options.registry;
    this.services = options.services;
    this.publishToBroker = (topic, payload) => options.publish(topic, payload);
  }

  onClientPublish(sender: ClientIdentity, topic: string, payload: Buffer): PublishDecision {
    let message: DxlMessage;
    try {
      message = decodeMessage(payload, topic);
    } catch {
      return { action: 'forward', payload };
    }
    this.stamp(message, sender);

    if (message.messageType === MessageType.Request) {
      if (isBrokerServiceTopic(topic)) {
        const { reply, events } = this.services.handle(message, sender);
        this.send(reply);
        for (const event of events) this.send(event);
        return { action: 'consume' };
      }
      if (!this.route(message)) {
        this.send(brokerErrorResponse(message, FabricErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE, this.brokerGuid));
        return { action: 'consume' };
      }
      return { action: 'forward', payload: this.encode(message, message) };
    }

    if (message.messageType === MessageType.ErrorResponse) this.cleanUpAfterServiceError(message);
    return { action: 'forward', payload: this.encode(message) };
  }

  /** Whether a message may go to one subscriber; called once per matching subscription. */
  mayDeliver(subscriber: ClientIdentity, payload: Buffer): boolean {
    const rule = this.rules.get(payload);
    if (!rule) return true;
    if (rule.brokerIds.length > 0 && !rule.brokerIds.includes(this.brokerGuid)) return false;
    if (rule.clientIds.length > 0 && !rule.clientIds.includes(subscriber.instanceId) && !rule.clientIds.includes(subscriber.canonicalId)) {
      return false;
    }
    rule.deliveries++;
    return true;
  }

  /** Called once a message went through every subscription: a routed request that reached nobody fails. */
  onDelivered(payload: Buffer): void {
    const rule = this.rules.get(payload);
    if (!rule?.request || rule.deliveries > 0) return;
    const request = rule.request;
    rule.request = undefined;
    this.send(brokerErrorResponse(request, FabricErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE, this.brokerGuid));
    // The service's owner no longer listens on the topic: forget the instance, as the broker does.
    this.removeService(request.serviceId);
  }

  onClientGone(client: ClientIdentity): void {
    for (const entry of this.registry.removeOwner(client.instanceId)) this.send(this.services.unregisteredEvent(entry.serviceGuid));
  }

  expireServices(): void {
    for (const entry of this.registry.expire()) this.send(this.services.unregisteredEvent(entry.serviceGuid));
  }

  private stamp(message: DxlMessage, sender: ClientIdentity): void {
    message.sourceClientId = sender.canonicalId;
    message.sourceBrokerId = this.brokerGuid;
    message.sourceClientInstanceId = sender.instanceId;
    // Multi-tenancy is off: a client cannot claim a tenant.
    message.sourceTenantGuid = '';
    if (!(CERTS_FIELD in message.otherFields)) message.otherFields[CERTS_FIELD] = sender.chainThumbprints.join(';');
  }

  /** Picks the service instance and addresses the request to it; false when there is none. */
  private route(request: DxlMessage): boolean {
    if (request.serviceId !== '' && request.clientIds.length > 0 && request.brokerIds.length > 0) return true;
    const entry = request.serviceId !== '' ? this.registry.get(request.serviceId) : this.registry.select(request.destinationTopic);
    if (!entry) return false;
    request.serviceId = entry.serviceGuid;
    request.clientIds = [entry.clientInstanceGuid];
    request.brokerIds = [this.brokerGuid];
    return true;
  }

  /** A service that answers "unable to locate service" for its own id is gone, as the OpenDXL broker treats it. */
  private cleanUpAfterServiceError(error: DxlMessage): void {
    if (error.errorCode === FabricErrorCode.ServiceUnavailable && error.serviceId !== '') this.removeService(error.serviceId);
  }

  private removeService(serviceGuid: string): void {
    if (this.registry.remove(serviceGuid)) this.send(this.services.unregisteredEvent(serviceGuid));
  }

  private encode(message: DxlMessage, routedRequest?: DxlMessage): Buffer {
    const payload = encodeMessage(message);
    const rule: DeliveryRule = { brokerIds: message.brokerIds, clientIds: message.clientIds, deliveries: 0 };
    if (routedRequest) rule.request = routedRequest;
    this.rules.set(payload, rule);
    return payload;
  }

  private send(message: DxlMessage): void {
    // A request without a reply topic gets no answer.
    if (message.destinationTopic === '') return;
    this.publishToBroker(message.destinationTopic, this.encode(message));
  }
}
