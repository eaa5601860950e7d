/**
 * What every node with an input shares (the TIE request nodes, dxl request, event out, response):
 * reading a TypedInput property per message, a status that shows the connection and what the node
 * is doing, and ending each message in exactly one done() or done(err), the error converted here,
 * once, to a TieNodeError with a stable `code` on msg.tieError and for Catch nodes.
 */
import { type ConfigLink, linkWithStatus } from './connection';
import { type TieNodeError, invalidInputError, toNodeError } from './errors';
import type { DoneFunction, NodeInstance, NodeMessage, NodeRedApi, SendFunction } from './node-red';
import { type MessageOutcome, OutcomeFade, RequestActivity, type ServiceKind } from './status';
import type { TypedValue } from './properties';

// ---- TypedInput properties ----
// Besides Node-RED's own types (msg, flow, global, env, json, str, num, jsonata, ...) the TIE
// editors offer select types ("tie-level", "tie-filetype") whose value is used as is.

export const LITERAL_TYPES: ReadonlySet<string> = new Set(['tie-level', 'tie-filetype']);

export type { TypedValue };

/** How a TypedInput reads in messages: "msg.payload", "flow.hashes", "env.TIE_LEVEL". */
export function typedLabel({ value, type }: TypedValue): string {
  const text = typeof value === 'string' ? value : '';
  switch (type) {
    case 'msg':
    case 'flow':
    case 'global':
    case 'env':
      return `${type}.${text}`;
    case 'json':
      return 'the JSON input';
    case 'jsonata':
      return 'the JSONata input';
    default:
      return 'the input';
  }
}

export function evaluateTyped(RED: NodeRedApi, node: NodeInstance, msg: NodeMessage, typed: TypedValue): Promise<unknown> {
  const type = typeof typed.type === 'string' && typed.type !== '' ? typed.type : 'str';
  if (LITERAL_TYPES.has(type)) return Promise.resolve(typed.value);
  // An empty number field means "not set", not 0.
  if (type === 'num' && (typed.value === '' || typed.value === undefined || typed.value === null)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(typed.value ?? '', type, node, msg, (error, value) => {
        if (error) reject(unreadable(typed, error));
        else resolve(value);
      });
    } catch (error) {
      reject(unreadable(typed, error));
    }
  });
}

function unreadable(typed: TypedValue, error: unknown): TieNodeError {
  const reason = error instanceof Error ? error.message : String(error);
  return invalidInputError(`Cannot read ${typedLabel(typed)}: ${reason}`);
}

// ---- a node's input: its status on the connection, and each message's road to its one end ----

/** One message on its way through a node, from its arrival to its one done(). */
export interface InputMessage {
  /** Its work went on the wire: counted in the status until it ends. */
  started(): void;
  /** How far its batch is. */
  progress(settled: number, total: number): void;
}

/** How a message's result goes on the msg; what it gives back is what the status shows of it (a note, what was written), if anything. */
export type PutResult<T> = (result: T) => Omit<MessageOutcome, 'errorCode'> | undefined;

export interface InputLink {
  readonly link: ConfigLink;
  /**
   * Runs one message's work and ends it (finishMessage): its result on the msg by `put`, the msg
   * on by `send`, the status told how it ended, counting it only if it had started.
   */
  run<T>(
    msg: NodeMessage,
    send: SendFunction | undefined,
    done: DoneFunction,
    work: (message: InputMessage) => Promise<T>,
    put: PutResult<T>,
  ): void;
  /** Something else the node's activity shows changed (e.g. its write queue). */
  changed(): void;
}

/** Links `node` to its tie-config: its status shows the connection and the node's requests (connection.ts, linkWithStatus). */
export function linkInputNode(
  RED: NodeRedApi,
  node: NodeInstance,
  configId: string | undefined,
  kind: ServiceKind,
  activity: RequestActivity = new RequestActivity(kind),
): InputLink {
  const { link, display } = linkWithStatus(RED, node, configId, (state) => activity.status(state));
  // A message's outcome shows for a few seconds, then the status is the connection's again.
  const fade = new OutcomeFade(activity, () => display.changed());
  node.on('close', () => fade.close());
  return {
    link,
    run(msg, send, done, work, put) {
      let started = false;
      const message: InputMessage = {
        started() {
          started = true;
          activity.started();
          display.changed();
        },
        progress(settled, total) {
          activity.progress(settled, total);
          display.changed();
        },
      };
      const ended = (outcome: MessageOutcome): void => {
        if (started) activity.finished(outcome);
        else activity.refused(outcome);
        display.changed();
        fade.arm();
      };
      finishMessage(work(message), msg, send, done, {
        succeeded: (result) => ended(put(result) ?? {}),
        failed: (failure) => ended({ errorCode: failure.code }),
      });
    },
    changed() {
      display.changed();
    },
  };
}

// ---- the end of a message ----

export interface MessageEnd<T> {
  /** Applies the result to the msg (and the node's status); may throw, which fails the message. */
  succeeded(result: T): void;
  /** The node's own bookkeeping of a failure (its status); the msg and Catch nodes are done here. */
  failed(error: TieNodeError): void;
}

/**
 * Ends a message once its work settles: exactly one done() or done(err). On success the result
 * goes on the msg and the msg on (when the node has an output); on failure the error, with its
 * stable `code`, goes on msg.tieError and to Catch nodes.
 */
export function finishMessage<T>(
  work: Promise<T>,
  msg: NodeMessage,
  send: SendFunction | undefined,
  done: DoneFunction,
  end: MessageEnd<T>,
): void {
  work.then(
    (result) => {
      // Whatever throws here (a status update during teardown, a downstream node), the message still ends once.
      try {
        end.succeeded(result);
        send?.(msg);
      } catch (error) {
        endWithError(done, msg, toNodeError(error));
        return;
      }
      try {
        done();
      } catch {
        // Node-RED could not copy the msg for a Complete node (see endWithError); it went on all the same.
      }
    },
    (error: unknown) => {
      const failure = toNodeError(error);
      try {
        msg.tieError = failure.toJSON();
        end.failed(failure);
      } finally {
        endWithError(done, msg, failure);
      }
    },
  );
}

/** What a msg keeps when Node-RED cannot copy it for Catch nodes. */
const KEPT_ON_A_MINIMAL_MSG: ReadonlySet<string> = new Set(['_msgid', 'topic', 'tieError']);

/**
 * done(err) whatever the msg holds. Node-RED copies the msg for each Catch node with a recursive
 * clone, which a msg nested a few thousand levels deep (built by a flow, or JSON from a peer)
 * overflows: the RangeError comes out of done() and, uncaught, ends the process. The message then
 * ends with a minimal msg (its id, topic and tieError: what failed is on it), the rest dropped: it
 * goes nowhere else.
 */
function endWithError(done: DoneFunction, msg: NodeMessage, failure: TieNodeError): void {
  try {
    done(failure);
    return;
  } catch {
    // Below: the msg made minimal.
  }
  for (const key of Object.keys(msg)) if (!KEPT_ON_A_MINIMAL_MSG.has(key)) delete msg[key];
  if (typeof msg.topic !== 'string') delete msg.topic;
  msg.tieError = failure.toJSON();
  try {
    done(failure);
  } catch {
    // Nothing left that Node-RED could be told with.
  }
}
