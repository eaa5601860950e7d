/**
 * Counts events published by another process as they arrive and reports, once none came for a
 * second, what the later ones cost: those after the warm-up's share of all that arrived. A broker
 * whose queue overflows drops events, so the warm-up cannot be a count of arrivals; it is the
 * same share of what arrived as of what was published.
 */
export class ArrivalMeter {
  private arrived = 0;
  private lastAt = 0n;
  /** Every STEP arrivals: how many had arrived, the process's CPU and the time then. */
  private readonly marks: Array<{ arrived: number; cpu: NodeJS.CpuUsage; at: bigint }> = [];

  /** @param warmup, measured: how many events are published for the warm-up and to be measured */
  constructor(
    private readonly warmup: number,
    private readonly measured: number,
  ) {}

  /** Call on each event. */
  readonly arrive = (): void => {
    if (this.arrived % STEP === 0) this.marks.push({ arrived: this.arrived, cpu: process.cpuUsage(), at: process.hrtime.bigint() });
    this.arrived++;
    this.lastAt = process.hrtime.bigint();
  };

  /** The later events' figures, once events arrived and then none came for a second. */
  async quiet(): Promise<{ events: number; elapsedMs: number; cpu: NodeJS.CpuUsage }> {
    while (this.arrived === 0 || process.hrtime.bigint() - this.lastAt < 1_000_000_000n) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const share = this.warmup / (this.warmup + this.measured);
    const from = this.marks[Math.min(this.marks.length - 1, Math.round(this.marks.length * share))];
    return {
      events: this.arrived - from.arrived,
      elapsedMs: Number(this.lastAt - from.at) / 1e6,
      cpu: process.cpuUsage(from.cpu),
    };
  }
}

const STEP = 1000;
