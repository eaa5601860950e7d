/**
 * tie-dxl-service: offers a DXL service on the tie-config connection. Each request goes on as a
 * msg for the flow to answer with a tie-dxl-response node; one not answered in time gets an
 * error response.
 */
import { payloadFormat } from './kit/dxl-messages';
import { DEFAULT_SERVICE_MAX_PENDING, SETTINGS } from './kit/settings';
import { nodeSetting } from './kit/values';
import type { EventNodeDefinition } from './kit/event-node';
import { setupServiceNode, trackFlowStops } from './kit/service-node';
import type { NodeInstance, NodeRedApi } from './kit/node-red';

interface DxlServiceDefinition extends EventNodeDefinition {
  serviceType?: string;
  /** Request topics, separated by commas or new lines; a trailing # takes every topic below. */
  topics?: string;
  /** How each request's payload goes in msg.payload: text (default), json or buffer. */
  format?: string;
  /** Seconds the flow has to answer. */
  timeout?: number | string;
}

/** The service type of a node whose setting is empty. */
const DEFAULT_SERVICE_TYPE = 'node-red';

export = function registerTieDxlService(RED: NodeRedApi): void {
  // A stopping service node needs to know whether its flow stops with it.
  trackFlowStops(RED);
  function TieDxlServiceNode(this: NodeInstance, definition: DxlServiceDefinition): void {
    RED.nodes.createNode(this, definition);
    setupServiceNode(RED, this, definition, {
      serviceType: definition.serviceType?.trim() || DEFAULT_SERVICE_TYPE,
      topics: definition.topics ?? '',
      format: payloadFormat(definition.format),
      timeoutMs: (nodeSetting(RED, this, 'serviceTimeout', definition.timeout) ?? SETTINGS.serviceTimeout.blank) * 1000,
      maxPending: DEFAULT_SERVICE_MAX_PENDING,
    });
  }
  RED.nodes.registerType('tie-dxl-service', TieDxlServiceNode);
};
