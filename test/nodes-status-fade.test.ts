/**
 * Statuses that report a message's outcome fade back to the connection's: a lookup refused for a
 * bad hash shows "invalid input", then "connected" again, though nothing else happens; a dxl
 * request's failure the same. A write node shows what it wrote, and keeps showing it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { OUTCOME_SHOWN_MS } from '../nodes/kit/status';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  catchAndComplete,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
  statusHistory,
} from './support/node-red-helper';

const CONNECTED = 'node-red:common.status.connected';

describe('statuses that report an outcome fade back to the connection', function () {
  this.timeout(40_000);
  let test: TestFabric;

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test?.close();
  });
  afterEach(() => helper.unload());

  it('"invalid input" and a dxl request\'s failure fade to "connected"; a write node keeps what it wrote', async () => {
    const [config, credentials] = configNodeFor(test);
    await helper.load(
      [ourNode('tie-config'), ourNode('tie-get-reputation'), ourNode('tie-set-reputation'), ourNode('tie-dxl-request')],
      [
        ...catchAndComplete([]),
        config,
        ...onTab([
          { id: 'get', type: 'tie-get-reputation', connection: 'config', subject: 'file', input: 'payload', inputType: 'msg', wires: [[]] },
          {
            id: 'set',
            type: 'tie-set-reputation',
            connection: 'config',
            subject: 'file',
            input: 'payload',
            inputType: 'msg',
            trustLevel: '1',
            trustLevelType: 'tie-level',
            wires: [['written']],
          },
          { id: 'written', type: 'helper' },
          { id: 'request', type: 'tie-dxl-request', connection: 'config', topic: '/nobody/serves/this', wires: [[]] },
        ]),
      ],
      credentials,
    );
    for (const id of ['get', 'set', 'request']) await statusBecomes(node(id), { text: CONNECTED }, 10_000);

    const written = nextMessage('written', 10_000);
    node('get').receive({ payload: 'not a hash' });
    node('request').receive({ payload: 'hello' });
    node('set').receive({ payload: randomBytes(16).toString('hex') });
    await statusBecomes(node('get'), { fill: 'red', text: 'invalid input' });
    await statusBecomes(node('request'), { fill: 'red', text: 'no service' });
    await written;
    await statusBecomes(node('set'), { fill: 'green', text: 'wrote Known Malicious' });

    // Nothing else happens; the outcomes fade after OUTCOME_SHOWN_MS, the write stays.
    await statusBecomes(node('get'), { fill: 'green', text: CONNECTED }, OUTCOME_SHOWN_MS + 3000);
    await statusBecomes(node('request'), { fill: 'green', text: CONNECTED }, 3000);
    await sleep(500);
    const shown = statusHistory(node('set')).at(-1);
    assert.deepEqual({ fill: shown?.fill, text: shown?.text }, { fill: 'green', text: 'wrote Known Malicious' });
  });
});
