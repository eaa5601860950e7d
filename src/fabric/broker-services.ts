import { FabricErrorCode } from '../dxl/errors';
import { type DxlMessage, parseJsonPayload } from '../dxl/message';
import { brokerErrorResponse, brokerEvent, brokerJson, brokerResponse } from './broker-messages';
import type { ClientIdentity } from './client-identity';
import { FabricLog } from './fabric-log';
import { logValue } from './log-text';
import type { ServiceEntry, ServiceQuery, ServiceRegistry } from './service-registry';
import { TopicAuthorization } from './topic-authorization';
import { openTopicPolicy } from './topic-policy';
import { BrokerTopic } from './topics';

/**
 * Code of the ErrorResponse the fabric sends for a registry request it cannot read
 * (e.g. a metaData value that is not a string). The OpenDXL broker defines no code
 * for this; 400 keeps clear of its 0x8000xxxx fabric codes.
 */
export const INVALID_REQUEST_ERROR_CODE = 400;

/**
 * Code of the ErrorResponse the fabric sends for a registration or unregistration it refuses: the
 * service is another client's, or the topic policy does not let the client receive one of its
 * request channels. The OpenDXL broker has no such refusal (see docs/fabric.md); 403, as 400 above.
 */
export const NOT_AUTHORIZED_ERROR_CODE = 403;

export const NOT_OWNER_MESSAGE = 'the service is registered by another client';

export const SERVICE_UNAVAILABLE_MESSAGE = 'unable to locate service for request';

/** Where the broker listens, for the broker registry query. */
export interface BrokerEndpoints {
  hostname: string;
  port: number;
  /** 0 when the fabric has no WebSocket listener. */
  webSocketPort: number;
  /** Milliseconds since the epoch. */
  startTime: number;
}

/** What a broker service request produced: one reply to the requester, and events for everyone. */
export interface BrokerServiceOutcome {
  reply: DxlMessage;
  events: DxlMessage[];
}

type Registration = Omit<ServiceEntry, 'registrationTime' | 'clientGuid' | 'clientInstanceGuid' | 'certificates'>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJsonObject(request: DxlMessage): Record<string, unknown> {
  if (request.payload.length === 0) return {};
  const value = parseJsonPayload(request.payload);
  if (!isPlainObject(value)) throw new Error('the payload is not a JSON object');
  return value;
}

function readRegistration(body: Record<string, unknown>): Registration {
  const { serviceGuid, serviceType = '', requestChannels = [], metaData = {}, ttlMins = 60 } = body;
  if (typeof serviceGuid !== 'string' || serviceGuid === '') throw new Error('serviceGuid must be a non-empty string');
  if (typeof serviceType !== 'string') throw new Error('serviceType must be a string');
  if (!Array.isArray(requestChannels) || !requestChannels.every((topic): topic is string => typeof topic === 'string')) {
    throw new Error('requestChannels must be an array of strings');
  }
  if (!isPlainObject(metaData) || !Object.values(metaData).every((value) => typeof value === 'string')) {
    throw new Error('metaData values must be strings');
  }
  if (typeof ttlMins !== 'number' || !Number.isFinite(ttlMins) || ttlMins <= 0) throw new Error('ttlMins must be a positive number');
  return { serviceGuid, serviceType, requestChannels, metaData: metaData as Record<string, string>, ttlMins };
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The request topics under `/mcafee/service/dxl/` that the fabric answers itself:
 * service registration, unregistration and queries, and the broker registry query.
 * Others get the service-unavailable error, so that no caller waits forever.
 */
export class BrokerServices {
  private readonly authorization: TopicAuthorization;
  private readonly log: FabricLog;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly brokerGuid: string,
    private readonly endpoints: () => BrokerEndpoints,
    /** The topic policy (default: open) and where refusals are told (default: nowhere). */
    policing: { authorization?: TopicAuthorization; log?: FabricLog } = {},
  ) {
    this.authorization = policing.authorization ?? new TopicAuthorization(openTopicPolicy());
    this.log = policing.log ?? new FabricLog(() => undefined);
  }

  handle(request: DxlMessage, sender: ClientIdentity): BrokerServiceOutcome {
    try {
      switch (request.destinationTopic) {
        case BrokerTopic.Register:
          return this.register(request, sender);
        case BrokerTopic.Unregister:
          return this.unregister(request, sender);
        case BrokerTopic.ServiceQuery:
          return this.queryServices(request);
        case BrokerTopic.BrokerQuery:
          return this.queryBrokers(request);
        default:
          return this.error(request, FabricErrorCode.ServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.error(request, INVALID_REQUEST_ERROR_CODE, `invalid request to ${request.destinationTopic}: ${reason}`);
    }
  }

  /** The event announcing that a service went away (TTL expiry, owner gone, cleanup). */
  unregisteredEvent(serviceGuid: string): DxlMessage {
    return brokerEvent(BrokerTopic.UnregisterEvent, brokerJson({ serviceGuid }), this.brokerGuid);
  }

  /** A registry entry as the OpenDXL broker describes it in queries and events (https://github.com/opendxl/opendxl-broker). */
  describe(entry: ServiceEntry): Record<string, unknown> {
    return {
      serviceType: entry.serviceType,
      serviceGuid: entry.serviceGuid,
      clientGuid: entry.clientGuid,
      clientInstanceGuid: entry.clientInstanceGuid,
      brokerGuid: this.brokerGuid,
      ttlMins: entry.ttlMins,
      registrationTime: Math.floor(entry.registrationTime / 1000),
      requestChannels: entry.requestChannels,
      metaData: entry.metaData,
      certificates: entry.certificates,
      managed: false,
      local: true,
      // As the broker: the channels its owner may not receive (none, as registration refuses them).
      unauthorizedChannels: entry.requestChannels.filter((channel) => !this.authorization.mayReceive(entry.certificates, channel)),
    };
  }

  private register(request: DxlMessage, sender: ClientIdentity): BrokerServiceOutcome {
    const registration = readRegistration(readJsonObject(request));
    const { serviceGuid, requestChannels } = registration;
    // A serviceGuid belongs to the certificate that registered it; the same certificate on a new
    // connection (a reconnect) re-registers it.
    if (this.ownedByAnother(serviceGuid, sender)) return this.refuse(request, sender, 'register', serviceGuid, NOT_OWNER_MESSAGE);
    const refused = requestChannels.findIndex((channel) => !this.authorization.mayReceive(sender.chainThumbprints, channel));
    if (refused >= 0) {
      const reason = `requestChannels[${refused}] is a topic the topic policy does not let this client receive`;
      return this.refuse(request, sender, 'register', serviceGuid, reason);
    }
    const entry = this.registry.register({
      ...registration,
      clientGuid: sender.canonicalId,
      clientInstanceGuid: sender.instanceId,
      certificates: [...sender.chainThumbprints],
    });
    const event = brokerEvent(BrokerTopic.RegisterEvent, brokerJson(this.describe(entry)), this.brokerGuid);
    return { reply: brokerResponse(request, Buffer.alloc(0), this.brokerGuid), events: [event] };
  }

  private unregister(request: DxlMessage, sender: ClientIdentity): BrokerServiceOutcome {
    const serviceGuid = optionalString(readJsonObject(request), 'serviceGuid');
    const entry = serviceGuid === undefined ? undefined : this.registry.get(serviceGuid);
    if (!entry) return { reply: brokerResponse(request, Buffer.alloc(0), this.brokerGuid), events: [] };
    if (this.ownedByAnother(entry.serviceGuid, sender))
      return this.refuse(request, sender, 'unregister', entry.serviceGuid, NOT_OWNER_MESSAGE);
    this.registry.remove(entry.serviceGuid);
    return { reply: brokerResponse(request, Buffer.alloc(0), this.brokerGuid), events: [this.unregisteredEvent(entry.serviceGuid)] };
  }

  private ownedByAnother(serviceGuid: string, sender: ClientIdentity): boolean {
    const held = this.registry.get(serviceGuid);
    return held !== undefined && held.clientGuid !== sender.canonicalId;
  }

  /** An ErrorResponse to the client, and a log line the first time this client is refused this for this service. */
  private refuse(
    request: DxlMessage,
    sender: ClientIdentity,
    what: 'register' | 'unregister',
    serviceGuid: string,
    reason: string,
  ): BrokerServiceOutcome {
    this.log.once(
      `${what}\u0000${sender.canonicalId}\u0000${serviceGuid}\u0000${reason}`,
      `refused to ${what} service ${logValue(serviceGuid)} for ${sender.canonicalId}: ${reason}`,
    );
    return this.error(request, NOT_AUTHORIZED_ERROR_CODE, `${what} refused: ${reason}`);
  }

  private queryServices(request: DxlMessage): BrokerServiceOutcome {
    const body = readJsonObject(request);
    const query: ServiceQuery = {};
    const serviceGuid = optionalString(body, 'serviceGuid');
    const serviceType = optionalString(body, 'serviceType');
    if (serviceGuid !== undefined) query.serviceGuid = serviceGuid;
    if (serviceType !== undefined) query.serviceType = serviceType;
    const services: Record<string, unknown> = {};
    for (const entry of this.registry.query(query)) services[entry.serviceGuid] = this.describe(entry);
    return { reply: brokerResponse(request, brokerJson({ services }), this.brokerGuid), events: [] };
  }

  private queryBrokers(request: DxlMessage): BrokerServiceOutcome {
    const wanted = optionalString(readJsonObject(request), 'brokerGuid');
    const brokerGuid = this.brokerGuid;
    const { hostname, port, webSocketPort, startTime } = this.endpoints();
    const brokers: Record<string, unknown> = {};
    if (wanted === undefined || wanted === brokerGuid) {
      brokers[brokerGuid] = {
        guid: brokerGuid,
        hostname,
        port,
        webSocketPort,
        ttlMins: 60,
        version: 'node-red-contrib-tie fabric',
        startTime: Math.floor(startTime / 1000),
        policyHostname: hostname,
        policyIpAddress: '',
        policyHub: '',
        policyPort: port,
        connectionLimit: 0,
        topicRouting: false,
        bridges: [],
        bridgeChildren: [],
      };
    }
    return { reply: brokerResponse(request, brokerJson({ brokers }), this.brokerGuid), events: [] };
  }

  private error(request: DxlMessage, code: number, message: string): BrokerServiceOutcome {
    return { reply: brokerErrorResponse(request, code, message, this.brokerGuid), events: [] };
  }
}
