/**
 * tie-dxl-request answered by a service of the official @opendxl/dxl-client, on the embedded
 * fabric and on Mosquitto: the three answer formats, error responses, no service, timeouts, and
 * careless input ending in exactly one done.
 */
import assert from 'node:assert/strict';
import { DxlErrorCode } from '../src/dxl/errors';
import { connected, onEachBroker } from './support/dxl-backends';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { payloadText } from './support/official-client';

const modules = [ourNode('tie-config'), ourNode('tie-dxl-request')];

onEachBroker('tie-dxl-request', (current) => {
  async function load(extra: Record<string, unknown> = {}): Promise<{ out: TestMessage[]; caught: TestMessage[] }> {
    const [config, credentials] = current().configNode();
    const request = (id: string, format: string): FlowNode => ({
      id,
      type: 'tie-dxl-request',
      connection: 'config',
      format,
      timeout: 1,
      wires: [['out']],
      ...extra,
    });
    const flow: FlowNode[] = [
      ...catchAndComplete([]),
      config,
      ...onTab([request('text', 'text'), request('json', 'json'), request('buffer', 'buffer'), { id: 'out', type: 'helper' }]),
    ];
    await helper.load(modules, flow, credentials);
    await connected();
    return { out: collect('out'), caught: collect('caught') };
  }

  async function serveEcho(): Promise<void> {
    const official = await current().official();
    await current().serve(official, '/t/official', {
      '/t/official/echo': (request) => `{"echo":${JSON.stringify(payloadText(request))}}`,
      '/t/official/bytes': () => Buffer.from([0, 1, 2, 255]),
      '/t/official/fail': () => ({ errorCode: 7007, errorMessage: 'not today' }),
      '/t/official/slow': () => undefined,
    });
  }

  /** One msg in; exactly one msg out or one at Catch, nothing more. */
  async function one(id: string, msg: TestMessage, lists: { out: TestMessage[]; caught: TestMessage[] }): Promise<TestMessage> {
    node(id).receive(msg);
    await eventually(() => lists.out.length + lists.caught.length >= 1, `${id} to end the msg`, 5000);
    await sleep(100);
    assert.equal(lists.out.length + lists.caught.length, 1, `${lists.out.length} out, ${lists.caught.length} caught`);
    return lists.out[0] ?? lists.caught[0];
  }

  it('sends msg.payload to msg.topic and puts the answer as text, JSON or a Buffer in msg.payload, with msg.dxl', async () => {
    await serveEcho();
    const lists = await load();
    const text = await one('text', { topic: '/t/official/echo', payload: { a: 1 } }, lists);
    assert.equal(text.payload, '{"echo":"{\\"a\\":1}"}');
    assert.equal(text.topic, '/t/official/echo');
    const dxl = text.dxl as { messageId: string; sourceClientId: string; serviceId?: string };
    assert.match(dxl.messageId, /^\{[0-9a-f-]{36}\}$/);
    if (current().hasRegistry) assert.match(dxl.serviceId ?? '', /^\{[0-9a-f-]{36}\}$/);

    lists.out.length = 0;
    const json = await one('json', { topic: '/t/official/echo', payload: 'plain' }, lists);
    assert.deepEqual(json.payload, { echo: 'plain' });

    lists.out.length = 0;
    const buffer = await one('buffer', { topic: '/t/official/bytes', payload: Buffer.from('x') }, lists);
    assert.ok(Buffer.isBuffer(buffer.payload));
    assert.deepEqual([...buffer.payload], [0, 1, 2, 255]);
  });

  it('DXL_MALFORMED when format json gets an answer that is not JSON', async () => {
    await serveEcho();
    const lists = await load();
    const caught = await one('json', { topic: '/t/official/bytes', payload: '' }, lists);
    assert.equal(caughtError(caught).code, DxlErrorCode.Malformed);
  });

  it('DXL_ERROR_RESPONSE with the service’s code and message', async () => {
    await serveEcho();
    const lists = await load();
    const caught = await one('text', { topic: '/t/official/fail', payload: 'x' }, lists);
    assert.equal(caughtError(caught).code, DxlErrorCode.ErrorResponse);
    const tieError = caught.tieError as { fabricCode: number; errorMessage: string; topic?: string };
    assert.equal(tieError.fabricCode, 7007);
    assert.equal(tieError.errorMessage, 'not today');
  });

  it('without a service: DXL_SERVICE_UNAVAILABLE at once on the fabric, DXL_TIMEOUT on a plain broker', async () => {
    const lists = await load();
    const started = Date.now();
    const caught = await one('text', { topic: '/t/nobody/home', payload: 'x' }, lists);
    if (current().hasRegistry) {
      assert.equal(caughtError(caught).code, DxlErrorCode.ServiceUnavailable);
      assert.ok(Date.now() - started < 900, 'before the timeout');
    } else {
      assert.equal(caughtError(caught).code, DxlErrorCode.Timeout);
    }
  });

  it('DXL_TIMEOUT when the service does not answer within the node’s timeout', async () => {
    await serveEcho();
    const lists = await load();
    const started = Date.now();
    const caught = await one('text', { topic: '/t/official/slow', payload: 'x' }, lists);
    assert.equal(caughtError(caught).code, DxlErrorCode.Timeout);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 2500, `after ${elapsed} ms`);
  });

  describe('careless input, each ending in one done', () => {
    const cases: Array<[string, TestMessage, string]> = [
      ['no topic', { payload: 'x' }, 'DXL_NO_TOPIC'],
      ['a # wildcard in msg.topic', { topic: '/t/official/#', payload: 'x' }, 'DXL_INVALID_TOPIC'],
      ['a + wildcard in msg.topic', { topic: '/t/+/echo', payload: 'x' }, 'DXL_INVALID_TOPIC'],
      ['a topic that is not text', { topic: 42 as unknown as string, payload: 'x' }, 'DXL_INVALID_TOPIC'],
      ['a BigInt payload', { topic: '/t/official/echo', payload: { n: BigInt(1) } }, 'DXL_INVALID_PAYLOAD'],
      ['a function payload', { topic: '/t/official/echo', payload: () => 1 }, 'DXL_INVALID_PAYLOAD'],
    ];
    for (const [what, msg, code] of cases) {
      it(`${what}: ${code}`, async () => {
        const lists = await load();
        const caught = await one('text', msg, lists);
        assert.equal(caughtError(caught).code, code);
      });
    }

    it('a circular payload: DXL_INVALID_PAYLOAD', async () => {
      const lists = await load();
      const payload: Record<string, unknown> = { a: 1 };
      payload.self = payload;
      const caught = await one('text', { topic: '/t/official/echo', payload }, lists);
      assert.equal(caughtError(caught).code, 'DXL_INVALID_PAYLOAD');
    });

    it('a wildcard in the node’s own topic: DXL_INVALID_TOPIC', async () => {
      const lists = await load({ topic: '/t/official/#' });
      const caught = await one('text', { topic: '/t/official/echo', payload: 'x' }, lists);
      assert.equal(caughtError(caught).code, 'DXL_INVALID_TOPIC');
    });
  });
});
