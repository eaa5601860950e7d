/**
 * Read-back of a write: the reputation is looked up until the provider written shows the trust
 * level written, or the time is up. TIE answers a set before every endpoint sees it and never
 * answers an External report, and a write can be dropped without a word (an External report
 * without a file name, a provider switched off, a client not authorized for the topic): only a
 * later lookup tells.
 */
import type { Reputations } from './types';

export interface ReadBackOptions {
  /** How long to keep looking, in ms. */
  timeoutMs: number;
  /** The pause between lookups, in ms. Default 250. */
  intervalMs?: number;
}

export const DEFAULT_READ_BACK_INTERVAL_MS = 250;

export type ReadBack =
  | { verified: true; elapsedMs: number; lookups: number }
  | {
      verified: false;
      /** 'not-seen': lookups answered, without the level written; 'lookup-failed': the last lookup failed (`errorCode` says how). */
      reason: 'not-seen' | 'lookup-failed';
      elapsedMs: number;
      lookups: number;
      /** The provider's trust level in the last answer; null when it had no reputation of that provider, or none came. */
      seen: number | null;
      errorCode?: string;
    };

/** Looks with `lookup` (given the time left for its request) until `providerId` shows `trustLevel`. */
export async function readBack(
  lookup: (timeoutMs: number) => Promise<Reputations>,
  providerId: number,
  trustLevel: number,
  options: ReadBackOptions & { requestTimeoutMs?: number | undefined },
): Promise<ReadBack> {
  const interval = options.intervalMs ?? DEFAULT_READ_BACK_INTERVAL_MS;
  const start = performance.now();
  const deadline = start + options.timeoutMs;
  let lookups = 0;
  let seen: number | null = null;
  let errorCode: string | undefined;
  for (;;) {
    const left = Math.max(1, deadline - performance.now());
    lookups++;
    try {
      const reputations = await lookup(Math.min(left, options.requestTimeoutMs ?? left));
      const reputation = reputations[providerId] as { trustLevel?: unknown } | undefined;
      seen = typeof reputation?.trustLevel === 'number' ? reputation.trustLevel : null;
      errorCode = undefined;
      if (seen === trustLevel) return { verified: true, elapsedMs: Math.round(performance.now() - start), lookups };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      errorCode = typeof code === 'string' ? code : 'ERROR';
    }
    if (performance.now() + interval >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  const elapsedMs = Math.round(performance.now() - start);
  if (errorCode !== undefined) return { verified: false, reason: 'lookup-failed', elapsedMs, lookups, seen, errorCode };
  return { verified: false, reason: 'not-seen', elapsedMs, lookups, seen };
}
