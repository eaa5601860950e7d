/** tie-get-reputation: reputations of a file or a certificate, keyed by provider id, with a verdict. */
import { getReputationOperation } from './kit/operations';
import type { NodeInstance, NodeRedApi } from './kit/node-red';
import { type RequestNodeDefinition, setupRequestNode } from './kit/request-node';

export = function registerTieGetReputation(RED: NodeRedApi): void {
  function TieGetReputationNode(this: NodeInstance, definition: RequestNodeDefinition): void {
    RED.nodes.createNode(this, definition);
    setupRequestNode(RED, this, definition, { operation: () => getReputationOperation });
  }
  RED.nodes.registerType('tie-get-reputation', TieGetReputationNode);
};
