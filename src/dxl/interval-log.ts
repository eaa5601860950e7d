/**
 * One kind of trouble logged at most once per interval, with a count: the first occurrence at once,
 * the ones after it in the same interval counted and logged together when it ends. A peer sending
 * thousands of bad messages costs a line a minute, not a line each. The one home for that rule (the
 * client's refused messages, a node's undecodable payloads).
 */

/** How long the occurrences after a first one are counted before they are logged together. */
export const DEFAULT_LOG_INTERVAL_MS = 60_000;

/**
 * Makes the log line: `count` occurrences (1 for the first, logged at once), `latest` the text of
 * the last one, `intervalMs` the interval they were counted in (undefined for the first).
 */
export type IntervalLine = (count: number, latest: string, intervalMs: number | undefined) => string;

export class IntervalLog {
  private counted = 0;
  private latest = '';
  private timer: NodeJS.Timeout | undefined;
  private total = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly line: IntervalLine,
    readonly intervalMs = DEFAULT_LOG_INTERVAL_MS,
  ) {}

  /** Every occurrence so far, logged or still counted. */
  get occurrences(): number {
    return this.total;
  }

  /** One more occurrence; `latest` says what it was (it must not quote what a peer sent). */
  note(latest: string): void {
    this.total++;
    if (this.timer === undefined) {
      this.write(this.line(1, latest, undefined));
      this.startInterval();
      return;
    }
    this.counted++;
    this.latest = latest;
  }

  /** Stops counting; occurrences not yet logged are logged now. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private startInterval(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A quiet interval ends the window: the next occurrence is logged at once again.
      if (this.flush()) this.startInterval();
    }, this.intervalMs);
    this.timer.unref();
  }

  private flush(): boolean {
    if (this.counted === 0) return false;
    const count = this.counted;
    this.counted = 0;
    this.write(this.line(count, this.latest, this.intervalMs));
    return true;
  }
}

/** "60 s", "1.5 s", "200 ms": an interval as log lines name it. */
export function intervalText(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
