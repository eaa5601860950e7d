/**
 * A burst of writes against a tie-config's write limit, on the embedded fabric: 100 messages to a
 * set node at once through a tie-config limited to 5 writes a second (burst 5) reach the TIE
 * simulator over about 19 s (the burst at once, then 5 a second), never more than 5 + 5 in any
 * second counted from the first, and each once.
 */
import assert from 'node:assert/strict';
import { TieTopic } from '../../src/tie/topics';
import { type TestFabric, startTestFabric } from '../support/node-red-fabric';
import { collect, eventually, helper, node, ourNode } from '../support/node-red-helper';
import { requestFlow } from '../support/node-red-request-flow';
import { newFile } from '../support/node-red-samples';
import { recordFigures } from './support/figures';

const MESSAGES = 100;
const RATE = 5;
const BURST = 5;

describe('guarded writes: the write limit under a burst of 100 messages', function () {
  this.timeout(90_000);
  let test: TestFabric;

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await test.close();
  });

  it(`${MESSAGES} messages at ${RATE} writes/s (burst ${BURST}) take about ${(MESSAGES - BURST) / RATE} s, at most ${RATE + BURST} in any second`, async () => {
    const [flow, credentials] = requestFlow(
      test,
      'tie-set-reputation',
      { subject: 'file', trustLevel: '85', trustLevelType: 'tie-level' },
      { writeRate: RATE, writeBurst: BURST, writeQueue: MESSAGES },
    );
    await helper.load([ourNode('tie-config'), ourNode('tie-set-reputation')], flow, credentials);
    const arrivals: number[] = [];
    const stop = test.simulator!.observe((topic) => {
      if (topic === TieTopic.SET_FILE_REPUTATION) arrivals.push(performance.now());
    });
    const outputs = collect('out');
    const caught = collect('caught');
    const start = performance.now();
    for (let i = 0; i < MESSAGES; i++) node('node').receive({ payload: newFile().sha256 });
    await eventually(
      () => outputs.length + caught.length === MESSAGES,
      () => `${MESSAGES} ends; ${outputs.length} + ${caught.length}`,
      60_000,
    );
    stop();
    const seconds = (performance.now() - start) / 1000;

    assert.equal(caught.length, 0, 'every write waited its turn');
    assert.equal(arrivals.length, MESSAGES, 'each write reached TIE once');
    const expected = (MESSAGES - BURST) / RATE;
    assert.ok(seconds > expected - 1 && seconds < expected + 3, `${seconds.toFixed(1)} s, about ${expected} s expected`);
    // Any window of one second, starting at each arrival: at most rate + burst.
    let busiest = 0;
    for (let i = 0; i < arrivals.length; i++) {
      let j = i;
      while (j < arrivals.length && arrivals[j] - arrivals[i] < 1000) j++;
      busiest = Math.max(busiest, j - i);
    }
    assert.ok(busiest <= RATE + BURST, `${busiest} writes within one second`);
    recordFigures('guarded-writes', {
      messages: MESSAGES,
      perSecond: RATE,
      burst: BURST,
      seconds: Number(seconds.toFixed(1)),
      busiestSecond: busiest,
    });
  });
});
