/**
 * The DXL services this client offers: each one's definition checked, registered with the fabric
 * (again every TTL, on every new connection, and when the fabric drops it while it runs), its
 * request topics subscribed, requests dispatched to its handlers; a clean stop unregisters first
 * and answers what is in flight before the handlers go.
 */
import type { MessageHandler, RequestHandler, ServiceInfo, ServiceRegistration, Unsubscribe } from './api';
import { DxlError, DxlErrorCode, FabricErrorCode } from './errors';
import { newDxlId } from './ids';
import { type DxlMessage, type DxlPayload, parseJsonPayload } from './message';
import type { DxlLogger } from './options';
import { InFlightRequests } from './service-drain';
import { RegistrationHealer } from './service-healing';
import { topicError } from './topic-rule';
import { TopicTable } from './subscriptions';

export const REGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/register';
export const UNREGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/unregister';
/** The broker's announcement that a service left its registry (spec §4.1), whoever removed it. */
export const UNREGISTER_EVENT_TOPIC = '/mcafee/event/dxl/svcregistry/unregister';

/** How long a clean stop waits for requests its handlers hold, unless the service says (ServiceInfo.drainMs). */
export const DEFAULT_DRAIN_MS = 1000;
/**
 * After the fabric acknowledged an unregistration, how long without a new request before the
 * handlers go: a request routed just before (by another broker of the fabric) may still be on its way.
 */
export const ROUTED_GRACE_MS = 250;

interface LocalService {
  serviceId: string;
  serviceType: string;
  ttlMins: number;
  metadata: Record<string, string>;
  topics: string[];
  handlers: Record<string, RequestHandler>;
  acknowledged: boolean;
  ttlTimer?: NodeJS.Timeout;
  inFlight: InFlightRequests;
  healer?: RegistrationHealer;
  /** Set once a stop began: still answering, no longer registered. */
  leaving?: Promise<void>;
}

interface Binding {
  service: LocalService;
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
    const drainMs = info.drainMs ?? DEFAULT_DRAIN_MS;
    if (!Number.isFinite(drainMs) || drainMs < 0)
      throw invalid(`Service ${info.serviceType}: drainMs must be a number of milliseconds, 0 or more`);
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
      inFlight: new InFlightRequests(drainMs),
    };
    const bindings = topics.map((topic) => {
      const binding: Binding = { service, handler: info.topics[topic] };
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

  get size(): number {
    return this.byId.size;
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  forEachHandler(topic: string, visit: (service: LocalService, handler: RequestHandler) => void): void {
    this.byTopic.forEachMatch(topic, (binding) => visit(binding.service, binding.handler));
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
  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe>;
  retainTopic(topic: string): Promise<void>;
  releaseTopic(topic: string): Promise<void>;
  readonly ready: boolean;
  readonly closed: boolean;
}

/**
 * The services this client offers: registered with the fabric (again every TTL, on every new
 * connection, and when the fabric drops one that still runs), their request topics subscribed,
 * requests dispatched to their handlers.
 */
export class ServiceHost {
  private readonly services = new LocalServices();
  /** The unregister events, listened to while this client offers a service. */
  private dropWatch: Promise<Unsubscribe> | undefined;

  constructor(
    private readonly client: ServiceHostClient,
    private readonly registrationTimeoutMs: number,
    private readonly logger: DxlLogger,
  ) {}

  async register(info: ServiceInfo): Promise<ServiceRegistration> {
    const service = this.services.add(info);
    service.healer = new RegistrationHealer({
      register: () => {
        if (this.client.ready) void this.sendRegistration(service.serviceId);
      },
      label: `${service.serviceType} ${service.serviceId}`,
      logger: this.logger,
    });
    try {
      await Promise.all([...service.topics.map((topic) => this.client.retainTopic(topic)), this.watchDrops()]);
    } catch (error) {
      await this.unregister(service.serviceId, false);
      throw error;
    }
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
    this.services.forEachHandler(request.destinationTopic, (service, handler) => {
      if (request.serviceId && request.serviceId !== service.serviceId) return;
      handled = true;
      service.inFlight.arrived(request.messageId);
      this.runHandler(handler, request);
    });
    if (!handled && request.serviceId && !this.services.has(request.serviceId)) {
      this.client.sendErrorResponse(request, FabricErrorCode.ServiceUnavailable, 'unable to locate service for request');
    }
  }

  /** A response or error response to `request` went out: it is no longer in flight. */
  answered(request: DxlMessage): void {
    if (request.serviceId) {
      this.services.get(request.serviceId)?.inFlight.answered(request.messageId);
      return;
    }
    this.services.forEachHandler(request.destinationTopic, (service) => service.inFlight.answered(request.messageId));
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
    if (!service || service.leaving || this.client.closed) return false;
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

  /** Listens for the broker's unregister events (once for all services). */
  private watchDrops(): Promise<Unsubscribe> {
    this.dropWatch ??= this.client
      .subscribe(UNREGISTER_EVENT_TOPIC, (event) => this.onUnregistered(event))
      .catch((error: unknown) => {
        this.dropWatch = undefined;
        throw error;
      });
    return this.dropWatch;
  }

  /** The fabric announced a service gone: if it is one of ours that still runs, it dropped it under us. */
  private onUnregistered(event: DxlMessage): void {
    let serviceGuid: unknown;
    try {
      serviceGuid = (parseJsonPayload(event.payload) as { serviceGuid?: unknown } | null)?.serviceGuid;
    } catch {
      return;
    }
    if (typeof serviceGuid !== 'string') return;
    const service = this.services.get(serviceGuid);
    // Our own unregistration removes the service here first, or marks it leaving.
    if (service === undefined || service.leaving) return;
    service.healer?.dropped();
  }

  /**
   * Stops a service cleanly: the fabric is told first (so that it routes no more requests to it),
   * then the requests its handlers hold are answered, and those the fabric routed before it
   * stopped still arrive and are handled, within the service's drainMs; then the handlers go.
   */
  private unregister(serviceId: string, notifyFabric = true): Promise<void> {
    const service = this.services.get(serviceId);
    if (!service) return Promise.resolve();
    service.leaving ??= this.leave(service, notifyFabric);
    return service.leaving;
  }

  private async leave(service: LocalService, notifyFabric: boolean): Promise<void> {
    if (service.ttlTimer) clearInterval(service.ttlTimer);
    service.healer?.cancel();
    if (notifyFabric) {
      let unregistered = false;
      if (this.client.ready && service.acknowledged) {
        unregistered = await this.client
          .request(
            UNREGISTER_TOPIC,
            { serviceGuid: service.serviceId },
            { timeoutMs: Math.min(this.registrationTimeoutMs, UNREGISTER_WAIT_MS) },
          )
          .then(
            () => true,
            () => false,
          );
      }
      if (!this.client.closed) await service.inFlight.drained(unregistered ? ROUTED_GRACE_MS : 0);
    }
    this.services.remove(service.serviceId);
    await Promise.all(service.topics.map((topic) => this.client.releaseTopic(topic)));
    if (this.services.size === 0) await this.unwatchDrops();
  }

  private async unwatchDrops(): Promise<void> {
    const watch = this.dropWatch;
    this.dropWatch = undefined;
    if (watch === undefined) return;
    const unsubscribe = await watch.catch(() => undefined);
    await unsubscribe?.().catch(() => undefined);
  }
}
