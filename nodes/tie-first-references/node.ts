/** tie-first-references: the first systems that ran a file (or a file signed with a certificate). */
import { firstReferencesOperation } from '../kit/operations';
import type { NodeRedApi } from '../kit/node-red';
import { registerRequestNode } from '../kit/request-node';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieFirstReferences(RED: NodeRedApi): void {
  registerRequestNode(RED, TYPE, PROPERTIES, (settings) => ({ settings, operation: firstReferencesOperation }));
};
