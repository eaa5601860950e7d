/**
 * tie-set-external-reputation: the External provider (15) trust level of a file, by default only
 * after checking that no other provider already has a definitive reputation (the workflow of
 * https://github.com/opendxl/opendxl-tie-client-python/blob/master/sample/basic/basic_set_external_file_reputation.py).
 */
import { externalReputationOperation } from '../kit/operations';
import type { NodeRedApi } from '../kit/node-red';
import { registerRequestNode, writeGuardOf } from '../kit/request-node';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieSetExternalReputation(RED: NodeRedApi): void {
  registerRequestNode(RED, TYPE, PROPERTIES, (read) => {
    const settings = { ...read, subject: 'file' as const };
    const writeGuard = writeGuardOf(settings);
    return { settings, operation: externalReputationOperation({ checkFirst: read.checkFirst, guard: writeGuard }), writeGuard };
  });
};
