/** A flow with one request node between a helper input and a helper output, plus Catch and Complete. */
import { configNodeFor, type TestFabric, startTestFabric } from './node-red-fabric';
import { type FlowNode, catchAndComplete, helper, onTab, ourNode } from './node-red-helper';

export type Credentials = Record<string, Record<string, string>>;

/** Node id "node" (wired to helper "out"), config "config", Catch → "caught", Complete → "completed". */
export function requestFlow(
  test: TestFabric,
  type: string,
  properties: Record<string, unknown> = {},
  config: Record<string, unknown> = {},
): [FlowNode[], Credentials] {
  const [configNode, credentials] = configNodeFor(test, 'config', config);
  return [
    [...catchAndComplete(['node']), configNode, ...onTab([requestNode(type, properties), { id: 'out', type: 'helper' }])],
    credentials,
  ];
}

/** A request node reading msg.payload and wired to helper "out"; id "node" and tie-config "config" unless given. */
export function requestNode(type: string, properties: Record<string, unknown> = {}, id = 'node', connection = 'config'): FlowNode {
  return { id, type, connection, input: 'payload', inputType: 'msg', wires: [['out']], ...properties };
}

/** The lookup of the tests' flows: a tie-get-reputation node "get" for files, msg.payload in, helper "out". */
export function lookupNode(properties: Record<string, unknown> = {}, connection = 'config'): FlowNode {
  return requestNode('tie-get-reputation', { subject: 'file', ...properties }, 'get', connection);
}

/** A request node's suite: its fabric, and a deploy of its request flow with the node's properties. */
export interface RequestNodeSuite {
  /** The suite's test fabric (started before its tests). */
  fabric: () => TestFabric;
  /** Deploys `requestFlow` for the node with the suite's defaults and `properties`. */
  load: (properties?: Record<string, unknown>) => Promise<void>;
}

/**
 * Hooks for a request node's suite (call inside its describe): a test fabric and Node-RED's test server
 * started before its tests and stopped after, the flow unloaded after each test.
 */
export function requestNodeSuite(type: string, defaults: Record<string, unknown> = {}): RequestNodeSuite {
  const modules = [ourNode('tie-config'), ourNode(type)];
  let started: TestFabric | undefined;
  before(async () => {
    started = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await started?.close();
  });
  afterEach(() => helper.unload());
  const fabric = (): TestFabric => {
    if (started === undefined) throw new Error(`the ${type} suite's fabric did not start`);
    return started;
  };
  return {
    fabric,
    load: async (properties = {}) => {
      const [flow, credentials] = requestFlow(fabric(), type, { ...defaults, ...properties });
      await helper.load(modules, flow, credentials);
    },
  };
}
