import { decodeMessage, encodeMessage, type DxlMessage, MessageType } from '../dxl/message';
import { FabricErrorCode } from '../dxl/errors';
import { topicProblem } from '../dxl/topic-rule';
import { brokerErrorResponse } from './broker-messages';
import { type BrokerServices, SERVICE_UNAVAILABLE_MESSAGE } from './broker-services';
import type { ClientIdentity } from './client-identity';
import { FabricLog } from './fabric-log';
import { logValue } from './log-text';
import { ServiceRegistry } from './service-registry';
import { TopicAuthorization } from './topic-authorization';
import { openTopicPolicy } from './topic-policy';
import { isBrokerServiceTopic } from './topics';

const CERTS_FIELD = 'dxl.certs';

export interface MessageRouterOptions {
  brokerGuid: string;
  registry: ServiceRegistry;
  services: BrokerServices;
  /** Hands an encoded, fabric-made message to the MQTT broker for delivery. */
  publish(topic: string, payload: Buffer): void;
  /** Who may send and receive where. Default: everyone everywhere. */
  authorization?: TopicAuthorization;
  /** Where dropped messages and refusals are told. Default: nowhere. */
  log?: FabricLog;
}

/** What to do with a message a client published. */
export type PublishDecision = { action: 'forward'; payload: Buffer } | { action: 'consume' };

/** Who may receive one encoded message; looked up by the payload buffer on each delivery. */
interface DeliveryRule {
  brokerIds: readonly string[];
  clientIds: readonly string[];
  /** Set for a request, whose deliveries are counted: one that reaches nobody gets an error. */
  request?: DxlMessage;
  /**
   * The instance the fabric routed the request to, when it serves the request's topic: if the
   * request reaches nobody, that instance no longer listens and is forgotten.
   */
  routedTo?: { serviceGuid: string; clientInstanceGuid: string };
  deliveries: number;
}

/**
 * Whether the fabric may publish on a topic a client named (a request's reply topic): the DXL
 * publish rule (no wildcard, not empty), and none of MQTT's `$` topics, which are the broker's.
 */
function isPublishableReplyTopic(topic: string): boolean {
  return topicProblem(topic, 'publish') === undefined && !topic.startsWith('$');
}

/**
 * The DXL semantics of the fabric, independent of the MQTT broker underneath,
 * as the OpenDXL broker has them (https://github.com/opendxl/opendxl-broker): applies the topic
 * policy, stamps every DXL message with its sender's identity, answers the broker services,
 * routes each request to one service instance, and decides per subscriber whether a message
 * may be delivered (the receive policy, `clientIds` / `brokerIds`).
 * Payloads that are not DXL messages pass through untouched (the policy applies to them too).
 */
export class DxlMessageRouter {
  private readonly rules = new WeakMap<Buffer, DeliveryRule>();
  private readonly brokerGuid: string;
  private readonly registry: ServiceRegistry;
  private readonly services: BrokerServices;
  private readonly publishToBroker: (topic: string, payload: Buffer) => void;
  private readonly authorization: TopicAuthorization;
  private readonly log: FabricLog;

  constructor(options: MessageRouterOptions) {
    this.brokerGuid = options.brokerGuid;
    this.registry = options.registry;
    this.services = options.services;
    this.publishToBroker = (topic, payload) => options.publish(topic, payload);
    this.authorization = options.authorization ?? new TopicAuthorization(openTopicPolicy());
    this.log = options.log ?? new FabricLog(() => undefined);
  }

  onClientPublish(sender: ClientIdentity, topic: string, payload: Buffer): PublishDecision {
    if (!this.authorization.maySend(sender.chainThumbprints, topic)) {
      // As the OpenDXL broker: dropped without a word to the sender.
      this.log.limited(
        'send',
        `dropped a message from ${sender.canonicalId} on ${logValue(topic)}: the topic policy does not let it send there`,
      );
      return { action: 'consume' };
    }
    let message: DxlMessage;
    try {
      message = decodeMessage(payload, topic);
    } catch {
      return { action: 'forward', payload };
    }
    this.stamp(message, sender);

    if (message.messageType === MessageType.Request) {
      if (!isPublishableReplyTopic(message.replyToTopic)) {
        // Whoever answered would publish there: an MQTT broker disconnects a client for that.
        this.log.limited(
          'reply',
          `dropped a request from ${sender.canonicalId} on ${logValue(topic)}: its reply topic is not one a response can go to`,
        );
        return { action: 'consume' };
      }
      if (isBrokerServiceTopic(topic)) {
        const { reply, events } = this.services.handle(message, sender);
        this.send(reply);
        for (const event of events) this.send(event);
        return { action: 'consume' };
      }
      const rule = this.route(message);
      if (!rule) {
        this.send(brokerErrorResponse(message, FabricErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE, this.brokerGuid));
        return { action: 'consume' };
      }
      return { action: 'forward', payload: this.encode(message, rule) };
    }

    if (message.messageType === MessageType.ErrorResponse) this.cleanUpAfterServiceError(message, sender);
    return { action: 'forward', payload: this.encode(message) };
  }

  /** Whether a message on `topic` may go to one subscriber; called once per matching subscription. */
  mayDeliver(subscriber: ClientIdentity, topic: string, payload: Buffer): boolean {
    const rule = this.rules.get(payload);
    if (rule) {
      if (rule.brokerIds.length > 0 && !rule.brokerIds.includes(this.brokerGuid)) return false;
      if (
        rule.clientIds.length > 0 &&
        !rule.clientIds.includes(subscriber.instanceId) &&
        !rule.clientIds.includes(subscriber.canonicalId)
      ) {
        return false;
      }
    }
    if (!this.authorization.mayReceive(subscriber.chainThumbprints, topic)) {
      this.log.limited(
        'receive',
        `withheld a message on ${logValue(topic)} from ${subscriber.canonicalId}: the topic policy does not let it receive there`,
      );
      return false;
    }
    if (rule) rule.deliveries++;
    return true;
  }

  /** Called once a message went through every subscription: a request that reached nobody fails. */
  onDelivered(payload: Buffer): void {
    const rule = this.rules.get(payload);
    if (!rule?.request || rule.deliveries > 0) return;
    const request = rule.request;
    rule.request = undefined;
    this.send(brokerErrorResponse(request, FabricErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE, this.brokerGuid));
    // The service's owner no longer listens on its own topic: forget that instance, as the broker
    // does. A request that came addressed, or named a service for a topic it does not serve,
    // proves nothing about the service and removes nothing.
    if (rule.routedTo)
      this.removeService(rule.routedTo.serviceGuid, (entry) => entry.clientInstanceGuid === rule.routedTo?.clientInstanceGuid);
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

  /**
   * Addresses a request to the service instance that takes it, as the broker does: one named by
   * `serviceId`, else one serving the topic (round-robin). An instance whose owner may not
   * receive the topic takes nothing. Returns the request's delivery rule, or undefined when no
   * instance takes it.
   */
  private route(request: DxlMessage): DeliveryRule | undefined {
    const topic = request.destinationTopic;
    // Addressed already (by another broker, or by the client itself): it goes as it is.
    if (request.serviceId !== '' && request.clientIds.length > 0 && request.brokerIds.length > 0) {
      return { brokerIds: request.brokerIds, clientIds: request.clientIds, request, deliveries: 0 };
    }
    const mayTake = (entry: { certificates: readonly string[] }): boolean => this.authorization.mayReceive(entry.certificates, topic);
    const named = request.serviceId !== '' ? this.registry.get(request.serviceId) : undefined;
    const entry = request.serviceId !== '' ? (named && mayTake(named) ? named : undefined) : this.registry.select(topic, mayTake);
    if (!entry) return undefined;
    request.serviceId = entry.serviceGuid;
    request.clientIds = [entry.clientInstanceGuid];
    request.brokerIds = [this.brokerGuid];
    const rule: DeliveryRule = { brokerIds: request.brokerIds, clientIds: request.clientIds, request, deliveries: 0 };
    if (ServiceRegistry.serves(entry, topic))
      rule.routedTo = { serviceGuid: entry.serviceGuid, clientInstanceGuid: entry.clientInstanceGuid };
    return rule;
  }

  /**
   * A service that answers "unable to locate service" for its own id is gone, as the OpenDXL
   * broker treats it; only its owner can say so (anyone could send that error naming it).
   */
  private cleanUpAfterServiceError(error: DxlMessage, sender: ClientIdentity): void {
    if (error.errorCode !== FabricErrorCode.ServiceUnavailable || error.serviceId === '') return;
    const entry = this.registry.get(error.serviceId);
    if (!entry) return;
    if (entry.clientGuid === sender.canonicalId) {
      this.removeService(entry.serviceGuid);
      return;
    }
    this.log.limited('spoof', `ignored ${sender.canonicalId}'s "unable to locate service" for a service another client registered`);
  }

  private removeService(serviceGuid: string, only: (entry: { clientInstanceGuid: string }) => boolean = () => true): void {
    const entry = this.registry.get(serviceGuid);
    if (!entry || !only(entry)) return;
    this.registry.remove(serviceGuid);
    this.send(this.services.unregisteredEvent(serviceGuid));
  }

  private encode(message: DxlMessage, rule?: DeliveryRule): Buffer {
    const payload = encodeMessage(message);
    this.rules.set(payload, rule ?? { brokerIds: message.brokerIds, clientIds: message.clientIds, deliveries: 0 });
    return payload;
  }

  private send(message: DxlMessage): void {
    // A request without a usable reply topic gets no answer (the request itself was dropped).
    if (!isPublishableReplyTopic(message.destinationTopic)) return;
    this.publishToBroker(message.destinationTopic, this.encode(message));
  }
}
