/** tie-detection: detections reported by endpoints (file name, hashes, local reputation, system). */
import { detectionSource } from './kit/event-sources';
import { type EventNodeDefinition, setupEventNode } from './kit/event-node';
import type { NodeInstance, NodeRedApi } from './kit/node-red';

export = function registerTieDetection(RED: NodeRedApi): void {
  function TieDetectionNode(this: NodeInstance, definition: EventNodeDefinition): void {
    RED.nodes.createNode(this, definition);
    setupEventNode(RED, this, definition, [detectionSource]);
  }
  RED.nodes.registerType('tie-detection', TieDetectionNode);
};
