import assert from 'node:assert/strict';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { Outbox } from '../src/dxl/outbox';

const BYTES = Buffer.from('request');
/** Where published messages go in these tests: nowhere (the broker's part is tested in dxl-client-mosquitto). */
const SINK = { publish: (): void => undefined };

function responseTo(messageId: string): DxlMessage {
  const response = emptyMessage(MessageType.Response, '/reply');
  response.requestMessageId = messageId;
  return response;
}

describe('pending requests: one timer for every timeout, and what waits for a connection', () => {
  it('expires each request at its own time, whatever order the timeouts were given in, and only the unanswered ones', async () => {
    const pending = new Outbox((when, topic) => new DxlError(DxlErrorCode.Disconnected, `unsent ${topic} ${when}`), 1000);
    const started = performance.now();
    const outcomes: Array<{ id: string; code: string; afterMs: number }> = [];
    const track = (id: string, timeoutMs: number, sent = true): void => {
      pending.request(id, `/t/${id}`, BYTES, timeoutMs, sent ? SINK : undefined).then(
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
    const pending = new Outbox(() => new DxlError(DxlErrorCode.Disconnected, 'unsent'), 1000);
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const outcome = pending.request('forever', '/t', BYTES, 3e9, SINK).then(
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
    const pending = new Outbox(() => new DxlError(DxlErrorCode.Disconnected, 'unsent'), 1000);
    const long = pending.request('long', '/t', BYTES, 10_000, SINK);
    const started = performance.now();
    await assert.rejects(pending.request('short', '/t', BYTES, 50, SINK), { code: DxlErrorCode.Timeout });
    assert.ok(performance.now() - started < 200);
    pending.settle(responseTo('long'));
    assert.equal((await long).requestMessageId, 'long');
    await assert.rejects(pending.request('later', '/t', BYTES, 30, SINK), { code: DxlErrorCode.Timeout });
  });

  it('holds what is made with no connection and sends it in order once one is ready, except requests that timed out meanwhile', async () => {
    const pending = new Outbox((when, topic) => new DxlError(DxlErrorCode.Disconnected, `${topic} not sent ${when}`), 100);
    const published: string[] = [];
    const session = { publish: (topic: string): void => void published.push(topic) };
    const answered = pending.request('kept', '/request/kept', BYTES, 5000, undefined);
    const dropped = pending.request('dropped', '/request/dropped', BYTES, 20, undefined);
    const event = pending.send('/event', BYTES, undefined);
    await assert.rejects(dropped, { code: DxlErrorCode.Disconnected, message: /within the request timeout \(20 ms\)/ });
    pending.flush(session);
    assert.deepEqual(published, ['/request/kept', '/event']);
    await event;
    pending.settle(responseTo('kept'));
    assert.equal((await answered).requestMessageId, 'kept');
    const late = pending.send('/late-event', BYTES, undefined);
    await assert.rejects(late, { code: DxlErrorCode.Disconnected, message: '/late-event not sent within 100 ms' });
    const closed = pending.request('closed', '/request/closed', BYTES, 5000, undefined);
    pending.rejectAll((topic) => new DxlError(DxlErrorCode.Closed, `closed ${topic}`));
    await assert.rejects(closed, { code: DxlErrorCode.Closed });
  });

  it('fails the requests on the wire when the connection is lost, not those still waiting for one', async () => {
    const pending = new Outbox(() => new DxlError(DxlErrorCode.Disconnected, 'unsent'), 1000);
    const sent = pending.request('sent', '/t', BYTES, 5000, SINK);
    const waiting = pending.request('waiting', '/t', BYTES, 5000, undefined);
    pending.failSent();
    await assert.rejects(sent, { code: DxlErrorCode.Disconnected, message: /connection was lost/ });
    pending.flush(SINK);
    pending.settle(responseTo('waiting'));
    assert.equal((await waiting).requestMessageId, 'waiting');
  });
});
