/**
 * The DXL services this client offers: each one's definition checked, registered with the fabric
 * (again every TTL and on every new connection), its request topics subscribed, requests
 * dispatched to its handlers.
 */
import type { RequestHandler, ServiceInfo, ServiceRegistration } from './api';
import { DxlError, DxlErrorCode, FabricErrorCode } from './errors';
import { newDxlId } from './ids';
import type { DxlMessage, DxlPayload } from './message';
import type { DxlLogger } from './options';
import { topicError } from './topic-rule';
import { TopicTable } from './subscriptions';

export const REGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/register';
export const UNREGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/unregister';

interface LocalService {
  serviceId: string;
  serviceType: string;
  ttlMins: number;
  metadata: Record<string, string>;
  topics: string[];
  handlers: Record<string, RequestHandler>;
  acknowledged: boolean;
  ttlTimer?: NodeJS.Timeout;
}

interface Binding {
  serviceId: string;
  handler: RequestHandler;
}

function invalid(message: string): DxlError {
  return new DxlError(DxlErrorCode.InvalidArgument, message);
}

/** The services this client offers, and which handler answers which request topic. */
class LocalServices {
  private readonly byId = new Map<string, LocalService>();
  private readonly byTopic = new TopicTable<Binding>();
  private readonly bindings = new Map<string, Binding[]>();

  add(info: ServiceInfo): LocalService {
    if (!info || typeof info.serviceType !== 'string' || info.serviceType === '') throw invalid('A service needs a serviceType');
    const topics = Object.keys(info.topics ?? {});
    if (topics.length === 0) throw invalid(`Service ${info.serviceType} needs at least one request topic`);
    for (const topic of topics) {
      if (topic === '') throw invalid(`Service ${info.serviceType} has an empty request topic`);
      const badTopic = topicError(topic, 'subscribe');
      if (badTopic) throw badTopic;
      if (typeof info.topics[topic] !== 'function')
        throw invalid(`Service ${info.serviceType}: the handler for ${topic} is not a function`);
    }
    const metadata = info.metadata ?? {};
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string')
        throw invalid(`Service ${info.serviceType}: metadata ${key} must be a string (the broker reads it as one)`);
    }
    const ttlMins = info.ttlMins ?? 60;
    if (!Number.isInteger(ttlMins) || ttlMins < 1)
      throw invalid(`Service ${info.serviceType}: ttlMins must be a whole number of minutes, at least 1`);
    const serviceId = info.serviceId ?? newDxlId();
    if (this.byId.has(serviceId)) throw invalid(`Service id ${serviceId} is already registered by this client`);

    const service: LocalService = {
      serviceId,
      serviceType: info.serviceType,
      ttlMins,
      metadata,
      topics,
      handlers: info.topics,
      acknowledged: false,
    };
    const bindings = topics.map((topic) => {
      const binding: Binding = { serviceId, handler: info.topics[topic] };
      this.byTopic.add(topic, binding);
      return binding;
    });
    this.byId.set(serviceId, service);
    this.bindings.set(serviceId, bindings);
    return service;
  }

  remove(serviceId: string): LocalService | undefined {
    const service = this.byId.get(serviceId);
    if (!service) return undefined;
    const bindings = this.bindings.get(serviceId) ?? [];
    service.topics.forEach((topic, index) => this.byTopic.remove(topic, bindings[index]));
    this.byId.delete(serviceId);
    this.bindings.delete(serviceId);
    return service;
  }

  get(serviceId: string): LocalService | undefined {
    return this.byId.get(serviceId);
  }

  has(serviceId: string): boolean {
    return this.byId.has(serviceId);
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  forEachHandler(topic: string, visit: (serviceId: string, handler: RequestHandler) => void): void {
    this.byTopic.forEachMatch(topic, (binding) => visit(binding.serviceId, binding.handler));
  }

  /** The register request's JSON, keys in the order the reference client sends them. */
  registrationPayload(service: LocalService): string {
    return JSON.stringify({
      serviceType: service.serviceType,
      metaData: service.metadata,
      requestChannels: service.topics,
      ttlMins: service.ttlMins,
      serviceGuid: service.serviceId,
    });
  }
}

/** Error code sent when a local service handler throws: the requester gets an answer, not a timeout. */
export const ServiceHandlerFailed = 0x7f000001;

/** How long an unregistration waits for the fabric's answer at most. */
const UNREGISTER_WAIT_MS = 1000;

/** What the service host needs of the client. */
export interface ServiceHostClient {
  request(topic: string, payload: DxlPayload, options: { timeoutMs: number }): Promise<DxlMessage>;
  sendErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string): void;
  retainTopic(topic: string): Promise<void>;
  releaseTopic(topic: string): Promise<void>;
  readonly ready: boolean;
  readonly closed: boolean;
}

/**
 * The services this client offers: registered with the fabric (again every TTL and on every new
 * connection), their request topics subscribed, requests dispatched to their handlers.
 */
export class ServiceHost {
  private readonly services = new LocalServices();

  constructor(
    private readonly client: ServiceHostClient,
    private readonly registrationTimeoutMs: number,
    private readonly logger: DxlLogger,
  ) {}

  async register(info: ServiceInfo): Promise<ServiceRegistration> {
    const service = this.services.add(info);
    await Promise.all(service.topics.map((topic) => this.client.retainTopic(topic)));
    service.ttlTimer = setInterval(() => void this.sendRegistration(service.serviceId), service.ttlMins * 60_000);
    service.ttlTimer.unref();
    const acknowledged = await this.sendRegistration(service.serviceId, true);
    if (!acknowledged && !this.client.closed) {
      this.logger.debug?.(
        `service ${service.serviceType} ${service.serviceId}: the fabric did not answer its registration (plain MQTT broker?)`,
      );
    }
    return {
      serviceId: service.serviceId,
      get acknowledged() {
        return service.acknowledged;
      },
      unregister: () => this.unregister(service.serviceId),
    };
  }

  /** Registers every service again: a new connection may be to a broker that does not know them. */
  registerAll(): void {
    for (const serviceId of this.services.ids()) void this.sendRegistration(serviceId);
  }

  async unregisterAll(): Promise<void> {
    await Promise.all([...this.services.ids()].map((serviceId) => this.unregister(serviceId)));
  }

  /** Hands a request to the handlers of its topic (only the targeted service's, if it names one). */
  dispatch(request: DxlMessage): void {
    let handled = false;
    this.services.forEachHandler(request.destinationTopic, (serviceId, handler) => {
      if (request.serviceId && request.serviceId !== serviceId) return;
      handled = true;
      this.runHandler(handler, request);
    });
    if (!handled && request.serviceId && !this.services.has(request.serviceId)) {
      this.client.sendErrorResponse(request, FabricErrorCode.ServiceUnavailable, 'unable to locate service for request');
    }
  }

  private runHandler(handler: RequestHandler, request: DxlMessage): void {
    const fail = (error: unknown): void => {
      const text = error instanceof Error ? error.message : String(error);
      this.logger.warn(`service handler for ${request.destinationTopic} failed: ${text}`);
      this.client.sendErrorResponse(request, ServiceHandlerFailed, `service failed: ${text}`);
    };
    try {
      const result = handler(request);
      if (result && typeof result.then === 'function') result.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  }

  private async sendRegistration(serviceId: string, propagateRejection = false): Promise<boolean> {
    const service = this.services.get(serviceId);
    if (!service || this.client.closed) return false;
    try {
      await this.client.request(REGISTER_TOPIC, this.services.registrationPayload(service), { timeoutMs: this.registrationTimeoutMs });
      service.acknowledged = true;
      return true;
    } catch (error) {
      const dxlError = error as DxlError;
      const silent =
        dxlError.code === DxlErrorCode.Timeout || dxlError.code === DxlErrorCode.Disconnected || dxlError.code === DxlErrorCode.Closed;
      if (silent) return false;
      if (propagateRejection) {
        await this.unregister(serviceId, false);
        throw dxlError;
      }
      this.logger.warn(`re-registration of service ${service.serviceType} failed: ${dxlError.message}`);
      return false;
    }
  }

  private async unregister(serviceId: string, notifyFabric = true): Promise<void> {
    const service = this.services.remove(serviceId);
    if (!service) return;
    if (service.ttlTimer) clearInterval(service.ttlTimer);
    if (notifyFabric && this.client.ready && service.acknowledged) {
      await this.client
        .request(UNREGISTER_TOPIC, { serviceGuid: serviceId }, { timeoutMs: Math.min(this.registrationTimeoutMs, UNREGISTER_WAIT_MS) })
        .catch(() => undefined);
    }
    await Promise.all(service.topics.map((topic) => this.client.releaseTopic(topic)));
  }
}
