/** tie-detection: detections reported by endpoints (file name, hashes, local reputation, system). */
import { EVENT_TOPICS, detectionMessage } from '../src/flow/events';
import { type EventNodeDefinition, setupEventNode } from './shared/event-node';
import type { NodeInstance, NodeRedApi } from './shared/node-red-types';

export = function registerTieDetection(RED: NodeRedApi): void {
  function TieDetectionNode(this: NodeInstance, definition: EventNodeDefinition): void {
    RED.nodes.createNode(this, definition);
    setupEventNode(RED, this, definition, [{ topic: EVENT_TOPICS.detection, toMessage: detectionMessage }]);
  }
  RED.nodes.registerType('tie-detection', TieDetectionNode);
};
