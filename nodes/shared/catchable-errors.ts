/**
 * Errors of nodes without an input message (event nodes): reported with a fresh msg so Catch
 * nodes get them. Catch nodes only listen once their flow has started, so errors found while
 * flows are starting are held until Node-RED says they have ("flows:started").
 */
import type { TieNodeError } from '../../src/flow/errors';
import type { NodeInstance, NodeMessage, NodeRedApi } from './node-red-types';

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
  report(error: TieNodeError, msg?: NodeMessage): void;
  dispose(): void;
}

export function catchableReporter(RED: NodeRedApi, node: NodeInstance): CatchableReporter {
  const tracker = trackerFor(RED.events);
  const mine = new Set<() => void>();
  let disposed = false;
  return {
    report(error, msg = {}) {
      if (disposed) return;
      const send = (): void => {
        mine.delete(send);
        if (!disposed) node.error(error, { ...msg, tieError: error.toJSON() });
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
