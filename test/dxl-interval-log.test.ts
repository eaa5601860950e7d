/** Log once per interval with a count (src/dxl/interval-log.ts), with intervals short enough to watch. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { IntervalLog, intervalText } from '../src/dxl/interval-log';

const line = (count: number, latest: string, interval: number | undefined): string =>
  interval === undefined ? `first: ${latest}` : `${count} in ${intervalText(interval)}, latest ${latest}`;

describe('IntervalLog: once per interval with a count', () => {
  it('logs the first at once and the rest of its interval together when it ends; a quiet interval ends the window', async () => {
    const lines: string[] = [];
    const log = new IntervalLog((text) => lines.push(text), line, 100);
    for (let i = 1; i <= 2000; i++) log.note(`#${i}`);
    assert.deepEqual(lines, ['first: #1']);
    await sleep(150);
    assert.deepEqual(lines, ['first: #1', '1999 in 100 ms, latest #2000']);
    await sleep(150);
    assert.equal(lines.length, 2, 'nothing in the interval after: nothing logged');
    log.note('#2001');
    assert.deepEqual(lines.slice(2), ['first: #2001'], 'after a quiet interval, the next one is logged at once');
    assert.equal(log.occurrences, 2001);
    log.dispose();
  });

  it('logs what is still counted when disposed, and stops', () => {
    const lines: string[] = [];
    const log = new IntervalLog((text) => lines.push(text), line, 60_000);
    log.note('a');
    log.note('b');
    log.note('c');
    log.dispose();
    assert.deepEqual(lines, ['first: a', '2 in 60 s, latest c']);
  });
});
