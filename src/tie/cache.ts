/**
 * The reputation cache: answers of get-reputation calls by the hashes asked for, with a TTL, an
 * LRU bound, and tickets that keep an answer out when a change of its hashes crossed it in flight.
 */
import type { Reputations } from './types';

export interface ReputationCacheOptions {
  /** How long a reputation stays usable. */
  ttlMs: number;
  /** Entries kept at most; the least recently used go first. Default 10 000. */
  maxEntries?: number;
  /** Clock in ms; tests replace it. */
  now?: () => number;
}

export interface CacheTicket {
  readonly key: string;
  readonly hashes: readonly string[];
  void: boolean;
}

interface Entry {
  /** The reputations as JSON: parsing it is the quickest way to hand out a fresh copy. */
  json: string;
  /** JSON of what `getDerived` derived from the reputations, once asked. */
  derivedJson?: string;
  expiresAt: number;
  /** Hex digests identifying the file or certificate, for invalidation. */
  hashes: readonly string[];
}

/**
 * Reputations by request key (the hashes asked for), with a TTL, bounded in size (LRU), and
 * invalidated by any hash they share with a reputation change. Values are copied in and out, so
 * callers can change what they get without touching the cache. A value derived from an entry (the
 * verdict) can be kept with it, so a hit costs a parse rather than the derivation.
 */
export class ReputationCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  /** Hex digest → keys of the entries that hold it. */
  private readonly keysByHash = new Map<string, Set<string>>();
  /** Lookups in flight: an invalidation of one of their hashes voids their answer. */
  private readonly pending = new Set<CacheTicket>();
  /** Lookups answered from the cache, and not (absent or expired), for diagnostics. */
  hits = 0;
  misses = 0;

  constructor(options: ReputationCacheOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError('cache ttlMs must be a positive number of milliseconds');
    const maxEntries = options.maxEntries ?? 10_000;
    if (!(maxEntries >= 1)) throw new RangeError('cache maxEntries must be at least 1');
    this.ttlMs = options.ttlMs;
    this.maxEntries = Math.floor(maxEntries);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Call before asking TIE for a missing entry, and hand the ticket to `set` (or `abandon` it on
   * failure): an answer that was in flight while one of its hashes was invalidated is not stored.
   */
  begin(key: string, hashes: readonly string[]): CacheTicket {
    const ticket: CacheTicket = { key, hashes, void: false };
    this.pending.add(ticket);
    return ticket;
  }

  abandon(ticket: CacheTicket): void {
    this.pending.delete(ticket);
  }

  /** The entry under `key` unless it expired, marked most recently used. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.misses++;
      this.remove(key, entry);
      return undefined;
    }
    this.hits++;
    // Re-insert to mark it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  get(key: string): Reputations | undefined {
    const entry = this.live(key);
    return entry === undefined ? undefined : (JSON.parse(entry.json) as Reputations);
  }

  /**
   * The reputations with what `derive` makes of them, both fresh copies. `derive` runs on the
   * first hit only, so it must be the same function for every call with a key.
   */
  getDerived<D>(key: string, derive: (reputations: Reputations) => D): { reputations: Reputations; derived: D } | undefined {
    const entry = this.live(key);
    if (entry === undefined) return undefined;
    const reputations = JSON.parse(entry.json) as Reputations;
    if (entry.derivedJson !== undefined) return { reputations, derived: JSON.parse(entry.derivedJson) as D };
    const derived = derive(reputations);
    entry.derivedJson = JSON.stringify(derived);
    return { reputations: JSON.parse(entry.json) as Reputations, derived };
  }

  /** Stores the reputations, with what `getDerived` would derive from them when the caller has it already. */
  set(ticket: CacheTicket, value: Reputations, derived?: unknown): void {
    this.pending.delete(ticket);
    if (ticket.void) return;
    const { key, hashes } = ticket;
    const existing = this.entries.get(key);
    if (existing !== undefined) this.remove(key, existing);
    this.entries.set(key, {
      json: JSON.stringify(value),
      ...(derived === undefined ? {} : { derivedJson: JSON.stringify(derived) }),
      expiresAt: this.now() + this.ttlMs,
      hashes,
    });
    for (const hash of hashes) {
      let keys = this.keysByHash.get(hash);
      if (keys === undefined) this.keysByHash.set(hash, (keys = new Set()));
      keys.add(key);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest, this.entries.get(oldest) as Entry);
    }
  }

  /** Drops every entry that holds any of these hex digests. */
  invalidate(hashes: Iterable<string | undefined>): void {
    for (const rawHash of hashes) {
      if (rawHash === undefined) continue;
      const hash = rawHash.toLowerCase();
      for (const ticket of this.pending) if (ticket.hashes.includes(hash)) ticket.void = true;
      const keys = this.keysByHash.get(hash);
      if (keys === undefined) continue;
      for (const key of [...keys]) {
        const entry = this.entries.get(key);
        if (entry !== undefined) this.remove(key, entry);
      }
    }
  }

  clear(): void {
    for (const ticket of this.pending) ticket.void = true;
    this.entries.clear();
    this.keysByHash.clear();
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    for (const hash of entry.hashes) {
      const keys = this.keysByHash.get(hash);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size === 0) this.keysByHash.delete(hash);
    }
  }
}
