/**
 * The TIE simulator's state: files and certificates with their hashes (lowercase hex), one
 * reputation per provider, first references and tags; an index by hash; JSON persistence with
 * atomic writes (temp file + rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SeedItem } from './tie-simulator-seed';

export type ItemKind = 'file' | 'certificate';

export interface StoredReputation {
  providerId: number;
  trustLevel: number;
  createDate: number;
  attributes: Record<string, string>;
  /** Certificates: files overriding the certificate's reputation, in the wire format. */
  overridden?: unknown;
}

export interface StoredAgent {
  agentGuid: string;
  date: number;
}

export interface HexHashes {
  md5?: string;
  sha1?: string;
  sha256?: string;
}

export interface StoredItem {
  kind: ItemKind;
  /** Files: md5/sha1/sha256 (any subset); certificates: sha1. */
  hashes: HexHashes;
  /** Certificates only. */
  publicKeySha1?: string;
  /** Sorted by provider id, one per provider. */
  reputations: StoredReputation[];
  /** Sorted by date, earliest first. */
  agents: StoredAgent[];
  filename?: string;
  comment?: string;
  fileType?: number;
  relationships?: { certificate: { hashes: HexHashes; publicKeySha1?: string } };
  /** Made up by the simulator (periodic first instances); the oldest go when there are too many. */
  generated?: boolean;
}

export const HASH_TYPES = ['md5', 'sha1', 'sha256'] as const;
export type HexHashType = (typeof HASH_TYPES)[number];

/** What a request's hashes matched. */
export type Match = { item: StoredItem } | { item: undefined; conflict: boolean };

const STATE_VERSION = 1;

export class TieStore {
  private readonly items = new Set<StoredItem>();
  /** `<kind>:<type>:<hex>` → item; certificates also index `publicKeySha1`. */
  private readonly index = new Map<string, StoredItem>();
  /** Serialized reputation lists, rebuilt after a change. */
  private readonly reputationsJson = new WeakMap<StoredItem, string>();

  static fromSeed(seed: readonly SeedItem[]): TieStore {
    const store = new TieStore();
    store.addMissing(seed);
    return store;
  }

  /** Adds the seed items none of whose hashes the store knows (a state saved before they were seeded). */
  addMissing(seed: readonly SeedItem[]): void {
    for (const seedItem of seed) {
      const match = this.find(seedItem.kind, seedItem.hashes);
      if (match.item !== undefined || match.conflict) continue;
      const { name, ...rest } = structuredClone(seedItem);
      const item: StoredItem = rest;
      if (seedItem.kind === 'file') item.filename = name;
      else item.comment = name;
      this.add(item);
    }
  }

  get size(): number {
    return this.items.size;
  }

  all(): IterableIterator<StoredItem> {
    return this.items.values();
  }

  add(item: StoredItem): StoredItem {
    item.reputations.sort((a, b) => a.providerId - b.providerId);
    item.agents.sort((a, b) => a.date - b.date);
    this.items.add(item);
    this.indexItem(item);
    return item;
  }

  remove(item: StoredItem): void {
    this.items.delete(item);
    for (const [key, indexed] of this.index) if (indexed === item) this.index.delete(key);
    this.reputationsJson.delete(item);
  }

  /** Adds hashes the item did not have yet (a set or report that named more of them). */
  bind(item: StoredItem, hashes: HexHashes, publicKeySha1?: string): void {
    for (const type of HASH_TYPES) {
      const hex = hashes[type];
      if (hex !== undefined && item.hashes[type] === undefined) item.hashes[type] = hex;
    }
    if (publicKeySha1 !== undefined && item.publicKeySha1 === undefined) item.publicKeySha1 = publicKeySha1;
    this.indexItem(item);
  }

  /**
   * The item the hashes identify: every known hash must point to the same item, and no hash may
   * contradict the item's own hash of that type. Certificates are identified by their sha1; a
   * public-key sha1 that contradicts the item's is a mismatch too.
   */
  find(kind: ItemKind, hashes: HexHashes, publicKeySha1?: string): Match {
    let found: StoredItem | undefined;
    for (const type of HASH_TYPES) {
      const hex = hashes[type];
      if (hex === undefined) continue;
      const item = this.index.get(`${kind}:${type}:${hex}`);
      if (item === undefined) continue;
      if (found !== undefined && found !== item) return { item: undefined, conflict: true };
      found = item;
    }
    if (found === undefined) return { item: undefined, conflict: false };
    for (const type of HASH_TYPES) {
      const hex = hashes[type];
      const own = found.hashes[type];
      if (hex !== undefined && own !== undefined && own !== hex) return { item: undefined, conflict: true };
    }
    if (publicKeySha1 !== undefined && found.publicKeySha1 !== undefined && found.publicKeySha1 !== publicKeySha1) {
      return { item: undefined, conflict: true };
    }
    return { item: found };
  }

  reputation(item: StoredItem, providerId: number): StoredReputation | undefined {
    return item.reputations.find((reputation) => reputation.providerId === providerId);
  }

  /** Replaces or adds the provider's reputation, keeping the list sorted. */
  putReputation(item: StoredItem, reputation: StoredReputation): void {
    const at = item.reputations.findIndex((existing) => existing.providerId === reputation.providerId);
    if (at >= 0) item.reputations[at] = reputation;
    else {
      item.reputations.push(reputation);
      item.reputations.sort((a, b) => a.providerId - b.providerId);
    }
    this.reputationsJson.delete(item);
  }

  addAgent(item: StoredItem, agent: StoredAgent): void {
    if (item.agents.some((existing) => existing.agentGuid === agent.agentGuid)) return;
    item.agents.push(agent);
    item.agents.sort((a, b) => a.date - b.date);
  }

  /** The item's reputation list as JSON text, kept until the list changes. */
  reputationsAsJson(item: StoredItem): string {
    let json = this.reputationsJson.get(item);
    if (json === undefined) {
      json = JSON.stringify(item.reputations);
      this.reputationsJson.set(item, json);
    }
    return json;
  }

  toJSON(): { version: number; items: StoredItem[] } {
    return { version: STATE_VERSION, items: [...this.items] };
  }

  static fromJSON(state: unknown): TieStore {
    if (state === null || typeof state !== 'object') throw new Error('the state is not a JSON object');
    const { version, items } = state as { version?: unknown; items?: unknown };
    if (version !== STATE_VERSION) throw new Error(`unsupported state version ${String(version)}`);
    if (!Array.isArray(items)) throw new Error('the state has no items list');
    const store = new TieStore();
    items.forEach((item: unknown, i) => {
      if (!isStoredItem(item)) throw new Error(`state item ${i} is malformed`);
      store.add(item);
    });
    return store;
  }

  private indexItem(item: StoredItem): void {
    for (const type of HASH_TYPES) {
      const hex = item.hashes[type];
      if (hex !== undefined) this.index.set(`${item.kind}:${type}:${hex}`, item);
    }
  }
}

function isStoredItem(value: unknown): value is StoredItem {
  if (value === null || typeof value !== 'object') return false;
  const item = value as Partial<StoredItem>;
  return (
    (item.kind === 'file' || item.kind === 'certificate') &&
    item.hashes !== null &&
    typeof item.hashes === 'object' &&
    Array.isArray(item.reputations) &&
    item.reputations.every(
      (r) => r !== null && typeof r === 'object' && typeof r.providerId === 'number' && typeof r.trustLevel === 'number',
    ) &&
    Array.isArray(item.agents)
  );
}

/**
 * Writes the store to `<dir>/tie-simulator-state.json`: coalesces bursts of changes into one
 * write, never runs two writes at once, and replaces the file atomically (temp file + rename).
 */
export class StatePersistence {
  readonly file: string;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private sequence = 0;

  constructor(
    dir: string,
    private readonly snapshot: () => unknown,
    private readonly onError: (error: Error) => void,
  ) {
    this.file = path.join(dir, 'tie-simulator-state.json');
  }

  /** The saved state, or undefined when there is none. Throws when it exists but is unreadable. */
  load(): unknown {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return JSON.parse(text);
  }

  /** Moves an unreadable state file aside so that a fresh one can be written. */
  quarantine(): string {
    const aside = `${this.file}.corrupt-${Date.now()}`;
    fs.renameSync(this.file, aside);
    return aside;
  }

  /** Schedules a write of the current state. */
  save(): void {
    this.dirty = true;
    if (this.writing === undefined) this.writing = this.drain();
  }

  /** Resolves once everything scheduled so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      // Let the changes of the current turn land first, so that a burst becomes one write.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.writeAtomically(JSON.stringify(this.snapshot()));
        } catch (error) {
          this.onError(error instanceof Error ? error : new Error(String(error)));
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${++this.sequence}.tmp`;
    try {
      await fs.promises.writeFile(temp, text, { encoding: 'utf8', mode: 0o600 });
      await fs.promises.rename(temp, this.file);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
  }
}
