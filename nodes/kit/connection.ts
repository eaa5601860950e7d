/**
 * One DXL connection shared by the flow nodes of a config node (the pattern of Node-RED's MQTT
 * broker node): it opens when the first node registers, tells every registered node about each
 * state change, holds each node's event subscriptions, and closes (bounded in time) when the last
 * node is removed — or shortly after the last one leaves for a restart and none comes back.
 * A flow node reaches it through `linkToConfig`.
 */
import type { DxlMessaging, Unsubscribe } from '../../src/dxl/api';
import type { DxlClient } from '../../src/dxl/client';
import type { ConnectionState } from '../../src/dxl/connection-state';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import { TieClient, type TieClientOptions } from '../../src/tie/client';
import { type TieConfigDiagnostics, configDiagnostics } from './diagnostics';
import { NodeErrorCode, TieNodeError } from './errors';
import type { NodeInstance, NodeRedApi } from './node-red';
import {
  CONFIG_ERROR_CAUSE,
  NO_CONFIG_STATUS,
  type NodeStatus,
  type StatusDisplay,
  type Translate,
  statusDisplay,
  translator,
} from './status';
import { SubscriptionRegistry } from './subscriptions';
import { userText } from './text';

/** The clients of one open connection: TIE's, and the DXL client under it. */
export interface ConnectionClients {
  tie: TieClient;
  dxl: DxlMessaging;
}

export type StateListener = (state: ConnectionState) => void;

export interface SharedConnectionOptions {
  /** Makes a new, unstarted client; throws DxlError DXL_CONFIG when the settings are wrong. */
  createClient: () => DxlClient;
  tieOptions?: TieClientOptions;
  /** How long a connection without users stays open when its last user left only to restart. Default 1000 ms. */
  lingerMs?: number;
  /** Upper bound of a close. Default 1500 ms. */
  closeTimeoutMs?: number;
  /** Every state change, for the config node's log. */
  onStateChange?: StateListener;
}

interface Connection {
  client: DxlClient;
  tie: TieClient;
  stopListening: () => void;
}

/** A subscription asked for while the settings could make no client: made once they can. */
interface WaitingSubscription {
  ownerId: string;
  subscribe: (clients: ConnectionClients) => Promise<Unsubscribe>;
  settle: (error?: Error) => void;
}

export class SharedConnection {
  private readonly options: SharedConnectionOptions;
  private readonly users = new Map<string, StateListener>();
  private readonly subscriptions = new SubscriptionRegistry();
  private waiting: WaitingSubscription[] = [];
  private connection: Connection | undefined;
  private configError: DxlError | undefined;
  private current: ConnectionState = { status: 'idle' };
  private lingerTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: SharedConnectionOptions) {
    this.options = options;
  }

  get state(): ConnectionState {
    return this.current;
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Where the connection and its traffic stand; only the state while no connection is open. */
  diagnostics(): TieConfigDiagnostics {
    return configDiagnostics(this.current, this.users.size, this.connection);
  }

  /** Event subscriptions held, for one node or all. */
  subscriptionCount(ownerId?: string): number {
    return this.subscriptions.count(ownerId);
  }

  /** Adds a node: opens the connection if needed and tells it the current state at once. */
  register(id: string, onState: StateListener): void {
    this.cancelLinger();
    this.users.set(id, onState);
    try {
      this.open();
    } catch {
      // The state now says why (config error, closed); requests will say it again.
    }
    safely(onState, this.current);
  }

  /**
   * Removes a node and its subscriptions. The connection closes when no node is left: at once
   * when this one was removed from the flows, after the linger time when it is only restarting.
   */
  async deregister(id: string, removed: boolean): Promise<void> {
    if (!this.users.delete(id)) return;
    this.stopWaiting((entry) => entry.ownerId === id);
    await this.subscriptions.removeAll(id);
    if (this.users.size > 0 || this.closed) return;
    if (removed) await this.disconnect();
    else this.scheduleLinger();
  }

  /** The TIE client of the open connection; throws DXL_CONFIG or DXL_CLOSED when there can be none. */
  tie(): TieClient {
    const connection = this.open();
    return connection.tie;
  }

  /** The DXL client of the open connection, for the generic DXL nodes; throws as `tie()` does. */
  dxl(): DxlMessaging {
    return this.open().client;
  }

  /**
   * Holds a subscription (or a service registration) `ownerId` makes through the TIE or the DXL
   * client (`subscribe` makes it); undone by `deregister(ownerId)`.
   */
  async holdSubscription(
    ownerId: string,
    subscribe: (clients: ConnectionClients) => Promise<Unsubscribe>,
    onWaiting?: (error: DxlError) => void,
  ): Promise<void> {
    let clients: ConnectionClients;
    try {
      const { client, tie } = this.open();
      clients = { tie, dxl: client };
    } catch (error) {
      // Settings that cannot make a client yet (a followed file not there yet): the subscription
      // is made when `retry` can make one; `onWaiting` hears why it waits.
      if (!(error instanceof DxlError && error.code === DxlErrorCode.Config) || onWaiting === undefined) throw error;
      onWaiting(error);
      return new Promise<void>((resolve, reject) => {
        this.waiting.push({ ownerId, subscribe, settle: (failure) => (failure === undefined ? resolve() : reject(failure)) });
      });
    }
    await this.subscriptions.add(ownerId, () => subscribe(clients));
  }

  /**
   * The settings may make a client now (a followed dxlclient.config appeared or was fixed): when the
   * last attempt failed on them and nodes use the connection, it opens, and the subscriptions
   * waiting for it are made; when they still cannot, the state says why now.
   */
  retry(): void {
    if (this.closed || this.connection !== undefined || this.configError === undefined || this.users.size === 0) return;
    try {
      this.open();
    } catch {
      // The state says why.
    }
  }

  /** Closes for good (the config node is stopping), within the close timeout. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelLinger();
    this.stopWaiting(() => true);
    await this.disconnect();
    this.users.clear();
  }

  // ---- internals ----

  private open(): Connection {
    if (this.closed) throw new DxlError(DxlErrorCode.Closed, 'The TIE connection is closed (its tie-config node stopped)');
    if (this.connection !== undefined) return this.connection;
    let client: DxlClient;
    try {
      client = this.options.createClient();
    } catch (error) {
      this.configError =
        error instanceof DxlError ? error : new DxlError(DxlErrorCode.Config, error instanceof Error ? error.message : String(error));
      this.setState({ status: 'closed', reason: this.configError.message, cause: CONFIG_ERROR_CAUSE });
      throw this.configError;
    }
    this.configError = undefined;
    const stopListening = client.onStateChange((state) => {
      if (this.connection?.client === client) this.setState(state);
    });
    const connection: Connection = { client, tie: new TieClient(client, this.options.tieOptions ?? {}), stopListening };
    this.connection = connection;
    client.connect().catch(() => undefined); // connection failures arrive as states; close rejects this
    this.setState(client.connectionState);
    this.makeWaiting({ tie: connection.tie, dxl: client });
    return connection;
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) return;
    this.connection = undefined;
    this.subscriptions.clear();
    connection.stopListening();
    this.setState({ status: 'closed', reason: 'closed' });
    const timeoutMs = this.options.closeTimeoutMs ?? 1500;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([connection.tie.close(), connection.client.close()]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Makes the subscriptions that waited for a client. */
  private makeWaiting(clients: ConnectionClients): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const entry of waiting) {
      this.subscriptions
        .add(entry.ownerId, () => entry.subscribe(clients))
        .then(
          () => entry.settle(),
          (error: unknown) => entry.settle(error instanceof Error ? error : new Error(String(error))),
        );
    }
  }

  /** Drops the waiting subscriptions `which` picks: their nodes left, nothing is made for them. */
  private stopWaiting(which: (entry: WaitingSubscription) => boolean): void {
    const dropped = this.waiting.filter(which);
    if (dropped.length === 0) return;
    this.waiting = this.waiting.filter((entry) => !which(entry));
    for (const entry of dropped) entry.settle();
  }

  private scheduleLinger(): void {
    this.cancelLinger();
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.users.size === 0) void this.disconnect();
    }, this.options.lingerMs ?? 1000);
    this.lingerTimer.unref();
  }

  private cancelLinger(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    if (this.options.onStateChange) safely(this.options.onStateChange, state);
    for (const listener of [...this.users.values()]) safely(listener, state);
  }
}

function safely(listener: StateListener, state: ConnectionState): void {
  try {
    listener(state);
  } catch {
    // A node's status update must not break the others'.
  }
}

// ---- a flow node's link to its tie-config ----

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
  /** The TIE client; throws TIE_NO_CONFIG, DXL_CONFIG or DXL_CLOSED. */
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
    tie: () => connection.tie(),
    dxl: () => connection.dxl(),
    release: (removed) => connection.deregister(node.id, removed),
  };
}

/**
 * Links `node` to its tie-config with a status display: `status` makes the node's status from the
 * connection's state ("no config" when it has none), shown when the connection's state or the
 * node's activity changes (`display.changed()`). The node leaves the connection when it closes.
 */
export function linkWithStatus(
  RED: NodeRedApi,
  node: NodeInstance,
  configId: string | undefined,
  status: (state: ConnectionState | undefined) => NodeStatus,
): { link: ConfigLink; display: StatusDisplay } {
  let made = false;
  const display = statusDisplay(RED, node, () => (link.connection ? status(link.state) : NO_CONFIG_STATUS));
  // The link tells the connection's first state while it is being made: shown once it is made.
  const link = linkToConfig(RED, node, configId, () => {
    if (made) display.changed();
  });
  made = true;
  display.changed();
  node.on('close', (removed, done) => {
    link.release(removed).then(
      () => done(),
      () => done(),
    );
  });
  return { link, display };
}
