/** tie-first-instance: the first time a file is seen in the enterprise. */
import { firstInstanceSource } from '../kit/event-sources';
import { registerEventNode } from '../kit/event-node';
import type { NodeRedApi } from '../kit/node-red';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieFirstInstance(RED: NodeRedApi): void {
  registerEventNode(RED, TYPE, PROPERTIES, () => [firstInstanceSource]);
};
