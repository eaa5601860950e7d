/**
 * The part of Node-RED's runtime API these nodes use, typed by hand (there are no maintained
 * typings for Node-RED 4's runtime). Only what is used is declared.
 */
/** A status as node.status shows it. */
export interface ShownStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  [property: string]: unknown;
}

export type SendFunction = (msg: NodeMessage | Array<NodeMessage | null> | null) => void;
export type DoneFunction = (error?: Error) => void;

/** The properties every node definition (from the flow JSON) has. */
export interface NodeDefinition {
  id: string;
  type: string;
  name?: string;
  z?: string;
  /** The node's properties, read by their declarations (nodes/kit/properties.ts). */
  readonly [property: string]: unknown;
}

/** A running node, as `RED.nodes.createNode` makes it. */
export interface NodeInstance {
  readonly id: string;
  readonly type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  status(status: ShownStatus): void;
  send(msg: NodeMessage | Array<NodeMessage | null> | null): void;
  /** With a msg, Catch nodes receive the error. */
  error(error: string | Error, msg?: NodeMessage): void;
  warn(message: string): void;
  log(message: string): void;
  debug(message: string): void;
  /**
   * Node-RED's internal flow of the node (Node-RED 1 to 4): `handleError` gives an error and msg to
   * the flow's Catch nodes and says whether one took it, which node.error does before logging.
   */
  readonly _flow?: { handleError?(node: NodeInstance, error: Error, msg: NodeMessage): unknown };
}

export type NodeConstructor<D extends NodeDefinition> = (this: NodeInstance, definition: D) => void;

export interface CredentialDefinition {
  type: 'text' | 'password';
}

export interface RegisterOptions {
  credentials?: Record<string, CredentialDefinition>;
  settings?: Record<string, { value: unknown; exportable?: boolean }>;
}

export interface AdminRequest {
  body?: unknown;
  params?: Record<string, string | undefined>;
}

export interface AdminResponse {
  status(code: number): AdminResponse;
  json(body: unknown): void;
}

export type AdminHandler = (request: AdminRequest, response: AdminResponse, next: (error?: unknown) => void) => void;

export type PropertyCallback = (error: Error | null, value?: unknown) => void;

export interface NodeRedApi {
  /** The message catalogue of the calling node set (keys without a namespace are looked up in it). */
  _(key: string, params?: Readonly<Record<string, string | number>>): string;
  nodes: {
    createNode(node: NodeInstance, definition: NodeDefinition): void;
    registerType<D extends NodeDefinition>(type: string, constructor: NodeConstructor<D>, options?: RegisterOptions): void;
    getNode(id: string): unknown;
    /** Visits the definition of every deployed node. */
    eachNode(visit: (definition: NodeDefinition & Record<string, unknown>) => void): void;
  };
  util: {
    evaluateNodeProperty(value: unknown, type: string, node: NodeInstance, msg: NodeMessage, callback: PropertyCallback): void;
  };
  settings: Record<string, unknown>;
  httpAdmin: {
    post(path: string, ...handlers: AdminHandler[]): void;
    get(path: string, ...handlers: AdminHandler[]): void;
  };
  auth: {
    needsPermission(permission: string): AdminHandler;
  };
  events: {
    on(event: string, listener: (...args: unknown[]) => void): void;
    removeListener(event: string, listener: (...args: unknown[]) => void): void;
  };
}
