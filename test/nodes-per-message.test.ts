/**
 * What a message costs the nodes beside their work: a status is computed and translated only when
 * it is shown (at most STATUS_BURST a window), never per message, in a request node and in an
 * event node, while every message still gets its answer.
 */
import assert from 'node:assert/strict';
import { STATUS_BURST, STATUS_WINDOW_MS } from '../nodes/kit/status';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import { collect, helper, node, onTab, ourNode, statusBecomes, translationCount } from './support/node-red-helper';
import { eventually } from './support/eventually';
import { requestFlow } from './support/node-red-request-flow';
import { NOTEPAD } from './support/node-red-samples';

const CONNECTED = 'node-red:common.status.connected';
const MESSAGES = 400;
const EVENTS = 200;

/** The most translations a run of `elapsedMs` may make: the burst in every window it touched. */
function allowedTranslations(elapsedMs: number): number {
  return (Math.ceil(elapsedMs / STATUS_WINDOW_MS) + 1) * STATUS_BURST;
}

describe('per message: statuses made only when shown', function () {
  let test: TestFabric;

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  it(`translates a busy request node's status at most ${STATUS_BURST} times a window, however many lookups run`, async () => {
    const [flow, credentials] = requestFlow(test, 'tie-get-reputation', { subject: 'file' });
    await helper.load([ourNode('tie-config'), ourNode('tie-get-reputation')], flow, credentials);
    await statusBecomes(node('node'), { text: CONNECTED });
    const answers = collect('out');
    const before = translationCount();
    const started = Date.now();
    // 16 in flight, as a flow feeding a batch of files would.
    let sent = 0;
    const sendNext = (): void => {
      if (sent < MESSAGES) node('node').receive({ payload: NOTEPAD.sha256, n: sent++ });
    };
    node('out').on('input', sendNext);
    for (let i = 0; i < 16; i++) sendNext();
    await eventually(
      () => answers.length === MESSAGES,
      () => `${answers.length} of ${MESSAGES} answers`,
      30_000,
    );
    const elapsed = Date.now() - started;
    const translated = translationCount() - before;
    assert.ok(
      answers.every((msg) => typeof msg.verdict === 'object'),
      'every lookup answered with its verdict',
    );
    assert.ok(
      translated <= allowedTranslations(elapsed),
      `${translated} translations for ${MESSAGES} lookups in ${elapsed} ms (at most ${allowedTranslations(elapsed)})`,
    );
    // The latest status is shown once its window ends: connected again, nothing in flight.
    await statusBecomes(node('node'), { fill: 'green', text: CONNECTED }, STATUS_WINDOW_MS * 3);
  });

  it(`translates a busy event node's count at most ${STATUS_BURST} times a window, however many events arrive`, async () => {
    const [config, credentials] = configNodeFor(test, 'config');
    const flow = [
      config,
      ...onTab([
        { id: 'detection', type: 'tie-detection', connection: 'config', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    ];
    await helper.load([ourNode('tie-config'), ourNode('tie-detection')], flow, credentials);
    await statusBecomes(node('detection'), { text: CONNECTED });
    const events = collect('out');
    const before = translationCount();
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) await test.simulator!.publishDetection();
    await eventually(
      () => events.length === EVENTS,
      () => `${events.length} of ${EVENTS} events`,
      30_000,
    );
    const elapsed = Date.now() - started;
    const translated = translationCount() - before;
    assert.ok(
      translated <= allowedTranslations(elapsed),
      `${translated} translations for ${EVENTS} events in ${elapsed} ms (at most ${allowedTranslations(elapsed)})`,
    );
    // The count shown catches up once the window ends.
    await statusBecomes(node('detection'), { text: `${EVENTS} events` }, STATUS_WINDOW_MS * 3);
  });
});
