/** tie-get-reputation: reputations of a file or a certificate, keyed by provider id, with a verdict. */
import { getReputationOperation } from '../kit/operations';
import type { NodeRedApi } from '../kit/node-red';
import { registerRequestNode } from '../kit/request-node';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieGetReputation(RED: NodeRedApi): void {
  registerRequestNode(RED, TYPE, PROPERTIES, (settings) => ({ settings, operation: getReputationOperation }));
};
