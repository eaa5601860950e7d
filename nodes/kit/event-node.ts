/**
 * The road of every node that holds subscriptions (the TIE event nodes, dxl event in, and through
 * service-node.ts the dxl service): subscribe through the tie-config node's connection
 * (subscriptions are held per node id, so restarts and removals take exactly this node's away),
 * send the msg of each event its sources give, count them in the status, and report failures to
 * Catch nodes, converted here, once, to a TieNodeError.
 */
import { linkWithStatus, noConfigError } from './connection';
import { type TieNodeError, toNodeError } from './errors';
import type { EventMessage, EventSource } from './event-sources';
import type { NodeDefinition, NodeInstance, NodeMessage, NodeRedApi } from './node-red';
import { EventActivity, translator } from './status';

export interface EventNodeDefinition extends NodeDefinition {
  connection?: string;
}

/** Sets up a TIE event node or a dxl event in node: each of `sources` subscribed, each event counted and sent. */
export function setupEventNode(
  RED: NodeRedApi,
  node: NodeInstance,
  definition: EventNodeDefinition,
  sources: readonly EventSource[],
): void {
  setupSubscribingNode(RED, node, definition, sources, 'event');
}

/** Sets up a node holding `sources`' subscriptions; its status counts what they bring (events or requests). */
export function setupSubscribingNode(
  RED: NodeRedApi,
  node: NodeInstance,
  definition: EventNodeDefinition,
  sources: readonly EventSource[],
  counted: 'event' | 'request',
): void {
  const errors = catchableReporter(RED, node);
  const activity = new EventActivity(counted);
  const { link, display } = linkWithStatus(RED, node, definition.connection, (state) => activity.status(state));
  /** Set by close: a subscription settling afterwards must not touch the node. */
  let closed = false;

  const connection = link.connection;
  if (connection === undefined) {
    errors.report(noConfigError(translator(RED)));
  } else {
    activity.subscribing();
    let pending = sources.length;
    let failureReported = false;
    // A subscription (a service registration on a plain MQTT broker waits for its acknowledgement)
    // can outlive its node for a while: after close its messages go nowhere.
    const send = (out: EventMessage): boolean => {
      if (closed) return false;
      activity.received();
      display.changed();
      node.send(out);
      return true;
    };
    // Reported once per node: a node on two topics fails (or waits) twice for one reason.
    const reportOnce = (error: unknown, topic: string): void => {
      if (failureReported) return;
      failureReported = true;
      errors.report(error, { topic });
    };
    for (const source of sources) {
      const subscribed = connection.holdSubscription(
        node.id,
        (clients) =>
          source.subscribe(clients, send, (error, message) => {
            errors.report(error, { topic: message.destinationTopic, payload: message.payload.toString('utf8') });
          }),
        // Settings that cannot make a client yet: said once; the subscription is made when they can.
        (error) => reportOnce(error, source.topic),
      );
      subscribed.then(
        () => {
          if (closed) return;
          if (--pending === 0) activity.subscribedNow();
          display.changed();
        },
        (error: unknown) => {
          if (closed) return;
          const failure = toNodeError(error);
          activity.failed(failure.code);
          display.changed();
          reportOnce(failure, source.topic);
        },
      );
    }
  }

  node.on('close', () => {
    closed = true;
    errors.dispose();
  });
}

// ---- errors without an input message ----
//
// Reported with a fresh msg so Catch nodes get them. Catch nodes only listen once their flow has
// started, so errors found while flows are starting are held until Node-RED says they have
// ("flows:started").

interface StartTracker {
  starting: boolean;
  held: Set<() => void>;
}

type Emitter = NodeRedApi['events'];

/** One tracker per runtime event emitter, whatever number of nodes: no listener pile-up. */
const trackers = new WeakMap<Emitter, StartTracker>();

function trackerFor(events: Emitter): StartTracker {
  let tracker = trackers.get(events);
  if (tracker !== undefined) return tracker;
  const created: StartTracker = { starting: true, held: new Set() };
  events.on('flows:starting', () => {
    created.starting = true;
  });
  events.on('flows:started', () => {
    created.starting = false;
    const held = [...created.held];
    created.held.clear();
    for (const send of held) send();
  });
  trackers.set(events, created);
  tracker = created;
  return tracker;
}

export interface CatchableReporter {
  /** Reports `error` (converted to a TieNodeError, if it is not one) to Catch nodes with `msg`. */
  report(error: unknown, msg?: NodeMessage): void;
  dispose(): void;
}

export function catchableReporter(RED: NodeRedApi, node: NodeInstance): CatchableReporter {
  const tracker = trackerFor(RED.events);
  const mine = new Set<() => void>();
  let disposed = false;
  return {
    report(error, msg = {}) {
      if (disposed) return;
      const failure: TieNodeError = toNodeError(error);
      const send = (): void => {
        mine.delete(send);
        if (!disposed) node.error(failure, { ...msg, tieError: failure.toJSON() });
      };
      if (!tracker.starting) {
        send();
        return;
      }
      mine.add(send);
      tracker.held.add(send);
    },
    dispose() {
      disposed = true;
      for (const send of mine) tracker.held.delete(send);
      mine.clear();
    },
  };
}

/** Makes sure the tracker listens before any flow starts; called when the node types register. */
export function trackFlowStarts(RED: NodeRedApi): void {
  trackerFor(RED.events);
}
