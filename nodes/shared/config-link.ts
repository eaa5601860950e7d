/**
 * How a flow node uses its tie-config node: registers with the shared connection (which opens
 * it), follows its state, gets the TIE client for requests, and leaves on close.
 */
import { NodeErrorCode, TieNodeError, toNodeError } from '../../src/flow/errors';
import type { ConnectionState, DxlMessaging, SharedConnection, TieClient } from '../../src/flow/shared-connection';
import { userText } from '../../src/flow/text';
import type { NodeInstance, NodeRedApi } from './node-red-types';
import { type Translate, translator } from './node-text';

/** The tie-config node as other nodes see it. */
export interface TieConfigNode extends NodeInstance {
  readonly connection: SharedConnection;
}

export function isTieConfigNode(value: unknown): value is TieConfigNode {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'tie-config' &&
    typeof (value as { connection?: { register?: unknown } }).connection?.register === 'function'
  );
}

export interface ConfigLink {
  /** Undefined when the node has no usable tie-config. */
  readonly connection: SharedConnection | undefined;
  readonly state: ConnectionState | undefined;
  /** The TIE client; throws TIE_NO_CONFIG, DXL_CONFIG or DXL_CLOSED as a TieNodeError. */
  tie(): TieClient;
  /** The DXL client, for the generic DXL nodes; throws as `tie()` does. */
  dxl(): DxlMessaging;
  /** Leaves the connection (and drops this node's subscriptions). */
  release(removed: boolean): Promise<void>;
}

export function noConfigError(translate: Translate): TieNodeError {
  return new TieNodeError(NodeErrorCode.NoConfig, translate(userText('tie.error.noConfigDetail')));
}

/** Registers `node` with the tie-config `configId`; `onState` hears every connection state change. */
export function linkToConfig(
  RED: NodeRedApi,
  node: NodeInstance,
  configId: string | undefined,
  onState: (state: ConnectionState) => void,
): ConfigLink {
  const config = configId ? RED.nodes.getNode(configId) : null;
  if (!isTieConfigNode(config)) {
    const translate = translator(RED);
    return {
      connection: undefined,
      state: undefined,
      tie: () => {
        throw noConfigError(translate);
      },
      dxl: () => {
        throw noConfigError(translate);
      },
      release: () => Promise.resolve(),
    };
  }
  const connection = config.connection;
  connection.register(node.id, onState);
  return {
    connection,
    get state() {
      return connection.state;
    },
    tie: () => nodeErrors(() => connection.tie()),
    dxl: () => nodeErrors(() => connection.dxl()),
    release: (removed) => connection.deregister(node.id, removed),
  };
}

function nodeErrors<T>(get: () => T): T {
  try {
    return get();
  } catch (error) {
    throw toNodeError(error);
  }
}
