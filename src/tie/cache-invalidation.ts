import type { Unsubscribe } from '../dxl/api';
import type { EventFeeds } from './event-feeds';
import { transformReputationChangeEvent } from './payloads';
import { changedHashes } from './requests';
import { TieTopic } from './topics';

/**
 * Observes both reputation-change topics so that each change drops the cached reputations it
 * names: both subscriptions or neither (a failure undoes the one made and rejects).
 */
export async function observeReputationChanges(feeds: EventFeeds, invalidate: (hashes: string[]) => void): Promise<Unsubscribe[]> {
  const onChange = (payload: unknown): void => {
    try {
      invalidate(changedHashes(payload));
    } catch {
      // Not a TIE payload: nothing names a cached hash, so there is nothing to drop.
    }
  };
  const results = await Promise.allSettled([
    feeds.observe(TieTopic.FILE_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, onChange),
    feeds.observe(TieTopic.CERT_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, onChange),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  const unsubscribes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (failure !== undefined) {
    await Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
    throw failure.reason;
  }
  return unsubscribes;
}
