/** tie-first-references: the first systems that ran a file (or a file signed with a certificate). */
import { firstReferencesOperation } from './kit/operations';
import type { NodeInstance, NodeRedApi } from './kit/node-red';
import { type RequestNodeDefinition, setupRequestNode } from './kit/request-node';
import { typedOrMsg } from './kit/input';

interface FirstReferencesDefinition extends RequestNodeDefinition {
  queryLimit?: string;
  queryLimitType?: string;
}

export = function registerTieFirstReferences(RED: NodeRedApi): void {
  function TieFirstReferencesNode(this: NodeInstance, definition: FirstReferencesDefinition): void {
    RED.nodes.createNode(this, definition);
    setupRequestNode(RED, this, definition, {
      operation: () => firstReferencesOperation,
      defaults: (d) => ({ queryLimit: typedOrMsg(d.queryLimit, d.queryLimitType, 'queryLimit') }),
    });
  }
  RED.nodes.registerType('tie-first-references', TieFirstReferencesNode);
};
