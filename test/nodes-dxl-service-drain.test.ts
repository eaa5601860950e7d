/**
 * A tie-dxl-service node that stops, on the embedded fabric: on a Modified Nodes deploy that
 * restarts only the service node, the requests already in its flow still get the flow's answer
 * (the node unregisters first and waits for them); on a full deploy, which stops the flow with
 * it, they get an error response at once instead of waiting for the node's timeout.
 */
import assert from 'node:assert/strict';
import type { DxlClient } from '../src/dxl/client';
import { DxlError, DxlErrorCode } from '../src/dxl/errors';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import { type FlowNode, coreNode, helper, onTab, ourNode, sleep } from './support/node-red-helper';

const modules = [ourNode('tie-config'), ourNode('tie-dxl-service'), ourNode('tie-dxl-response'), coreNode('function/10-function.js')];

/** The flow answers each request 300 ms later, naming the service node's generation. */
const SLOW_ANSWER = `setTimeout(() => { msg.payload = msg.generation + ':' + msg.payload; node.send(msg); }, 300); return null;`;

describe('tie-dxl-service stopping with requests in its flow (fabric)', function () {
  this.timeout(20_000);
  let test: TestFabric;
  let requester: DxlClient;

  before(async () => {
    test = await startTestFabric({ simulator: false });
    requester = await test.client();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test?.close();
  });
  afterEach(() => helper.unload());

  function flow(generation: number): [FlowNode[], Record<string, Record<string, string>>] {
    const [config, credentials] = configNodeFor(test);
    return [
      [
        config,
        ...onTab([
          {
            id: 'svc',
            type: 'tie-dxl-service',
            name: `svc ${generation}`,
            connection: 'config',
            serviceType: '/drain/svc',
            topics: '/drain/echo',
            timeout: 5,
            wires: [['tag']],
          },
          { id: 'tag', type: 'function', func: `msg.generation = ${generation}; return msg;`, wires: [['slow']] },
          { id: 'slow', type: 'function', func: SLOW_ANSWER, wires: [['answer']] },
          { id: 'answer', type: 'tie-dxl-response' },
        ]),
      ],
      credentials,
    ];
  }

  async function served(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answered = await requester.request('/drain/echo', 'probe', { timeoutMs: 1000 }).then(
        () => true,
        () => false,
      );
      if (answered) return;
      if (Date.now() > deadline) throw new Error('the service never answered');
      await sleep(50);
    }
  }

  it('a Modified Nodes deploy of the service node: every request already in the flow gets the flow’s answer', async () => {
    const [first, credentials] = flow(1);
    await helper.load(modules, first, credentials);
    await served();
    const inFlow = ['a', 'b', 'c'].map((text) => requester.request('/drain/echo', text, { timeoutMs: 8000 }));
    await sleep(100);
    // Only the service node changes (its name, and the tag it hands on is the flow's, unchanged).
    const [second] = flow(1);
    (second.find((n) => n.id === 'svc') as FlowNode).name = 'svc renamed';
    await helper.setFlows(second, 'nodes', credentials);
    const answers = (await Promise.all(inFlow)).map((response) => response.payload.toString('utf8'));
    assert.deepEqual(answers, ['1:a', '1:b', '1:c']);
    await served();
  });

  it('a full deploy stops the flow too: the requests in it get service unavailable at once, not at the timeout', async () => {
    const [first, credentials] = flow(1);
    await helper.load(modules, first, credentials);
    await served();
    const started = Date.now();
    const inFlow = requester.request('/drain/echo', 'x', { timeoutMs: 8000 }).then(
      () => assert.fail('answered by a flow that stopped'),
      (error: unknown) => error,
    );
    await sleep(100);
    const [second] = flow(2);
    await helper.setFlows(second, 'full', credentials);
    const error = await inFlow;
    assert.ok(error instanceof DxlError);
    assert.equal(error.code, DxlErrorCode.ServiceUnavailable);
    assert.ok(Date.now() - started < 2500, `answered after ${Date.now() - started} ms (the node's timeout is 5 s)`);
    await served();
  });
});
