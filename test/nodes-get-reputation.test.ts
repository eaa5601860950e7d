import assert from 'node:assert/strict';
import type { Reputations } from '../src/tie/types';
import type { Verdict } from '../src/tie/verdict';
import { caughtError, lastStatus, nextMessage, node, statusBecomes, statusHistory } from './support/node-red-helper';
import { requestNodeSuite } from './support/node-red-request-flow';
import { CERT1, EICAR, NOTEPAD, UNKNOWN_FILE } from './support/node-red-samples';

describe('tie-get-reputation', function () {
  const suite = requestNodeSuite('tie-get-reputation', { subject: 'file' });
  const load = suite.load;

  it('answers a bare sha256 with the reputations keyed by provider and a verdict, keeps the msg, and completes', async () => {
    await load();
    const output = nextMessage('out');
    const completed = nextMessage('completed');
    node('node').receive({ payload: NOTEPAD.sha256, topic: 'keep me' });
    const msg = await output;
    const payload = msg.payload as Reputations;
    assert.deepEqual(Object.keys(payload).sort(), ['1', '3']);
    assert.equal(payload[1].trustLevel, 99);
    assert.equal(payload[1].attributes['2120340'], '2139160704');
    assert.equal(payload[3].providerId, 3);
    assert.equal(msg.topic, 'keep me');
    const verdict = msg.verdict as Verdict;
    assert.equal(verdict.trustLevel, 99);
    assert.equal(verdict.trustLevelName, 'Known Trusted');
    assert.equal(verdict.providerName, 'Global Threat Intelligence (GTI)');
    assert.equal(verdict.basis, 'provider');
    assert.deepEqual(verdict.enterprise, {
      serverVersion: '1.1.0.265',
      firstContact: '2015-12-30T19:14:35.000Z',
      prevalence: 17,
      enterpriseSize: 21,
      fileNameCount: 0,
    });
    assert.equal((await completed).topic, 'keep me', 'the Complete node gets the same msg');
    assert.deepEqual(lastStatus(node('node')), { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' });
  });

  it('reads a hash dict from another msg property, keys in any case', async () => {
    await load({ input: 'file.hashes' });
    const output = nextMessage('out');
    node('node').receive({ file: { hashes: { MD5: EICAR.md5.toUpperCase(), sha1: EICAR.sha1 } } });
    const msg = await output;
    assert.equal((msg.payload as Reputations)[1].trustLevel, 1);
    assert.equal((msg.verdict as Verdict).category, 'malicious');
  });

  it('reads a fixed hash set in the node (JSON input) and the official {hashes} form', async () => {
    await load({ input: JSON.stringify({ hashes: { sha256: UNKNOWN_FILE.sha256 } }), inputType: 'json' });
    const output = nextMessage('out');
    node('node').receive({ payload: 'ignored' });
    const msg = await output;
    assert.equal((msg.verdict as Verdict).trustLevel, 50);
    assert.equal((msg.verdict as Verdict).basis, 'unknown');
  });

  it('looks up certificates with their public-key sha1', async () => {
    await load({ subject: 'certificate' });
    const output = nextMessage('out');
    node('node').receive({ payload: { sha1: CERT1.sha1, publicKeySha1: CERT1.publicKeySha1 } });
    const msg = await output;
    const payload = msg.payload as Reputations;
    assert.deepEqual(Object.keys(payload).sort(), ['2', '4']);
    const verdict = msg.verdict as Verdict;
    assert.equal(verdict.providerId, 2);
    assert.equal((verdict.enterprise as { prevalence: number }).prevalence, 12);
  });

  it('answers a batch in input order with parallel verdicts', async () => {
    await load({ concurrency: 2 });
    const output = nextMessage('out');
    const completed = nextMessage('completed');
    node('node').receive({ payload: [NOTEPAD.sha256, { md5: EICAR.md5 }, UNKNOWN_FILE.sha1, NOTEPAD.md5] });
    const msg = await output;
    const payload = msg.payload as Reputations[];
    assert.equal(payload.length, 4);
    assert.deepEqual(
      payload.map((reputations) => reputations[1].trustLevel),
      [99, 1, 50, 99],
    );
    assert.deepEqual(
      (msg.verdict as Verdict[]).map((verdict) => verdict.trustLevel),
      [99, 1, 50, 99],
    );
    await completed;
  });

  it('refuses a bad hash: Catch gets TIE_INVALID_INPUT with the input named, no output, no Complete', async () => {
    await load();
    const caught = nextMessage('caught');
    let outputs = 0;
    let completes = 0;
    node('out').on('input', () => outputs++);
    node('completed').on('input', () => completes++);
    node('node').receive({ payload: 'abc' });
    const msg = await caught;
    const error = caughtError(msg);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /^msg\.payload: hash "abc" has 3 hexadecimal characters/);
    assert.equal(error.source.id, 'node');
    assert.deepEqual(msg.tieError, { code: 'TIE_INVALID_INPUT', message: error.message });
    await statusBecomes(node('node'), { fill: 'red', text: 'invalid input' });
    assert.equal(outputs, 0);
    assert.equal(completes, 0);
  });

  it('refuses a batch with one bad item before sending any, naming its index', async () => {
    await load();
    const caught = nextMessage('caught');
    node('node').receive({ payload: [NOTEPAD.md5, { sha1: 'xyz' }] });
    const msg = await caught;
    const error = caughtError(msg);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /^msg\.payload\[1\]: sha1 hash "xyz"/);
    assert.equal((msg.tieError as { index: number }).index, 1);
  });

  it('says "requesting" only for input that was sent: refused input goes straight to "invalid input"', async () => {
    await load();
    await statusBecomes(node('node'), { text: 'node-red:common.status.connected' });
    for (const payload of ['abc', [NOTEPAD.md5, { sha1: 'xyz' }]]) {
      const caught = nextMessage('caught');
      node('node').receive({ payload });
      await caught;
    }
    await statusBecomes(node('node'), { fill: 'red', text: 'invalid input' });
    const shown = statusHistory(node('node')).map((status) => status.text ?? '');
    assert.deepEqual(
      shown.filter((text) => /requesting|batch/.test(text)),
      [],
      `statuses: ${shown.join(', ')}`,
    );
    // A valid lookup afterwards still shows its request and clears the red dot.
    const output = nextMessage('out');
    node('node').receive({ payload: NOTEPAD.md5 });
    await output;
    assert.ok(
      statusHistory(node('node')).some((status) => status.text === 'requesting (1)'),
      'a sent request shows "requesting (1)"',
    );
    await statusBecomes(node('node'), { fill: 'green', text: 'node-red:common.status.connected' });
  });
});
