import assert from 'node:assert/strict';
import { FabricLog, LINES_PER_WINDOW, WINDOW_MS } from '../src/fabric/fabric-log';
import { MAX_LOGGED_VALUE_CHARS, logValue, oneLine } from '../src/fabric/log-text';

describe('fabric log: client text on one line, and no client floods it', () => {
  it('escapes control characters and backslashes in a value, newline as \\n', () => {
    assert.equal(logValue('a\nb\r\tc'), 'a\\nb\\r\\tc');
    assert.equal(logValue('typed \\n'), 'typed \\\\n', 'a typed backslash-n stays apart from an escaped newline');
    assert.equal(logValue('\u0000\u001b[31m\u007f\u0085\u2028\u2029'), '\\u0000\\u001b[31m\\u007f\\u0085\\u2028\\u2029');
    assert.equal(logValue('/mcafee/client/{ü}'), '/mcafee/client/{ü}');
  });

  it('cuts a long value and says how long it was', () => {
    const long = 'x'.repeat(MAX_LOGGED_VALUE_CHARS + 50);
    assert.equal(logValue(long), `${'x'.repeat(MAX_LOGGED_VALUE_CHARS)}… (${long.length} characters)`);
  });

  it('keeps any line to one line, and leaves an escaped value as it is', () => {
    assert.equal(oneLine('error: a\nb'), 'error: a\\nb');
    const escaped = logValue('a\nb\\');
    assert.equal(oneLine(`value ${escaped}`), `value ${escaped}`);
  });

  it('logs a keyed line once', () => {
    const lines: string[] = [];
    const log = new FabricLog((line) => lines.push(line));
    log.once('k', 'first');
    log.once('k', 'again');
    log.once('other', 'other');
    assert.deepEqual(lines, ['first', 'other']);
  });

  it('limits lines of one kind per window, and counts the ones it held back', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new FabricLog(
      (line) => lines.push(line),
      () => now,
    );
    for (let i = 0; i < LINES_PER_WINDOW + 3; i++) log.limited('send', `drop ${i}`);
    log.limited('receive', 'another kind');
    assert.equal(lines.length, LINES_PER_WINDOW + 1);
    now = WINDOW_MS;
    log.limited('send', 'later');
    assert.equal(lines.at(-1), 'later (and 3 more like it before)');
  });
});
