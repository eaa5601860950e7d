/** The DXL nodes' msg rules without Node-RED: topics, payloads both ways, error codes, and open requests on a real fabric. */
import assert from 'node:assert/strict';
import { DxlErrorCode, FabricErrorCode } from '../src/dxl/errors';
import { chooseTopic, checkTopic, decodePayload, encodePayload } from '../nodes/kit/dxl-messages';
import { ServiceRequests, answerRequest, errorCodeOf } from '../nodes/kit/service-node';
import { topicProblem } from '../src/dxl/topic-rule';
import { splitTopics } from '../nodes/kit/dxl-topics';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';

const code = (expected: string) => (error: Error & { code?: string }) => error.code === expected;

describe('DXL msg rules', () => {
  it('topicProblem: only a trailing # level subscribes; nothing wild is sent', () => {
    assert.equal(topicProblem('/a/#', 'subscribe'), undefined);
    assert.equal(topicProblem('#', 'subscribe'), undefined);
    assert.equal(topicProblem('/a/b', 'publish'), undefined);
    assert.equal(topicProblem('', 'publish'), 'empty');
    assert.equal(topicProblem('/a/\u0000', 'subscribe'), 'nul');
    assert.equal(topicProblem('/a/+/b', 'subscribe'), 'plusWildcard');
    assert.equal(topicProblem('/a/#/b', 'subscribe'), 'hashNotLast');
    assert.equal(topicProblem('/a#', 'subscribe'), 'hashNotLast');
    assert.equal(topicProblem('/a/#', 'publish'), 'wildcardInPublish');
    assert.equal(topicProblem('/a/+', 'publish'), 'wildcardInPublish');
  });

  it('splitTopics: commas and new lines, trimmed, blanks dropped, each once', () => {
    assert.deepEqual(splitTopics(' /a , /b\n\n/a,/c/# '), ['/a', '/b', '/c/#']);
    assert.deepEqual(splitTopics(' , \n'), []);
  });

  it('chooseTopic: the node’s topic before msg.topic; DXL_NO_TOPIC and DXL_INVALID_TOPIC otherwise', () => {
    assert.equal(chooseTopic(' /node ', '/msg', 'publish'), '/node');
    assert.equal(chooseTopic('', '/msg', 'publish'), '/msg');
    assert.throws(() => chooseTopic('', undefined, 'publish'), code('DXL_NO_TOPIC'));
    assert.throws(() => chooseTopic(undefined, '', 'publish'), code('DXL_NO_TOPIC'));
    assert.throws(() => chooseTopic('', ['/a'], 'publish'), /an array/);
    assert.throws(() => chooseTopic('/a/#', '/msg', 'publish'), code('DXL_INVALID_TOPIC'));
    assert.throws(() => checkTopic('/a/' + 'x'.repeat(70_000), 'publish'), code('DXL_INVALID_TOPIC'));
    assert.equal(checkTopic('/a/#', 'subscribe'), '/a/#');
  });

  it('encodePayload: text as UTF-8, Buffers as they are, nothing empty, the rest JSON; refuses what JSON cannot carry', () => {
    assert.deepEqual(encodePayload('ä', 'p'), Buffer.from('ä'));
    const buffer = Buffer.from([1, 2]);
    assert.equal(encodePayload(buffer, 'p'), buffer);
    assert.deepEqual(encodePayload(new Uint8Array([3]), 'p'), Buffer.from([3]));
    assert.equal(encodePayload(undefined, 'p').length, 0);
    assert.equal(encodePayload({ a: [1] }, 'p').toString(), '{"a":[1]}');
    assert.equal(encodePayload(false, 'p').toString(), 'false');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [circular, { n: BigInt(1) }, () => 1, Symbol('s'), NaN, Infinity]) {
      assert.throws(() => encodePayload(bad, 'msg.payload'), code('DXL_INVALID_PAYLOAD'));
    }
    assert.throws(() => encodePayload(circular, 'msg.payload'), /^msg.payload cannot be sent as JSON: /);
  });

  it('decodePayload: text, JSON (empty: null) or the Buffer; not JSON is DXL_MALFORMED naming the topic', () => {
    const bytes = Buffer.from('{"a":1}');
    assert.equal(decodePayload(bytes, 'text', '/t'), '{"a":1}');
    assert.deepEqual(decodePayload(bytes, 'json', '/t'), { a: 1 });
    assert.equal(decodePayload(Buffer.alloc(0), 'json', '/t'), null);
    assert.equal(decodePayload(bytes, 'buffer', '/t'), bytes);
    assert.throws(
      () => decodePayload(Buffer.from('nope'), 'json', '/t/x'),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, DxlErrorCode.Malformed);
        assert.match(error.message, /\/t\/x/);
        return true;
      },
    );
  });

  it('errorCodeOf: whole numbers of 32 bits, as numbers or text', () => {
    assert.equal(errorCodeOf(4242), 4242);
    assert.equal(errorCodeOf(' 17 '), 17);
    assert.equal(errorCodeOf(0xffffffff), 0xffffffff);
    assert.equal(errorCodeOf(-0x80000000), -0x80000000);
    for (const bad of ['abc', '', 1.5, 0x100000000, -0x80000001, null, undefined, {}, NaN]) {
      assert.throws(() => errorCodeOf(bad), code('DXL_INVALID_PAYLOAD'), JSON.stringify(bad) ?? 'undefined');
    }
  });
});

describe('ServiceRequests and answerRequest on the embedded fabric', function () {
  this.timeout(15_000);
  let test: TestFabric;
  before(async () => {
    test = await startTestFabric({ simulator: false });
  });
  after(async () => test.close());

  it('answers by key once, refuses unknown and used keys, times out and closes with error responses', async () => {
    const dxl = await test.client();
    const requests = new ServiceRequests({ dxl, timeoutMs: 300, maxPending: 2 });
    const keys: Array<string | undefined> = [];
    const registration = await dxl.registerService({
      serviceType: '/t/unit',
      topics: { '/t/unit/op': (request) => void keys.push(requests.admit(request)) },
    });
    try {
      const answered = dxl.request('/t/unit/op', 'a', { timeoutMs: 3000 });
      await waitFor(() => keys.length === 1);
      answerRequest(keys[0], { payload: Buffer.from('yes') });
      assert.equal((await answered).payload.toString(), 'yes');
      assert.throws(() => answerRequest(keys[0], { payload: Buffer.alloc(0) }), code('DXL_REQUEST_GONE'));
      assert.throws(() => answerRequest('not a key', { payload: Buffer.alloc(0) }), code('DXL_NO_REQUEST'));
      assert.throws(() => answerRequest(undefined, { payload: Buffer.alloc(0) }), code('DXL_NO_REQUEST'));

      await assert.rejects(dxl.request('/t/unit/op', 'b', { timeoutMs: 3000 }), {
        code: DxlErrorCode.Timeout,
        fabricCode: FabricErrorCode.ResponseTimeout,
      });
      assert.equal(requests.pending, 0);

      const [first, second, third] = ['c', 'd', 'e'].map((payload) =>
        dxl.request('/t/unit/op', payload, { timeoutMs: 3000 }).catch((error: Error) => error),
      );
      assert.equal(((await third) as Error & { code?: string }).code, DxlErrorCode.ServiceOverloaded);
      assert.equal(requests.pending, 2);
      requests.close();
      for (const settled of [await first, await second])
        assert.equal((settled as Error & { code?: string }).code, DxlErrorCode.ServiceUnavailable);
      assert.equal(requests.pending, 0);
    } finally {
      await registration.unregister();
    }
  });
});

async function waitFor(predicate: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !predicate(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() > deadline) throw new Error('timed out');
  }
}
