/**
 * Node status objects ({fill, shape, text}) from the shared connection's state and a node's own
 * activity. Texts are message-catalogue keys with their parameters (the three common states are
 * Node-RED's own keys); nodes/shared/node-text.ts makes them what node.status shows. The full
 * reason of a failure goes to the log, not here.
 */
import { CLIENT_CERT_EXPIRED, CLIENT_CERT_NOT_YET_VALID } from '../dxl/client-certificate';
import { BROKER_CLOSED, CONNECTION_CAUSE_KINDS, type ConnectionState, connectionCauseKind } from '../dxl/connection-state';
import { type ServiceKind, errorStatusLabel } from './errors';
import { type UserText, userText } from './text';

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: UserText;
}

export const StatusText = {
  connected: userText('node-red:common.status.connected'),
  connecting: userText('node-red:common.status.connecting'),
  disconnected: userText('node-red:common.status.disconnected'),
} as const;

/** The cause a SharedConnection gives when the config node's settings cannot make a client. */
export const CONFIG_ERROR_CAUSE = 'CONFIG';

/** Causes of the layers above the DXL connection's own (src/dxl/connection-state.ts names those). */
const OUR_CAUSES: Readonly<Record<string, string>> = {
  [CONFIG_ERROR_CAUSE]: 'configError',
  [CLIENT_CERT_EXPIRED]: 'clientCertExpired',
  [CLIENT_CERT_NOT_YET_VALID]: 'clientCertNotYetValid',
  CLOSED: 'lost',
  CONFIG_FILE_CHANGED: 'configFileChanged',
};

/** A few words for a connection failure's cause (an OpenSSL/Node code or one of ours). */
export function shortCause(cause: string | undefined): UserText {
  if (cause === undefined) return StatusText.disconnected;
  const known = Object.hasOwn(OUR_CAUSES, cause) ? OUR_CAUSES[cause] : connectionCauseKind(cause);
  if (known !== undefined) return userText(`tie.cause.${known}`);
  if (cause.startsWith('ERR_SSL') || cause.startsWith('ERR_TLS')) return userText('tie.cause.tlsError');
  return userText('tie.cause.cannotConnect');
}

/** Every key shortCause can give (for the catalogue test). */
export const CAUSE_KEYS: readonly string[] = [
  ...new Set([...Object.values(OUR_CAUSES), ...CONNECTION_CAUSE_KINDS, 'tlsError', 'cannotConnect'].map((name) => `tie.cause.${name}`)),
];

function isSetupProblem(state: ConnectionState): boolean {
  const cause = state.cause ?? '';
  return cause === CONFIG_ERROR_CAUSE || cause === BROKER_CLOSED || /^(ERR_|CERT_|UNABLE_|SELF_|DEPTH_|CLIENT_CERT_)/.test(cause);
}

/** The status every node shows for the shared connection; `undefined` means no connection at all yet. */
export function connectionStatus(state: ConnectionState | undefined): NodeStatus {
  if (state === undefined || state.status === 'idle') return { fill: 'grey', shape: 'ring', text: userText('tie.status.idle') };
  switch (state.status) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text: StatusText.connected };
    case 'connecting':
    case 'reconnecting':
      if (state.cause !== undefined) {
        // A failed attempt: red when the setup is wrong (TLS, config), yellow when the network may come back.
        return { fill: isSetupProblem(state) ? 'red' : 'yellow', shape: 'ring', text: shortCause(state.cause) };
      }
      return {
        fill: 'yellow',
        shape: 'ring',
        text: state.broker ? userText('tie.status.connectingTo', { broker: state.broker }) : StatusText.connecting,
      };
    case 'closed':
      if (state.cause === CONFIG_ERROR_CAUSE) return { fill: 'red', shape: 'ring', text: shortCause(state.cause) };
      return { fill: 'red', shape: 'ring', text: StatusText.disconnected };
  }
}

export const NO_CONFIG_STATUS: NodeStatus = { fill: 'red', shape: 'ring', text: userText('tie.status.noConfig') };

/** What a request node is doing, folded into its status while connected. */
export class RequestActivity {
  private readonly kind: ServiceKind;
  private inFlight = 0;
  private batch: { settled: number; total: number } | undefined;
  private lastError: string | undefined;
  private lastNote: UserText | undefined;

  constructor(kind: ServiceKind = 'tie') {
    this.kind = kind;
  }

  started(): void {
    this.inFlight++;
  }

  progress(settled: number, total: number): void {
    this.batch = { settled, total };
  }

  /** A message ended; `sent` is false when it was refused before anything was sent (it never started). */
  finished(outcome: { errorCode?: string; note?: UserText }, sent = true): void {
    if (sent) this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) this.batch = undefined;
    this.lastError = outcome.errorCode;
    this.lastNote = outcome.errorCode === undefined ? outcome.note : undefined;
  }

  status(connection: ConnectionState | undefined): NodeStatus {
    const base = connectionStatus(connection);
    if (this.inFlight > 0) {
      const params: Record<string, number> = this.batch
        ? { settled: this.batch.settled, total: this.batch.total }
        : { count: this.inFlight };
      const activity = this.batch ? 'batch' : 'requesting';
      if (connection?.status === 'connected') return { fill: 'blue', shape: 'dot', text: userText(`tie.status.${activity}`, params) };
      // Not connected: why (a failed attempt's cause) rather than that it waits, when there is a why.
      return connection?.cause === undefined ? { ...base, text: userText(`tie.status.${activity}Waiting`, params) } : base;
    }
    if (connection?.status !== 'connected') return base;
    if (this.lastError !== undefined) return { fill: 'red', shape: 'dot', text: errorStatusLabel(this.lastError, this.kind) };
    if (this.lastNote !== undefined) return { fill: 'green', shape: 'ring', text: this.lastNote };
    return base;
  }
}

/** What an event node has received, folded into its status while connected. */
export class EventActivity {
  /** What the node counts in its status: events, or requests (a dxl service). */
  private readonly counted: 'event' | 'request';
  private subscribed = false;
  private count = 0;
  private failure: string | undefined;

  constructor(counted: 'event' | 'request' = 'event') {
    this.counted = counted;
  }

  subscribing(): void {
    this.subscribed = false;
    this.failure = undefined;
  }

  subscribedNow(): void {
    this.subscribed = true;
  }

  failed(code: string): void {
    this.failure = code;
  }

  received(): void {
    this.count++;
  }

  status(connection: ConnectionState | undefined): NodeStatus {
    if (this.failure !== undefined) return { fill: 'red', shape: 'ring', text: errorStatusLabel(this.failure) };
    const base = connectionStatus(connection);
    if (connection?.status !== 'connected') return base;
    if (!this.subscribed) return { fill: 'yellow', shape: 'dot', text: userText('tie.status.subscribing') };
    if (this.count === 0) return base;
    return {
      fill: 'green',
      shape: 'dot',
      text: userText(`tie.status.${this.counted}${this.count === 1 ? '' : 's'}`, { count: this.count }),
    };
  }
}

/** What a dxl response node has answered, for its status once it has had a message. */
export class AnswerActivity {
  private count = 0;
  private lastError: string | undefined;

  answered(): void {
    this.count++;
    this.lastError = undefined;
  }

  failed(code: string): void {
    this.lastError = code;
  }

  status(): NodeStatus {
    if (this.lastError !== undefined) return { fill: 'red', shape: 'ring', text: errorStatusLabel(this.lastError, 'dxl') };
    return {
      fill: 'green',
      shape: 'dot',
      text: userText(this.count === 1 ? 'tie.status.answer' : 'tie.status.answers', { count: this.count }),
    };
  }
}
