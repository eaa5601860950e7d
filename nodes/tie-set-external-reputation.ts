/**
 * tie-set-external-reputation: the External provider (15) trust level of a file, by default only
 * after checking that no other provider already has a definitive reputation (the workflow of
 * https://github.com/opendxl/opendxl-tie-client-python/blob/master/sample/basic/basic_set_external_file_reputation.py).
 */
import { externalReputationOperation } from './kit/operations';
import type { NodeInstance, NodeRedApi } from './kit/node-red';
import { type WriteNodeDefinition, readWriteGuard, setupRequestNode } from './kit/request-node';
import { typedOrMsg } from './kit/input';

interface SetExternalDefinition extends WriteNodeDefinition {
  trustLevel?: string;
  trustLevelType?: string;
  fileType?: string;
  fileTypeType?: string;
  filename?: string;
  filenameType?: string;
  comment?: string;
  commentType?: string;
  /** Check the file's reputations first and skip when another provider is definitive. Default true. */
  checkFirst?: boolean;
}

export = function registerTieSetExternalReputation(RED: NodeRedApi): void {
  function TieSetExternalReputationNode(this: NodeInstance, definition: SetExternalDefinition): void {
    RED.nodes.createNode(this, definition);
    const writeGuard = readWriteGuard(RED, this, definition);
    setupRequestNode(
      RED,
      this,
      { ...definition, subject: 'file' },
      {
        operation: (d) => externalReputationOperation({ checkFirst: d.checkFirst !== false, guard: writeGuard }),
        writeGuard,
        defaults: (d) => ({
          trustLevel: typedOrMsg(d.trustLevel, d.trustLevelType, 'trustLevel'),
          fileType: typedOrMsg(d.fileType, d.fileTypeType, 'fileType'),
          filename: typedOrMsg(d.filename, d.filenameType, 'filename'),
          comment: typedOrMsg(d.comment, d.commentType, 'comment'),
        }),
      },
    );
  }
  RED.nodes.registerType('tie-set-external-reputation', TieSetExternalReputationNode);
};
