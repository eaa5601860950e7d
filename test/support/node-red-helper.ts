/**
 * node-red-node-test-helper with types, plus what the node tests share: loading our node modules
 * from dist/, reading a node's latest status, waiting, and Catch/Complete/helper wiring.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { nodeRedRuntime } from '../../scripts/node-red-runtime';
import type { SharedConnection } from '../../nodes/kit/connection';
import type { ShownStatus as NodeStatus } from '../../nodes/kit/node-red';
import { catalogueTranslate } from './catalogue';
import { eventually } from './eventually';

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  wires?: string[][];
  [property: string]: unknown;
}

export interface TestMessage {
  payload?: unknown;
  topic?: string;
  [property: string]: unknown;
}

/** A running node as the tests touch it. */
export interface RunningNode {
  id: string;
  type: string;
  receive(msg: TestMessage): void;
  on(event: 'input', listener: (msg: TestMessage) => void): void;
  status: { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  [property: string]: unknown;
}

export type NodeModule = (RED: unknown) => void;

export interface TestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(settings: Record<string, unknown>): Record<string, unknown>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  load(modules: NodeModule[], flow: FlowNode[], credentials?: Record<string, Record<string, string>>): Promise<void>;
  setFlows(flow: FlowNode[], type: 'full' | 'flows' | 'nodes', credentials?: Record<string, Record<string, string>>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): RunningNode | null;
  request(): SuperTestAgent;
  log(): { args: unknown[][] };
  _redNodes: { getFlows(): { flows: FlowNode[] } };
  /** The server startServer made; the package keeps it after stopServer. */
  _server?: object;
  credentials: { getDefinition(type: string): Record<string, { type: string }> | undefined };
}

export interface SuperTestResponse {
  status: number;
  body: unknown;
}

export interface SuperTestAgent {
  post(url: string): { send(body: unknown): Promise<SuperTestResponse> };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package ships no types; TestHelper above types what the tests use
export const helper = require('node-red-node-test-helper') as TestHelper;
const stopPackageServer = helper.stopServer.bind(helper);
// The package keeps its last server once stopped: a file whose before hook failed ahead of
// startServer would stop the previous file's server again in its after hook
// (ERR_SERVER_NOT_RUNNING), a second failure that hides the hook's own.
helper.stopServer = async () => {
  try {
    await stopPackageServer();
  } finally {
    helper._server = undefined;
  }
};
/** The Node-RED these tests run on (the version matrix picks one per major). */
export const nodeRed = nodeRedRuntime();
helper.init(nodeRed.main);

export interface CaughtError {
  code: string;
  message: string;
  source: { id: string; type: string; name?: string };
}

/**
 * The error a Catch node received, with its stable code. Node-RED 4 and later copy an error's
 * `code` into the Catch node's msg.error; Node-RED 3 copies only its message and stack. Our nodes
 * put the code in msg.tieError on every major: this reads it there and checks msg.error.code as
 * the running major sets it.
 */
export function caughtError(msg: TestMessage): CaughtError {
  const error = msg.error as Omit<CaughtError, 'code'> & { code?: string };
  const code = (msg.tieError as { code?: string } | undefined)?.code;
  assert.equal(error.code, nodeRed.major >= 4 ? code : undefined, `msg.error.code on Node-RED ${nodeRed.version}`);
  return { ...error, code: code ?? '' };
}

/** A core node module (e.g. "common/20-inject.js") of the Node-RED these tests run on. */
export function coreNode(file: string): NodeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path resolved at runtime in the Node-RED under test
  return require(require.resolve(`@node-red/nodes/core/${file}`, { paths: [nodeRed.dir] })) as NodeModule;
}

const distNodes = path.resolve(__dirname, '..', '..', 'nodes');

/**
 * Our node module `type` (e.g. "tie-config"), compiled, from dist/nodes. The test helper's RED._
 * returns keys; ours gets the texts of the node's built en-US catalogue, as Node-RED gives them.
 */
export function ourNode(type: string): NodeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled node module picked at runtime by its type
  const module = require(path.join(distNodes, type, 'node.js')) as NodeModule;
  const translate = catalogueTranslate(type);
  const counted = (...args: Parameters<typeof translate>): ReturnType<typeof translate> => {
    translations++;
    return translate(...args);
  };
  return (RED) => module(Object.assign(Object.create(RED as object) as object, { _: counted }));
}

/**
 * tie-config with an admin permission check that lets only requests carrying the header `x-allowed` through
 * (401 otherwise); each permission asked for is pushed to `permissions`.
 */
export function guardedConfigNode(permissions: string[] = []): NodeModule {
  return (RED) => {
    const red = Object.create(RED as object) as Record<string, unknown>;
    red.auth = {
      needsPermission: (permission: string) => {
        permissions.push(permission);
        return (
          request: { headers: Record<string, string> },
          response: { status(code: number): { json(body: unknown): void } },
          next: () => void,
        ) => (request.headers['x-allowed'] ? next() : response.status(401).json({ message: 'unauthorized' }));
      },
    };
    ourNode('tie-config')(red);
  };
}

let translations = 0;

/** How many texts our nodes have translated with RED._ since the process started. */
export function translationCount(): number {
  return translations;
}

export const ALL_TYPES = [
  'tie-config',
  'tie-get-reputation',
  'tie-set-external-reputation',
  'tie-set-reputation',
  'tie-first-references',
  'tie-reputation-change',
  'tie-detection',
  'tie-first-instance',
  'tie-dxl-request',
  'tie-dxl-event-in',
  'tie-dxl-event-out',
  'tie-dxl-service',
  'tie-dxl-response',
  'tie-status',
] as const;

export function allOurNodes(): NodeModule[] {
  return ALL_TYPES.map(ourNode);
}

export function node(id: string): RunningNode {
  const found = helper.getNode(id);
  if (found === null) throw new Error(`node ${id} is not running`);
  return found;
}

/**
 * A status as the editor shows it in en-US: a status text that is a key of the node's catalogue
 * is looked up there, as the editor does (Node-RED's own "node-red:…" keys stay as they are).
 */
function asShown(running: RunningNode, status: NodeStatus): NodeStatus {
  if (status.text === undefined || !(ALL_TYPES as readonly string[]).includes(running.type)) return status;
  return { ...status, text: catalogueTranslate(running.type)(status.text) };
}

/** Every status `running` set, oldest first, from the helper's spy on Node.prototype.status. */
export function statusHistory(running: RunningNode): NodeStatus[] {
  return running.status
    .getCalls()
    .filter((call) => call.thisValue === running)
    .map((call) => asShown(running, call.args[0] as NodeStatus));
}

/** The shared connection of a running tie-config node. */
export function connectionOf(id = 'config'): SharedConnection {
  return (node(id) as unknown as { connection: SharedConnection }).connection;
}

/** The latest status `running` set. */
export function lastStatus(running: RunningNode): NodeStatus | undefined {
  return statusHistory(running).at(-1);
}

export async function statusBecomes(running: RunningNode, expected: Partial<NodeStatus>, timeoutMs = 5000): Promise<void> {
  const matches = (): boolean => {
    const status = lastStatus(running);
    return status !== undefined && Object.entries(expected).every(([key, value]) => status[key as keyof NodeStatus] === value);
  };
  await eventually(
    matches,
    () => `${running.id} status ${JSON.stringify(expected)}; last ${JSON.stringify(lastStatus(running))}`,
    timeoutMs,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages arriving at a helper node, collected. */
export function collect(id: string): TestMessage[] {
  const messages: TestMessage[] = [];
  node(id).on('input', (msg) => messages.push(msg));
  return messages;
}

/** The next message at a helper node. */
export function nextMessage(id: string, timeoutMs = 5000): Promise<TestMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${id} within ${timeoutMs} ms`)), timeoutMs);
    node(id).on('input', (msg) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

export const TAB = 'tab1';

/**
 * Puts flow nodes on the test tab: Node-RED treats a node with `z` but no position as a config
 * node, so each gets `z`, `x` and `y`.
 */
export function onTab(nodes: FlowNode[]): FlowNode[] {
  return nodes.map((n) => (n.type === 'tab' || n.type === 'tie-config' ? n : { x: 100, y: 100, z: TAB, ...n }));
}

/** A tab, a Catch node (→ helper "caught") and a Complete node for `scope` (→ helper "completed"). */
export function catchAndComplete(scope: string[]): FlowNode[] {
  return onTab([
    { id: TAB, type: 'tab', label: 'TIE tests' },
    { id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
    { id: 'complete', type: 'complete', scope, uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper' },
  ]);
}
