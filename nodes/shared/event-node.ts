/**
 * The behaviour every event node shares: subscribe through the tie-config node's connection
 * (subscriptions are held per node id, so restarts and removals take exactly this node's away),
 * send the msg of each event its sources give, count them in the status, and report failures to
 * Catch nodes.
 */
import { toNodeError } from '../../src/flow/errors';
import type { EventMessage, EventSource } from '../../src/flow/events';
import { EventActivity, NO_CONFIG_STATUS } from '../../src/flow/status';
import { catchableReporter } from './catchable-errors';
import { linkToConfig, noConfigError } from './config-link';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './node-red-types';
import { translator } from './node-text';
import { statusSetter } from './node-status';

export interface EventNodeDefinition extends NodeDefinition {
  connection?: string;
}

export function setupEventNode(
  RED: NodeRedApi,
  node: NodeInstance,
  definition: EventNodeDefinition,
  sources: readonly EventSource[],
  counted: 'event' | 'request' = 'event',
): void {
  const translate = translator(RED);
  const setStatus = statusSetter(node, translate);
  const errors = catchableReporter(RED, node);
  const activity = new EventActivity(counted);
  const link = linkToConfig(RED, node, definition.connection, (state) => setStatus(activity.status(state)));
  const refresh = (): void => setStatus(link.connection ? activity.status(link.state) : NO_CONFIG_STATUS);
  /** Set by close: a subscription settling afterwards must not touch the node. */
  let closed = false;

  const connection = link.connection;
  if (connection === undefined) {
    setStatus(NO_CONFIG_STATUS);
    errors.report(noConfigError(translate));
  } else {
    activity.subscribing();
    let pending = sources.length;
    let failureReported = false;
    // A subscription (a service registration on a plain MQTT broker waits for its acknowledgement)
    // can outlive its node for a while: after close its messages go nowhere.
    const send = (out: EventMessage): boolean => {
      if (closed) return false;
      activity.received();
      refresh();
      node.send(out);
      return true;
    };
    for (const source of sources) {
      const listen = connection.listen(node.id, (clients) =>
        source.listen(clients, send, (error, message) => {
          errors.report(toNodeError(error), { topic: message.destinationTopic, payload: message.payload.toString('utf8') });
        }),
      );
      listen.then(
        () => {
          if (closed) return;
          if (--pending === 0) activity.subscribedNow();
          refresh();
        },
        (error: unknown) => {
          if (closed) return;
          const failure = toNodeError(error);
          activity.failed(failure.code);
          refresh();
          // One report per node: a node on two topics fails twice for one reason.
          if (failureReported) return;
          failureReported = true;
          errors.report(failure, { topic: source.topic });
        },
      );
    }
  }

  node.on('close', (removed, done) => {
    closed = true;
    errors.dispose();
    link.release(removed).then(
      () => done(),
      () => done(),
    );
  });
}
