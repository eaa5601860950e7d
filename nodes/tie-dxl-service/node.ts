/**
 * tie-dxl-service: offers a DXL service on the tie-config connection. Each request goes on as a
 * msg for the flow to answer with a tie-dxl-response node; one not answered in time gets an
 * error response.
 */
import { DEFAULT_SERVICE_MAX_PENDING, SETTINGS } from '../kit/settings';
import { setupServiceNode, trackFlowStops } from '../kit/service-node';
import type { NodeDefinition, NodeInstance, NodeRedApi } from '../kit/node-red';
import { readNodeProperties } from '../kit/values';
import { DEFAULT_SERVICE_TYPE, PROPERTIES, TYPE } from './properties';

export = function registerTieDxlService(RED: NodeRedApi): void {
  // A stopping service node needs to know whether its flow stops with it.
  trackFlowStops(RED);

  function TieDxlServiceNode(this: NodeInstance, definition: NodeDefinition): void {
    RED.nodes.createNode(this, definition);
    const settings = readNodeProperties(RED, this, PROPERTIES, definition);
    setupServiceNode(RED, this, settings.connection, {
      serviceType: settings.serviceType || DEFAULT_SERVICE_TYPE,
      topics: settings.topics,
      format: settings.format,
      timeoutMs: (settings.timeout ?? SETTINGS.serviceTimeout.blank) * 1000,
      maxPending: settings.maxPending ?? DEFAULT_SERVICE_MAX_PENDING,
    });
  }
  RED.nodes.registerType(TYPE, TieDxlServiceNode);
};
