/**
 * The fabric's registries, read through any DXL client: the service registry
 * (`/mcafee/service/dxl/svcregistry/query`) and the broker registry
 * (`/mcafee/service/dxl/brokerregistry/query`), their answers read leniently (an entry that is not
 * what the spec describes is skipped, a field of the wrong type left out), and which registered
 * service takes a request topic (the broker's walk: exact, then wildcard ancestors).
 */
import type { DxlMessaging } from './api';
import { parseJsonPayload } from './message';

export const RegistryTopic = {
  SERVICE_QUERY: '/mcafee/service/dxl/svcregistry/query',
  BROKER_QUERY: '/mcafee/service/dxl/brokerregistry/query',
} as const;

/** One registered service instance, as the registry lists it. */
export interface ServiceEntry {
  serviceGuid: string;
  serviceType: string;
  requestChannels: string[];
  /** Channels the service may not receive on (topic authorization). */
  unauthorizedChannels: string[];
  metadata: Record<string, string>;
  clientGuid?: string;
  clientInstanceGuid?: string;
  brokerGuid?: string;
}

/** One broker of the fabric, as the registry lists it. */
export interface BrokerEntry {
  guid: string;
  hostname?: string;
  port?: number;
  webSocketPort?: number;
  version?: string;
}

export interface ServiceQuery {
  serviceType?: string;
  serviceGuid?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function optionalString(target: Record<string, unknown>, entry: Record<string, unknown>, key: string, as = key): void {
  const value = entry[key];
  if (typeof value === 'string' && value !== '') target[as] = value;
}

/** The services of a service registry answer (`{"services": {guid: entry}}`). */
export function readServiceEntries(answer: unknown): ServiceEntry[] {
  const services = isRecord(answer) ? answer.services : undefined;
  if (!isRecord(services)) return [];
  const entries: ServiceEntry[] = [];
  for (const [guid, raw] of Object.entries(services)) {
    if (!isRecord(raw) || typeof raw.serviceType !== 'string') continue;
    const metadata: Record<string, string> = {};
    if (isRecord(raw.metaData))
      for (const [key, value] of Object.entries(raw.metaData)) if (typeof value === 'string') metadata[key] = value;
    const entry: ServiceEntry = {
      serviceGuid: typeof raw.serviceGuid === 'string' && raw.serviceGuid !== '' ? raw.serviceGuid : guid,
      serviceType: raw.serviceType,
      requestChannels: strings(raw.requestChannels),
      unauthorizedChannels: strings(raw.unauthorizedChannels),
      metadata,
    };
    const extra: Record<string, unknown> = {};
    for (const key of ['clientGuid', 'clientInstanceGuid', 'brokerGuid']) optionalString(extra, raw, key);
    entries.push(Object.assign(entry, extra));
  }
  return entries;
}

/** The brokers of a broker registry answer (`{"brokers": {guid: entry}}`). */
export function readBrokerEntries(answer: unknown): BrokerEntry[] {
  const brokers = isRecord(answer) ? answer.brokers : undefined;
  if (!isRecord(brokers)) return [];
  const entries: BrokerEntry[] = [];
  for (const [guid, raw] of Object.entries(brokers)) {
    if (!isRecord(raw)) continue;
    const entry: BrokerEntry = { guid: typeof raw.guid === 'string' && raw.guid !== '' ? raw.guid : guid };
    if (typeof raw.hostname === 'string' && raw.hostname !== '') entry.hostname = raw.hostname;
    if (typeof raw.version === 'string' && raw.version !== '') entry.version = raw.version;
    for (const key of ['port', 'webSocketPort'] as const) {
      const value = raw[key];
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) entry[key] = value;
    }
    entries.push(entry);
  }
  return entries;
}

/** Reads the service registry: every service, or those of one type or instance. Rejects as the request does. */
export async function queryServices(dxl: DxlMessaging, query: ServiceQuery = {}, timeoutMs?: number): Promise<ServiceEntry[]> {
  const answer = await dxl.request(RegistryTopic.SERVICE_QUERY, JSON.stringify(query), timeoutMs === undefined ? {} : { timeoutMs });
  return readServiceEntries(parseJsonPayload(answer.payload));
}

/** Reads the broker registry. Rejects as the request does. */
export async function queryBrokers(dxl: DxlMessaging, timeoutMs?: number): Promise<BrokerEntry[]> {
  const answer = await dxl.request(RegistryTopic.BROKER_QUERY, '{}', timeoutMs === undefined ? {} : { timeoutMs });
  return readBrokerEntries(parseJsonPayload(answer.payload));
}

/** The topics a request on `topic` may be routed by, most specific first: itself, then `/a/b/#`, `/a/#`, `/#`, `#`. */
export function routingTopics(topic: string): string[] {
  const topics = [topic];
  let end = topic.length;
  for (;;) {
    const slash = topic.lastIndexOf('/', end - 1);
    if (slash < 0) break;
    const wildcard = topic.slice(0, slash + 1) + '#';
    if (wildcard !== topic) topics.push(wildcard);
    end = slash;
    if (end === 0) break;
  }
  if (topic !== '#') topics.push('#');
  return topics;
}

/** The services that would take a request on `topic`: those of the most specific channel that has any. */
export function servicesForTopic(services: readonly ServiceEntry[], topic: string): ServiceEntry[] {
  for (const channel of routingTopics(topic)) {
    const found = services.filter((service) => service.requestChannels.includes(channel));
    if (found.length > 0) return found;
  }
  return [];
}
