/**
 * A service's registration put back when the fabric drops it while the service still runs (the
 * broker's unregister event names it): at once the first time, then at most once per interval,
 * the interval doubling (1 s up to 60 s) while drops keep coming, back to at once after a quiet
 * spell. Logged once per minute at most, with the count.
 */
import type { DxlLogger } from './options';

export const FIRST_HEAL_INTERVAL_MS = 1000;
export const MAX_HEAL_INTERVAL_MS = 60_000;
export const HEAL_LOG_INTERVAL_MS = 60_000;

export interface HealerOptions {
  /** Sends the registration again. */
  register(): void;
  /** The service as the log names it: its type and id (ours, never a wire's). */
  label: string;
  logger: DxlLogger;
}

export class RegistrationHealer {
  private intervalMs = FIRST_HEAL_INTERVAL_MS;
  private lastHealAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private unreported = 0;
  private lastReportAt = -Infinity;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HealerOptions) {}

  /** The fabric dropped the registration. */
  dropped(): void {
    // One already scheduled answers this drop too (every broker of a fabric announces the same drop).
    if (this.timer !== undefined) return;
    const now = performance.now();
    if (now >= this.lastHealAt + 2 * this.intervalMs) {
      this.intervalMs = FIRST_HEAL_INTERVAL_MS;
      this.heal(now);
      return;
    }
    const dueAt = this.lastHealAt + this.intervalMs;
    this.intervalMs = Math.min(2 * this.intervalMs, MAX_HEAL_INTERVAL_MS);
    if (now >= dueAt) {
      this.heal(now);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.heal(performance.now());
    }, dueAt - now);
    this.timer.unref();
  }

  /** The service leaves: nothing more is registered; what was not yet logged is. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    if (this.unreported > 0) this.report(performance.now());
  }

  private heal(now: number): void {
    this.lastHealAt = now;
    this.options.register();
    this.unreported++;
    if (now >= this.lastReportAt + HEAL_LOG_INTERVAL_MS) {
      this.report(now);
    } else if (this.reportTimer === undefined) {
      this.reportTimer = setTimeout(
        () => {
          this.reportTimer = undefined;
          this.report(performance.now());
        },
        this.lastReportAt + HEAL_LOG_INTERVAL_MS - now,
      );
      this.reportTimer.unref();
    }
  }

  private report(now: number): void {
    const count = this.unreported;
    this.unreported = 0;
    this.lastReportAt = now;
    const times = count === 1 ? 'once' : `${count} times`;
    this.options.logger.warn(
      `service ${this.options.label}: the fabric dropped the registration of this running service; registered it again (${times} since the last report)`,
    );
  }
}
