import { wildcardAncestors } from './topics';

/** One registered service instance, keyed by its serviceGuid. */
export interface ServiceEntry {
  serviceGuid: string;
  serviceType: string;
  requestChannels: string[];
  metaData: Record<string, string>;
  ttlMins: number;
  /** The owner's canonical id: the SHA-1 of its client certificate. */
  clientGuid: string;
  /** The owner's connection; requests are delivered to it only. */
  clientInstanceGuid: string;
  /** SHA-1 thumbprints of the owner's certificate chain. */
  certificates: string[];
  /** Milliseconds since the epoch, refreshed by each re-registration. */
  registrationTime: number;
}

export interface ServiceQuery {
  serviceGuid?: string;
  serviceType?: string;
}

export interface ServiceRegistryOptions {
  /** Added to every entry's TTL before it expires; the OpenDXL broker's default is 5 minutes. */
  ttlGraceMins?: number;
  now?: () => number;
}

/**
 * The fabric's service registry: which instances serve which request topics.
 * Unlike the OpenDXL broker, which keeps entries until their TTL runs out, the
 * fabric also drops an instance when its owner disconnects (see `removeOwner`),
 * so a request is never routed to a connection that is gone.
 */
export class ServiceRegistry {
  private readonly byGuid = new Map<string, ServiceEntry>();
  /** Request channel -> serviceGuids, in registration order. */
  private readonly byChannel = new Map<string, string[]>();
  private readonly nextIndexByChannel = new Map<string, number>();
  private readonly ttlGraceMs: number;
  private readonly now: () => number;

  constructor(options: ServiceRegistryOptions = {}) {
    this.ttlGraceMs = (options.ttlGraceMins ?? 5) * 60_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byGuid.size;
  }

  get(serviceGuid: string): ServiceEntry | undefined {
    return this.byGuid.get(serviceGuid);
  }

  /** Adds an entry, or replaces the one with the same serviceGuid (a re-registration). */
  register(entry: Omit<ServiceEntry, 'registrationTime'>): ServiceEntry {
    this.remove(entry.serviceGuid);
    const stored: ServiceEntry = { ...entry, requestChannels: [...new Set(entry.requestChannels)], registrationTime: this.now() };
    this.byGuid.set(stored.serviceGuid, stored);
    for (const channel of stored.requestChannels) {
      const guids = this.byChannel.get(channel);
      if (guids) guids.push(stored.serviceGuid);
      else this.byChannel.set(channel, [stored.serviceGuid]);
    }
    return stored;
  }

  /** Removes an entry; returns it, or undefined when there was none. */
  remove(serviceGuid: string): ServiceEntry | undefined {
    const entry = this.byGuid.get(serviceGuid);
    if (!entry) return undefined;
    this.byGuid.delete(serviceGuid);
    for (const channel of entry.requestChannels) {
      const remaining = (this.byChannel.get(channel) ?? []).filter((guid) => guid !== serviceGuid);
      if (remaining.length > 0) {
        this.byChannel.set(channel, remaining);
      } else {
        this.byChannel.delete(channel);
        this.nextIndexByChannel.delete(channel);
      }
    }
    return entry;
  }

  /** Removes every entry owned by a connection; returns the removed entries. */
  removeOwner(clientInstanceGuid: string): ServiceEntry[] {
    const owned = [...this.byGuid.values()].filter((entry) => entry.clientInstanceGuid === clientInstanceGuid);
    for (const entry of owned) this.remove(entry.serviceGuid);
    return owned;
  }

  /** Removes entries older than their TTL plus the grace period; returns them. */
  expire(): ServiceEntry[] {
    const now = this.now();
    const expired = [...this.byGuid.values()].filter((entry) => now - entry.registrationTime > entry.ttlMins * 60_000 + this.ttlGraceMs);
    for (const entry of expired) this.remove(entry.serviceGuid);
    return expired;
  }

  /**
   * The instance that gets a request on `topic`: the exact topic first, then its
   * wildcard ancestors (most specific first); round-robin among the instances of
   * the first channel that has any `eligible` one (as the OpenDXL broker skips an
   * instance whose owner may not receive the request).
   */
  select(topic: string, eligible: (entry: ServiceEntry) => boolean = () => true): ServiceEntry | undefined {
    for (const channel of [topic, ...wildcardAncestors(topic)]) {
      const guids = this.byChannel.get(channel);
      if (!guids) continue;
      const start = this.nextIndexByChannel.get(channel) ?? 0;
      for (let step = 0; step < guids.length; step++) {
        const index = (start + step) % guids.length;
        const entry = this.byGuid.get(guids[index]);
        if (!entry || !eligible(entry)) continue;
        this.nextIndexByChannel.set(channel, index + 1);
        return entry;
      }
    }
    return undefined;
  }

  /** Whether `entry` serves `topic`: one of its channels is the topic or a wildcard above it. */
  static serves(entry: ServiceEntry, topic: string): boolean {
    return entry.requestChannels.includes(topic) || wildcardAncestors(topic).some((channel) => entry.requestChannels.includes(channel));
  }

  query(query: ServiceQuery = {}): ServiceEntry[] {
    return [...this.byGuid.values()].filter(
      (entry) =>
        (query.serviceGuid === undefined || entry.serviceGuid === query.serviceGuid) &&
        (query.serviceType === undefined || entry.serviceType === query.serviceType),
    );
  }
}
