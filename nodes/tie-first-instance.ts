/** tie-first-instance: the first time a file is seen in the enterprise. */
import { firstInstanceSource } from './kit/event-sources';
import { type EventNodeDefinition, setupEventNode } from './kit/event-node';
import type { NodeInstance, NodeRedApi } from './kit/node-red';

export = function registerTieFirstInstance(RED: NodeRedApi): void {
  function TieFirstInstanceNode(this: NodeInstance, definition: EventNodeDefinition): void {
    RED.nodes.createNode(this, definition);
    setupEventNode(RED, this, definition, [firstInstanceSource]);
  }
  RED.nodes.registerType('tie-first-instance', TieFirstInstanceNode);
};
