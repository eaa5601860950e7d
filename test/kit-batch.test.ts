import assert from 'node:assert/strict';
import { runOrdered } from '../nodes/kit/request-node';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('kit: ordered batches', () => {
  it('keeps input order whatever order items finish in, with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const durations = [40, 5, 30, 1, 20, 10, 2, 15];
    const results = await runOrdered(
      durations,
      async (ms, index) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await delay(ms);
        inFlight--;
        return `item ${index}`;
      },
      { concurrency: 3, onProgress: (settled) => progress.push(settled) },
    );
    assert.deepEqual(
      results.map((r) => (r?.ok ? r.value : 'failed')),
      durations.map((_, i) => `item ${i}`),
    );
    assert.equal(peak, 3);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('records failures in place and, with stopOnError, starts no item after the first failure', async () => {
    const started: number[] = [];
    const results = await runOrdered(
      [0, 1, 2, 3, 4, 5],
      async (n) => {
        started.push(n);
        await delay(5);
        if (n === 1) throw new Error('boom');
        return n;
      },
      { concurrency: 2, stopOnError: true },
    );
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(results[1]?.ok, false);
    assert.equal(results[0]?.ok, true);
    assert.equal(results[4], undefined);

    const all = await runOrdered([1, 2, 3], (n) => (n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n)), { concurrency: 1 });
    assert.deepEqual(
      all.map((r) => r?.ok),
      [true, false, true],
    );
  });

  it('answers an empty batch with no results', async () => {
    assert.deepEqual(await runOrdered([], () => Promise.resolve(1), { concurrency: 4 }), []);
  });
});
