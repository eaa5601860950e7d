import type { RequestHandler, ServiceInfo } from './api';
import { DxlError, DxlErrorCode } from './errors';
import { newDxlId } from './ids';
import { subscriptionTopicError, topicTooLong } from './packet-limits';
import { TopicTable } from './topic-table';

export const REGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/register';
export const UNREGISTER_TOPIC = '/mcafee/service/dxl/svcregistry/unregister';

export interface LocalService {
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
export class LocalServices {
  private readonly byId = new Map<string, LocalService>();
  private readonly byTopic = new TopicTable<Binding>();
  private readonly bindings = new Map<string, Binding[]>();

  add(info: ServiceInfo): LocalService {
    if (!info || typeof info.serviceType !== 'string' || info.serviceType === '') throw invalid('A service needs a serviceType');
    const topics = Object.keys(info.topics ?? {});
    if (topics.length === 0) throw invalid(`Service ${info.serviceType} needs at least one request topic`);
    for (const topic of topics) {
      if (topic === '') throw invalid(`Service ${info.serviceType} has an empty request topic`);
      const badTopic = topicTooLong(topic) ?? subscriptionTopicError(topic);
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
