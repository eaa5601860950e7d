/** tie-detection: detections reported by endpoints (file name, hashes, local reputation, system). */
import { detectionSource } from '../kit/event-sources';
import { registerEventNode } from '../kit/event-node';
import type { NodeRedApi } from '../kit/node-red';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDetection(RED: NodeRedApi): void {
  registerEventNode(RED, TYPE, PROPERTIES, () => [detectionSource]);
};
