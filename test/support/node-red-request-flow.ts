/** A flow with one request node between a helper input and a helper output, plus Catch and Complete. */
import { configNodeFor, type TestFabric } from './node-red-fabric';
import { type FlowNode, catchAndComplete, onTab } from './node-red-helper';

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
