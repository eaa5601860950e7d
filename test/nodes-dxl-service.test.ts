/**
 * tie-dxl-service → function → tie-dxl-response answering the official @opendxl/dxl-client, on the
 * embedded fabric and on Mosquitto: answers, error responses, the flow's timeout, careless
 * answers, and exactly one answer per request across redeploys.
 */
import assert from 'node:assert/strict';
import { DxlErrorCode, FabricErrorCode } from '../src/dxl/errors';
import { DEFAULT_ERROR_RESPONSE_CODE } from '../nodes/kit/settings';
import { type DxlBackend, connected, onEachBroker } from './support/dxl-backends';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  coreNode,
  helper,
  onTab,
  ourNode,
  sleep,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { type OfficialClient, type OfficialRequestError, officialRequest, payloadText } from './support/official-client';

const modules = [ourNode('tie-config'), ourNode('tie-dxl-service'), ourNode('tie-dxl-response'), coreNode('function/10-function.js')];

/** Routes each request by its topic: answer, error answer, or none (and the careless cases). */
const ROUTE = `
switch (msg.topic) {
  case '/t/svc/echo': msg.payload = { echo: msg.payload, topic: msg.topic }; return [msg, null];
  case '/t/svc/fail': msg.errorCode = 4242; msg.payload = 'no such thing: ' + msg.payload.name; return [null, msg];
  case '/t/svc/twice': return [[msg, msg], null];
  case '/t/svc/nokey': delete msg._dxlRequest; return [msg, null];
  case '/t/svc/badcode': msg.errorCode = 'abc'; return [null, msg];
  case '/t/svc/refuse': msg.payload = 'refused'; return [null, null, msg];
  default: return null;
}`;

function serviceFlow(
  backend: DxlBackend,
  generation = 0,
  withService = true,
  settings: Record<string, unknown> = {},
): [FlowNode[], Record<string, Record<string, string>>] {
  const [config, credentials] = backend.configNode();
  const service: FlowNode = {
    id: 'svc',
    type: 'tie-dxl-service',
    name: `svc ${generation}`,
    connection: 'config',
    serviceType: '/t/svc',
    topics: '/t/svc/echo, /t/svc/fail\n/t/svc/silent,/t/svc/twice,/t/svc/nokey,/t/svc/badcode,/t/svc/refuse',
    format: 'json',
    timeout: 1,
    wires: [['route', 'seen']],
    ...settings,
  };
  return [
    [
      ...catchAndComplete([]),
      config,
      ...onTab([
        ...(withService ? [service] : []),
        { id: 'seen', type: 'helper' },
        { id: 'route', type: 'function', func: ROUTE, outputs: 3, wires: [['answer'], ['answer-error'], ['answer-refuse']] },
        { id: 'answer', type: 'tie-dxl-response', name: `answer ${generation}` },
        { id: 'answer-error', type: 'tie-dxl-response', respond: 'error', errorCode: 'errorCode', errorCodeType: 'msg' },
        // As the flow JSON of a node whose error code was never touched: the editor's default code.
        { id: 'answer-refuse', type: 'tie-dxl-response', respond: 'error' },
      ]),
    ],
    credentials,
  ];
}

function rejection(request: Promise<unknown>): Promise<OfficialRequestError> {
  return request.then(
    () => assert.fail('the request was answered'),
    (error: OfficialRequestError) => error,
  );
}

onEachBroker('tie-dxl-service and tie-dxl-response', (current) => {
  let official: OfficialClient;

  /** Loads the flow and waits until the service answers (a probe of our own client). */
  async function load(settings: Record<string, unknown> = {}): Promise<void> {
    const [flow, credentials] = serviceFlow(current(), 0, true, settings);
    await helper.load(modules, flow, credentials);
    await connected();
    await served();
    official = await current().official();
  }

  async function served(): Promise<void> {
    const probe = await current().probe();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answered = await probe.request('/t/svc/echo', '"probe"', { timeoutMs: 300 }).then(
        () => true,
        () => false,
      );
      if (answered) return;
      if (Date.now() > deadline) throw new Error('the service never answered');
      await sleep(50);
    }
  }

  it('answers the official client with the flow’s JSON, with the request as msg.topic, payload and msg.dxl', async () => {
    await load();
    const seen = collect('seen');
    const response = await officialRequest(official, '/t/svc/echo', '{"n":1,"s":"ä"}');
    assert.deepEqual(JSON.parse(payloadText(response)), { echo: { n: 1, s: 'ä' }, topic: '/t/svc/echo' });
    assert.equal(seen.length, 1);
    const dxl = seen[0].dxl as { messageId: string; sourceClientId: string };
    assert.match(dxl.messageId, /^\{[0-9a-f-]{36}\}$/);
    assert.equal(typeof dxl.sourceClientId, 'string');
    assert.match(String(seen[0]._dxlRequest), /^dxl-request:/);
  });

  it('sends an error response with the flow’s code and message', async () => {
    await load();
    const error = await rejection(officialRequest(official, '/t/svc/fail', '{"name":"x.exe"}'));
    assert.equal(error.dxlErrorResponse.errorCode, 4242);
    assert.equal(error.dxlErrorResponse.errorMessage, 'no such thing: x.exe');
  });

  it("an error response without a code setting carries DEFAULT_ERROR_RESPONSE_CODE, the editor's default", async () => {
    await load();
    const error = await rejection(officialRequest(official, '/t/svc/refuse', '{}'));
    assert.equal(error.dxlErrorResponse.errorCode, DEFAULT_ERROR_RESPONSE_CODE);
    assert.equal(error.dxlErrorResponse.errorMessage, 'refused');
  });

  it('answers a request its flow leaves unanswered with a timeout error response within the service timeout', async () => {
    await load();
    const started = Date.now();
    const error = await rejection(officialRequest(official, '/t/svc/silent', '{}'));
    const elapsed = Date.now() - started;
    assert.equal(error.dxlErrorResponse.errorCode >>> 0, FabricErrorCode.ResponseTimeout);
    assert.match(error.dxlErrorResponse.errorMessage, /did not answer within 1 s/);
    assert.ok(elapsed >= 900 && elapsed < 2500, `answered after ${elapsed} ms`);
  });

  it('refuses a request beyond its "Waiting at most" as overloaded at once, and answers those within it', async () => {
    await load({ maxPending: 2, timeout: 2 });
    const seen = collect('seen');
    const started = Date.now();
    const waiting = [1, 2].map(() => rejection(officialRequest(official, '/t/svc/silent', '{}')));
    // Both held by the flow, which leaves them unanswered.
    await eventually(
      () => seen.length === 2,
      () => `both requests in the flow (${seen.length} seen)`,
    );
    const refused = await rejection(officialRequest(official, '/t/svc/silent', '{}'));
    assert.equal(refused.dxlErrorResponse.errorCode >>> 0, FabricErrorCode.ServiceOverloaded);
    assert.ok(Date.now() - started < 1500, "refused before the flow's time to answer ran out");
    for (const error of await Promise.all(waiting)) assert.equal(error.dxlErrorResponse.errorCode >>> 0, FabricErrorCode.ResponseTimeout);
  });

  it('refuses a request that is not JSON with an error response and one DXL_MALFORMED at Catch', async () => {
    await load();
    const caught = collect('caught');
    const seen = collect('seen');
    const error = await rejection(officialRequest(official, '/t/svc/echo', 'not json'));
    assert.match(error.dxlErrorResponse.errorMessage, /not JSON/);
    await eventually(() => caught.length === 1, 'the Catch node');
    assert.equal(caughtError(caught[0]).code, DxlErrorCode.Malformed);
    assert.equal(seen.length, 0);
  });

  describe('careless answers, each ending in one done', () => {
    async function oneCaught(topic: string): Promise<{ caught: TestMessage; error: OfficialRequestError | undefined }> {
      await load();
      const caught = collect('caught');
      const outcome = officialRequest(official, topic, '{"name":"x"}').then(
        () => undefined,
        (error: OfficialRequestError) => error,
      );
      await eventually(() => caught.length >= 1, 'the Catch node');
      const error = await outcome;
      await sleep(100);
      assert.equal(caught.length, 1, `${caught.length} messages at Catch`);
      return { caught: caught[0], error };
    }

    it('a msg without msg._dxlRequest: DXL_NO_REQUEST (the request then times out)', async () => {
      const { caught, error } = await oneCaught('/t/svc/nokey');
      assert.equal(caughtError(caught).code, 'DXL_NO_REQUEST');
      assert.equal(caught._dxlRequest, undefined);
      assert.equal((error?.dxlErrorResponse.errorCode ?? 0) >>> 0, FabricErrorCode.ResponseTimeout);
    });

    it('answering twice: the first answer goes out, the second is DXL_REQUEST_GONE', async () => {
      const { caught, error } = await oneCaught('/t/svc/twice');
      assert.equal(error, undefined, 'the official client got the first answer');
      assert.equal(caughtError(caught).code, 'DXL_REQUEST_GONE');
    });

    it('error code "abc": DXL_INVALID_PAYLOAD (the request then times out)', async () => {
      const { caught, error } = await oneCaught('/t/svc/badcode');
      assert.equal(caughtError(caught).code, 'DXL_INVALID_PAYLOAD');
      assert.match(caughtError(caught).message, /"abc"/);
      assert.equal((error?.dxlErrorResponse.errorCode ?? 0) >>> 0, FabricErrorCode.ResponseTimeout);
    });
  });

  it('answers each request once after partial and full redeploys, and not at all once removed', async function () {
    this.timeout(40_000);
    let generation = 0;
    await load();
    const backend = current();
    const once = async (): Promise<void> => {
      await served();
      const seen = collect('seen');
      const response = await officialRequest(official, '/t/svc/echo', `{"g":${generation}}`);
      assert.deepEqual((JSON.parse(payloadText(response)) as { echo: unknown }).echo, { g: generation });
      await sleep(200);
      assert.equal(seen.length, 1, `generation ${generation}: the flow saw ${seen.length} requests`);
      if (backend.hasRegistry) assert.equal(await registered(official), 1, 'one registration of /t/svc');
    };
    for (const type of ['nodes', 'nodes', 'full', 'full'] as const) {
      const [flow, credentials] = serviceFlow(backend, ++generation);
      await helper.setFlows(flow, type, credentials);
      await once();
    }

    const [without, credentials] = serviceFlow(backend, generation, false);
    await helper.setFlows(without, 'nodes', credentials);
    if (backend.hasRegistry) {
      for (const deadline = Date.now() + 5000; (await registered(official)) !== 0; await sleep(50)) {
        if (Date.now() > deadline) assert.fail('the registration stayed');
      }
      const error = await rejection(officialRequest(official, '/t/svc/echo', '{}'));
      assert.equal(error.dxlErrorResponse.errorCode >>> 0, FabricErrorCode.ServiceUnavailable);
    } else {
      const probe = await backend.probe();
      await assert.rejects(probe.request('/t/svc/echo', '{}', { timeoutMs: 500 }), { code: DxlErrorCode.Timeout });
    }
  });

  /** How many services of type /t/svc the fabric's registry holds. */
  async function registered(client: OfficialClient): Promise<number> {
    const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{"serviceType":"/t/svc"}');
    const services = (JSON.parse(payloadText(response)) as { services: Record<string, { serviceType: string }> }).services;
    return Object.values(services).filter((service) => service.serviceType === '/t/svc').length;
  }
});
