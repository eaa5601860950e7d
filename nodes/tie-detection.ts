/** tie-detection: detections reported by endpoints (file name, hashes, local reputation, system). */
import { detectionSource } from '../src/flow/events';
import { type EventNodeDefinition, setupEventNode } from './shared/event-node';
import type { NodeInstance, NodeRedApi } from './shared/node-red-types';

export = function registerTieDetection(RED: NodeRedApi): void {
  function TieDetectionNode(this: NodeInstance, definition: EventNodeDefinition): void {
    RED.nodes.createNode(this, definition);
    setupEventNode(RED, this, definition, [detectionSource]);
  }
  RED.nodes.registerType('tie-detection', TieDetectionNode);
};
