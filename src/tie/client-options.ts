/** What a TieClient is made with and what some of its calls take and give. */
import type { DxlMessage } from '../dxl/message';
import type { ReputationCacheOptions } from './cache';
import type { EventSenderRule } from './event-senders';
import type { Reputations } from './types';
import type { Verdict } from './verdict';
import type { WhenLimited, WriteLimit } from './write-limiter';

export interface TieClientOptions {
  /**
   * Opt-in reputation cache: answers of get-reputation calls are kept for `ttlMs`, at most
   * `maxEntries` (default 10 000), and dropped when a reputation-change event or a set made
   * through this client names one of their hashes.
   */
  cache?: ReputationCacheOptions | false;
  /** Timeout of each request; the DXL client's own default when absent. */
  requestTimeoutMs?: number;
  /**
   * Receives errors of event subscriptions: events that are not TIE payloads and exceptions
   * thrown by handlers, unless the subscription has an `onError` of its own. Without either they
   * are rethrown to the DXL client, which logs them.
   */
  onEventError?: (error: Error, message: DxlMessage) => void;
  /** Which clients may send TIE events (and so touch the cache); any client when absent. */
  eventSenders?: EventSenderRule;
  /**
   * A limit on the writes (Enterprise sets, External reports) of this client: over it, a write
   * waits its turn in a bounded queue (see write-limiter.ts). No limit when absent.
   */
  writeLimit?: WriteLimit;
  /** Writes are planned and validated but never sent (`write` resolves with `sent: false`). */
  dryRun?: boolean;
}

export interface WriteOptions {
  /** When the write limit has no room now: wait in its queue (default), or fail at once with TIE_WRITE_RATE_LIMITED. */
  whenLimited?: WhenLimited;
}

export interface ReputationsWithVerdict {
  reputations: Reputations;
  verdict: Verdict;
}
