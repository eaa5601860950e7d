/** tie-config's reputation cache, seen from a get-reputation node: hits do not reach TIE, changes drop entries. */
import assert from 'node:assert/strict';
import type { ServiceRegistration } from '../src/dxl/api';
import { TieTopic } from '../src/tie/topics';
import type { Reputations } from '../src/tie/types';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import { helper, nextMessage, node, ourNode, sleep } from './support/node-red-helper';
import { requestFlow } from './support/node-red-request-flow';
import { NOTEPAD } from './support/node-red-samples';

describe('tie-config reputation cache', function () {
  let bare: TestFabric;
  let service: ServiceRegistration;
  let requests = 0;
  let trustLevel = 99;
  const modules = [ourNode('tie-config'), ourNode('tie-get-reputation')];

  before(async () => {
    bare = await startTestFabric({ simulator: false });
    const client = await bare.client();
    service = await client.registerService({
      serviceType: '/mcafee/service/tie',
      topics: {
        [TieTopic.GET_FILE_REPUTATION]: (request) => {
          requests++;
          client.sendResponse(
            request,
            JSON.stringify({ props: {}, reputations: [{ providerId: 1, trustLevel, createDate: 1, attributes: {} }] }),
          );
        },
      },
    });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await service.unregister();
    await bare.close();
  });
  afterEach(() => helper.unload());

  async function lookUp(): Promise<number | undefined> {
    const output = nextMessage('out');
    node('node').receive({ payload: NOTEPAD.md5 });
    return ((await output).payload as Reputations)[1]?.trustLevel;
  }

  it('answers repeated lookups from the cache until a reputation change names the file', async () => {
    const [flow, credentials] = requestFlow(bare, 'tie-get-reputation', { subject: 'file' }, { cache: true, cacheTtl: 60 });
    await helper.load(modules, flow, credentials);
    requests = 0;
    assert.equal(await lookUp(), 99);
    assert.equal(await lookUp(), 99);
    assert.equal(requests, 1, 'the second lookup came from the cache');

    trustLevel = 1;
    const change = {
      hashes: [{ type: 'md5', value: Buffer.from(NOTEPAD.md5, 'hex').toString('base64') }],
      newReputations: { reputations: [] },
      oldReputations: { reputations: [] },
      updateTime: 1,
    };
    await (await bare.client()).sendEvent(TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(change));
    let level: number | undefined;
    for (let attempt = 0; attempt < 100 && level !== 1; attempt++) {
      await sleep(20); // the event travels through the broker meanwhile
      level = await lookUp();
    }
    assert.equal(level, 1, 'the change dropped the cached answer');
  });

  it('asks TIE every time when the cache is off', async () => {
    const [flow, credentials] = requestFlow(bare, 'tie-get-reputation', { subject: 'file' }, { cache: false });
    await helper.load(modules, flow, credentials);
    requests = 0;
    await lookUp();
    await lookUp();
    assert.equal(requests, 2);
  });
});
