/** tie-reputation-change: file and/or certificate reputation-change events, optionally filtered. */
import { reputationChangeSource } from '../kit/event-sources';
import type { Subject } from '../kit/items';
import { registerEventNode } from '../kit/event-node';
import type { NodeRedApi } from '../kit/node-red';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieReputationChange(RED: NodeRedApi): void {
  registerEventNode(RED, TYPE, PROPERTIES, ({ subject, filter }) => {
    const subjects: Subject[] = subject === 'both' ? ['file', 'certificate'] : [subject];
    return subjects.map((one) => reputationChangeSource(one, filter));
  });
};
