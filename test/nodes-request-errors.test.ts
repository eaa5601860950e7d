/**
 * Every failure a request node can meet on the fabric, for each of the four request nodes: the
 * message ends in done(err), a Catch node gets the stable code (msg.error.code and msg.tieError),
 * Complete nodes do not fire, and the node's status says what went wrong.
 */
import assert from 'node:assert/strict';
import type { ServiceRegistration } from '../src/dxl/api';
import type { DxlMessage } from '../src/dxl/message';
import { TieTopic } from '../src/tie/topics';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from './support/node-red-helper';
import { requestFlow } from './support/node-red-request-flow';
import { freePort } from '../test-kit/ports';
import { EICAR, NOTEPAD } from './support/node-red-samples';

interface RequestNodeCase {
  type: string;
  properties: Record<string, unknown>;
  msg: TestMessage;
  /** Whether the node parses TIE's answer (set nodes only check it is not an error). */
  parsesAnswer: boolean;
}

const CASES: RequestNodeCase[] = [
  { type: 'tie-get-reputation', properties: { subject: 'file' }, msg: { payload: NOTEPAD.md5 }, parsesAnswer: true },
  { type: 'tie-set-reputation', properties: { subject: 'file' }, msg: { payload: NOTEPAD.md5, trustLevel: 99 }, parsesAnswer: false },
  {
    type: 'tie-set-external-reputation',
    properties: { checkFirst: true },
    msg: { payload: NOTEPAD.md5, trustLevel: 99, filename: 'n.exe' },
    parsesAnswer: true,
  },
  { type: 'tie-first-references', properties: { subject: 'file' }, msg: { payload: NOTEPAD.md5 }, parsesAnswer: true },
];

const TIE_REQUEST_TOPICS = [
  TieTopic.GET_FILE_REPUTATION,
  TieTopic.GET_CERT_REPUTATION,
  TieTopic.SET_FILE_REPUTATION,
  TieTopic.SET_CERT_REPUTATION,
  TieTopic.GET_FILE_FIRST_REFERENCES,
  TieTopic.GET_CERT_FIRST_REFERENCES,
];

describe('request nodes: errors reach Catch nodes with their code', function () {
  let bare: TestFabric;
  let service: ServiceRegistration | undefined;
  const modules = [ourNode('tie-config'), ...CASES.map((c) => ourNode(c.type))];

  before(async () => {
    bare = await startTestFabric({ simulator: false });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await bare.close();
  });
  afterEach(async () => {
    await helper.unload();
    await service?.unregister();
    service = undefined;
  });

  /** A TIE service of our own on the bare fabric, answering every request with `answer`. */
  async function tieService(answer: (request: DxlMessage) => void): Promise<void> {
    const client = await bare.client();
    const topics = Object.fromEntries(TIE_REQUEST_TOPICS.map((topic) => [topic, answer]));
    service = await client.registerService({ serviceType: '/mcafee/service/tie', topics });
  }

  async function expectCaught(c: RequestNodeCase, code: string, message: RegExp, statusText: string): Promise<TestMessage> {
    const caught = nextMessage('caught', 8000);
    let completes = 0;
    let outputs = 0;
    node('completed').on('input', () => completes++);
    node('out').on('input', () => outputs++);
    node('node').receive({ ...c.msg });
    const msg = await caught;
    const error = caughtError(msg);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    assert.equal(error.source.type, c.type);
    assert.equal((msg.tieError as { code: string }).code, code);
    await statusBecomes(node('node'), { text: statusText });
    await sleep(20);
    assert.equal(completes, 0, 'no Complete for a failed message');
    assert.equal(outputs, 0, 'no output for a failed message');
    return msg;
  }

  for (const c of CASES) {
    describe(c.type, () => {
      it('TIE_NO_CONFIG without a tie-config node', async () => {
        const flow: FlowNode[] = [
          ...catchAndComplete(['node']),
          ...onTab([
            { id: 'node', type: c.type, connection: '', wires: [['out']], ...c.properties },
            { id: 'out', type: 'helper' },
          ]),
        ];
        await helper.load(modules, flow);
        await expectCaught(c, 'TIE_NO_CONFIG', /select a tie-config node/, 'no config');
      });

      it('DXL_CONFIG when the tie-config lacks its TLS material', async () => {
        const [flow] = requestFlow(bare, c.type, c.properties);
        await helper.load(modules, flow, {});
        await expectCaught(c, 'DXL_CONFIG', /TLS material missing/, 'config error');
      });

      it('DXL_DISCONNECTED when no broker answers within the timeout', async () => {
        const port = await freePort();
        const [flow, credentials] = requestFlow(bare, c.type, c.properties, {
          brokers: [{ host: '127.0.0.1', port }],
          requestTimeout: 0.5,
        });
        await helper.load(modules, flow, credentials);
        await expectCaught(c, 'DXL_DISCONNECTED', /Not connected to a DXL broker .*connection refused/, 'connection refused');
      });

      it('DXL_SERVICE_UNAVAILABLE when no TIE service is on the fabric', async () => {
        const [flow, credentials] = requestFlow(bare, c.type, c.properties);
        await helper.load(modules, flow, credentials);
        await expectCaught(c, 'DXL_SERVICE_UNAVAILABLE', /unable to locate service/, 'no TIE service');
      });

      it('DXL_TIMEOUT when TIE does not answer', async () => {
        await tieService(() => undefined);
        const [flow, credentials] = requestFlow(bare, c.type, c.properties, { requestTimeout: 0.5 });
        await helper.load(modules, flow, credentials);
        await expectCaught(c, 'DXL_TIMEOUT', /No response to the request on \/mcafee\/service\/tie\/.* within 500 ms/, 'timeout');
      });

      it('DXL_ERROR_RESPONSE with the fabric code when TIE answers with an error', async () => {
        const client = await bare.client();
        await tieService((request) => client.sendErrorResponse(request, 0, 'Could not find reputation'));
        const [flow, credentials] = requestFlow(bare, c.type, c.properties);
        await helper.load(modules, flow, credentials);
        const msg = await expectCaught(c, 'DXL_ERROR_RESPONSE', /Could not find reputation/, 'TIE error');
        assert.equal((msg.tieError as { fabricCode: number }).fabricCode, 0);
      });

      if (c.parsesAnswer) {
        it('TIE_INVALID_RESPONSE when TIE answers with something that is not a TIE payload', async () => {
          const client = await bare.client();
          await tieService((request) => client.sendResponse(request, '<html>proxy error</html>'));
          const [flow, credentials] = requestFlow(bare, c.type, c.properties);
          await helper.load(modules, flow, credentials);
          await expectCaught(c, 'TIE_INVALID_RESPONSE', /is not JSON/, 'bad response');
        });
      }
    });
  }

  describe('batches', () => {
    async function failingForEicar(): Promise<void> {
      const client = await bare.client();
      await tieService((request) => {
        if (request.payload.toString().includes(Buffer.from(EICAR.md5, 'hex').toString('base64'))) {
          client.sendErrorResponse(request, 0, 'Could not find reputation');
        } else {
          client.sendResponse(
            request,
            JSON.stringify({ props: {}, reputations: [{ providerId: 1, trustLevel: 99, createDate: 1, attributes: {} }] }),
          );
        }
      });
    }

    it('fail mode: the first failing item by position ends the message, with its index', async () => {
      await failingForEicar();
      const [flow, credentials] = requestFlow(bare, 'tie-get-reputation', { subject: 'file' });
      await helper.load(modules, flow, credentials);
      const caught = nextMessage('caught');
      node('node').receive({ payload: [NOTEPAD.md5, EICAR.md5, NOTEPAD.sha1] });
      const msg = await caught;
      const error = caughtError(msg);
      assert.equal(error.code, 'DXL_ERROR_RESPONSE');
      assert.match(error.message, /^batch\[1\] of 3: Could not find reputation/);
      assert.equal((msg.tieError as { index: number }).index, 1);
    });

    it('report mode: every item runs, failed ones are null in msg.payload and listed in msg.errors', async () => {
      await failingForEicar();
      const [flow, credentials] = requestFlow(bare, 'tie-get-reputation', { subject: 'file', batchErrors: 'report' });
      await helper.load(modules, flow, credentials);
      const output = nextMessage('out');
      const completed = nextMessage('completed');
      node('node').receive({ payload: [NOTEPAD.md5, EICAR.md5, NOTEPAD.sha1] });
      const msg = await output;
      const payload = msg.payload as Array<Record<string, unknown> | null>;
      assert.equal(payload.length, 3);
      assert.ok(payload[0] && payload[2]);
      assert.equal(payload[1], null);
      assert.equal((msg.verdict as unknown[])[1], null);
      const errors = msg.errors as Array<{ index: number; code: string; message: string }>;
      assert.deepEqual(
        errors.map((e) => [e.index, e.code]),
        [[1, 'DXL_ERROR_RESPONSE']],
      );
      await completed;
    });
  });

  it('tie-set-external-reputation without the check: DXL_DISCONNECTED when the report cannot be published', async () => {
    const port = await freePort();
    const [flow, credentials] = requestFlow(
      bare,
      'tie-set-external-reputation',
      { checkFirst: false },
      {
        brokers: [{ host: '127.0.0.1', port }],
        requestTimeout: 0.5,
      },
    );
    await helper.load(modules, flow, credentials);
    await expectCaught(CASES[2], 'DXL_DISCONNECTED', /Not connected to a DXL broker within 500 ms/, 'connection refused');
  });
});
