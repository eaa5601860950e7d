/**
 * The connection's changes as a tie-status node sends them: one msg when it connects (to which
 * broker; a failover when it was connected to another before), one when it leaves a connection
 * (with the reason), and, before the first connection, one per new reason it cannot connect. The
 * states in between (each attempt of a reconnect) send nothing.
 */
import type { ConnectionState } from '../../src/dxl/connection-state';

export interface ConnectionChange {
  event: 'connected' | 'disconnected';
  /** `host:port` of the broker connected to, or left (or tried). */
  broker?: string;
  /** With `connected` after an earlier connection: the broker of that connection. */
  previousBroker?: string;
  /** With `connected`: true when the previous connection was to another broker. */
  failover?: boolean;
  reason?: string;
  cause?: string;
  /** ISO time of the change. */
  at: string;
}

export class ConnectionChanges {
  private connectedTo: string | undefined;
  private lastBroker: string | undefined;
  private lastFailure: string | undefined;

  /** The change `state` makes, or undefined when it is none a flow needs to hear of. */
  next(state: ConnectionState): ConnectionChange | undefined {
    const at = new Date().toISOString();
    if (state.status === 'connected') {
      const broker = state.broker ?? '';
      if (this.connectedTo === broker) return undefined;
      const previous = this.lastBroker;
      this.connectedTo = broker;
      this.lastBroker = broker;
      this.lastFailure = undefined;
      const change: ConnectionChange = { event: 'connected', broker, at };
      if (previous !== undefined) Object.assign(change, { previousBroker: previous, failover: previous !== broker });
      return change;
    }
    if (this.connectedTo !== undefined) {
      const broker = this.connectedTo;
      this.connectedTo = undefined;
      this.lastFailure = `${state.cause ?? ''}|${state.reason ?? ''}`;
      return withReason({ event: 'disconnected', broker, at }, state);
    }
    // Not connected, and any earlier connection's end already said: only a first or new failure before the first connection.
    if (this.lastBroker !== undefined || state.cause === undefined) return undefined;
    const failure = `${state.cause}|${state.reason ?? ''}`;
    if (failure === this.lastFailure) return undefined;
    this.lastFailure = failure;
    return withReason({ event: 'disconnected', ...(state.broker === undefined ? {} : { broker: state.broker }), at }, state);
  }
}

function withReason(change: ConnectionChange, state: ConnectionState): ConnectionChange {
  if (state.reason !== undefined) change.reason = state.reason;
  if (state.cause !== undefined) change.cause = state.cause;
  return change;
}
