/**
 * Event subscriptions by owner (a node id), so that a node's restart or removal takes exactly its
 * own subscriptions away: no duplicates after partial deploys, none lost. A subscription still
 * being made when its owner leaves is removed as soon as it is made.
 */
import type { Unsubscribe } from '../../src/dxl/api';

interface Entry {
  cancelled: boolean;
  unsubscribe?: Unsubscribe;
}

export class SubscriptionRegistry {
  private readonly byOwner = new Map<string, Set<Entry>>();

  /** Makes a subscription for `ownerId`; resolves once it is active (or removed again because the owner left). */
  async add(ownerId: string, subscribe: () => Promise<Unsubscribe>): Promise<void> {
    const entry: Entry = { cancelled: false };
    let entries = this.byOwner.get(ownerId);
    if (entries === undefined) {
      entries = new Set();
      this.byOwner.set(ownerId, entries);
    }
    entries.add(entry);
    let unsubscribe: Unsubscribe;
    try {
      unsubscribe = await subscribe();
    } catch (error) {
      this.forget(ownerId, entry);
      throw error;
    }
    if (entry.cancelled) {
      // Removed while being made (its client may be closing): undo quietly, as removeAll does.
      await unsubscribe().catch(() => undefined);
      return;
    }
    entry.unsubscribe = unsubscribe;
  }

  /** Removes every subscription of `ownerId`, including those still being made. */
  async removeAll(ownerId: string): Promise<void> {
    const entries = this.byOwner.get(ownerId);
    if (entries === undefined) return;
    this.byOwner.delete(ownerId);
    const pending: Array<Promise<void>> = [];
    for (const entry of entries) {
      entry.cancelled = true;
      if (entry.unsubscribe !== undefined) pending.push(entry.unsubscribe().catch(() => undefined));
    }
    await Promise.all(pending);
  }

  /** Subscriptions held (made or being made), for one owner or all. */
  count(ownerId?: string): number {
    if (ownerId !== undefined) return this.byOwner.get(ownerId)?.size ?? 0;
    let total = 0;
    for (const entries of this.byOwner.values()) total += entries.size;
    return total;
  }

  /** Forgets everything without unsubscribing: for when the client that held them is gone. */
  clear(): void {
    for (const entries of this.byOwner.values()) for (const entry of entries) entry.cancelled = true;
    this.byOwner.clear();
  }

  private forget(ownerId: string, entry: Entry): void {
    const entries = this.byOwner.get(ownerId);
    if (entries === undefined) return;
    entries.delete(entry);
    if (entries.size === 0) this.byOwner.delete(ownerId);
  }
}
