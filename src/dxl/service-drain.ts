/**
 * The requests a service's handlers hold and have not answered yet, so that a clean stop can wait
 * for them: after the fabric stopped routing to the service, until each is answered or its time
 * is up, and until requests the fabric routed just before it stopped have had time to arrive.
 */

export class InFlightRequests {
  /** messageId -> performance.now() at arrival; Map keeps arrival order, so the oldest is first. */
  private readonly arrivals = new Map<string, number>();
  private lastArrival = -Infinity;
  private wake: (() => void) | undefined;

  /** @param lifetimeMs how long a request is waited for at most; older ones are forgotten (their handler never answered). */
  constructor(private readonly lifetimeMs: number) {}

  get size(): number {
    return this.arrivals.size;
  }

  arrived(messageId: string): void {
    const now = performance.now();
    this.lastArrival = now;
    this.forgetOlderThan(now - this.lifetimeMs);
    this.arrivals.set(messageId, now);
  }

  answered(messageId: string): void {
    if (this.arrivals.delete(messageId) && this.arrivals.size === 0) this.wake?.();
  }

  /**
   * Resolves once no request is in flight and none arrived for `graceMs`, each request waited for
   * up to its lifetime; in all at most the lifetime from now.
   */
  async drained(graceMs: number): Promise<void> {
    const stopAt = performance.now() + this.lifetimeMs;
    for (;;) {
      const now = performance.now();
      this.forgetOlderThan(now - this.lifetimeMs);
      const quietAt = this.lastArrival + graceMs;
      const oldest = this.arrivals.values().next();
      if (now >= stopAt || (oldest.done && now >= quietAt)) return;
      const next = oldest.done ? quietAt : oldest.value + this.lifetimeMs;
      await this.sleep(Math.min(stopAt, next) - now);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.wake = done;
    });
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [messageId, at] of this.arrivals) {
      if (at >= cutoff) return;
      this.arrivals.delete(messageId);
    }
  }
}
