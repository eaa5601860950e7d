/** tie-set-reputation: the Enterprise (administrator) trust level of a file or a certificate. */
import { setReputationOperation } from './kit/operations';
import type { NodeInstance, NodeRedApi } from './kit/node-red';
import { type WriteNodeDefinition, readWriteGuard, setupRequestNode } from './kit/request-node';
import { typedOrMsg } from './kit/input';

interface SetReputationDefinition extends WriteNodeDefinition {
  trustLevel?: string;
  trustLevelType?: string;
  filename?: string;
  filenameType?: string;
  comment?: string;
  commentType?: string;
}

export = function registerTieSetReputation(RED: NodeRedApi): void {
  function TieSetReputationNode(this: NodeInstance, definition: SetReputationDefinition): void {
    RED.nodes.createNode(this, definition);
    const writeGuard = readWriteGuard(RED, this, definition);
    setupRequestNode(RED, this, definition, {
      operation: () => setReputationOperation(writeGuard),
      writeGuard,
      defaults: (d) => ({
        trustLevel: typedOrMsg(d.trustLevel, d.trustLevelType, 'trustLevel'),
        filename: typedOrMsg(d.filename, d.filenameType, 'filename'),
        comment: typedOrMsg(d.comment, d.commentType, 'comment'),
      }),
    });
  }
  RED.nodes.registerType('tie-set-reputation', TieSetReputationNode);
};
