/** Runs the items of a batch with bounded concurrency and keeps the results in input order. */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface BatchOptions {
  /** Items in flight at most (≥ 1). */
  concurrency: number;
  /** Start no further item once one has failed; the ones not started stay `undefined`. */
  stopOnError?: boolean;
  /** Called after each item settles, with the number settled so far. */
  onProgress?: (settled: number, total: number) => void;
}

/**
 * `results[i]` is the outcome of `items[i]`, whatever order they finish in; `undefined` only for
 * items never started because of `stopOnError`.
 */
export async function runOrdered<I, T>(
  items: readonly I[],
  worker: (item: I, index: number) => Promise<T>,
  options: BatchOptions,
): Promise<Array<Settled<T> | undefined>> {
  const results: Array<Settled<T> | undefined> = new Array<Settled<T> | undefined>(items.length).fill(undefined);
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  let next = 0;
  let settled = 0;
  let failed = false;

  const lane = async (): Promise<void> => {
    while (next < items.length && !(failed && options.stopOnError)) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await worker(items[index], index) };
      } catch (error) {
        results[index] = { ok: false, error };
        failed = true;
      }
      settled++;
      options.onProgress?.(settled, items.length);
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
