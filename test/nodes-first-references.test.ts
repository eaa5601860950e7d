import assert from 'node:assert/strict';
import type { FirstReference } from '../src/tie/types';
import { caughtError, nextMessage, node } from './support/node-red-helper';
import { requestNodeSuite } from './support/node-red-request-flow';
import { NOTEPAD, SAMPLE_CERT, SEED_AGENT_GUIDS, newFile } from './support/node-red-samples';

describe('tie-first-references', function () {
  const suite = requestNodeSuite('tie-first-references', { subject: 'file' });
  const load = suite.load;

  it('lists the systems that ran a file, as the official clients, with the count and first date', async () => {
    await load();
    const output = nextMessage('out');
    const completed = nextMessage('completed');
    node('node').receive({ payload: NOTEPAD.sha1 });
    const msg = await output;
    const references = msg.payload as FirstReference[];
    assert.deepEqual(
      references.map((r) => r.agentGuid),
      SEED_AGENT_GUIDS,
    );
    assert.equal(references[0].date, 1475873692);
    assert.equal(msg.count, 3);
    assert.equal(msg.firstSeen, '2016-10-07T20:54:52.000Z');
    await completed;
  });

  it('takes the query limit from msg.queryLimit by default, or from an item', async () => {
    await load();
    let output = nextMessage('out');
    node('node').receive({ payload: NOTEPAD.md5, queryLimit: 2 });
    assert.equal(((await output).payload as FirstReference[]).length, 2);
    output = nextMessage('out');
    node('node').receive({ payload: [{ md5: NOTEPAD.md5, queryLimit: 1 }, newFile().sha256] });
    const msg = await output;
    assert.deepEqual(
      (msg.payload as FirstReference[][]).map((list) => list.length),
      [1, 0],
    );
    assert.deepEqual(msg.count, [1, 0]);
    assert.deepEqual(msg.firstSeen, ['2016-10-07T20:54:52.000Z', null]);
  });

  it('lists the systems of a certificate with a fixed limit', async () => {
    await load({ subject: 'certificate', queryLimit: '5', queryLimitType: 'num' });
    const output = nextMessage('out');
    node('node').receive({ payload: SAMPLE_CERT });
    assert.equal((await output).count, 2);
  });

  it('refuses a query limit that is not a whole number ≥ 1', async () => {
    await load();
    const caught = nextMessage('caught');
    node('node').receive({ payload: NOTEPAD.md5, queryLimit: -3 });
    const error = caughtError(await caught);
    assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(error.message, /queryLimit -3 is not a query limit/);
  });
});
