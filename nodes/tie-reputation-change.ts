/** tie-reputation-change: file and/or certificate reputation-change events, optionally filtered. */
import {
  EVENT_TOPICS,
  type ReputationChangeFilter,
  decodeReputationChange,
  isReputationChangeFilter,
  passesReputationChangeFilter,
  reputationChangeMessage,
} from '../src/flow/events';
import type { Subject } from '../src/flow/items';
import { type EventNodeDefinition, type EventSource, setupEventNode } from './shared/event-node';
import type { NodeInstance, NodeRedApi } from './shared/node-red-types';

interface ReputationChangeDefinition extends EventNodeDefinition {
  /** "file", "certificate" or "both". Default "file". */
  subject?: 'file' | 'certificate' | 'both';
  filter?: ReputationChangeFilter;
}

function source(subject: Subject, filter: ReputationChangeFilter): EventSource {
  return {
    topic: EVENT_TOPICS[subject === 'file' ? 'file-reputation-change' : 'certificate-reputation-change'],
    toMessage: (message) => {
      const decoded = decodeReputationChange(message, subject);
      return passesReputationChangeFilter(filter, decoded) ? reputationChangeMessage(decoded, message) : undefined;
    },
  };
}

export = function registerTieReputationChange(RED: NodeRedApi): void {
  function TieReputationChangeNode(this: NodeInstance, definition: ReputationChangeDefinition): void {
    RED.nodes.createNode(this, definition);
    const filter = isReputationChangeFilter(definition.filter) ? definition.filter : 'all';
    const subjects: Subject[] =
      definition.subject === 'both' ? ['file', 'certificate'] : [definition.subject === 'certificate' ? 'certificate' : 'file'];
    setupEventNode(RED, this, definition, subjects.map((subject) => source(subject, filter)));
  }
  RED.nodes.registerType('tie-reputation-change', TieReputationChangeNode);
};
