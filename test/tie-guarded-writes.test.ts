/**
 * The guarded writes of TieClient, as a library user has them, on the embedded fabric with the
 * TIE simulator: a dry-run client sends nothing; a write limit queues and overflows with its code;
 * read-back sees a write and reports one the simulator drops; and the simulator shows a write in
 * a later lookup and a reputation-change event, as TIE does.
 */
import assert from 'node:assert/strict';
import { TieClient } from '../src/tie/client';
import { fileTarget } from '../src/tie/hashes';
import { TieTopic } from '../src/tie/topics';
import type { ReputationChangeEvent } from '../src/tie/types';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import { eventually } from './support/node-red-helper';
import { newFile } from './support/node-red-samples';

describe('TieClient: guarded writes', function () {
  this.timeout(20_000);
  let test: TestFabric;
  let received: string[] = [];

  before(async () => {
    test = await startTestFabric();
    test.simulator!.observe((topic) => received.push(topic));
  });
  after(() => test.close());
  beforeEach(() => {
    received = [];
  });

  it('a dry-run client plans and validates writes but sends none', async () => {
    const tie = new TieClient(await test.client(), { dryRun: true });
    const file = newFile();
    const plan = tie.planSetReputation(fileTarget({ md5: file.md5 }), 1, 'a.exe');
    assert.equal(plan.topic, TieTopic.SET_FILE_REPUTATION);
    assert.deepEqual(await tie.write(plan), { sent: false });
    await tie.setExternalFileReputation(15, file.md5, 0, 'a.exe');
    assert.throws(() => tie.planSetReputation(fileTarget({ md5: file.md5 }), 42), { code: 'TIE_INVALID_INPUT' });
    assert.deepEqual(received, []);
  });

  it('what a plan holds is what TIE receives: a later lookup and a reputation-change event show it', async () => {
    const tie = new TieClient(await test.client());
    const file = newFile();
    const changes: ReputationChangeEvent[] = [];
    const unsubscribe = await tie.onFileReputationChange((event) => {
      if ((event.hashes as Record<string, string>).md5 === file.md5) changes.push(event);
    });
    try {
      const plan = tie.planSetReputation(fileTarget({ md5: file.md5 }), 15, 'b.exe', 'planned');
      assert.deepEqual(await tie.write(plan), { sent: true });
      assert.equal((await tie.getFileReputation({ md5: file.md5 }))[3]?.trustLevel, 15);
      await eventually(() => changes.length === 1, 'the reputation-change event');
      assert.equal((changes[0].newReputations as Record<number, { trustLevel: number }>)[3].trustLevel, 15);
    } finally {
      await unsubscribe();
    }
  });

  it('a write limit lets the burst go, queues the rest, and refuses past its queue with TIE_WRITE_QUEUE_FULL', async () => {
    const tie = new TieClient(await test.client(), { writeLimit: { perSecond: 10, burst: 2, maxQueued: 3 } });
    const heard: number[] = [];
    tie.writeLimiter!.onQueueChange((queued) => heard.push(queued));
    const results = await Promise.allSettled(Array.from({ length: 7 }, () => tie.setReputation(fileTarget({ md5: newFile().md5 }), 85)));
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result.reason as { code: string }).code);
    assert.deepEqual(refused, ['TIE_WRITE_QUEUE_FULL', 'TIE_WRITE_QUEUE_FULL']);
    assert.equal(received.filter((topic) => topic === TieTopic.SET_FILE_REPUTATION).length, 5);
    assert.equal(Math.max(...heard), 3);
    assert.equal(tie.writeLimiter!.queued, 0);
    // The bucket is empty now: writes told not to wait fail at once rather than queue.
    const failFast = await Promise.allSettled(
      Array.from({ length: 4 }, () => tie.setReputation(fileTarget({ md5: newFile().md5 }), 85, '', '', { whenLimited: 'fail' })),
    );
    const codes = failFast.flatMap((result) => (result.status === 'rejected' ? [(result.reason as { code: string }).code] : []));
    assert.ok(codes.length >= 3, JSON.stringify(codes));
    assert.deepEqual(new Set(codes), new Set(['TIE_WRITE_RATE_LIMITED']));
    assert.equal(tie.writeLimiter!.queued, 0);
  });

  it('closing the client fails the writes still queued with TIE_CLOSED, sending none of them', async () => {
    const tie = new TieClient(await test.client(), { writeLimit: { perSecond: 0.1, burst: 1 } });
    await tie.setReputation(fileTarget({ md5: newFile().md5 }), 85);
    const queued = tie.setReputation(fileTarget({ md5: newFile().md5 }), 85);
    await tie.close();
    await assert.rejects(queued, { code: 'TIE_CLOSED' });
    assert.equal(received.filter((topic) => topic === TieTopic.SET_FILE_REPUTATION).length, 1);
  });

  it('read-back verifies a write, and reports one the simulator drops with what it still sees', async () => {
    const tie = new TieClient(await test.client());
    const seen = newFile();
    const plan = tie.planExternalFileReputation(30, { sha1: seen.sha1 }, 0, 'c.exe');
    await tie.write(plan);
    const verified = await tie.readBack(plan, { timeoutMs: 2000 });
    assert.equal(verified.verified, true);

    const dropped = newFile();
    const undo = test.simulator!.ignoreWritesTo([dropped.sha1]);
    try {
      const ignored = tie.planSetReputation(fileTarget({ sha1: dropped.sha1 }), 1);
      await tie.write(ignored);
      const result = await tie.readBack(ignored, { timeoutMs: 600, intervalMs: 100 });
      assert.equal(result.verified, false);
      assert.ok(!result.verified && result.reason === 'not-seen' && result.seen === 0 && result.lookups > 1, JSON.stringify(result));
    } finally {
      undo();
    }
  });
});
