/**
 * The write limit of a TieClient: a token bucket that lets `burst` writes go at once and then
 * `perSecond` a second, so that in any second at most `perSecond + burst` writes reach TIE.
 * A write over the limit waits its turn in a bounded queue (first come, first sent), or fails at
 * once when its caller says so; nothing is sent for a write that fails here.
 */
import { TieError, TieErrorCode, invalidInput } from './errors';

export interface WriteLimit {
  /** Writes a second, sustained (greater than 0; fractions allowed: 0.5 is one every 2 s). */
  perSecond: number;
  /** Writes that may go at once after a quiet spell (a whole number ≥ 1). Default: `perSecond` rounded up. */
  burst?: number;
  /** Writes waiting their turn at most (a whole number ≥ 0); one more fails with TIE_WRITE_QUEUE_FULL. Default 1000. */
  maxQueued?: number;
}

export const DEFAULT_MAX_QUEUED_WRITES = 1000;

/** What a write does when the limit has no room for it now. */
export type WhenLimited = 'wait' | 'fail';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class WriteLimiter {
  readonly perSecond: number;
  readonly burst: number;
  readonly maxQueued: number;
  private tokens: number;
  private refilledAt: number;
  private readonly waiting: Waiter[] = [];
  private readonly listeners = new Set<(queued: number) => void>();
  private timer: NodeJS.Timeout | undefined;
  private closedWith: Error | undefined;

  constructor(limit: WriteLimit) {
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond))
      throw invalidInput('writeLimit.perSecond must be a number greater than 0');
    const burst = limit.burst ?? Math.ceil(limit.perSecond);
    if (!Number.isInteger(burst) || burst < 1) throw invalidInput('writeLimit.burst must be a whole number of at least 1');
    const maxQueued = limit.maxQueued ?? DEFAULT_MAX_QUEUED_WRITES;
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw invalidInput('writeLimit.maxQueued must be a whole number of at least 0');
    this.perSecond = limit.perSecond;
    this.burst = burst;
    this.maxQueued = maxQueued;
    this.tokens = burst;
    this.refilledAt = performance.now();
  }

  /** Writes waiting their turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Hears every change of the queue's length; returns the way to stop hearing it. */
  onQueueChange(listener: (queued: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when the write may go. Rejects with TIE_WRITE_RATE_LIMITED (`when` 'fail' and no
   * room now), TIE_WRITE_QUEUE_FULL (the queue holds `maxQueued` writes) or the error the limiter
   * was closed with.
   */
  acquire(when: WhenLimited = 'wait'): Promise<void> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    this.refill();
    // Those waiting go first: a newcomer takes a token only when nobody queues for one.
    if (this.waiting.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    if (when === 'fail') {
      return Promise.reject(
        new TieError(TieErrorCode.WriteRateLimited, `Over the write limit (${this.perSecond}/s, burst ${this.burst}): not sent`),
      );
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(
        new TieError(TieErrorCode.WriteQueueFull, `The write queue is full (${this.maxQueued} waiting at most): not sent`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.changed();
      this.schedule();
    });
  }

  /** Fails every waiting write with `error`, and every later one. */
  close(error: Error): void {
    this.closedWith = error;
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting.splice(0);
    for (const waiter of waiting) waiter.reject(error);
    if (waiting.length > 0) this.changed();
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiting.length === 0) return;
    const delayMs = Math.max(0, ((1 - this.tokens) / this.perSecond) * 1000);
    this.timer = setTimeout(() => this.release(), Math.ceil(delayMs));
  }

  private release(): void {
    this.timer = undefined;
    this.refill();
    let released = false;
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      (this.waiting.shift() as Waiter).resolve();
      released = true;
    }
    if (released) this.changed();
    this.schedule();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.waiting.length);
      } catch {
        // A listener's failure must not stop the queue.
      }
    }
  }
}
