/**
 * Node statuses: what a node shows, from the shared connection's state and the node's own activity,
 * and the display that computes and translates a status only when it is shown (at most
 * STATUS_BURST times a second). Texts are message-catalogue keys with their parameters (the three
 * common states are Node-RED's own keys). The full reason of a failure goes to the log, not here.
 */
import { CLIENT_CERT_EXPIRED, CLIENT_CERT_NOT_YET_VALID } from '../../src/dxl/client-certificate';
import {
  CONNECTION_CAUSE_KINDS,
  ConnectionCause,
  type ConnectionState,
  connectionCauseKind,
  isTlsFailure,
} from '../../src/dxl/connection-state';
import { DxlErrorCode } from '../../src/dxl/errors';
import { TieErrorCode } from '../../src/tie/errors';
import { NodeErrorCode } from './errors';
import type { NodeInstance, NodeRedApi, ShownStatus } from './node-red';
import { type UserText, userText } from './text';

/** A status as a node's activity makes it: its text a catalogue key, translated when shown. */
export interface NodeStatus extends Omit<ShownStatus, 'text'> {
  text?: UserText;
}

export const StatusText = {
  connected: userText('node-red:common.status.connected'),
  connecting: userText('node-red:common.status.connecting'),
  disconnected: userText('node-red:common.status.disconnected'),
} as const;

/** The cause a SharedConnection gives when the config node's settings cannot make a client. */
export const CONFIG_ERROR_CAUSE = 'CONFIG';

/** The cause a tie-config gives when the dxlclient.config it follows changed (nodes/tie-config/config-file-watch.ts). */
export const CONFIG_FILE_CHANGED = 'CONFIG_FILE_CHANGED';

/** Causes of the layers above the DXL connection's own (src/dxl/connection-state.ts names those). */
const OUR_CAUSES: Readonly<Record<string, string>> = {
  [CONFIG_ERROR_CAUSE]: 'configError',
  [CLIENT_CERT_EXPIRED]: 'clientCertExpired',
  [CLIENT_CERT_NOT_YET_VALID]: 'clientCertNotYetValid',
  [CONFIG_FILE_CHANGED]: 'configFileChanged',
};

/** A few words for a connection failure's cause (an OpenSSL/Node code or one of ours). */
export function shortCause(cause: string | undefined): UserText {
  if (cause === undefined) return StatusText.disconnected;
  const known = Object.hasOwn(OUR_CAUSES, cause) ? OUR_CAUSES[cause] : connectionCauseKind(cause);
  if (known !== undefined) return userText(`tie.cause.${known}`);
  if (isTlsFailure(cause)) return userText('tie.cause.tlsError');
  return userText('tie.cause.cannotConnect');
}

/** Every key shortCause can give (for the catalogue test). */
export const CAUSE_KEYS: readonly string[] = [
  ...new Set([...Object.values(OUR_CAUSES), ...CONNECTION_CAUSE_KINDS, 'tlsError', 'cannotConnect'].map((name) => `tie.cause.${name}`)),
];

function isSetupProblem(state: ConnectionState): boolean {
  const cause = state.cause ?? '';
  return (
    cause === CONFIG_ERROR_CAUSE ||
    cause === ConnectionCause.BrokerClosed ||
    cause === CLIENT_CERT_EXPIRED ||
    cause === CLIENT_CERT_NOT_YET_VALID ||
    isTlsFailure(cause)
  );
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

/** Whose requests a node makes: the words for a service's failures differ ("no TIE service", "no service"). */
export type ServiceKind = 'tie' | 'dxl';

/** The catalogue name of an error code's short status label. */
function errorLabelName(code: string, kind: ServiceKind): string {
  if (kind === 'dxl') {
    if (code === DxlErrorCode.ServiceUnavailable) return 'noDxlService';
    if (code === DxlErrorCode.ServiceOverloaded) return 'dxlOverloaded';
    if (code === DxlErrorCode.ErrorResponse) return 'errorResponse';
  }
  switch (code) {
    case DxlErrorCode.Timeout:
      return 'timeout';
    case DxlErrorCode.ServiceUnavailable:
      return 'noService';
    case DxlErrorCode.ServiceOverloaded:
      return 'overloaded';
    case DxlErrorCode.ErrorResponse:
      return 'tieError';
    case DxlErrorCode.Disconnected:
      return 'notConnected';
    case DxlErrorCode.Closed:
    case TieErrorCode.Closed:
      return 'closed';
    case DxlErrorCode.Config:
      return 'configError';
    case TieErrorCode.InvalidInput:
    case DxlErrorCode.InvalidArgument:
    case NodeErrorCode.InvalidPayload:
      return 'invalidInput';
    case NodeErrorCode.NoTopic:
      return 'noTopic';
    case NodeErrorCode.InvalidTopic:
      return 'badTopic';
    case NodeErrorCode.NoRequest:
      return 'noRequest';
    case NodeErrorCode.RequestGone:
      return 'requestGone';
    case TieErrorCode.InvalidResponse:
    case DxlErrorCode.Malformed:
      return 'badResponse';
    case NodeErrorCode.NoConfig:
      return 'noConfig';
    case NodeErrorCode.Protected:
      return 'protected';
    case TieErrorCode.WriteQueueFull:
      return 'writeQueueFull';
    case TieErrorCode.WriteRateLimited:
      return 'writeRateLimited';
    default:
      return 'error';
  }
}

/** A short label of an error code for a node status (a few words). */
export function errorStatusLabel(code: string, kind: ServiceKind = 'tie'): UserText {
  return userText(`tie.error.${errorLabelName(code, kind)}`);
}

/** What a set node's status shows of its writes. */
export interface WriteActivity {
  /** The node's writes are dry runs (its own setting or its tie-config's). */
  dryRun(): boolean;
  /** Writes waiting for the tie-config's write limit. */
  queued(): number;
}

/** How long a message's outcome (an error, a note) shows before the status is the connection's again, ms. */
export const OUTCOME_SHOWN_MS = 5000;

/** The note a write leaves: what was written, kept as the write node's status. */
export function wroteNote(trustLevel: number): UserText {
  return userText(`tie.status.wrote.${trustLevel}`);
}

/**
 * What a request node is doing, folded into its status while connected. A message's outcome shows
 * for OUTCOME_SHOWN_MS (an OutcomeFade tells the display when it is over); a write node's last
 * write ("wrote Known Malicious") stays until the next one.
 */
export class RequestActivity {
  private readonly kind: ServiceKind;
  private readonly writes: WriteActivity | undefined;
  private inFlight = 0;
  private batch: { settled: number; total: number } | undefined;
  private lastError: string | undefined;
  private lastNote: UserText | undefined;
  private lastWrite: UserText | undefined;
  private outcomeAt = -Infinity;

  constructor(kind: ServiceKind = 'tie', writes?: WriteActivity) {
    this.kind = kind;
    this.writes = writes;
  }

  started(): void {
    this.inFlight++;
  }

  progress(settled: number, total: number): void {
    this.batch = { settled, total };
  }

  /** A message that had started ended. */
  finished(outcome: MessageOutcome): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.refused(outcome);
  }

  /** A message ended without starting (refused before anything was sent): only how it ended shows. */
  refused(outcome: MessageOutcome): void {
    if (this.inFlight === 0) this.batch = undefined;
    this.lastError = outcome.errorCode;
    this.lastNote = outcome.errorCode === undefined ? outcome.note : undefined;
    this.outcomeAt = performance.now();
    if (this.writes !== undefined && outcome.wrote !== undefined) this.lastWrite = outcome.wrote;
  }

  /** Milliseconds until the outcome shown fades (0 or less: it has), or undefined when none is shown. */
  fadesInMs(now: number): number | undefined {
    if (this.lastError === undefined && this.lastNote === undefined) return undefined;
    return this.outcomeAt + OUTCOME_SHOWN_MS - now;
  }

  status(connection: ConnectionState | undefined): NodeStatus {
    const base = connectionStatus(connection);
    if (this.inFlight > 0) {
      const params: Record<string, number> = this.batch
        ? { settled: this.batch.settled, total: this.batch.total }
        : { count: this.inFlight };
      const activity = this.batch ? 'batch' : 'requesting';
      const queued = this.writes?.queued() ?? 0;
      if (connection?.status === 'connected' && queued > 0) {
        return { fill: 'blue', shape: 'ring', text: userText(`tie.status.${activity}Queued`, { ...params, queued }) };
      }
      if (connection?.status === 'connected') return { fill: 'blue', shape: 'dot', text: userText(`tie.status.${activity}`, params) };
      // Not connected: why (a failed attempt's cause) rather than that it waits, when there is a why.
      return connection?.cause === undefined ? { ...base, text: userText(`tie.status.${activity}Waiting`, params) } : base;
    }
    if (connection?.status !== 'connected') return base;
    const fresh = performance.now() - this.outcomeAt < OUTCOME_SHOWN_MS;
    if (fresh && this.lastError !== undefined) return { fill: 'red', shape: 'dot', text: errorStatusLabel(this.lastError, this.kind) };
    if (fresh && this.lastNote !== undefined)
      return { fill: this.writes?.dryRun() ? 'yellow' : 'green', shape: 'ring', text: this.lastNote };
    if (this.writes?.dryRun()) return { fill: 'yellow', shape: 'dot', text: userText('tie.status.dryRun') };
    if (this.lastWrite !== undefined) return { fill: 'green', shape: 'dot', text: this.lastWrite };
    return base;
  }
}

/** How a message ended, for the status: its error's code, or a note, and for a write what it wrote. */
export interface MessageOutcome {
  errorCode?: string;
  note?: UserText;
  wrote?: UserText;
}

/**
 * Tells a node's display when the outcome it shows has faded: one timer per node at most, made when
 * an outcome is shown and none is waiting, and set again for the rest when a later outcome came
 * meanwhile (never one per message).
 */
export class OutcomeFade {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly activity: RequestActivity,
    private readonly changed: () => void,
  ) {}

  /** An outcome was shown. */
  arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const wait = this.activity.fadesInMs(performance.now());
    if (wait === undefined) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, wait));
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    const wait = this.activity.fadesInMs(performance.now());
    if (wait === undefined) return;
    if (wait > 0) this.arm();
    else this.changed();
  }
}

/**
 * What a node that holds subscriptions has received, folded into its status while connected: an
 * event node counts events, a dxl service node the requests its registration brought.
 */
export class EventActivity {
  /** What the node counts in its status. */
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

// ---- the display ----

/** Status changes shown at once per STATUS_WINDOW_MS; more wait for the window to end. */
export const STATUS_BURST = 10;
export const STATUS_WINDOW_MS = 1000;

export type Translate = (text: UserText) => string;

export function translator(RED: Pick<NodeRedApi, '_'>): Translate {
  return (text) => (text.params === undefined ? RED._(text.key) : RED._(text.key, text.params));
}

/**
 * A status for node.status. A text without parameters goes as its key: the editor looks a status
 * text up in the node's catalogue (red.js, the "status/#" handler), so each user reads it in the
 * language of their own editor, as with Node-RED's own status keys. A text with parameters
 * ("batch 3/10") is translated here, in the runtime's language.
 */
export function shownStatus(status: NodeStatus, translate: Translate): ShownStatus {
  const shown: ShownStatus = {};
  if (status.fill !== undefined) shown.fill = status.fill;
  if (status.shape !== undefined) shown.shape = status.shape;
  if (status.text !== undefined) shown.text = status.text.params === undefined ? status.text.key : translate(status.text);
  return shown;
}

/** A node's status display: told that something changed, it shows the status when its budget allows. */
export interface StatusDisplay {
  /** Something the status is computed from changed. Cheap: computing and translating wait until the status is shown. */
  changed(): void;
}

/**
 * Shows `compute()` on the node: at once for the first STATUS_BURST changes of a window, then the
 * latest once the window ends. A node busy with thousands of messages a second thus computes,
 * translates and sends at most about STATUS_BURST statuses a second, whatever it does per message;
 * the editor hears only statuses that differ from the one shown. Nothing is shown after the node closed.
 */
export function statusDisplay(RED: Pick<NodeRedApi, '_'>, node: NodeInstance, compute: () => NodeStatus): StatusDisplay {
  const translate = translator(RED);
  let shownKey = '';
  let windowStart = -Infinity;
  let renders = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const render = (): void => {
    renders++;
    const status = shownStatus(compute(), translate);
    const key = `${status.fill ?? ''}|${status.shape ?? ''}|${status.text ?? ''}`;
    if (key === shownKey) return;
    shownKey = key;
    node.status(status);
  };
  const renderLatest = (): void => {
    timer = undefined;
    windowStart = performance.now();
    renders = 0;
    if (!closed) render();
  };
  node.on('close', () => {
    closed = true;
    clearTimeout(timer);
  });
  return {
    changed() {
      if (closed || timer !== undefined) return;
      const now = performance.now();
      if (now - windowStart >= STATUS_WINDOW_MS) {
        windowStart = now;
        renders = 0;
      }
      if (renders < STATUS_BURST) render();
      else timer = setTimeout(renderLatest, windowStart + STATUS_WINDOW_MS - now);
    },
  };
}

/** Warns once per distinct text: advice repeated for every message would drown the log. */
export function warnOnce(node: NodeInstance, translate: Translate): (text: UserText) => void {
  const said = new Set<string>();
  return (text) => {
    if (said.has(text.key)) return;
    said.add(text.key);
    node.warn(translate(text));
  };
}
