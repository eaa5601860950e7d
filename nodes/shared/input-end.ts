/**
 * How every node with an input ends a message: exactly one done() or done(err). On success the
 * result goes on the msg and the msg on (when the node has an output); on failure the error,
 * with its stable `code`, goes on msg.tieError and to Catch nodes.
 */
import { type TieNodeError, toNodeError } from '../../src/flow/errors';
import type { DoneFunction, NodeMessage, SendFunction } from './node-red-types';

export interface InputEnd<T> {
  /** Applies the result to the msg (and the node's status); may throw, which fails the message. */
  succeeded(result: T): void;
  /** The node's own bookkeeping of a failure (its status); the msg and Catch nodes are done here. */
  failed(error: TieNodeError): void;
}

export function endInput<T>(
  work: Promise<T>,
  msg: NodeMessage,
  send: SendFunction | undefined,
  done: DoneFunction,
  end: InputEnd<T>,
): void {
  work.then(
    (result) => {
      // Whatever throws here (a status update during teardown, a downstream node), the message still ends once.
      try {
        end.succeeded(result);
        send?.(msg);
      } catch (error) {
        done(toNodeError(error));
        return;
      }
      done();
    },
    (error: unknown) => {
      const failure = toNodeError(error);
      try {
        msg.tieError = failure.toJSON();
        end.failed(failure);
      } finally {
        done(failure);
      }
    },
  );
}
