import assert from 'node:assert/strict';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { PendingRequests } from '../src/dxl/pending-requests';

function responseTo(messageId: string): DxlMessage {
  const response = emptyMessage(MessageType.Response, '/reply');
  response.requestMessageId = messageId;
  return response;
}

describe('pending requests: one timer for every timeout', () => {
  it('expires each request at its own time, whatever order the timeouts were given in, and only the unanswered ones', async () => {
    const pending = new PendingRequests((topic, timeoutMs) => new DxlError(DxlErrorCode.Disconnected, `unsent ${topic} ${timeoutMs}`));
    const started = performance.now();
    const outcomes: Array<{ id: string; code: string; afterMs: number }> = [];
    const track = (id: string, timeoutMs: number, sent = true): void => {
      pending.add(id, `/t/${id}`, timeoutMs, sent).then(
        () => outcomes.push({ id, code: 'answered', afterMs: performance.now() - started }),
        (error: DxlError) => outcomes.push({ id, code: error.code, afterMs: performance.now() - started }),
      );
    };
    track('slow', 300);
    track('fast', 100);
    track('middle', 200);
    track('answered', 150);
    track('unsent', 250, false);
    pending.settle(responseTo('answered'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(
      outcomes.map(({ id, code }) => [id, code]),
      [
        ['answered', 'answered'],
        ['fast', DxlErrorCode.Timeout],
        ['middle', DxlErrorCode.Timeout],
        ['unsent', DxlErrorCode.Disconnected],
        ['slow', DxlErrorCode.Timeout],
      ],
    );
    const at = Object.fromEntries(outcomes.map(({ id, afterMs }) => [id, afterMs]));
    for (const [id, timeoutMs] of [
      ['fast', 100],
      ['middle', 200],
      ['unsent', 250],
      ['slow', 300],
    ] as const) {
      assert.ok(at[id] >= timeoutMs - 2 && at[id] < timeoutMs + 150, `${id} expired after ${at[id]} ms, not ${timeoutMs}`);
    }
  });

  it('takes a timeout longer than a timer can hold (2^31 ms) without firing at once, again and again', async () => {
    const pending = new PendingRequests(() => new DxlError(DxlErrorCode.Disconnected, 'unsent'));
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const outcome = pending.add('forever', '/t', 3e9, true).then(
        () => 'answered',
        () => 'rejected',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      pending.settle(responseTo('forever'));
      assert.equal(await outcome, 'answered');
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('arms again for a shorter timeout added after a longer one, and keeps working after everything settled', async () => {
    const pending = new PendingRequests(() => new DxlError(DxlErrorCode.Disconnected, 'unsent'));
    const long = pending.add('long', '/t', 10_000, true);
    const started = performance.now();
    await assert.rejects(pending.add('short', '/t', 50, true), { code: DxlErrorCode.Timeout });
    assert.ok(performance.now() - started < 200);
    pending.settle(responseTo('long'));
    assert.equal((await long).requestMessageId, 'long');
    await assert.rejects(pending.add('later', '/t', 30, true), { code: DxlErrorCode.Timeout });
  });
});
