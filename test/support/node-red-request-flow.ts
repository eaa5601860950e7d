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
    [
      ...catchAndComplete(['node']),
      configNode,
      ...onTab([
        { id: 'node', type, connection: 'config', input: 'payload', inputType: 'msg', wires: [['out']], ...properties },
        { id: 'out', type: 'helper' },
      ]),
    ],
    credentials,
  ];
}
