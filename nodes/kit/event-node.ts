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
import type { NodeInstance, NodeMessage, NodeRedApi } from './node-red';
import type { ConnectionProperty, Properties, PropertyValues } from './properties';
import { registerFlowNode } from './values';
import { EventActivity, translator } from './status';
import { IntervalLog, intervalText } from '../../src/dxl/interval-log';

/**
 * Sets up a TIE event node or a dxl event in node on the tie-config `configId`: each of
 * `sources` subscribed, each event counted and sent.
 */
function setupEventNode(RED: NodeRedApi, node: NodeInstance, configId: string | undefined, sources: readonly EventSource[]): void {
  setupSubscribingNode(RED, node, configId, sources, 'event');
}

/** Registers an event node type: each node reads its declared properties and subscribes the sources they give. */
export function registerEventNode<T extends Properties & { readonly connection: ConnectionProperty }>(
  RED: NodeRedApi,
  type: string,
  properties: T,
  sources: (settings: PropertyValues<T>) => readonly EventSource[],
): void {
  registerFlowNode(RED, type, properties, (node, settings) => setupEventNode(RED, node, settings.connection, sources(settings)));
}

/** Sets up a node holding `sources`' subscriptions; its status counts what they bring (events or requests). */
export function setupSubscribingNode(
  RED: NodeRedApi,
  node: NodeInstance,
  configId: string | undefined,
  sources: readonly EventSource[],
  counted: 'event' | 'request',
): void {
  const errors = catchableReporter(RED, node);
  const activity = new EventActivity(counted);
  const { link, display } = linkWithStatus(RED, node, configId, (state) => activity.status(state));
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

/**
 * Reports to Catch nodes with a fresh msg; what no Catch node takes is logged once per interval
 * and error code with the count (IntervalLog): a peer sending thousands of malformed events costs a
 * log line a minute, while each one still reaches the Catch nodes.
 */
export function catchableReporter(RED: NodeRedApi, node: NodeInstance): CatchableReporter {
  const tracker = trackerFor(RED.events);
  const mine = new Set<() => void>();
  const uncaught = new Map<string, IntervalLog>();
  let disposed = false;
  const logUncaught = (failure: TieNodeError): void => {
    let log = uncaught.get(failure.code);
    if (log === undefined) {
      const code = failure.code;
      log = new IntervalLog(
        (line) => node.error(line),
        (count, latest, interval) =>
          interval === undefined ? latest : `${count} more ${code} error(s) in the last ${intervalText(interval)}; the latest: ${latest}`,
      );
      uncaught.set(code, log);
    }
    log.note(failure.message);
  };
  return {
    report(error, msg = {}) {
      if (disposed) return;
      const failure: TieNodeError = toNodeError(error);
      const send = (): void => {
        mine.delete(send);
        if (disposed) return;
        if (!toCatchNodes(node, failure, { ...msg, tieError: failure.toJSON() })) logUncaught(failure);
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
      for (const log of uncaught.values()) log.dispose();
      uncaught.clear();
    },
  };
}

/**
 * Hands `failure` with `msg` to the Catch nodes of the node's flow; false when none took it. Node-RED's
 * node.error(error, msg) is this and a log line when no Catch node took it; asking the flow directly
 * lets the log line be counted instead. When Node-RED cannot copy the msg (a recursive clone a msg
 * nested thousands of levels deep overflows) the Catch nodes get the msg's tieError alone.
 */
function toCatchNodes(node: NodeInstance, failure: TieNodeError, msg: NodeMessage): boolean {
  const deliver = (payload: NodeMessage): boolean => {
    const flow = node._flow;
    if (typeof flow?.handleError !== 'function') {
      node.error(failure, payload);
      return true;
    }
    return flow.handleError(node, failure, payload) === true;
  };
  try {
    return deliver(msg);
  } catch {
    try {
      return deliver({ tieError: failure.toJSON() });
    } catch {
      return false;
    }
  }
}

/** Makes sure the tracker listens before any flow starts; called when the node types register. */
export function trackFlowStarts(RED: NodeRedApi): void {
  trackerFor(RED.events);
}
