/**
 * The guarded writes of the set nodes on the embedded fabric, counting what the TIE simulator
 * receives: dry runs (a node's, a tie-config's) send no write and show what they would send; the
 * safety net refuses to lower notepad.exe (seeded GTI Known Trusted) unless msg.force; the write
 * queue overflows with its code; read-back sees a write and reports one the simulator drops;
 * every write leaves an audit line.
 */
import assert from 'node:assert/strict';
import { TieClient } from '../src/tie/client';
import { TieTopic } from '../src/tie/topics';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import {
  type RunningNode,
  type TestMessage,
  caughtError,
  collect,
  eventually,
  helper,
  nextMessage,
  node,
  ourNode,
  statusBecomes,
  statusHistory,
} from './support/node-red-helper';
import { requestFlow } from './support/node-red-request-flow';
import { newFile } from './support/node-red-samples';

/** notepad.exe in the simulator's seed: GTI Known Trusted (99). */
const NOTEPAD = {
  md5: 'f2c7bb8acc97f92e987a2d4087d021b1',
  sha256: '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2',
};
const WRITE_TOPICS: readonly string[] = [TieTopic.SET_FILE_REPUTATION, TieTopic.SET_CERT_REPUTATION, TieTopic.EXTERNAL_FILE_REPORT_EVENT];

describe('set nodes: guarded writes', function () {
  this.timeout(30_000);
  let test: TestFabric;
  let tie: TieClient;
  /** Topics the simulator received since the last reset, in order. */
  let received: string[] = [];
  const writes = (): string[] => received.filter((topic) => WRITE_TOPICS.includes(topic));
  const modules = [ourNode('tie-config'), ourNode('tie-set-reputation'), ourNode('tie-set-external-reputation')];

  before(async () => {
    test = await startTestFabric();
    test.simulator!.observe((topic) => received.push(topic));
    tie = new TieClient(await test.client());
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  beforeEach(() => {
    received = [];
  });
  afterEach(() => helper.unload());

  async function load(type: string, properties: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<void> {
    const [flow, credentials] = requestFlow(test, type, { subject: 'file', ...properties }, config);
    await helper.load(modules, flow, credentials);
  }

  /** The node's info log lines (Node-RED's node.log). */
  function logged(running: RunningNode): string[] {
    const log = (Object.getPrototypeOf(running) as { log: { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> } }).log;
    return log
      .getCalls()
      .filter((call) => call.thisValue === running)
      .map((call) => String(call.args[0]));
  }

  describe('dry run', () => {
    it("a node's dry run sends nothing, outputs the topic and payload it would send, and shows it in its status", async () => {
      await load('tie-set-reputation', { dryRun: true, trustLevel: '1', trustLevelType: 'tie-level' });
      await statusBecomes(node('node'), { text: 'dry run' });
      const file = newFile();
      const output = nextMessage('out');
      node('node').receive({ payload: file.sha256, filename: 'dropper.exe', comment: 'tried' });
      const msg = await output;
      assert.equal(msg.payload, 'Dry run');
      const outcome = msg.outcome as { action: string; dryRun: boolean; wouldSend: { kind: string; topic: string; payload: string } };
      assert.equal(outcome.action, 'dry-run');
      assert.equal(outcome.dryRun, true);
      assert.equal(outcome.wouldSend.kind, 'request');
      assert.equal(outcome.wouldSend.topic, TieTopic.SET_FILE_REPUTATION);
      assert.deepEqual(JSON.parse(outcome.wouldSend.payload), {
        trustLevel: 1,
        providerId: 3,
        filename: 'dropper.exe',
        comment: 'tried',
        hashes: [{ type: 'sha256', value: Buffer.from(file.sha256, 'hex').toString('base64') }],
      });
      assert.deepEqual(received, [], 'the simulator received nothing at all');
      assert.match(
        logged(node('node')).join('\n'),
        new RegExp(`NOT sent \\(dry run\\).*sha256 ${file.sha256}, Enterprise \\(3\\): unknown → Known Malicious \\(1\\)`),
      );
      assert.equal((await tie.getFileReputation({ sha256: file.sha256 }))[3]?.trustLevel ?? 0, 0, 'no Enterprise reputation was set');
    });

    it("a tie-config's dry run makes every write of its set nodes a dry run: an External report is not published", async () => {
      await load(
        'tie-set-external-reputation',
        { trustLevel: '15', trustLevelType: 'tie-level', checkFirst: false },
        { writeDryRun: true },
      );
      await statusBecomes(node('node'), { text: 'dry run' });
      const file = newFile();
      const output = nextMessage('out');
      node('node').receive({ payload: file.md5, filename: 'x.exe' });
      const msg = await output;
      assert.equal(msg.payload, 'Dry run');
      const wouldSend = (msg.outcome as { wouldSend: { kind: string; topic: string; payload: string } }).wouldSend;
      assert.equal(wouldSend.kind, 'event');
      assert.equal(wouldSend.topic, TieTopic.EXTERNAL_FILE_REPORT_EVENT);
      assert.equal((JSON.parse(wouldSend.payload) as { file: { reputation: { score: number } } }).file.reputation.score, 15);
      assert.deepEqual(received, []);
      assert.equal((await tie.getFileReputation({ md5: file.md5 }))[15], undefined);
    });

    it('a dry run still makes the lookups of its checks (reads, not writes), so that it shows what the node would do', async () => {
      await load('tie-set-reputation', { dryRun: true, protectTrusted: true, trustLevel: '1', trustLevelType: 'tie-level' });
      const caught = nextMessage('caught');
      node('node').receive({ payload: NOTEPAD.md5 });
      assert.equal(caughtError(await caught).code, 'TIE_PROTECTED');
      assert.deepEqual(received, [TieTopic.GET_FILE_REPUTATION]);
    });
  });

  describe('the safety net for known-good files', () => {
    afterEach(async () => {
      // notepad.exe back to the seed: no Enterprise override.
      await tie.setReputation({ subject: 'file', hashes: { md5: NOTEPAD.md5 } }, 0);
    });

    it('refuses Known Malicious on notepad.exe (GTI Known Trusted) with TIE_PROTECTED naming GTI, and sends nothing', async () => {
      await load('tie-set-reputation', { protectTrusted: true, trustLevel: '1', trustLevelType: 'tie-level' });
      const caught = nextMessage('caught');
      node('node').receive({ payload: NOTEPAD.md5 });
      const msg = await caught;
      const error = caughtError(msg);
      assert.equal(error.code, 'TIE_PROTECTED');
      assert.match(error.message, /Global Threat Intelligence \(GTI\) \(1\): Known Trusted \(99\)/);
      assert.deepEqual((msg.tieError as { protectedBy: unknown }).protectedBy, [
        { providerId: 1, providerName: 'Global Threat Intelligence (GTI)', trustLevel: 99, trustLevelName: 'Known Trusted' },
      ]);
      await statusBecomes(node('node'), { text: 'refused: known good' });
      assert.deepEqual(writes(), []);
      assert.equal((await tie.getFileReputation({ md5: NOTEPAD.md5 }))[3]?.trustLevel, 0);
    });

    it('lets it through when msg.force is true, and says so in the outcome and the audit line', async () => {
      await load('tie-set-reputation', { protectTrusted: true, trustLevel: '1', trustLevelType: 'tie-level' });
      const output = nextMessage('out');
      node('node').receive({ payload: NOTEPAD.md5, force: true });
      const msg = await output;
      assert.equal(msg.payload, 'Succeeded');
      assert.equal((msg.outcome as { forced: boolean }).forced, true);
      assert.deepEqual(writes(), [TieTopic.SET_FILE_REPUTATION]);
      assert.equal((await tie.getFileReputation({ md5: NOTEPAD.md5 }))[3]?.trustLevel, 1);
      assert.match(
        logged(node('node')).join('\n'),
        /TIE write sent .*md5 f2c7bb8acc97f92e987a2d4087d021b1, Enterprise \(3\): Not Set \(0\) → Known Malicious \(1\) Forced/,
      );
    });

    it('protects from the External node too, when it does not check first', async () => {
      await load('tie-set-external-reputation', { protectTrusted: true, checkFirst: false, trustLevel: '15', trustLevelType: 'tie-level' });
      const caught = nextMessage('caught');
      node('node').receive({ payload: NOTEPAD.sha256, filename: 'notepad.exe' });
      assert.equal(caughtError(await caught).code, 'TIE_PROTECTED');
      assert.deepEqual(writes(), []);
    });

    it('lets a level that does not block through without a question (Might Be Malicious)', async () => {
      await load('tie-set-reputation', { protectTrusted: true, trustLevel: '30', trustLevelType: 'tie-level' });
      const output = nextMessage('out');
      node('node').receive({ payload: NOTEPAD.md5 });
      assert.equal((await output).payload, 'Succeeded');
      assert.deepEqual(received, [TieTopic.SET_FILE_REPUTATION], 'no lookup: nothing to protect from');
    });

    it("is off for a node deployed before the setting (no protectTrusted property): today's behaviour", async () => {
      await load('tie-set-reputation', { trustLevel: '1', trustLevelType: 'tie-level' });
      const output = nextMessage('out');
      node('node').receive({ payload: NOTEPAD.md5 });
      assert.equal((await output).payload, 'Succeeded');
      assert.deepEqual(received, [TieTopic.SET_FILE_REPUTATION]);
    });
  });

  describe("the tie-config's write limit", () => {
    it('a queue of 10 overflows with TIE_WRITE_QUEUE_FULL; the status shows the queue; what was queued is sent', async () => {
      await load('tie-set-reputation', { trustLevel: '85', trustLevelType: 'tie-level' }, { writeRate: 5, writeBurst: 1, writeQueue: 10 });
      const outputs = collect('out');
      const caught = collect('caught');
      const files = Array.from({ length: 15 }, () => newFile());
      for (const file of files) node('node').receive({ payload: file.md5 });
      await eventually(
        () => outputs.length + caught.length === files.length,
        () => `15 ends; ${outputs.length} + ${caught.length}`,
        10_000,
      );
      const codes = caught.map((msg: TestMessage) => caughtError(msg).code);
      assert.ok(codes.length >= 3, `${codes.length} refused`);
      assert.deepEqual(new Set(codes), new Set(['TIE_WRITE_QUEUE_FULL']));
      assert.equal(writes().length, outputs.length, 'each write that ended well reached TIE, and no other');
      assert.ok(outputs.length <= 1 + 10 + 1, `${outputs.length} sent`);
      const queued = statusHistory(node('node')).filter((status) => /queued/.test(String(status.text)));
      assert.ok(queued.length > 0, 'the status showed the queue');
    });

    it('a node set to fail at once fails with TIE_WRITE_RATE_LIMITED instead of waiting', async () => {
      await load(
        'tie-set-reputation',
        { trustLevel: '85', trustLevelType: 'tie-level', whenLimited: 'fail' },
        { writeRate: 0.5, writeBurst: 1, writeQueue: 10 },
      );
      const outputs = collect('out');
      const caught = collect('caught');
      for (const file of [newFile(), newFile(), newFile()]) node('node').receive({ payload: file.md5 });
      await eventually(() => outputs.length + caught.length === 3, 'three ends');
      assert.equal(outputs.length, 1);
      assert.deepEqual(
        caught.map((msg) => caughtError(msg).code),
        ['TIE_WRITE_RATE_LIMITED', 'TIE_WRITE_RATE_LIMITED'],
      );
      assert.equal(writes().length, 1);
    });
  });

  describe('read-back', () => {
    it('verifies a write within 2 s', async () => {
      await load('tie-set-reputation', { verify: true, verifyTimeout: 2, trustLevel: '15', trustLevelType: 'tie-level' });
      const file = newFile();
      const output = nextMessage('out');
      node('node').receive({ payload: file.sha1 });
      const outcome = (await output).outcome as { verified: boolean; readBack: { verified: boolean; elapsedMs: number } };
      assert.equal(outcome.verified, true);
      assert.ok(outcome.readBack.elapsedMs < 2000, `${outcome.readBack.elapsedMs} ms`);
      await statusBecomes(node('node'), { text: 'verified' });
    });

    it('verifies an External report, which TIE never answers', async () => {
      await load('tie-set-external-reputation', {
        verify: true,
        verifyTimeout: 2,
        checkFirst: false,
        trustLevel: '30',
        trustLevelType: 'tie-level',
      });
      const output = nextMessage('out');
      node('node').receive({ payload: newFile().sha256, filename: 'report.exe' });
      assert.equal(((await output).outcome as { verified: boolean }).verified, true);
    });

    it('reports a write the simulator drops: not verified, and why', async () => {
      await load('tie-set-reputation', { verify: true, verifyTimeout: 1, trustLevel: '15', trustLevelType: 'tie-level' });
      const file = newFile();
      const undo = test.simulator!.ignoreWritesTo([file.md5]);
      try {
        const output = nextMessage('out');
        node('node').receive({ payload: file.md5 });
        const msg = await output;
        assert.equal(msg.payload, 'Succeeded', 'TIE answered the set');
        const outcome = msg.outcome as { verified: boolean; readBack: { reason: string; seen: number | null; detail: string } };
        assert.equal(outcome.verified, false);
        assert.equal(outcome.readBack.reason, 'not-seen');
        assert.match(outcome.readBack.detail, /^Enterprise still shows .* after \d+\.\d s, not Most Likely Malicious \(15\)$/);
        await statusBecomes(node('node'), { text: 'not verified' });
        assert.deepEqual(writes(), [TieTopic.SET_FILE_REPUTATION]);
      } finally {
        undo();
      }
    });
  });

  it('logs one audit line per write: the node, the hash, the provider, the levels before (when known) and after', async () => {
    await load('tie-set-external-reputation', { trustLevel: '15', trustLevelType: 'tie-level' });
    const file = newFile();
    const output = nextMessage('out');
    node('node').receive({ payload: file.sha256, filename: 'audit.exe' });
    assert.equal((await output).payload, 'Sent');
    const lines = logged(node('node')).filter((line) => line.startsWith('TIE write'));
    assert.equal(lines.length, 1);
    // The check-first lookup knew the External provider had nothing yet.
    assert.match(
      lines[0],
      new RegExp(`^TIE write sent by node node: file sha256 ${file.sha256}, External \\(15\\): unknown → Most Likely Malicious \\(15\\)$`),
    );
  });
});
