import assert from 'node:assert/strict';
import { TieClient } from '../src/tie/client';
import { caughtError, lastStatus, nextMessage, node } from './support/node-red-helper';
import { requestNodeSuite } from './support/node-red-request-flow';
import { NOTEPAD, UNKNOWN_FILE, newFile } from './support/node-red-samples';

describe('tie-set-external-reputation', function () {
  let tie: TieClient;
  const suite = requestNodeSuite('tie-set-external-reputation', { checkFirst: true });
  const load = suite.load;

  before(async () => {
    tie = new TieClient(await suite.fabric().client());
  });

  it("skips, and says why, when another provider already has a definitive reputation (the sample's check)", async () => {
    await load({ trustLevel: '70', trustLevelType: 'tie-level' });
    const output = nextMessage('out');
    const completed = nextMessage('completed');
    node('node').receive({ payload: NOTEPAD, filename: 'notepad.exe' });
    const msg = await output;
    assert.equal(msg.payload, 'Skipped');
    const outcome = msg.outcome as { action: string; reason: string; existing: { trustLevel: number } };
    assert.equal(outcome.action, 'skipped');
    assert.match(outcome.reason, /^Global Threat Intelligence \(GTI\) already has a definitive reputation \(Known Trusted, 99\)/);
    assert.equal(outcome.existing.trustLevel, 99);
    await completed;
    assert.deepEqual(lastStatus(node('node')), { fill: 'green', shape: 'ring', text: 'skipped: Global Threat Intelligence (GTI)' });
    assert.equal((await tie.getFileReputation(NOTEPAD))[15], undefined, 'nothing was sent');
  });

  it('sends when no provider is definitive, and TIE then has the External reputation', async () => {
    await load();
    const output = nextMessage('out');
    node('node').receive({
      payload: {
        hashes: UNKNOWN_FILE,
        trustLevel: 'MIGHT_BE_TRUSTED',
        fileType: 'PEEXE',
        filename: 'random.exe',
        comment: 'External Reputation set via OpenDXL',
      },
    });
    const msg = await output;
    assert.equal(msg.payload, 'Sent');
    const outcome = msg.outcome as Record<string, unknown>;
    assert.equal(outcome.action, 'sent');
    assert.equal(outcome.providerId, 15);
    assert.equal(outcome.trustLevel, 70);
    assert.equal(outcome.fileTypeName, 'PEEXE');
    assert.equal(outcome.checked, true);
    assert.equal((outcome.existing as { trustLevel: number }).trustLevel, 50);
    let external: number | undefined;
    for (let i = 0; i < 50 && external === undefined; i++) {
      external = (await tie.getFileReputation(UNKNOWN_FILE))[15]?.trustLevel;
      if (external === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(external, 70);
  });

  it('always sends when told not to check first, and warns once about a missing file name', async () => {
    await load({ checkFirst: false, trustLevel: '1', trustLevelType: 'tie-level' });
    const [a, b] = [newFile(), newFile()];
    let output = nextMessage('out');
    node('node').receive({ payload: a.sha256 });
    const msg = await output;
    assert.equal(msg.payload, 'Sent');
    assert.equal((msg.outcome as { checked: boolean }).checked, false);
    assert.equal((msg.outcome as { existing?: unknown }).existing, undefined);
    output = nextMessage('out');
    node('node').receive({ payload: b.sha256 });
    await output;
    const warnings = (node('node').warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> })
      .getCalls()
      .filter((call) => call.thisValue === node('node'));
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0].args[0]), /without a file name/);
  });

  it('refuses Not Set (0) and an unknown file type before sending anything', async () => {
    await load({ checkFirst: false });
    let caught = nextMessage('caught');
    node('node').receive({ payload: newFile().md5, trustLevel: 0 });
    let error = caughtError(await caught);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /trustLevel was not specified \(0, Not Set/);
    caught = nextMessage('caught');
    node('node').receive({ payload: newFile().md5, trustLevel: 99, fileType: 'EXE2' });
    error = caughtError(await caught);
    assert.match(error.message, /fileType "EXE2" is not a TIE file type/);
  });
});
