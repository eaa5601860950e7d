/*
 * The broker's log for what clients cause: a line at once, a line once per key (a refusal a
 * client's reconnect loop would repeat), or lines limited per kind (dropped messages), so that
 * no client can flood the log. Values from clients go through logValue before they get here.
 */

/** Lines of one kind shown per window; the rest are counted and the count shown with the next one. */
export const LINES_PER_WINDOW = 5;
export const WINDOW_MS = 10_000;
/** Keys remembered for `once`; beyond, the oldest are forgotten (their line may show again). */
const MAX_ONCE_KEYS = 1000;

interface Window {
  start: number;
  shown: number;
  suppressed: number;
}

export class FabricLog {
  private readonly seen = new Set<string>();
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly sink: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  line(text: string): void {
    this.sink(text);
  }

  /** Logs `text` the first time `key` is seen. */
  once(key: string, text: string): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_ONCE_KEYS) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(key);
    this.sink(text);
  }

  /** Logs `text` unless `kind` has had LINES_PER_WINDOW lines in the current window. */
  limited(kind: string, text: string): void {
    const now = this.now();
    let window = this.windows.get(kind);
    if (!window || now - window.start >= WINDOW_MS) {
      const suppressed = window?.suppressed ?? 0;
      window = { start: now, shown: 0, suppressed: 0 };
      this.windows.set(kind, window);
      if (suppressed > 0) text = `${text} (and ${suppressed} more like it before)`;
    }
    if (window.shown >= LINES_PER_WINDOW) {
      window.suppressed++;
      return;
    }
    window.shown++;
    this.sink(text);
  }
}
