/** tie-reputation-change: file and/or certificate reputation-change events, optionally filtered. */
import { type ReputationChangeFilter, isReputationChangeFilter, reputationChangeSource } from './kit/event-sources';
import type { Subject } from './kit/items';
import { type EventNodeDefinition, setupEventNode } from './kit/event-node';
import type { NodeInstance, NodeRedApi } from './kit/node-red';

interface ReputationChangeDefinition extends EventNodeDefinition {
  /** "file", "certificate" or "both". Default "file". */
  subject?: 'file' | 'certificate' | 'both';
  filter?: ReputationChangeFilter;
}

export = function registerTieReputationChange(RED: NodeRedApi): void {
  function TieReputationChangeNode(this: NodeInstance, definition: ReputationChangeDefinition): void {
    RED.nodes.createNode(this, definition);
    const filter = isReputationChangeFilter(definition.filter) ? definition.filter : 'all';
    const subjects: Subject[] =
      definition.subject === 'both' ? ['file', 'certificate'] : [definition.subject === 'certificate' ? 'certificate' : 'file'];
    setupEventNode(
      RED,
      this,
      definition,
      subjects.map((subject) => reputationChangeSource(subject, filter)),
    );
  }
  RED.nodes.registerType('tie-reputation-change', TieReputationChangeNode);
};
