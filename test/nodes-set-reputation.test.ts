import assert from 'node:assert/strict';
import { TieClient } from '../src/tie/client';
import { caughtError, nextMessage, node, statusBecomes } from './support/node-red-helper';
import { requestNodeSuite } from './support/node-red-request-flow';
import { newCertificate, newFile } from './support/node-red-samples';

describe('tie-set-reputation', function () {
  let tie: TieClient;
  const suite = requestNodeSuite('tie-set-reputation', { subject: 'file' });
  const load = suite.load;

  before(async () => {
    tie = new TieClient(await suite.fabric().client());
  });

  it('sets the Enterprise trust level of a file from msg.trustLevel, msg.filename and msg.comment (the defaults)', async () => {
    await load({});
    const file = newFile();
    const output = nextMessage('out');
    const completed = nextMessage('completed');
    node('node').receive({ payload: file.sha256, trustLevel: 'MOST_LIKELY_MALICIOUS', filename: 'dropper.exe', comment: 'from a flow' });
    const msg = await output;
    assert.equal(msg.payload, 'Succeeded');
    assert.deepEqual(msg.outcome, {
      action: 'set',
      subject: 'file',
      hashes: { sha256: file.sha256 },
      providerId: 3,
      providerName: 'Enterprise',
      trustLevel: 15,
      trustLevelName: 'Most Likely Malicious',
      filename: 'dropper.exe',
      comment: 'from a flow',
    });
    await completed;
    const reputations = await tie.getFileReputation({ sha256: file.sha256 });
    assert.equal(reputations[3]?.trustLevel, 15);
  });

  it('uses a fixed trust level from the node, overridden per item in a batch', async () => {
    await load({ trustLevel: '99', trustLevelType: 'tie-level', comment: 'bulk', commentType: 'str' });
    const [a, b] = [newFile(), newFile()];
    const output = nextMessage('out');
    node('node').receive({ payload: [a.md5, { sha1: b.sha1, trustLevel: 1, filename: 'bad.exe' }] });
    const msg = await output;
    assert.deepEqual(msg.payload, ['Succeeded', 'Succeeded']);
    const outcomes = msg.outcome as Array<{ trustLevel: number; comment: string; filename?: string }>;
    assert.deepEqual(
      outcomes.map((o) => [o.trustLevel, o.comment, o.filename]),
      [
        [99, 'bulk', undefined],
        [1, 'bulk', 'bad.exe'],
      ],
    );
    assert.equal((await tie.getFileReputation({ md5: a.md5 }))[3]?.trustLevel, 99);
    assert.equal((await tie.getFileReputation({ sha1: b.sha1 }))[3]?.trustLevel, 1);
  });

  it('sets a certificate on the Enterprise certificate provider', async () => {
    await load({ subject: 'certificate', trustLevel: '85', trustLevelType: 'tie-level' });
    const cert = newCertificate();
    const output = nextMessage('out');
    node('node').receive({ payload: { sha1: cert.sha1, publicKeySha1: cert.publicKeySha1 } });
    const msg = await output;
    assert.equal((msg.outcome as { providerId: number }).providerId, 4);
    assert.equal((await tie.getCertificateReputation(cert.sha1, cert.publicKeySha1))[4]?.trustLevel, 85);
  });

  it('refuses a missing or unknown trust level before sending (TIE_INVALID_INPUT to Catch)', async () => {
    await load({});
    const file = newFile();
    let caught = nextMessage('caught');
    node('node').receive({ payload: file.md5 });
    let error = caughtError(await caught);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /^msg\.payload: trustLevel was not specified/);
    caught = nextMessage('caught');
    node('node').receive({ payload: file.md5, trustLevel: 42 });
    error = caughtError(await caught);
    assert.match(error.message, /trustLevel 42 is not a TIE trust level/);
    await statusBecomes(node('node'), { text: 'invalid input' });
    const reputations = await tie.getFileReputation({ md5: file.md5 });
    assert.notEqual(reputations[3]?.trustLevel, 42);
  });

  it('refuses a filename on a certificate item', async () => {
    await load({ subject: 'certificate', trustLevel: '85', trustLevelType: 'tie-level' });
    const caught = nextMessage('caught');
    node('node').receive({ payload: { sha1: newCertificate().sha1, filename: 'x' } });
    const error = caughtError(await caught);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /unknown property "filename"/);
  });
});
