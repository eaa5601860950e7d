/** tie-set-reputation: the Enterprise (administrator) trust level of a file or a certificate. */
import { setReputationOperation } from '../kit/operations';
import type { NodeRedApi } from '../kit/node-red';
import { registerRequestNode, writeGuardOf } from '../kit/request-node';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieSetReputation(RED: NodeRedApi): void {
  registerRequestNode(RED, TYPE, PROPERTIES, (settings) => {
    const writeGuard = writeGuardOf(settings);
    return { settings, operation: setReputationOperation(writeGuard), writeGuard };
  });
};
